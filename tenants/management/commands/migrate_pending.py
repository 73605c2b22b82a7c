"""Migrate what needs it, and say so: ``make migrate`` (and so ``make run``) calls it."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tenants.utils import get_public_schema_name

from tenants.migration_status import schemas_behind
from tenants.models import Tenant


class Command(BaseCommand):
    # make run calls it on every start; the web server runs the system checks.
    requires_system_checks = []
    help = (
        "Migrate the public schema, the store template, the pool and every store, skipping "
        "the schemas whose migrations are all applied (migrate_schemas does each of the others)."
    )

    def handle(self, *args, **options) -> None:
        # migrate_schemas' own lines (one per migration) only when asked for with -v 2.
        self.migrate_verbosity = max(0, options["verbosity"] - 1)
        started = time.monotonic()
        public = get_public_schema_name()
        if schemas_behind([public]):
            self.stdout.write("Migrating the platform's own tables (the public schema)...")
            self._migrate(public)
        stores = list(
            Tenant.objects.exclude(schema_name=public)
            .order_by("pk")
            .values_list("schema_name", flat=True)
        )
        behind = schemas_behind(stores)
        if behind:
            self.stdout.write(
                f"Migrating {len(behind)} of {len(stores)} store schemas "
                "(the template, the pool and the stores; a few seconds each)..."
            )
        for number, schema_name in enumerate(behind, start=1):
            self.stdout.write(f"  {number}/{len(behind)} {schema_name}")
            self._migrate(schema_name)
        self.stdout.write(
            f"Database up to date: {len(stores) - len(behind)} of {len(stores)} store schemas "
            f"were already current ({time.monotonic() - started:.1f} s)."
        )

    def _migrate(self, schema_name: str) -> None:
        call_command(
            "migrate_schemas",
            schema_name=schema_name,
            interactive=False,
            verbosity=self.migrate_verbosity,
        )
