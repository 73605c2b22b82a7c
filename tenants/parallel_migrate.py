"""Migrate thousands of store schemas in a deploy: in parallel, template first, failures listed.

``migrate_schemas`` runs Django's ``migrate`` once per schema, one after another. Each run loads
the migration graph, rebuilds the project state from every applied migration, renders every
model (twice: once for the operations, once for ``post_migrate``) and runs the ``post_migrate``
handlers: seconds per schema before the first ``ALTER TABLE``, hours for thousands of stores.
Here:

* schemas already current are skipped in one query (:mod:`tenants.migration_status`);
* the template schema is migrated first, alone, by ``migrate_schemas`` itself (so a migration
  that fails fails there, once, before any store is touched; and new stores are cloned from a
  current template), then the store pool's ready schemas, then the stores;
* the rest run in a pool of forked worker processes (one database connection each), bounded by
  ``TENANT_MULTIPROCESSING_MAX_PROCESSES`` and by the connections the server has free;
* a worker computes the plan and the project states of a migration state once, and replays
  the operations on every schema in that state (:class:`_PlanReplay`): the same
  ``database_forwards`` calls, transactions and ``django_migrations`` records as Django's
  executor, without recomputing the states per schema. A plan that creates, deletes or renames
  models (whose content types and permissions ``post_migrate`` makes) takes Django's whole
  path instead, still in parallel;
* a failing schema is reported with its error and does not stop the others; progress is
  reported as it goes ("migrated 120/1000 stores, 3 failed").
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.migrations import operations
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

# Connections left for the web and worker processes while a deploy migrates.
RESERVED_CONNECTIONS = 10
# Model-level operations: after them post_migrate must run (content types, permissions).
_NEEDS_POST_MIGRATE = (
    operations.CreateModel,
    operations.DeleteModel,
    operations.RenameModel,
    operations.AlterModelOptions,
)


@dataclass(frozen=True)
class SchemaOutcome:
    schema_name: str
    seconds: float
    error: str | None = None


@dataclass
class MigrationReport:
    total: int
    outcomes: list[SchemaOutcome] = field(default_factory=list)
    processes: int = 1

    @property
    def failed(self) -> list[SchemaOutcome]:
        return [outcome for outcome in self.outcomes if outcome.error]

    @property
    def done(self) -> int:
        return len(self.outcomes)

    def progress_line(self) -> str:
        return f"migrated {self.done}/{self.total} stores, {len(self.failed)} failed"


def migrate_schemas_in_parallel(
    schema_names: list[str],
    *,
    template: str | None = None,
    processes: int | None = None,
    on_progress: Callable[[MigrationReport], None] | None = None,
) -> MigrationReport:
    """Migrate ``schema_names`` (in their order), ``template`` first if among them.

    Returns every schema's outcome; never raises for a schema's failure. Inside a transaction
    (a test's, a caller's) everything runs in this process, on its connection.
    """
    report = MigrationReport(total=len(schema_names))
    queue = list(schema_names)
    if template in queue:
        queue.remove(template)
        _record(report, _migrate_with_django(template), on_progress)
    workers = min(processes or max_processes(), len(queue))
    if workers <= 1 or connection.in_atomic_block:
        for schema_name in queue:
            _record(report, migrate_schema(schema_name), on_progress)
        return report
    report.processes = workers
    # Forked children must not share the parent's socket: each opens its own connection.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=workers, initializer=_forget_inherited_connections) as pool:
        # Small chunks keep the queue's order (pool schemas before stores) and the progress live.
        for outcome in pool.imap_unordered(migrate_schema, queue, chunksize=4):
            _record(report, outcome, on_progress)
    return report


def max_processes() -> int:
    """The worker count: the setting, bounded by the connections the server has free."""
    wanted = int(getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 0) or os.cpu_count())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int - "
            "current_setting('superuser_reserved_connections')::int - "
            "(SELECT count(*) FROM pg_stat_activity)"
        )
        free = cursor.fetchone()[0]
    return max(1, min(wanted, free - RESERVED_CONNECTIONS))


def migrate_schema(schema_name: str) -> SchemaOutcome:
    """Apply the pending migrations of one schema; its failure is returned, not raised."""
    started = time.monotonic()
    try:
        _migrate(schema_name)
    except Exception as error:  # noqa: BLE001 - reported with the schema, the others go on
        detail = "".join(traceback.format_exception_only(error)).strip().splitlines()
        return SchemaOutcome(schema_name, time.monotonic() - started, detail[-1])
    finally:
        connection.set_schema_to_public()
    return SchemaOutcome(schema_name, time.monotonic() - started)


def _record(report, outcome, on_progress) -> None:
    report.outcomes.append(outcome)
    if on_progress is not None:
        on_progress(report)


def _forget_inherited_connections() -> None:
    for alias in connections:
        connections[alias].connection = None


def _migrate_with_django(schema_name: str) -> SchemaOutcome:
    started = time.monotonic()
    try:
        call_command(
            "migrate_schemas",
            schema_name=schema_name,
            interactive=False,
            verbosity=0,
            executor="standard",
        )
    except Exception as error:  # noqa: BLE001
        return SchemaOutcome(schema_name, time.monotonic() - started, f"{error}")
    finally:
        connection.set_schema_to_public()
    return SchemaOutcome(schema_name, time.monotonic() - started)


def _migrate(schema_name: str) -> None:
    schema_found, fingerprint = _migration_state(schema_name)
    if not schema_found:
        raise RuntimeError(f'schema "{schema_name}" does not exist')
    if fingerprint is None:
        # As django-tenants does: the recorder's table in the schema itself, not public's.
        connection.set_schema(schema_name, include_public=False)
        MigrationRecorder(connection).ensure_schema()
    connection.set_schema(schema_name)
    replay = _replays.get(fingerprint)
    if replay is None:
        replay = _PlanReplay.for_connection()
        if fingerprint is not None:
            _replays[fingerprint] = replay
    replay.apply()


def _migration_state(schema_name: str) -> tuple[bool, str | None]:
    """Whether the schema exists, and a digest of its applied migrations (None: no table).

    One query: a worker's time per schema is mostly round trips to the server.
    """
    quoted = '"' + schema_name.replace('"', '""') + '"'
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %s), "
            "to_regclass(%s) IS NOT NULL",
            [schema_name, f"{quoted}.django_migrations"],
        )
        schema_found, has_table = cursor.fetchone()
        if not has_table:
            return schema_found, None
        cursor.execute(
            "SELECT count(*) || ':' || md5(string_agg(app || '.' || name, ',' "  # noqa: S608
            f"ORDER BY app, name)) FROM {quoted}.django_migrations"
        )
        return True, cursor.fetchone()[0]


class _PlanReplay:
    """The plan from one migration state to the code's, with its states computed once.

    ``Migration.apply`` computes each operation's before and after states as it goes; they
    depend on the migration state only, never on the schema, so one worker computes them for
    its first schema in that state and replays the same ``database_forwards`` calls for the
    next ones (the schema is the connection's search path).
    """

    def __init__(self, steps, needs_django):
        self.steps = steps
        self.needs_django = needs_django

    @classmethod
    def for_connection(cls) -> _PlanReplay:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if any(backwards for _, backwards in plan):
            raise RuntimeError("the schema is ahead of the code (a backwards plan)")
        migrations = [migration for migration, _ in plan]
        needs_django = any(
            isinstance(operation, _NEEDS_POST_MIGRATE)
            for migration in migrations
            for operation in migration.operations
        )
        steps = []
        if not needs_django:
            state = executor._create_project_state(with_applied_migrations=True)
            for migration in migrations:
                operation_states = []
                for operation in migration.operations:
                    before = state.clone()
                    operation.state_forwards(migration.app_label, state)
                    operation_states.append((operation, before, state.clone()))
                steps.append((migration, operation_states))
        return cls(steps, needs_django)

    def apply(self) -> None:
        if self.needs_django:
            call_command(
                "migrate_schemas",
                schema_name=connection.schema_name,
                interactive=False,
                verbosity=0,
                executor="standard",
            )
            return
        for migration, operation_states in self.steps:
            # As MigrationExecutor.apply_migration and Migration.apply do it.
            with connection.schema_editor(atomic=migration.atomic) as editor:
                for operation, before, after in operation_states:
                    atomic_operation = operation.atomic or (
                        migration.atomic and operation.atomic is not False
                    )
                    if not editor.atomic_migration and atomic_operation:
                        with transaction.atomic(connection.alias):
                            operation.database_forwards(migration.app_label, editor, before, after)
                    else:
                        operation.database_forwards(migration.app_label, editor, before, after)
                if not editor.deferred_sql:
                    _record_applied(migration)
                    continue
            _record_applied(migration)


def _record_applied(migration) -> None:
    # MigrationRecorder.record_applied, without its check that the table exists (a query
    # listing every table of the schema, each time): _migrate made sure it does.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
            [migration.app_label, migration.name, timezone.now()],
        )


# Per process: a migration state (the digest of the applied migrations) -> its replay.
_replays: dict[str, _PlanReplay] = {}
