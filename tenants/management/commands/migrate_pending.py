"""Migrate what needs it, and say so: ``make migrate`` (and so ``make run``, and a deploy) calls it.

The public schema first, then the template, then the store pool's ready schemas, then the
stores, in parallel (tenants.parallel_migrate); schemas already current are skipped in one
query. Exits with status 1, listing them, when any schema failed.
"""

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Case, IntegerField, Value, When
from django_tenants.utils import get_public_schema_name

from tenants.migration_status import schemas_behind
from tenants.models import Tenant
from tenants.parallel_migrate import migrate_schemas_in_parallel

# A progress line at most this often (and when the last schema is done).
_PROGRESS_SECONDS = 2.0


class Command(BaseCommand):
    # make run calls it on every start; the web server runs the system checks.
    requires_system_checks = []
    help = (
        "Migrate the public schema, the store template, the pool and every store, skipping "
        "the schemas whose migrations are all applied, the others in parallel."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="Worker processes (default: TENANT_MULTIPROCESSING_MAX_PROCESSES, bounded by "
            "the database's free connections).",
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        public = get_public_schema_name()
        if schemas_behind([public]):
            self.stdout.write("Migrating the platform's own tables (the public schema)...")
            call_command(
                "migrate_schemas",
                schema_name=public,
                interactive=False,
                verbosity=max(0, options["verbosity"] - 1),
            )
        stores = list(_schemas_in_migration_order(public))
        behind = schemas_behind(stores)
        if behind:
            self.stdout.write(
                f"Migrating {len(behind)} of {len(stores)} store schemas "
                "(the template first, then the pool and the stores, in parallel)..."
            )
        self._last_progress = 0.0
        report = migrate_schemas_in_parallel(
            behind,
            template=settings.STORE_TEMPLATE_SCHEMA,
            processes=options["processes"],
            on_progress=self._progress,
        )
        for outcome in report.failed:
            self.stderr.write(f"  FAILED {outcome.schema_name}: {outcome.error}")
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} of {len(behind)} store schemas failed to migrate "
                f"(listed above); the {report.done - len(report.failed)} others are migrated."
            )
        if behind:
            each = sorted(outcome.seconds for outcome in report.outcomes)
            self.stdout.write(
                f"Migrated {len(behind)} store schemas with {report.processes} process(es), "
                f"{each[len(each) // 2] * 1000:.0f} ms each (median)."
            )
        self.stdout.write(
            f"Database up to date: {len(stores) - len(behind)} of {len(stores)} store schemas "
            f"were already current ({time.monotonic() - started:.1f} s)."
        )

    def _progress(self, report) -> None:
        now = time.monotonic()
        if report.done == report.total or now - self._last_progress >= _PROGRESS_SECONDS:
            self._last_progress = now
            self.stdout.write(f"  {report.progress_line()}")


def _schemas_in_migration_order(public: str):
    """The template, the pool's ready schemas, then the stores (oldest first)."""
    first = Case(
        When(status=Tenant.Status.TEMPLATE, then=Value(0)),
        When(status=Tenant.Status.POOLED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Tenant.objects.exclude(schema_name=public)
        .order_by(first, "pk")
        .values_list("schema_name", flat=True)
    )
