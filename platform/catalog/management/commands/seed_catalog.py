"""Fill a store with a realistic catalog, fast (bulk inserts): for demos and benchmarks.

python manage.py seed_catalog --store demo --variants 100000
"""

import random
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.text import slugify
from django_tenants.utils import schema_context

from catalog import services
from catalog.models import (
    Attribute,
    AttributeOption,
    AttributeValue,
    Brand,
    Category,
    Product,
    ProductVariant,
)
from catalog.summaries import refresh_product_summaries

DEPARTMENTS = {
    "Clothing": ["Shirts", "Trousers", "Jackets", "Shoes"],
    "Home": ["Lighting", "Kitchen", "Textiles", "Furniture"],
    "Electronics": ["Phones", "Laptops", "Audio", "Cameras"],
    "Garden": ["Tools", "Plants", "Outdoor furniture"],
    "Sports": ["Cycling", "Running", "Camping"],
}
ADJECTIVES = ["Classic", "Urban", "Nordic", "Compact", "Deluxe", "Eco", "Vintage", "Smart", "Pro"]
NOUNS = ["Lamp", "Jacket", "Phone", "Kettle", "Chair", "Backpack", "Speaker", "Shirt", "Tent"]
COLOURS = ["Black", "White", "Red", "Blue", "Green", "Grey"]
SIZES = ["XS", "S", "M", "L", "XL"]


class Command(BaseCommand):
    help = "Seed the store's catalog with generated products and variants."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--store", help="The store's slug (default: the current schema).")
        parser.add_argument("--variants", type=int, help="Total variants (sets --products).")
        parser.add_argument("--products", type=int, default=100)
        parser.add_argument("--variants-per-product", type=int, default=4)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if seeded.")
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, **options) -> None:
        if options["store"]:
            from tenants.models import Tenant

            tenant = Tenant.objects.filter(slug=options["store"]).first()
            if tenant is None:
                raise CommandError(f"No store {options['store']!r}.")
            with schema_context(tenant.schema_name):
                self._seed(options)
        else:
            if connection.schema_name == "public":
                raise CommandError("Give --store <slug>: the catalog belongs to a store.")
            self._seed(options)

    def _seed(self, options) -> None:
        if options["if_empty"] and Product.objects.exists():
            return
        per_product = max(1, options["variants_per_product"])
        products = options["products"]
        if options["variants"]:
            products = max(1, options["variants"] // per_product)
        rng = random.Random(options["seed"])  # noqa: S311 - demo data, reproducible by seed
        with transaction.atomic():
            leaves = _categories()
            brands = _brands()
            colour, options_by_slug = _colour_attribute()
            created = self._products(rng, products, per_product, leaves, brands)
            _colour_values(rng, created, colour, options_by_slug)
            # Fresh statistics, so the planner sees the bulk-loaded rows at once (the summary
            # refresh included: planned for empty tables, it would scan them per product).
            _analyze()
            ids = [product.pk for product in created]
            for start in range(0, len(ids), 5000):
                refresh_product_summaries(ids[start : start + 5000])
        # Leave the tables as autovacuum would, soon after: visibility map set, fresh statistics.
        _analyze(vacuum=not connection.in_atomic_block)
        self.stdout.write(
            f"Seeded {len(created)} products with {len(created) * per_product} variants."
        )

    def _products(self, rng, count, per_product, leaves, brands) -> list[Product]:
        offset = Product.objects.count()
        created: list[Product] = []
        for start in range(0, count, 2000):
            batch = []
            for number in range(offset + start, offset + min(start + 2000, count)):
                name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {number:06d}"
                batch.append(
                    Product(
                        name=name,
                        slug=slugify(name),
                        description=f"<p>{name}: a product generated for demos.</p>",
                        brand=rng.choice(brands),
                        status=Product.Status.ACTIVE,
                        visible_b2c=rng.random() > 0.05,
                        visible_b2b=True,
                    )
                )
            batch = Product.objects.bulk_create(batch)
            links = [
                Product.categories.through(product_id=product.pk, category_id=rng.choice(leaves).pk)
                for product in batch
            ]
            Product.categories.through.objects.bulk_create(links)
            variants = [
                ProductVariant(
                    product=product,
                    sku=f"SEED-{product.pk}-{index}",
                    name=SIZES[index % len(SIZES)],
                    options={"size": SIZES[index % len(SIZES)]},
                    price=Decimal(rng.randint(500, 50000)) / 100,
                    b2b_price=None,
                    stock_on_hand=rng.choice([0, 0, 3, 10, 25, 100]),
                    position=index,
                )
                for product in batch
                for index in range(per_product)
            ]
            ProductVariant.objects.bulk_create(variants, batch_size=5000)
            created.extend(batch)
        return created


def _categories() -> list[Category]:
    leaves = []
    for department, children in DEPARTMENTS.items():
        parent = Category.objects.filter(slug=slugify(department)).first()
        parent = parent or services.create_category(name=department)
        for child in children:
            existing = Category.objects.filter(slug=slugify(child)).first()
            leaves.append(existing or services.create_category(name=child, parent=parent))
    return leaves


def _analyze(*, vacuum: bool = False) -> None:
    command = "VACUUM (ANALYZE)" if vacuum else "ANALYZE"
    with connection.cursor() as cursor:
        for table in (
            "catalog_category",
            "catalog_brand",
            "catalog_attribute",
            "catalog_attributeoption",
            "catalog_product",
            "catalog_productvariant",
            "catalog_product_categories",
            "catalog_productimage",
            "catalog_attributevalue",
            "catalog_attributevalue_options",
        ):
            cursor.execute(f"{command} {table}")


def _brands() -> list[Brand]:
    names = ["Acme", "Lumen", "Nordica", "Verde", "Kestrel", "Orbit", "Atlas", "Fjord"]
    return [Brand.objects.get_or_create(slug=slugify(n), defaults={"name": n})[0] for n in names]


def _colour_attribute():
    colour, _ = Attribute.objects.get_or_create(
        code="colour", defaults={"name": "Colour", "type": Attribute.Type.CHOICE}
    )
    options = {}
    for position, value in enumerate(COLOURS):
        option, _ = AttributeOption.objects.get_or_create(
            attribute=colour, slug=slugify(value), defaults={"value": value, "position": position}
        )
        options[option.slug] = option
    return colour, options


def _colour_values(rng, products, colour, options_by_slug) -> None:
    values = AttributeValue.objects.bulk_create(
        [AttributeValue(attribute=colour, product=product) for product in products],
        batch_size=5000,
    )
    choices = list(options_by_slug.values())
    through = AttributeValue.options.through
    through.objects.bulk_create(
        [
            through(attributevalue_id=value.pk, attributeoption_id=rng.choice(choices).pk)
            for value in values
        ],
        batch_size=5000,
    )
