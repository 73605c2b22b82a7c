"""Fill a store with the demo catalog (catalog.demo_catalog), unless it has products.

python manage.py seed_demo_catalog --store demo
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django_tenants.utils import schema_context

from catalog.demo_catalog import seed_demo_catalog


class Command(BaseCommand):
    help = "Seed the store's catalog with the demo products, pictures included (once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--store", help="The store's slug (default: the current schema).")

    def handle(self, *args, **options) -> None:
        if options["store"]:
            from tenants.models import Tenant

            tenant = Tenant.objects.filter(slug=options["store"]).first()
            if tenant is None:
                raise CommandError(f"No store {options['store']!r}.")
            with schema_context(tenant.schema_name):
                self._seed()
        elif connection.schema_name == "public":
            raise CommandError("Give --store <slug>: the catalog belongs to a store.")
        else:
            self._seed()

    def _seed(self) -> None:
        started = time.perf_counter()
        products = seed_demo_catalog()
        if not products:
            self.stdout.write("The store has products already; the demo catalog was not added.")
            return
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Seeded {len(products)} demo products with pictures in {elapsed:.1f} s.")
