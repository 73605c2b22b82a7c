"""What a cart line may hold: the variant's quantity rules, its stock, and whether the buyer's
channel sells it. Pure functions over a variant (with its product loaded): the services refuse
with them, the selectors flag with them, the merge clamps with them.
"""

from __future__ import annotations

from catalog.models import Product, ProductVariant
from pricing import Buyer, Channel

MAX_LINES = 250
# The quantity column (PostgreSQL integer) holds no more.
MAX_QUANTITY = 2147483647


def is_sellable(variant: ProductVariant | None, buyer: Buyer) -> bool:
    """Whether ``buyer`` may buy ``variant`` at all: an active product of their channel."""
    if variant is None:
        return False
    product = variant.product
    if product.status != Product.Status.ACTIVE:
        return False
    if buyer.channel == Channel.B2B:
        return product.visible_b2b
    return product.visible_b2c


def stock_limit(variant: ProductVariant) -> int | None:
    """How many can be bought when backorders are denied (None: no stock limit)."""
    if variant.stock_policy != ProductVariant.StockPolicy.DENY:
        return None
    return max(variant.stock_on_hand - variant.stock_reserved, 0)


def upper_limit(variant: ProductVariant) -> int:
    """The most one line may hold: the variant's maximum, its stock, the column."""
    limit = MAX_QUANTITY
    if variant.quantity_max is not None:
        limit = min(limit, variant.quantity_max)
    stock = stock_limit(variant)
    if stock is not None:
        limit = min(limit, stock)
    return limit


def quantity_errors(variant: ProductVariant, quantity: int) -> list[str]:
    """Why ``quantity`` of ``variant`` cannot be in a cart (empty: it can)."""
    minimum, step = variant.quantity_min, variant.quantity_step
    if quantity < minimum:
        return [f"At least {minimum} must be bought."]
    if (quantity - minimum) % step:
        return [f"Sold in steps of {step} from {minimum} ({_examples(minimum, step)}…)."]
    if variant.quantity_max is not None and quantity > variant.quantity_max:
        return [f"At most {variant.quantity_max} per order."]
    stock = stock_limit(variant)
    if stock is not None and quantity > stock:
        return ["Out of stock."] if stock == 0 else [f"Only {stock} left."]
    if quantity > MAX_QUANTITY:
        return [f"At most {MAX_QUANTITY}."]
    return []


def clamp(variant: ProductVariant, quantity: int) -> int:
    """The largest quantity the rules allow that is at most ``quantity`` (raised to the
    minimum when below it); 0 when none is allowed."""
    minimum, step = variant.quantity_min, variant.quantity_step
    upper = min(max(quantity, minimum), upper_limit(variant))
    if upper < minimum:
        return 0
    return minimum + (upper - minimum) // step * step


def _examples(minimum: int, step: int) -> str:
    return ", ".join(str(minimum + step * index) for index in range(3))
