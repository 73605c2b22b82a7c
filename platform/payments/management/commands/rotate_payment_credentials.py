"""Re-encrypt every store's payment credentials with the first key of MERCATO_ENCRYPTION_KEYS.

python manage.py rotate_payment_credentials [--store <slug>]

Rotation: put the new key first in MERCATO_ENCRYPTION_KEYS (keep the old one after it), deploy,
run this, then drop the old key. Values are never printed.
"""

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context


class Command(BaseCommand):
    help = "Re-encrypt stores' payment credentials with the first MERCATO_ENCRYPTION_KEYS key."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--store", help="The store's slug (default: every store).")

    def handle(self, *args, **options) -> None:
        from payments import credentials
        from tenants.models import live_stores

        stores = live_stores(slug=options["store"])
        if options["store"] and not stores:
            raise CommandError(f"No store {options['store']!r}.")
        for store in stores:
            with tenant_context(store):
                count = credentials.rotate()
            self.stdout.write(f"{store.slug}: {count} provider account(s) re-encrypted")
