"""Celery tasks of the platform: thin, idempotent wrappers around services."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from tenants.models import Tenant


@shared_task
def send_welcome_email(tenant_id: int) -> bool:
    """Welcome the owner of a new store, once: a task delivered twice sends one email.

    The store is claimed (``welcome_email_sent_at`` set where it is empty, one UPDATE) before
    sending, so of two concurrent deliveries only one sends; if sending fails the claim is
    released and a retry sends. Does nothing if the store is gone.
    """
    stores = Tenant.objects.filter(pk=tenant_id).exclude(status=Tenant.Status.DELETED)
    claimed = stores.filter(welcome_email_sent_at__isnull=True).exclude(owner_email="")
    if not claimed.update(welcome_email_sent_at=timezone.now()):
        return False
    tenant = stores.get()
    context = {"store": tenant, "admin_url": f"{tenant.url}admin/"}
    try:
        send_mail(
            subject=f"Your store {tenant.name} is open",
            message=render_to_string("tenants/email/welcome.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[tenant.owner_email],
        )
    except Exception:
        Tenant.objects.filter(pk=tenant_id).update(welcome_email_sent_at=None)
        raise
    return True


@shared_task
def suspend_stores_past_grace() -> list[str]:
    """Suspend stores whose payment grace period has ended (runs periodically)."""
    from tenants.billing import suspend_stores_past_grace as suspend

    return suspend()


@shared_task
def purge_deleted_stores() -> list[str]:
    """Drop the schemas of stores deleted longer ago than the retention period."""
    from tenants.services import purge_deleted_stores as purge

    return purge()


@shared_task
def refill_store_pool() -> int:
    """Top the warm pool of ready store schemas back up (after signups, and periodically)."""
    from tenants.pool import refill_pool

    return refill_pool()


@shared_task
def remove_expired_domain_claims() -> int:
    """Delete unverified custom domain claims older than CUSTOM_DOMAIN_CLAIM_HOURS."""
    from tenants.domains import remove_expired_claims

    return remove_expired_claims()


# --- Custom domains' certificates (tenants.certificates) ---------------------------------------


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def request_domain_certificate(self, certificate_id: int) -> str | None:
    """Ask ACM for a verified custom domain's certificate (retried on a provider error)."""
    from tenants.certificates import CertificateError, request_certificate

    try:
        certificate = request_certificate(certificate_id=certificate_id)
    except CertificateError as error:
        raise self.retry(exc=error) from error
    return certificate.status if certificate else None


@shared_task
def refresh_domain_certificates() -> int:
    """Move every certificate in progress along (validated -> attached); release orphans.
    One certificate's provider error does not stop the others; returns how many were looked at."""
    import logging

    from tenants import certificates

    if not certificates.enabled():
        return 0
    log = logging.getLogger(__name__)
    ids = certificates.pending_certificate_ids()
    for certificate_id in ids:
        try:
            certificate = certificates.refresh_certificate(certificate_id=certificate_id)
            if certificate and certificate.status == certificate.Status.REQUESTED:
                certificates.request_certificate(certificate_id=certificate_id)
        except certificates.CertificateError:
            log.warning("Certificate %s: the provider failed; next run retries", certificate_id)
    orphans = certificates.orphaned_certificate_ids()
    for certificate_id in orphans:
        try:
            certificates.release_certificate(certificate_id=certificate_id)
        except certificates.CertificateError:
            log.warning("Certificate %s: release failed; next run retries", certificate_id)
    return len(ids) + len(orphans)


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def release_domain_certificate(self, certificate_id: int) -> str | None:
    """Detach and delete the certificate of a removed custom domain."""
    from tenants.certificates import CertificateError, release_certificate

    try:
        certificate = release_certificate(certificate_id=certificate_id)
    except CertificateError as error:
        raise self.retry(exc=error) from error
    return certificate.status if certificate else None


@shared_task(ignore_result=True)
def publish_queue_depth() -> int | None:
    """Put the Celery backlog in CloudWatch (the workers' autoscaling reads it)."""
    from tenants.queue_metrics import publish_queue_depth as publish

    return publish()
