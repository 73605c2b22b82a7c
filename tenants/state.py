"""The store lifecycle: one transition table, and the one function that applies it.

Every transition is recorded in the audit log with who (actor), when (its time), from and to.
A transition the table does not allow raises IllegalTransition (409 in the API), never does
nothing silently.
"""

from django.db import models

from tenants import audit
from tenants.errors import IllegalTransition
from tenants.models import DomainCertificate, Tenant

Status = Tenant.Status


class StoreTransition(models.TextChoices):
    SUSPEND = "suspend", "Suspend"
    REACTIVATE = "reactivate", "Reactivate"
    DELETE = "delete", "Delete"


# transition -> (the statuses it may start from, the status it leads to, its audit action)
TRANSITIONS: dict[StoreTransition, tuple[frozenset[str], str, str]] = {
    StoreTransition.SUSPEND: (frozenset({Status.ACTIVE}), Status.SUSPENDED, "store.suspended"),
    StoreTransition.REACTIVATE: (
        frozenset({Status.SUSPENDED}),
        Status.ACTIVE,
        "store.reactivated",
    ),
    StoreTransition.DELETE: (
        frozenset({Status.ACTIVE, Status.SUSPENDED}),
        Status.DELETED,
        "store.deleted",
    ),
}


def can(tenant: Tenant, transition: StoreTransition) -> bool:
    return tenant.status in TRANSITIONS[transition][0]


def apply(
    *,
    tenant: Tenant,
    transition: StoreTransition,
    actor=None,
    actor_label: str = "",
    **details,
) -> str:
    """Move ``tenant`` (locked by the caller) to its new status and record it; returns the
    status it came from. The caller saves the row (with the fields it changed besides status).

    Raises IllegalTransition when the table does not allow it from the current status.
    """
    sources, target, action = TRANSITIONS[transition]
    previous = tenant.status
    if previous not in sources:
        raise IllegalTransition(
            f"A store that is {Status(previous).label.lower()} cannot be "
            f"{_past_participle(transition)}.",
        )
    tenant.status = target
    audit.record(
        action=action,
        tenant=tenant,
        actor=actor,
        actor_label=actor_label,
        from_status=previous,
        to_status=target,
        **details,
    )
    return previous


def _past_participle(transition: StoreTransition) -> str:
    return {"suspend": "suspended", "reactivate": "reactivated", "delete": "deleted"}[transition]


# --- Custom domains' certificates (tenants.certificates) --------------------------------------

CertificateStatus = DomainCertificate.Status


class CertificateTransition(models.TextChoices):
    REQUEST = "request", "Request from ACM"
    ISSUE = "issue", "Issued by ACM"
    ATTACH = "attach", "Attach to the HTTPS listener"
    FAIL = "fail", "Fail"
    RETRY = "retry", "Request again"
    RELEASE = "release", "Release"


# transition -> (the statuses it may start from, the status it leads to, its audit action)
CERTIFICATE_TRANSITIONS: dict[CertificateTransition, tuple[frozenset[str], str, str]] = {
    CertificateTransition.REQUEST: (
        frozenset({CertificateStatus.REQUESTED}),
        CertificateStatus.PENDING_VALIDATION,
        "domain.certificate_requested",
    ),
    CertificateTransition.ISSUE: (
        frozenset({CertificateStatus.PENDING_VALIDATION}),
        CertificateStatus.ISSUED,
        "domain.certificate_issued",
    ),
    CertificateTransition.ATTACH: (
        frozenset({CertificateStatus.ISSUED}),
        CertificateStatus.ATTACHED,
        "domain.certificate_attached",
    ),
    CertificateTransition.FAIL: (
        frozenset({CertificateStatus.REQUESTED, CertificateStatus.PENDING_VALIDATION}),
        CertificateStatus.FAILED,
        "domain.certificate_failed",
    ),
    CertificateTransition.RETRY: (
        frozenset({CertificateStatus.FAILED}),
        CertificateStatus.REQUESTED,
        "domain.certificate_retried",
    ),
    CertificateTransition.RELEASE: (
        frozenset(
            {
                CertificateStatus.REQUESTED,
                CertificateStatus.PENDING_VALIDATION,
                CertificateStatus.ISSUED,
                CertificateStatus.ATTACHED,
                CertificateStatus.FAILED,
            }
        ),
        CertificateStatus.RELEASED,
        "domain.certificate_released",
    ),
}


def apply_certificate(
    *, certificate: DomainCertificate, transition: CertificateTransition, **details
) -> str:
    """Move ``certificate`` (locked by the caller) to its new status and record it; returns the
    status it came from. The caller saves the row. IllegalTransition when not allowed."""
    sources, target, action = CERTIFICATE_TRANSITIONS[transition]
    previous = certificate.status
    if previous not in sources:
        raise IllegalTransition(
            f"A certificate that is {CertificateStatus(previous).label.lower()} cannot be "
            f"moved by '{transition.label}'.",
        )
    certificate.status = target
    audit.record(
        action=action,
        tenant=certificate.tenant,
        domain=certificate.hostname,
        from_status=previous,
        to_status=target,
        **details,
    )
    return previous
