"""Placing a company's order in one call (the B2B order API, for ERPs): lines by SKU.

:func:`place_company_order` does what a buyer does on the storefront, through the same
services, in one transaction: a cart of the lines (``cart.services.add_line``: what is sold to
the company, its prices, quantity rules, stock), a checkout (``checkout.services``: address
validation, the delivery option, the payment method offered to the buyer, the PO number), and
``checkout.services.complete_checkout`` (``orders.actions.place_order``: the company's credit
limit, PO uniqueness and approval under the company's lock, stock reserved under row locks).
Nothing is duplicated, so the API can never place what the storefront would refuse. A refusal
rolls the whole call back: no cart, no checkout, no order.

The cart is one of its own (neither the key's shopping cart, which the ERP may be filling
through ``/api/v1/cart/``, nor anyone else's), ordered at once.
"""

from __future__ import annotations

from django.db import transaction

from b2b.companies.selectors import company_locations
from b2b.errors import InvalidCompanyOrder
from b2b.purchasing.placement import refuse_used_po_number
from cart import services as cart_services
from cart.errors import CartError
from catalog.models import ProductVariant
from checkout import calculations, selectors, services
from checkout.errors import CheckoutError
from payments import gateway
from payments.gateway import ActionKind
from payments.providers.invoice import CODE as INVOICE

MAX_LINES = 250


def place_company_order(
    *,
    buyer,
    lines: list[dict],
    shipping_address: dict | None = None,
    billing_address: dict | None = None,
    location: int | None = None,
    delivery_option: int | None = None,
    payment_method: str = INVOICE,
    po_number: str = "",
    email: str = "",
    note: str = "",
):
    """Place an order of ``lines`` ([{"sku", "quantity"}]) for ``buyer``'s company.

    Where to ship is ``shipping_address`` or ``location``, the id of one of the company's
    locations (its shipping address; its billing address unless ``billing_address`` is given);
    a location of another company, or none with that id, is refused (400 ``location``).
    The delivery option defaults to the cheapest offered for the address and parcel; the
    payment method to "invoice", and it must be one that needs nobody at a payment page
    (invoice, cash on delivery). The email defaults to the person behind the buyer (a key's
    creator). Refused with every field's reason (400: ``lines.<n>.sku``, ``lines.<n>.quantity``,
    ``shipping_address.<field>``, ``po_number``, ``payment_method``...; 400 ``quantity_rule``
    when a price list's rule changed between adding the lines and placing, ``lines.<variant
    id>``; 409 ``out_of_stock`` or ``cart_changed``); the order as placed otherwise
    (``placed_now`` True)."""
    method = _payment_method(payment_method)
    if location is not None:
        place = _location(buyer, location)
        shipping_address = place.shipping_address
        billing_address = billing_address or place.billing_address
    if po_number and buyer.company is not None:
        # Said at once, with its own code (placement checks again under the company's lock).
        refuse_used_po_number(company=buyer.company, po_number=po_number.strip())
    with transaction.atomic():
        cart = cart_services.create_anonymous_cart()
        _add_lines(cart, lines, buyer)
        checkout = services.start_checkout(cart=cart, buyer=buyer)
        data = {
            "email": email or getattr(buyer.user, "email", "") or "",
            "shipping_address": shipping_address,
            "po_number": po_number,
            "note": note,
        }
        if billing_address:
            data.update(billing_same_as_shipping=False, billing_address=billing_address)
        services.update_checkout(checkout=checkout, buyer=buyer, data=data)
        option = delivery_option or _cheapest_option(checkout, buyer)
        services.update_checkout(
            checkout=checkout,
            buyer=buyer,
            data={"delivery_option": option, "payment_method": method},
        )
        return services.complete_checkout(checkout=checkout, buyer=buyer)


def _payment_method(code: str) -> str:
    code = (code or INVOICE).strip()
    try:
        provider = gateway.get(code)
    except KeyError:
        provider = None
    if provider is None or provider.action_kind != ActionKind.NONE:
        raise InvalidCompanyOrder(
            "This payment method cannot be used without a person at a payment page.",
            fields={"payment_method": ["Use “invoice” (or “cod” where it is offered)."]},
        )
    return code


def _location(buyer, pk: int):
    place = None
    if buyer.company is not None:
        place = company_locations(company=buyer.company).filter(pk=pk).first()
    if place is None:
        message = "No location of your company has this id."
        raise InvalidCompanyOrder(message, fields={"location": [message]})
    return place


def _add_lines(cart, lines: list[dict], buyer) -> None:
    if not lines:
        raise InvalidCompanyOrder("Give the lines to order.", fields={"lines": ["Add a line."]})
    if len(lines) > MAX_LINES:
        raise InvalidCompanyOrder(
            "Too many lines.", fields={"lines": [f"An order has at most {MAX_LINES} lines."]}
        )
    skus = [line["sku"] for line in lines]
    variants = dict(ProductVariant.objects.filter(sku__in=set(skus)).values_list("sku", "pk"))
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, line in enumerate(lines):
        sku = line["sku"]
        if sku in seen:
            errors[f"lines.{index}.sku"] = [f"{sku} is listed twice: give one line per SKU."]
            continue
        seen.add(sku)
        if sku not in variants:
            errors[f"lines.{index}.sku"] = [f"No product has the SKU {sku}."]
            continue
        try:
            cart_services.add_line(
                cart=cart, variant_id=variants[sku], quantity=line["quantity"], buyer=buyer
            )
        except CartError as refused:
            for field, messages in (refused.fields or {"quantity": [refused.message]}).items():
                name = "sku" if field == "variant" else field
                errors.setdefault(f"lines.{index}.{name}", []).extend(messages)
    if errors:
        raise InvalidCompanyOrder("Some lines cannot be ordered.", fields=errors)


def _cheapest_option(checkout, buyer) -> int | None:
    totals = calculations.totals(checkout, buyer)
    offered = selectors.delivery_options(checkout, totals)
    if not offered:
        raise CheckoutError(
            "No delivery option is offered for this address.",
            fields={"shipping_address": ["No delivery option is offered for this address."]},
        )
    return min(offered, key=lambda option: (option.price.amount, option.id)).id
