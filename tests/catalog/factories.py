"""Catalog data for tests, made through the catalog's own services."""

from decimal import Decimal
from itertools import count

from catalog import services
from catalog.models import Attribute, AttributeOption, Brand, Product

_numbers = count(1)


def brand(name: str = "Acme") -> Brand:
    return Brand.objects.get_or_create(
        slug=name.lower().replace(" ", "-"), defaults={"name": name}
    )[0]


def attribute(code: str, kind: str, options: list[str] = (), unit: str = "") -> Attribute:
    attr, _ = Attribute.objects.get_or_create(
        code=code, defaults={"name": code.title(), "type": kind, "unit": unit}
    )
    for position, value in enumerate(options):
        AttributeOption.objects.get_or_create(
            attribute=attr, slug=value.lower(), defaults={"value": value, "position": position}
        )
    return attr


def product(
    name: str | None = None,
    *,
    price: str = "10.00",
    stock: int = 5,
    status: str = "active",
    categories=(),
    brand_name: str | None = None,
    variants: list[dict] | None = None,
    **fields,
) -> Product:
    number = next(_numbers)
    name = name or f"Product {number}"
    variant_rows = variants or [
        {"sku": f"SKU-{number}", "price": Decimal(price), "stock_on_hand": stock}
    ]
    return services.create_product(
        data={
            "name": name,
            "status": status,
            "brand": brand(brand_name) if brand_name else None,
            **fields,
        },
        variants=variant_rows,
        categories=list(categories),
    )
