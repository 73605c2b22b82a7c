"""Rebuild the search of one store, or of every store, from its catalog.

python manage.py search_reindex [--tenant <slug>]
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from search.services import reindex_store


class Command(BaseCommand):
    help = "Rebuild the search documents (every configured backend) of one store or all stores."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tenant", help="The store's slug (default: every store).")

    def handle(self, *args, **options) -> None:
        from tenants.models import live_stores

        stores = live_stores(slug=options["tenant"])
        if options["tenant"] and not stores:
            raise CommandError(f"No store {options['tenant']!r}.")
        for store in stores:
            started = time.perf_counter()
            with schema_context(store.schema_name):
                counts = reindex_store()
            elapsed = time.perf_counter() - started
            summary = ", ".join(f"{backend}: {count}" for backend, count in counts.items())
            self.stdout.write(f"{store.slug}: {summary} documents in {elapsed:.1f} s")
