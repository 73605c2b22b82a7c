"""Domain errors of the accounts app, mapped to the API's error shape by config.api_errors."""

from rest_framework import status

from config.api_errors import DomainError


class WrongPassword(DomainError):
    code = "wrong_password"


class InvalidOneTimeCode(DomainError):
    code = "invalid_code"


class AlreadyEnrolled(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "already_enrolled"


class AlreadyMember(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "already_member"


class ApiKeyScopeNotAllowed(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"


class EmailNotVerified(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "email_not_verified"


class OwnTwoFactorMissing(DomainError):
    """Requiring two-factor of staff before enrolling oneself would lock oneself out."""

    code = "invalid"


class StaffCannotJoinCompany(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "staff_cannot_join_company"


class InvitationForAnotherEmail(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "invitation_for_another_email"


class InvitationNotFound(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"
