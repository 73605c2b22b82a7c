"""The store a host name routes to: the one lookup every request of a store pays first.

It runs as one SQL statement written once per process (tenant and plan columns, joined to the
verified domain), and the rows become model instances directly: the same query built with the
ORM spent more time being compiled and cloned than PostgreSQL spent answering it, and on a
cached storefront page this lookup is most of the request's time.
"""

from functools import cache

from django.db import connection
from django_tenants.utils import get_public_schema_name

from config.rows import Columns
from tenants.models import Domain, Plan, Tenant

TENANT = Columns(Tenant, [field.attname for field in Tenant._meta.concrete_fields], "t")
PLAN = Columns(Plan, [field.attname for field in Plan._meta.concrete_fields], "p")


@cache
def _statement() -> str:
    domain_tenant = Domain._meta.get_field("tenant").column
    public = get_public_schema_name()
    # Identifiers come from the models' metadata; the only values are the query's parameters.
    # Tables named with their schema: the statement reads the public schema whatever the
    # connection's search path (the previous request's store, see tenants.middleware).
    return (
        f'SELECT {TENANT.sql}, {PLAN.sql} FROM "{public}".{Tenant._meta.db_table} t '  # noqa: S608
        f'JOIN "{public}".{Domain._meta.db_table} d ON d.{domain_tenant} = t.id '
        f'LEFT JOIN "{public}".{Plan._meta.db_table} p '
        f"ON p.id = t.{Tenant._meta.get_field('plan').column} "
        "WHERE d.domain = %s AND d.is_verified AND t.status = ANY(%s) "
        "ORDER BY t.id LIMIT 1"
    )


def live_store_for_host(hostname: str) -> Tenant | None:
    """The live (active or suspended) store whose verified domain is ``hostname``, with its
    plan loaded, or None. Reads only the public schema, under any search path."""
    with connection.cursor() as cursor:
        cursor.execute(_statement(), [hostname, list(Tenant.LIVE_STATUSES)])
        row = cursor.fetchone()
    if row is None:
        return None
    tenant = TENANT.instance(row)
    Tenant._meta.get_field("plan").set_cached_value(tenant, PLAN.instance(row, TENANT.width))
    return tenant
