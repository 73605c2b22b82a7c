"""The store a host name routes to: the one lookup every request of a store pays first.

It runs as one SQL statement written once per process (tenant and plan columns, joined to the
verified domain), and the rows become model instances directly: the same query built with the
ORM spent more time being compiled and cloned than PostgreSQL spent answering it, and on a
cached storefront page this lookup is most of the request's time.
"""

from functools import cache

from django.db import connection
from django_tenants.utils import get_public_schema_name

from tenants.models import Domain, Plan, Tenant


@cache
def _statement() -> tuple[str, list[str], list[str]]:
    tenant_columns = [field.column for field in Tenant._meta.concrete_fields]
    plan_columns = [field.column for field in Plan._meta.concrete_fields]
    select = ", ".join(
        [f't."{column}"' for column in tenant_columns]
        + [f'p."{column}"' for column in plan_columns]
    )
    domain_tenant = Domain._meta.get_field("tenant").column
    public = get_public_schema_name()
    # Identifiers come from the models' metadata; the only values are the query's parameters.
    # Tables named with their schema: the statement reads the public schema whatever the
    # connection's search path (the previous request's store, see tenants.middleware).
    sql = (
        f'SELECT {select} FROM "{public}".{Tenant._meta.db_table} t '  # noqa: S608
        f'JOIN "{public}".{Domain._meta.db_table} d ON d.{domain_tenant} = t.id '
        f'LEFT JOIN "{public}".{Plan._meta.db_table} p '
        f"ON p.id = t.{Tenant._meta.get_field('plan').column} "
        "WHERE d.domain = %s AND d.is_verified AND t.status = ANY(%s) "
        "ORDER BY t.id LIMIT 1"
    )
    tenant_names = [field.attname for field in Tenant._meta.concrete_fields]
    plan_names = [field.attname for field in Plan._meta.concrete_fields]
    return sql, tenant_names, plan_names


def live_store_for_host(hostname: str) -> Tenant | None:
    """The live (active or suspended) store whose verified domain is ``hostname``, with its
    plan loaded, or None. Reads only the public schema, under any search path."""
    sql, tenant_names, plan_names = _statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [hostname, list(Tenant.LIVE_STATUSES)])
        row = cursor.fetchone()
    if row is None:
        return None
    tenant = Tenant.from_db(connection.alias, tenant_names, row[: len(tenant_names)])
    plan_row = row[len(tenant_names) :]
    plan = Plan.from_db(connection.alias, plan_names, plan_row) if plan_row[0] is not None else None
    Tenant._meta.get_field("plan").set_cached_value(tenant, plan)
    return tenant
