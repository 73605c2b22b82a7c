"""Products for the wishlist tests, made through the catalog's services."""

from decimal import Decimal

from pricing import buyer_for
from tests.catalog.factories import product


def buyer(user):
    return buyer_for(user=user)


def variant_of(made_product):
    return made_product.variants.get()


def many_variants(count: int) -> list:
    """``count`` active products of one variant each, 3 in stock, priced 10.00 upwards."""
    return [
        variant_of(product(f"Thing {number}", price=str(Decimal(10 + number)), stock=3))
        for number in range(count)
    ]
