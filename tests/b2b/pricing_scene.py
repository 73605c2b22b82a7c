"""B2B pricing test data: companies, a customer group, a small catalog (a brand, a category
under another), made through the services. Shared by the tests/b2b/test_pricing_*.py modules."""

from dataclasses import dataclass
from decimal import Decimal

from accounts import services as accounts_services
from accounts.models import Company
from b2b.pricing import services
from catalog import services as catalog_services
from catalog.models import Category, ProductVariant
from pricing import Buyer, Channel
from tests.catalog import factories
from tests.matrix import create_user


@dataclass
class PricingScene:
    acme: Company  # approved, in the "Resellers" group
    globex: Company  # another approved company, no list
    acme_buyer: object
    globex_buyer: object
    group: object
    tools: Category
    drills: Category  # under tools
    drill: ProductVariant  # product "Drill" in drills, brand Bosch: 100.00, B2B 90.00
    drill_big: ProductVariant  # a second variant of the same product: 150.00
    saw: ProductVariant  # product "Saw" in tools, brand Bosch: 50.00
    hammer: ProductVariant  # no category, brand Stanley: 20.00

    def buyer(self, company: Company | None = None) -> Buyer:
        company = company or self.acme
        return Buyer(channel=Channel.B2B, company=company)


def make_scene(prefix: str = "") -> PricingScene:
    acme_buyer = create_user(f"{prefix}buyer@acme.test")
    acme = accounts_services.create_company(name=f"{prefix}Acme", admin=acme_buyer)
    globex_buyer = create_user(f"{prefix}buyer@globex.test")
    globex = accounts_services.create_company(name=f"{prefix}Globex", admin=globex_buyer)
    group = services.create_customer_group(name=f"{prefix}Resellers", company_ids=[acme.pk])
    tools = Category.add_root(name="Tools", slug=f"{prefix}tools")
    drills = tools.add_child(name="Drills", slug=f"{prefix}drills")
    drill_product = catalog_services.create_product(
        data={
            "name": "Drill",
            "slug": f"{prefix}drill",
            "status": "active",
            "brand": factories.brand("Bosch"),
        },
        variants=[
            {
                "sku": f"{prefix}DRILL",
                "price": Decimal("100.00"),
                "b2b_price": Decimal("90.00"),
                "stock_on_hand": 1000,
            },
            {"sku": f"{prefix}DRILL-BIG", "price": Decimal("150.00"), "stock_on_hand": 1000},
        ],
        categories=[drills],
    )
    saw_product = catalog_services.create_product(
        data={
            "name": "Saw",
            "slug": f"{prefix}saw",
            "status": "active",
            "brand": factories.brand("Bosch"),
        },
        variants=[{"sku": f"{prefix}SAW", "price": Decimal("50.00"), "stock_on_hand": 1000}],
        categories=[tools],
    )
    hammer_product = catalog_services.create_product(
        data={
            "name": "Hammer",
            "slug": f"{prefix}hammer",
            "status": "active",
            "brand": factories.brand("Stanley"),
        },
        variants=[{"sku": f"{prefix}HAMMER", "price": Decimal("20.00"), "stock_on_hand": 1000}],
    )
    drill, drill_big = drill_product.variants.order_by("position", "pk")
    return PricingScene(
        acme=acme,
        globex=globex,
        acme_buyer=acme_buyer,
        globex_buyer=globex_buyer,
        group=group,
        tools=tools,
        drills=drills,
        drill=drill,
        drill_big=drill_big,
        saw=saw_product.variants.get(),
        hammer=hammer_product.variants.get(),
    )
