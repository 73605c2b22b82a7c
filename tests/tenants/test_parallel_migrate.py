"""A deploy's migrations: the template first, the others in parallel, failures listed, not fatal.

The workers are processes with connections of their own, so the schemas they migrate must be
committed: this module makes a few store schemas (cloned from the template, as the pool does;
no migrations run for them) through ``django_db_blocker`` and drops them at the end.
"""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from tenants.cloning import clone_template_schema
from tenants.migration_status import schemas_behind
from tenants.models import Tenant
from tenants.parallel_migrate import migrate_schemas_in_parallel

GOOD = ["par_one", "par_two", "par_three"]
BROKEN = "par_broken"  # a store whose schema is gone
# A store app's migration that only adds an index: taken away (index and record), the
# migration must be applied again in each schema, for real.
INDEX_MIGRATION = ("cart", "0002_line_cart_created_index")


def _index_name() -> str:
    migration = MigrationLoader(None, ignore_no_migrations=True).disk_migrations[INDEX_MIGRATION]
    return migration.operations[0].index.name


def _take_index_migration_away(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX "{schema_name}"."{_index_name()}"')
        cursor.execute(
            f'DELETE FROM "{schema_name}".django_migrations WHERE app = %s AND name = %s',
            list(INDEX_MIGRATION),
        )


def _has_index(schema_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_indexes WHERE schemaname = %s AND indexname = %s",
            [schema_name, _index_name()],
        )
        return cursor.fetchone() is not None


def _remove(schema_names) -> None:
    connection.set_schema_to_public()
    Tenant.objects.filter(schema_name__in=schema_names).delete()
    with connection.cursor() as cursor:
        for schema_name in schema_names:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')


@pytest.fixture(scope="module")
def stores(django_db_setup, django_db_blocker):
    """Three stores cloned from the template, and a store whose schema is gone (once)."""
    with django_db_blocker.unblock():
        _remove([*GOOD, BROKEN])
        for schema_name in [*GOOD, BROKEN]:
            with transaction.atomic():
                Tenant.objects.create(
                    name=schema_name, slug=schema_name.replace("_", "-"), schema_name=schema_name
                )
                if schema_name != BROKEN:
                    clone_template_schema(schema_name)
        yield
        _remove([*GOOD, BROKEN])


@pytest.fixture
def behind_stores(stores, django_db_blocker):
    """The three stores and the template missing one migration (its index dropped)."""
    with django_db_blocker.unblock():
        for schema_name in [settings.STORE_TEMPLATE_SCHEMA, *GOOD]:
            if _has_index(schema_name):
                _take_index_migration_away(schema_name)
        yield
        if not _has_index(settings.STORE_TEMPLATE_SCHEMA):  # a failed test: put it back
            call_command("migrate_schemas", schema_name=settings.STORE_TEMPLATE_SCHEMA, verbosity=0)
        connection.set_schema_to_public()


def test_the_template_goes_first_and_a_failing_store_stops_no_other(behind_stores):
    template = settings.STORE_TEMPLATE_SCHEMA
    lines = []

    report = migrate_schemas_in_parallel(
        [GOOD[0], BROKEN, template, GOOD[1], GOOD[2]],
        template=template,
        processes=2,
        on_progress=lambda report: lines.append(report.progress_line()),
    )

    assert report.processes == 2
    assert report.outcomes[0].schema_name == template
    assert report.outcomes[0].error is None
    assert [(outcome.schema_name, outcome.error) for outcome in report.failed] == [
        (BROKEN, 'RuntimeError: schema "par_broken" does not exist')
    ]
    assert sorted(outcome.schema_name for outcome in report.outcomes) == sorted(
        [template, BROKEN, *GOOD]
    )
    assert lines[0] == "migrated 1/5 stores, 0 failed"
    assert lines[-1] == "migrated 5/5 stores, 1 failed"
    assert schemas_behind([template, *GOOD]) == []
    assert all(_has_index(schema_name) for schema_name in [template, *GOOD])


def test_the_deploy_command_lists_failures_and_exits_non_zero(behind_stores):
    output, errors = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="1 of 5 store schemas failed to migrate"):
        call_command("migrate_pending", "--processes", "2", stdout=output, stderr=errors)

    assert errors.getvalue().strip() == (
        'FAILED par_broken: RuntimeError: schema "par_broken" does not exist'
    )
    assert output.getvalue().splitlines()[-1] == "  migrated 5/5 stores, 1 failed"
    assert schemas_behind([settings.STORE_TEMPLATE_SCHEMA, *GOOD]) == []
    assert _has_index(GOOD[2])
