"""The template store schema: migrated like every store, cloned for every new one."""

from django.conf import settings
from django.db import connection

from tenants.models import Tenant


def ensure_template_after_public_migration(sender, schema_name: str, **kwargs) -> None:
    if schema_name == "public":
        ensure_template_tenant()


def ensure_template_tenant() -> Tenant:
    """Create the template's Tenant row and its empty schema if missing; idempotent."""
    template, _ = Tenant.objects.get_or_create(
        schema_name=settings.STORE_TEMPLATE_SCHEMA,
        defaults={
            "name": "Store template",
            "slug": settings.STORE_TEMPLATE_SCHEMA.replace("_", "-"),
            "status": Tenant.Status.TEMPLATE,
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{template.schema_name}"')
    return template
