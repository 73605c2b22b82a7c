"""Which schemas have migrations to apply, found without migrating them.

``migrate_schemas`` over a schema that is already current still costs seconds (Django builds the
project state and runs every post-migrate handler), so starting the platform with it over every
store does not scale. A schema is current when its ``django_migrations`` table holds every leaf
of the migration graph: Django applies a migration only after its dependencies, so the leaves
imply the rest. Every schema records every app's migrations (the router only skips the tables of
apps that do not live there), so the same leaves hold for the public schema and the stores.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.migrations.loader import MigrationLoader

# Schemas compared per query: one query covers the platform until it has more stores than this.
_SCHEMAS_PER_QUERY = 500


def migration_leaves() -> set[tuple[str, str]]:
    """The (app, migration) pairs no other migration depends on, from the code on disk."""
    return set(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())


def schemas_behind(schema_names: Iterable[str]) -> list[str]:
    """Those of ``schema_names`` (in their order) with migrations to apply.

    A schema without a ``django_migrations`` table (new and empty) is behind; one that does
    not exist is reported too, so that migrating it fails as loudly as before. Two queries,
    whatever the number of schemas (up to 500; one more per 500 after that).
    """
    names = list(dict.fromkeys(schema_names))
    if not names:
        return []
    leaves = sorted(migration_leaves())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
            "WHERE c.relname = 'django_migrations' AND c.relkind IN ('r', 'p') "
            "AND n.nspname = ANY(%s)",
            [names],
        )
        with_table = sorted(row[0] for row in cursor.fetchall())
        current = set()
        for start in range(0, len(with_table), _SCHEMAS_PER_QUERY):
            chunk = with_table[start : start + _SCHEMAS_PER_QUERY]
            current |= _schemas_with_all(cursor, chunk, leaves)
    return [name for name in names if name not in current]


def _schemas_with_all(cursor, schemas: list[str], leaves: list[tuple[str, str]]) -> set:
    values = ", ".join(["(%s, %s)"] * len(leaves))
    per_schema = " UNION ALL ".join(
        "SELECT %s AS schema_name, count(DISTINCT (m.app, m.name)) AS applied "  # noqa: S608 - a quoted identifier
        f"FROM {_quoted_identifier(schema)}.django_migrations m "
        "JOIN leaves l ON l.app = m.app AND l.name = m.name"
        for schema in schemas
    )
    cursor.execute(
        f"WITH leaves(app, name) AS (VALUES {values}) {per_schema}",
        [part for leaf in leaves for part in leaf] + list(schemas),
    )
    return {schema for schema, applied in cursor.fetchall() if applied == len(leaves)}


def _quoted_identifier(name: str) -> str:
    """``name`` as a PostgreSQL identifier, whatever it holds (quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'
