"""Celery tasks of the orders: thin, idempotent wrappers.

Tasks sent from a store run in that store's schema (tenant-schemas-celery).
``release_expired_stock_reservations`` runs periodically in the public schema
(CELERY_BEAT_SCHEDULE) and sends one ``release_store_reservations`` per live store from inside
that store's context.
"""

from celery import shared_task


@shared_task
def send_order_email(order_id: int, kind: str, key: str = "") -> bool:
    """Send one order email (once: see orders.emails)."""
    from orders.emails import send_order_email as send

    return send(order_id=order_id, kind=kind, key=key)


@shared_task
def release_expired_stock_reservations() -> list[str]:
    """Fan out: one ``release_store_reservations`` per live store. Returns their slugs."""
    from django_tenants.utils import tenant_context

    from tenants.models import Tenant

    stores = Tenant.objects.filter(status__in=Tenant.LIVE_STATUSES).exclude(schema_name="public")
    slugs = []
    for store in stores.order_by("pk"):
        with tenant_context(store):
            release_store_reservations.delay()
        slugs.append(store.slug)
    return slugs


@shared_task
def release_store_reservations() -> int:
    """At one store: give back the stock of expired reservations (units released)."""
    from orders.actions import release_expired_reservations

    return release_expired_reservations()
