"""Create the demo store (idempotent): ``make run`` calls it on every start."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from tenants.models import Tenant
from tenants.services import provision_store

DEMO_PASSWORD = "mercato-demo"  # noqa: S105 - development only, refused when DEBUG is off


class Command(BaseCommand):
    help = "Create the demo store at demo.<PLATFORM_DOMAIN> with its owner, unless it exists."

    def handle(self, *args, **options) -> None:
        store = Tenant.objects.filter(slug="demo").first()
        if store is None:
            store = provision_store(name="Demo Store", slug="demo")
            self.stdout.write(f"Created the demo store at {store.url}")
        else:
            self.stdout.write(f"The demo store exists at {store.url}; left as it is.")
        if settings.DEBUG:
            # Known logins only on development machines.
            self._ensure_superuser("public", "admin@example.com")
            self._ensure_superuser(store.schema_name, "owner@example.com")

    def _ensure_superuser(self, schema_name: str, email: str) -> None:
        User = get_user_model()
        with schema_context(schema_name):
            if not User.objects.filter(email=email).exists():
                User.objects.create_superuser(email.split("@")[0], email, DEMO_PASSWORD)
