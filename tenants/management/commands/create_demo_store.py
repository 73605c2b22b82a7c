"""Create the demo store (idempotent): ``make run`` calls it on every start."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from b2b.companies.demo import DEMO_API_KEY_SECRET, set_up_demo_company
from b2b.pricing.demo import set_up_demo_price_list
from catalog.models import Product
from orders import selectors as order_selectors
from orders import services as order_services
from payments.demo import set_up_demo_payments
from shipping.demo import seed_demo_shipping
from storefront_cms.demo import compose_demo_storefront
from taxes.demo import set_up_demo_taxes
from tenants.models import Plan, Tenant
from tenants.services import provision_store

DEMO_PASSWORD = "mercato-demo"  # noqa: S105 - development only, refused when DEBUG is off


class Command(BaseCommand):
    # make run calls it on every start; the web server runs the system checks.
    requires_system_checks = []
    help = (
        "Create the demo store at demo.<PLATFORM_DOMAIN> with its owner and the demo catalog, "
        "unless it exists."
    )

    def handle(self, *args, **options) -> None:
        store = Tenant.objects.filter(slug="demo").first()
        if store is None:
            self.stdout.write("Creating the demo store...")
            # Known logins only on development machines.
            owner_password = DEMO_PASSWORD if settings.DEBUG else None
            store = provision_store(
                name="Demo Store",
                slug="demo",
                plan=Plan.objects.filter(code="pro").first(),
                plan_is_complimentary=True,  # a demo has no subscription to pay
                owner_email="owner@example.com",
                owner_password=owner_password,
            )
            self.stdout.write(f"Created the demo store at {store.url}")
        else:
            self.stdout.write(f"The demo store exists at {store.url}; left as it is.")
        if settings.DEBUG:
            self._ensure_platform_admin("admin@example.com")
        with schema_context(store.schema_name):
            seeded = False
            if not Product.objects.exists():  # else seeded by an earlier start
                self.stdout.write("Seeding the demo catalog (products, pictures, renditions)...")
                call_command("seed_demo_catalog")
                seeded = True
            # Once: a home page composed earlier (or edited by someone since) is left alone.
            if compose_demo_storefront():
                self.stdout.write("Composed the demo's home page, content pages and theme.")
            if set_up_demo_taxes():
                self.stdout.write("Added the demo's tax rates (California sales tax).")
            if seed_demo_shipping():
                self.stdout.write("Added the demo's delivery: US rates, pickup, international.")
            if set_up_demo_payments():
                self.stdout.write("Enabled cash on delivery (no fee, up to 500) and invoice.")
            # A new demo gets it at provisioning (orders.services); a demo made before that,
            # or one whose address was emptied, gets it back: its orders should reach someone.
            if store.owner_email and not order_selectors.staff_notification_email():
                order_services.set_staff_notification_email(
                    email=store.owner_email, actor_label="create_demo_store"
                )
                self.stdout.write(f"New-order emails go to {store.owner_email}.")
            # Known logins and a known API key only on development machines.
            if settings.DEBUG and set_up_demo_company(password=DEMO_PASSWORD):
                self.stdout.write(
                    "Added the demo company (Demo Trading Co., net 30): company-admin@, "
                    f"approver@ and buyer@example.com sign in with {DEMO_PASSWORD}; its API "
                    f"key is {DEMO_API_KEY_SECRET}"
                )
            if set_up_demo_price_list():
                self.stdout.write("Added the demo's B2B price list for its companies.")
        if seeded:
            # Indexed now, not by the worker the seed's event queues work for: the store is
            # searchable as soon as `make run` prints its URL.
            self.stdout.write("Indexing the demo catalog for search...")
            call_command("search_reindex", tenant=store.slug)

    def _ensure_platform_admin(self, email: str) -> None:
        from allauth.account.models import EmailAddress

        User = get_user_model()
        with schema_context("public"):
            if User.objects.filter(email=email).exists():
                return
            admin = User.objects.create_superuser(email, email, DEMO_PASSWORD)
            # Verified, so that allauth's login (where two-factor happens) accepts it.
            EmailAddress.objects.create(user=admin, email=email, primary=True, verified=True)
