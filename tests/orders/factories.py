"""Order test data: variants by the catalog's services, drafts priced as checkout prices."""

import uuid
from decimal import Decimal

import money
from orders.actions import DraftLine, OrderDraft
from pricing import Buyer, price_for
from tests.cart.factories import make_variant

__all__ = ["draft_for", "make_variant", "place"]


def draft_for(
    items,
    *,
    buyer: Buyer | None = None,
    token=None,
    email: str = "shopper@example.com",
    tax_rate: str = "0",
    shipping: str = "5.00",
    user=None,
    unit_prices: dict | None = None,
    payment_method: str = "cod",
) -> OrderDraft:
    """A draft for ``items`` ((variant, quantity) pairs) priced by price_for, taxed at
    ``tax_rate`` on net prices, with a flat shipping price."""
    buyer = buyer or Buyer(user=user)
    currency = money.store_currency()
    rate = Decimal(tax_rate)
    lines = []
    for variant, quantity in items:
        unit = (unit_prices or {}).get(variant.pk) or price_for(variant, buyer).amount
        net = money.quantize(Decimal(unit) * quantity, currency)
        tax = money.quantize(net * rate / 100, currency)
        lines.append(
            DraftLine(
                variant_id=variant.pk,
                quantity=quantity,
                unit_price=Decimal(unit),
                net=net,
                tax=tax,
                gross=net + tax,
                tax_rate=rate,
            )
        )
    subtotal = sum((line.gross for line in lines), Decimal(0))
    ship = Decimal(shipping)
    return OrderDraft(
        checkout_token=token or uuid.uuid4(),
        lines=lines,
        currency=currency,
        subtotal=subtotal,
        tax=sum((line.tax for line in lines), Decimal(0)),
        shipping=ship,
        total=subtotal + ship,
        email=email,
        user=user,
        shipping_address={
            "full_name": "Ada Lovelace",
            "line1": "1 Main St",
            "city": "Springfield",
            "postal_code": "12345",
            "country": "US",
            "phone": "+15555550100",
        },
        billing_address={"full_name": "Ada Lovelace", "country": "US"},
        delivery_option_name="Standard",
        payment_method=payment_method,
    )


def place(items, **kwargs):
    from orders.actions import place_order

    buyer = kwargs.pop("buyer", None) or Buyer(user=kwargs.get("user"))
    return place_order(draft=draft_for(items, buyer=buyer, **kwargs), buyer=buyer)
