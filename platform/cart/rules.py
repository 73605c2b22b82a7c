"""What a cart line may hold: the variant's quantity rules, its stock, and whether the buyer's
channel sells it. Pure functions over a variant (with its product loaded): the services refuse
with them, the selectors flag with them, the merge clamps with them.

The quantity rule of a line is ``pricing.quantity_rule_for(variant, buyer)``: the variant's own
minimum, step and maximum, with a B2B buyer's price-list minimum order quantity and order
multiple on top. Callers pass it as ``rule``; without one the variant's own rule applies.
"""

from __future__ import annotations

from catalog.models import Product, ProductVariant
from pricing import Buyer, Channel, QuantityRule

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


def upper_limit(variant: ProductVariant, rule: QuantityRule | None = None) -> int:
    """The most one line may hold: the variant's maximum, its stock, the column."""
    rule = rule or QuantityRule.of_variant(variant)
    limit = MAX_QUANTITY
    if rule.maximum is not None:
        limit = min(limit, rule.maximum)
    stock = stock_limit(variant)
    if stock is not None:
        limit = min(limit, stock)
    return limit


def quantity_errors(
    variant: ProductVariant, quantity: int, rule: QuantityRule | None = None
) -> list[str]:
    """Why ``quantity`` of ``variant`` cannot be in a cart (empty: it can); ``rule`` is the
    buyer's (pricing.quantity_rule_for), the variant's own when not given."""
    errors = (rule or QuantityRule.of_variant(variant)).errors(quantity)
    if errors:
        return errors
    stock = stock_limit(variant)
    if stock is not None and quantity > stock:
        return ["Out of stock."] if stock == 0 else [f"Only {stock} left."]
    if quantity > MAX_QUANTITY:
        return [f"At most {MAX_QUANTITY}."]
    return []


def clamp(variant: ProductVariant, quantity: int, rule: QuantityRule | None = None) -> int:
    """The largest quantity the rules allow that is at most ``quantity`` (raised to the
    minimum when below it); 0 when none is allowed."""
    rule = rule or QuantityRule.of_variant(variant)
    minimum, step = rule.minimum, rule.step
    upper = min(max(quantity, minimum), upper_limit(variant, rule))
    if upper < minimum:
        return 0
    return minimum + (upper - minimum) // step * step
