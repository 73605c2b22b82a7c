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


class OwnerRoleFixed(DomainError):
    """The store's owner is neither removed from the staff nor given another role, and nobody
    becomes owner through a role change (ownership is not transferred that way)."""

    status_code = status.HTTP_409_CONFLICT
    code = "owner_role_fixed"


class AlreadyStaff(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "already_staff"


class NotACustomer(DomainError):
    """Customer actions (deactivate, erase) are refused on the store's staff: remove them from
    the staff first, so that a store cannot lose its admins by a customer screen."""

    status_code = status.HTTP_409_CONFLICT
    code = "not_a_customer"


class AlreadyVerified(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "already_verified"


class InvalidStaffInvitation(DomainError):
    """The invitation's email or role is unusable (``fields`` says which)."""

    code = "invalid"


class SocialLoginInvalid(DomainError):
    """An OAuth client the store cannot use: an unsupported provider, or a client id or
    secret missing or too long (each named in ``fields``)."""

    code = "invalid"
