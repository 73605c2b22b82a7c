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
