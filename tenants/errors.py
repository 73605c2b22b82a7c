"""Domain errors of the platform's store management (mapped by config.api_errors)."""

from rest_framework import status

from config.api_errors import DomainError


class IllegalTransition(DomainError):
    """The store's lifecycle does not allow this change from its current status."""

    status_code = status.HTTP_409_CONFLICT
    code = "illegal_transition"


class DomainNotVerified(DomainError):
    """The custom domain's DNS TXT record is not (yet) there."""

    status_code = status.HTTP_409_CONFLICT
    code = "not_verified"


class DomainClaimExpired(DomainError):
    """An unverified custom domain claim outlived CUSTOM_DOMAIN_CLAIM_HOURS."""

    status_code = status.HTTP_409_CONFLICT
    code = "claim_expired"


class DomainInUse(DomainError):
    """Another store verified this host name first."""

    status_code = status.HTTP_409_CONFLICT
    code = "domain_in_use"


class PlanLimitReached(DomainError):
    """The store's plan in force (tenants.limits) has no more of this resource."""

    status_code = status.HTTP_403_FORBIDDEN
    code = "plan_limit_reached"


class BillingUnavailable(DomainError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "billing_unavailable"


class InvalidWebhook(DomainError):
    code = "invalid_signature"


class InvalidStoreDetails(DomainError):
    """A store detail the owner entered is unusable (``fields`` says which and why)."""

    code = "invalid"


class CurrencyLocked(DomainError):
    """The store's currency cannot change any more (tenants.currency_locks: it has orders)."""

    status_code = status.HTTP_409_CONFLICT
    code = "currency_locked"


class DomainNotRemovable(DomainError):
    """The store's platform subdomain always serves it."""

    status_code = status.HTTP_409_CONFLICT
    code = "domain_not_removable"


class BackupError(Exception):
    """A store backup could not be written or restored; the message says why and what to do.

    Raised by tenants.store_backup (a support engineer's command, never an API answer).
    """


class PostgresToolMissing(BackupError):
    """No pg_dump/pg_restore of the database server's major version was found."""


class ArchiveFromNewerCode(BackupError):
    """The archive records migrations this code does not have: restore it with newer code."""
