"""Reads of carts, priced afresh on every read.

What a line costs comes only from ``pricing.price_for(variant, buyer)`` now; its availability
from the variant and product now (``cart.rules``). Each line says what changed since it was
added: "Price changed: was $12.00, now $10.00", "Only 2 left", "Out of stock", "No longer
available". :func:`cart_view` costs one query whatever the number of lines (the lines with their
variants and products; the image comes from the product's listing summary), plus for a
company with price lists the constant few of ``pricing.prices_and_rules_for`` (the line's
quantity picks its volume break; the entries give the prices and the quantity rules).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.storage import default_storage

import money
from cart import rows, rules
from cart.models import Cart, CartLine
from pricing import Buyer, Price, buyer_for, prices_and_rules_for


@dataclass(frozen=True)
class LineView:
    variant_id: int | None
    sku: str
    product_id: int | None
    product_name: str
    product_slug: str
    variant_label: str
    image_url: str | None
    quantity: int
    unit_price: Price
    line_total: money.Money
    available: bool
    stock_available: int | None
    quantity_min: int
    quantity_max: int | None
    quantity_step: int
    notices: list[str] = field(default_factory=list)
    # Added beyond the contract: what the shopper saw when adding, and whether the buyer's
    # channel sells the variant at all (False: "No longer available").
    unit_price_at_add: Decimal | None = None
    sellable: bool = True


@dataclass(frozen=True)
class CartView:
    token: str | None
    lines: list[LineView]
    subtotal: money.Money
    item_count: int
    line_count: int
    currency: str
    notices: list[str]
    version: int = 0


def buyer_of_cart(cart: Cart) -> Buyer:
    """The buyer a cart prices for when no request says (tasks, the admin): its account's
    channel, or its API key's company."""
    if cart.api_key_id is not None:
        return buyer_for(user=cart.api_key.created_by, auth=cart.api_key)
    if cart.user_id is not None:
        return buyer_for(user=cart.user)
    return Buyer.anonymous()


def cart_view(cart: Cart | None, buyer: Buyer, *, lines=None) -> CartView:
    """The cart as ``buyer`` sees it now: each line priced by ``price_for``, flagged when its
    price or availability changed, and the subtotal of the lines that can be bought. One query
    (none without a cart, or given the ``lines`` a change just read, as ``rows.cart_lines``
    reads them)."""
    currency = money.store_currency()
    if cart is None:
        return CartView(None, [], money.Money.zero(currency), 0, 0, currency, [], 0)
    found = lines if lines is not None else rows.cart_lines(cart.pk)
    prices, quantity_rules = _priced(found, buyer, currency)
    lines = [_line_view(line, buyer, currency, prices, quantity_rules) for line in found]
    subtotal = money.Money.zero(currency)
    for line in lines:
        if line.available:
            subtotal = subtotal + line.line_total
    return CartView(
        token=str(cart.token),
        lines=lines,
        subtotal=subtotal,
        item_count=sum(line.quantity for line in lines),
        line_count=len(lines),
        currency=currency,
        notices=list(cart.merge_notices or []),
        version=cart.version,
    )


def cart_summary(cart: Cart | None, buyer: Buyer | None = None) -> tuple[int, money.Money]:
    """``(item_count, subtotal)`` for the header's mini-cart: one query, no images.
    ``buyer`` defaults to the cart's owner (:func:`buyer_of_cart`)."""
    currency = money.store_currency()
    if cart is None:
        return 0, money.Money.zero(currency)
    buyer = buyer if buyer is not None else buyer_of_cart(cart)
    count, subtotal = 0, money.Money.zero(currency)
    lines = rows.cart_lines(cart.pk)
    prices, quantity_rules = _priced(lines, buyer, currency)
    for line in lines:
        count += line.quantity
        variant = line.variant
        if rules.is_sellable(variant, buyer) and not rules.quantity_errors(
            variant, line.quantity, quantity_rules[variant.pk]
        ):
            subtotal = subtotal + money.Money(prices[variant.pk].amount * line.quantity, currency)
    return count, subtotal


def _priced(lines, buyer: Buyer, currency: str) -> tuple[dict, dict]:
    """The unit price of every line for its quantity (volume breaks) and the buyer's quantity
    rule of each, for all lines at once: pricing asks the database a constant number of
    times however many lines there are."""
    variants = [line.variant for line in lines if line.variant is not None]
    quantities = {line.variant_id: line.quantity for line in lines if line.variant is not None}
    return prices_and_rules_for(variants, buyer, quantity=quantities, currency=currency)


def _line_view(
    line: CartLine, buyer: Buyer, currency: str, prices: dict, quantity_rules: dict
) -> LineView:
    variant = line.variant
    if variant is None:
        zero = money.quantize(Decimal(0), currency)
        return LineView(
            variant_id=None,
            sku=line.sku_at_add,
            product_id=None,
            product_name=line.name_at_add,
            product_slug="",
            variant_label="",
            image_url=None,
            quantity=line.quantity,
            unit_price=Price(zero, currency),
            line_total=money.Money.zero(currency),
            available=False,
            stock_available=None,
            quantity_min=1,
            quantity_max=None,
            quantity_step=1,
            notices=["No longer available"],
            unit_price_at_add=money.quantize(line.unit_price_at_add, currency),
            sellable=False,
        )
    product = variant.product
    price = prices[variant.pk]
    rule = quantity_rules[variant.pk]
    sellable = rules.is_sellable(variant, buyer)
    stock = rules.stock_limit(variant)
    notices: list[str] = []
    available = sellable
    if not sellable:
        notices.append("No longer available")
    else:
        errors = rules.quantity_errors(variant, line.quantity, rule)
        if stock is not None and stock == 0:
            notices.append("Out of stock")
            available = False
        elif stock is not None and line.quantity > stock:
            notices.append(f"Only {stock} left")
            available = False
        elif errors:
            notices.append(errors[0].rstrip("."))
            available = False
    was = money.quantize(line.unit_price_at_add, currency)
    if sellable and was != price.amount:
        notices.append(
            f"Price changed: was {money.format_money(was, currency)}, "
            f"now {money.format_money(price.amount, currency)}"
        )
    return LineView(
        variant_id=variant.pk,
        sku=variant.sku,
        product_id=product.pk,
        product_name=product.name,
        product_slug=product.slug,
        variant_label=_variant_label(variant),
        image_url=_image_url(product.listing_images, variant.sku),
        quantity=line.quantity,
        unit_price=price,
        line_total=money.Money(price.amount * line.quantity, currency),
        available=available,
        stock_available=stock,
        quantity_min=rule.minimum,
        quantity_max=rule.maximum,
        quantity_step=rule.step,
        notices=notices,
        unit_price_at_add=was,
        sellable=sellable,
    )


def _variant_label(variant) -> str:
    if variant.name:
        return variant.name
    options = variant.options if isinstance(variant.options, dict) else {}
    return " / ".join(str(value) for value in options.values())


def _image_url(images, sku: str) -> str | None:
    if not images or not isinstance(images, list):
        return None
    image = next((image for image in images if image.get("variant") == sku), images[0])
    renditions = image.get("renditions") or {}
    path = renditions.get("thumbnail") or image.get("image")
    return default_storage.url(path) if path else None
