"""`make migrate` (and so `make run`) migrates only the schemas that are behind the code."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.migration_status import migration_leaves, schemas_behind
from tenants.models import Tenant

pytestmark = pytest.mark.django_db

# A leaf whose operations touch only the public schema: in a store schema, applying it again
# only records it, so the test can take it away and let the command put it back.
SHARED_ONLY_LEAF = next(leaf for leaf in sorted(migration_leaves()) if leaf[0] == "tenants")


def _forget(schema_name: str, leaf: tuple[str, str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{schema_name}".django_migrations WHERE app = %s AND name = %s',
            list(leaf),
        )


def _store_schemas() -> list[str]:
    return list(Tenant.objects.exclude(schema_name="public").values_list("schema_name", flat=True))


def test_migrated_schemas_are_current(store_a, store_b):
    assert schemas_behind(["public", *_store_schemas()]) == []


def test_a_schema_missing_one_leaf_migration_is_behind(store_a, store_b):
    _forget("store_b", SHARED_ONLY_LEAF)
    assert schemas_behind(["public", "store_a", "store_b"]) == ["store_b"]


def test_new_and_missing_schemas_are_behind(store_a):
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "fresh_store"')
    assert schemas_behind(["store_a", "fresh_store", "no_such_schema"]) == [
        "fresh_store",
        "no_such_schema",
    ]


def test_checking_every_schema_takes_two_queries(store_a, store_b):
    schemas = ["public", *_store_schemas()]
    with CaptureQueriesContext(connection) as queries:
        schemas_behind(schemas)
    selects = [query for query in queries if not query["sql"].startswith("SET search_path")]
    assert len(selects) == 2


def test_with_nothing_to_migrate_the_command_migrates_nothing(store_a, store_b):
    output = StringIO()
    call_command("migrate_pending", stdout=output)
    stores = len(_store_schemas())
    assert output.getvalue().startswith(
        f"Database up to date: {stores} of {stores} store schemas were already current"
    )


def test_the_command_migrates_the_schemas_that_are_behind_and_says_so(store_a, store_b):
    _forget("store_a", SHARED_ONLY_LEAF)
    output = StringIO()
    call_command("migrate_pending", stdout=output)
    connection.set_schema_to_public()
    lines = output.getvalue().splitlines()
    stores = len(_store_schemas())
    assert lines[0] == (
        f"Migrating 1 of {stores} store schemas (the template first, then the pool and the "
        "stores, in parallel)..."
    )
    assert lines[1] == "  migrated 1/1 stores, 0 failed"
    assert lines[2].startswith("Migrated 1 store schemas with 1 process(es), ")
    assert lines[3].startswith(f"Database up to date: {stores - 1} of {stores} store schemas")
    assert schemas_behind(["store_a"]) == []
