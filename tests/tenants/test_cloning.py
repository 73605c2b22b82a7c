"""Stores are cloned from the template schema, and a clone is exactly a migrated schema."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from wagtail.models import Page

from tenants import cloning
from tenants.models import Tenant
from tenants.services import provision_store

STRUCTURE_QUERIES = {
    "columns": """
        SELECT table_name, column_name, data_type, is_nullable, column_default,
               character_maximum_length, numeric_precision, numeric_scale, is_identity,
               identity_generation, is_generated
        FROM information_schema.columns WHERE table_schema = %s
    """,
    "constraints": """
        SELECT rel.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)
        FROM pg_constraint con
        JOIN pg_class rel ON rel.oid = con.conrelid
        JOIN pg_namespace ns ON ns.oid = rel.relnamespace
        WHERE ns.nspname = %s
    """,
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s",
    "sequences": """
        SELECT sequencename, data_type, start_value, increment_by
        FROM pg_sequences WHERE schemaname = %s
    """,
}


def _canonical(definition: str) -> str:
    # PostgreSQL prints a partial index's "IN (...)" predicate with its casts placed
    # differently once it has been through pg_dump ("ARRAY[('a'::varchar)::text]" against
    # "ARRAY['a'::varchar]::text[]"): the same predicate, compared without casts and brackets.
    without_casts = re.sub(r"::(character varying|text)(\[\])?", "", definition)
    return re.sub(r"[()\s]", "", without_casts)


def structure(schema_name: str) -> dict[str, set]:
    """The schema's tables, columns, constraints and indexes, with its own name taken out."""
    result = {}
    with connection.cursor() as cursor:
        for kind, query in STRUCTURE_QUERIES.items():
            cursor.execute(query, [schema_name])
            result[kind] = {
                tuple(
                    str(value).replace(f'"{schema_name}".', "").replace(f"{schema_name}.", "")
                    for value in row
                )
                for row in cursor.fetchall()
            }
    result["indexes"] = {(table, name, _canonical(sql)) for table, name, sql in result["indexes"]}
    return result


@pytest.fixture
def freshly_migrated_schema(django_db_setup, django_db_blocker):
    """A schema built by running every migration, the slow way, for comparison."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute('DROP SCHEMA IF EXISTS "fresh_check" CASCADE')
            cursor.execute('CREATE SCHEMA "fresh_check"')
        call_command("migrate_schemas", schema_name="fresh_check", interactive=False, verbosity=0)
        connection.set_schema_to_public()
        yield "fresh_check"
        with connection.cursor() as cursor:
            cursor.execute('DROP SCHEMA IF EXISTS "fresh_check" CASCADE')


def test_a_cloned_store_is_structurally_identical_to_a_migrated_one(
    freshly_migrated_schema, django_db_blocker
):
    with django_db_blocker.unblock():
        migrated = structure(freshly_migrated_schema)
        cloned = structure("store_a")
    assert len(migrated["columns"]) > 300
    for kind in STRUCTURE_QUERIES:
        assert cloned[kind] == migrated[kind], kind


def test_a_clone_carries_the_template_rows_and_continues_its_sequences(store_a):
    connection.set_tenant(store_a)
    home = Page.objects.get(depth=2)
    assert home.title == "Store A"
    # The template's pages took the first ids; a new page must get a fresh one.
    child = home.add_child(instance=Page(title="About us", slug="about-us"))
    assert child.pk > home.pk
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT (SELECT count(*) FROM "store_a".django_migrations), '
            f'(SELECT count(*) FROM "{Tenant.objects.get(status="template").schema_name}"'
            ".django_migrations)"
        )
        in_store, in_template = cursor.fetchone()
    assert in_store == in_template > 50


def test_the_template_snapshot_is_retaken_when_migrations_change(db):
    before = cloning.template_snapshot()
    assert cloning.template_snapshot() is before  # reused while nothing changes
    template = Tenant.objects.get(status=Tenant.Status.TEMPLATE).schema_name
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{template}".django_migrations (app, name, applied) '
            "VALUES ('storefront_cms', '9999_pretend', now())"
        )
    after = cloning.template_snapshot()
    assert after is not before
    assert after.fingerprint != before.fingerprint


def test_provisioning_refuses_invalid_schema_names(db):
    with pytest.raises(cloning.CloneError):
        provision_store(name="Bad", slug="bad", schema_name='bad"; DROP SCHEMA public; --')
    assert not Tenant.objects.filter(slug="bad").exists()
