"""Celery tasks of the payments: thin, idempotent wrappers around payments.services.

Tasks sent from a store run in that store's schema (tenant-schemas-celery).
``reconcile_payments`` runs periodically in the public schema (CELERY_BEAT_SCHEDULE) and sends
one ``reconcile_store_payments`` per live store from inside that store's context.
"""

from celery import shared_task

from payments.errors import ProviderUnavailable

# A webhook may race the call that created its payment: the payment is looked for again.
UNMATCHED_RETRIES = 3
UNMATCHED_RETRY_SECONDS = 10


@shared_task(
    bind=True,
    autoretry_for=(ProviderUnavailable,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=8,
)
def apply_provider_event(self, event_pk: int) -> str:
    """Apply one stored provider webhook (payments.services.apply_provider_event), once."""
    from payments import services
    from payments.models import ProviderEvent

    status = services.apply_provider_event(event_pk)
    unmatched = status in (ProviderEvent.Status.UNMATCHED, ProviderEvent.Status.WAITING)
    if unmatched and not self.request.is_eager and self.request.retries < UNMATCHED_RETRIES:
        raise self.retry(countdown=UNMATCHED_RETRY_SECONDS)
    return status


@shared_task
def reconcile_payments() -> list[str]:
    """Fan out: one ``reconcile_store_payments`` per live store. Returns their slugs."""
    from django_tenants.utils import tenant_context

    from tenants.models import Tenant

    stores = Tenant.objects.filter(status__in=Tenant.LIVE_STATUSES).exclude(schema_name="public")
    slugs = []
    for store in stores.order_by("pk"):
        with tenant_context(store):
            reconcile_store_payments.delay()
        slugs.append(store.slug)
    return slugs


@shared_task
def reconcile_store_payments(older_than_minutes: int | None = None) -> dict:
    """At one store: ask providers about payments stuck pending (payments.services.reconcile),
    then cancel the orders left unpaid too long (payments.services.release_unpaid_orders)."""
    from payments import services

    counts = services.reconcile(older_than_minutes=older_than_minutes)
    counts["orders_released"] = services.release_unpaid_orders()
    return counts
