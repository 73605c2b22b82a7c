"""Cart test data: variants made by the catalog's own services."""

from decimal import Decimal
from itertools import count

from catalog import services as catalog_services
from catalog.models import ProductVariant

_numbers = count(1)


def make_variant(
    *,
    price: str = "10.00",
    stock: int = 100,
    status: str = "active",
    b2b_price: str | None = None,
    compare_at: str | None = None,
    visible_b2c: bool = True,
    visible_b2b: bool = True,
    policy: str = "deny",
    **rules,
) -> ProductVariant:
    """One active product with one variant; ``rules`` sets quantity_min/max/step."""
    number = next(_numbers)
    product = catalog_services.create_product(
        data={
            "name": f"Mug {number}",
            "status": status,
            "visible_b2c": visible_b2c,
            "visible_b2b": visible_b2b,
        },
        variants=[
            {
                "sku": f"MUG-{number}",
                "price": Decimal(price),
                "b2b_price": Decimal(b2b_price) if b2b_price else None,
                "compare_at_price": Decimal(compare_at) if compare_at else None,
                "stock_on_hand": stock,
                "stock_policy": policy,
            }
        ],
    )
    variant = product.variants.get()
    if rules:
        ProductVariant.objects.filter(pk=variant.pk).update(**rules)
        variant.refresh_from_db()
    return variant
