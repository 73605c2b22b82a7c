"""A warm pool of ready store schemas, so that signup only has to rename one.

Pool entries are Tenant rows with status ``pooled`` and no domain: clones of the template made
ahead of time, in the background. Being Tenant rows, ``migrate_schemas`` migrates them with every
store, so they are always in step with the migrations. Signup takes one with
``SELECT ... FOR UPDATE SKIP LOCKED`` (concurrent signups never take the same one) and renames its
schema, which is instant, inside the signup transaction: if signup fails, the entry is back in
the pool untouched. When the pool is empty, signup clones the template itself.
"""

import secrets

from django.conf import settings
from django.db import connection, transaction

from tenants.cloning import clone_template_schema
from tenants.models import Tenant

# Serialises refills (two workers topping up at once would overfill the pool).
_REFILL_LOCK_ID = 0x6D657263  # "merc"


def take_pooled_schema(schema_name: str) -> bool:
    """Rename a ready pooled schema to ``schema_name`` in the current transaction.

    Returns False when the pool is empty. Must run inside the caller's transaction.
    """
    entry = (
        Tenant.objects.select_for_update(skip_locked=True)
        .filter(status=Tenant.Status.POOLED)
        .order_by("pk")
        .only("pk", "schema_name")
        .first()
    )
    if entry is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER SCHEMA "{entry.schema_name}" RENAME TO "{schema_name}"')
    Tenant.objects.filter(pk=entry.pk).delete()
    return True


def pool_size() -> int:
    return Tenant.objects.filter(status=Tenant.Status.POOLED).count()


def refill_pool(*, size: int | None = None) -> int:
    """Clone the template until ``size`` schemas are ready (STORE_POOL_SIZE by default).

    Each entry is made in its own transaction; returns how many were added.
    """
    target = settings.STORE_POOL_SIZE if size is None else size
    added = 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_REFILL_LOCK_ID])
                if not cursor.fetchone()[0]:
                    return added  # another refill is running
            if pool_size() >= target:
                return added
            token = secrets.token_hex(6)
            Tenant.objects.create(
                name="Pooled store",
                slug=f"pool-{token}",
                schema_name=f"pool_{token}",
                status=Tenant.Status.POOLED,
            )
            clone_template_schema(f"pool_{token}")
        added += 1
