"""The template schema and every store are kept exactly in step with the migrations."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tenants.models import Tenant


def _unapplied(schema_name: str) -> list[str]:
    connection.set_schema(schema_name)
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def _tables(schema_name: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            [schema_name],
        )
        return {row[0] for row in cursor.fetchall()}


def test_template_schema_has_every_migration_applied(db):
    template = Tenant.objects.get(status=Tenant.Status.TEMPLATE)
    assert _unapplied(template.schema_name) == []


def test_stores_cloned_from_the_template_have_every_migration_applied(store_a):
    assert _unapplied(store_a.schema_name) == []


def test_a_cloned_store_has_exactly_the_template_tables(store_a):
    template = Tenant.objects.get(status=Tenant.Status.TEMPLATE)
    template_tables = _tables(template.schema_name)
    assert "wagtailcore_page" in template_tables
    assert "accounts_user" in template_tables
    assert _tables(store_a.schema_name) == template_tables
    # Platform-only tables stay in public.
    assert "tenants_tenant" not in template_tables
