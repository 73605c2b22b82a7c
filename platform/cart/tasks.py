"""Celery tasks of the carts: thin wrappers around ``cart.abandonment``.

``process_abandoned_carts`` runs periodically (CELERY_BEAT_SCHEDULE) in the public schema and
sends one ``process_store_carts`` per active store, from inside that store's context, so the
tenant-aware Celery app runs it in the store's schema; that task queues one
``send_cart_reminder`` per cart to remind, in the same schema. Every task is idempotent: a
task delivered twice marks nothing twice and sends no second email.
"""

from celery import shared_task


@shared_task
def process_abandoned_carts() -> list[str]:
    """Fan out: one ``process_store_carts`` task per active store. Returns their slugs."""
    from django_tenants.utils import tenant_context

    from tenants.models import Tenant

    stores = Tenant.objects.filter(status=Tenant.Status.ACTIVE).exclude(schema_name="public")
    slugs = []
    for store in stores.order_by("pk"):
        with tenant_context(store):
            process_store_carts.delay()
        slugs.append(store.slug)
    return slugs


@shared_task
def process_store_carts() -> dict:
    """At one store: expire stale anonymous carts, mark abandoned ones, queue the reminders."""
    from django_tenants.utils import tenant_context

    from cart.abandonment import current_store, sweep_store

    with tenant_context(current_store()):  # the store's currency for the reminders' prices
        sweep = sweep_store()
        for cart_id in sweep.reminders:
            send_cart_reminder.delay(cart_id)
    return {
        "expired": sweep.expired,
        "marked": sweep.marked,
        "unmarked": sweep.unmarked,
        "reminders": len(sweep.reminders),
    }


@shared_task
def send_cart_reminder(cart_id: int) -> bool:
    """Email the owner of an abandoned cart its one reminder (nothing if no longer due)."""
    from django_tenants.utils import tenant_context

    from cart.abandonment import current_store, send_reminder

    with tenant_context(current_store()):
        return send_reminder(cart_id=cart_id)
