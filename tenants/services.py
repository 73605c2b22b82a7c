"""Writes on stores: provisioning and lifecycle."""

import re

from django.conf import settings
from django.db import connection, transaction
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_context

from tenants.models import Domain, Tenant
from tenants.signals import store_provisioned

_SCHEMA_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class ProvisioningError(Exception):
    """A store could not be provisioned; nothing of it was kept."""


def provision_store(*, name: str, slug: str, schema_name: str | None = None) -> Tenant:
    """Create a live store at ``<slug>.<PLATFORM_DOMAIN>``, cloned from the template schema.

    Runs in one transaction: the Tenant row, its schema (tables and the template's data, its
    migration records included, so it is exactly as migrated) and its domain are created
    together, and ``store_provisioned`` receivers run inside it. Any failure leaves nothing.
    """
    schema_name = schema_name or slug.replace("-", "_")
    if not _SCHEMA_NAME.match(schema_name):
        raise ProvisioningError(f"{schema_name!r} is not a valid schema name")
    with transaction.atomic():
        tenant = Tenant.objects.create(
            name=name, slug=slug, schema_name=schema_name, status=Tenant.Status.ACTIVE
        )
        clone_template_schema(schema_name)
        Domain.objects.create(domain=tenant.primary_host, tenant=tenant, is_primary=True)
        with schema_context(schema_name):
            store_provisioned.send(sender=Tenant, tenant=tenant)
    return tenant


def clone_template_schema(schema_name: str) -> None:
    """Copy the template schema (structure and rows) into a new schema ``schema_name``."""
    if connection.schema_name != "public":
        raise ProvisioningError("stores are provisioned from the public schema")
    CloneSchema().clone_schema(
        settings.STORE_TEMPLATE_SCHEMA, schema_name, clone_mode="DATA", set_connection=False
    )
