"""Check, and repair, the product summaries the storefront reads (catalog.summaries).

python manage.py refresh_catalog_summaries [--store <slug>]

Every catalog write refreshes its products' summaries in its own transaction, so this finds
nothing to do unless rows were changed behind the catalog's back (raw SQL, a restored table).
Only out-of-date products are written, and only they are announced (search, caches).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_tenants.utils import schema_context

from catalog.events import announce_after_commit
from catalog.models import Product
from catalog.summaries import refresh_product_summaries

CHUNK = 5000


class Command(BaseCommand):
    help = "Rewrite the product summaries that no longer match their variants, images or values."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--store", help="The store's slug (default: every store).")

    def handle(self, *args, **options) -> None:
        from tenants.models import live_stores

        stores = live_stores(slug=options["store"])
        if options["store"] and not stores:
            raise CommandError(f"No store {options['store']!r}.")
        for store in stores:
            with schema_context(store.schema_name):
                checked, repaired = _repair()
            self.stdout.write(f"{store.slug}: {repaired} of {checked} products were out of date")


def _repair() -> tuple[int, int]:
    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    repaired = 0
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            stale = refresh_product_summaries(ids[start : start + CHUNK], only_stale=True)
            announce_after_commit(stale)
        repaired += len(stale)
    return len(ids), repaired
