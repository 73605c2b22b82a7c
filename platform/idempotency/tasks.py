"""Celery tasks of idempotent writes: expiry of old keys, store by store."""

from celery import shared_task
from django_tenants.utils import schema_context


@shared_task
def expire_idempotency_keys() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): send each live store its own expiry task.

    Each task runs in its store's schema (tenant-schemas-celery carries the schema sent from),
    so one slow or failing store holds up no other. Returns the number of stores sent to.
    """
    from tenants.models import live_stores

    schema_names = list(live_stores().values_list("schema_name", flat=True))
    for schema_name in schema_names:
        with schema_context(schema_name):
            expire_store_idempotency_keys.delay()
    return len(schema_names)


@shared_task
def expire_store_idempotency_keys() -> int:
    """Delete this store's keys older than IDEMPOTENCY_KEY_HOURS; idempotent (a second run
    finds nothing to delete). Returns how many were deleted."""
    from idempotency.services import delete_expired_keys

    return delete_expired_keys()
