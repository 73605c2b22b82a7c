"""Domain errors of the B2B app, mapped to the API's error shape by config.api_errors."""

from rest_framework import status

from config.api_errors import DomainError

# --- Companies (b2b.companies) ---------------------------------------------------------------


class ApplicationInvalid(DomainError):
    """A company application (or a change of a company) with invalid fields."""

    code = "invalid"


class AlreadyInCompany(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "already_member"


class StaffCannotApply(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "staff_cannot_join_company"


class IllegalCompanyTransition(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "illegal_transition"


class LastCompanyAdmin(DomainError):
    """A company always keeps an admin, who manages its members."""

    status_code = status.HTTP_409_CONFLICT
    code = "last_company_admin"


class CompanyNotApproved(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "company_not_approved"
