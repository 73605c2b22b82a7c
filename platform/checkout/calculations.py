"""Totals of a checkout (and of an order's lines): the ONLY place they are computed.

:func:`totals` answers what a checkout costs its buyer now: each line priced by
``pricing.price_for`` (through ``cart.selectors.cart_view``), the discounts hook (nothing yet),
the chosen delivery option priced by ``shipping.selectors.options_for`` for the address and
the parcel (weight from the variants, the subtotal), the taxes of the lines and the shipping
by ``taxes.calculations.tax_for_lines`` with the store's rules (gross or net prices, rounding
per line or per total, tax on shipping), and the cash on delivery fee when that is the payment
method. Every amount is a ``money.Money`` in the store's currency, rounded by the money module
alone. A constant number of queries whatever the number of lines (cart lines 1, weights 1, tax
classes 1, tax rules 3, delivery options 3, payment-method settings 1).

:func:`order_totals` computes the same from lines given directly (an order being edited
before fulfilment: orders asks here so that an edited order adds up as a checkout does).

What the amounts mean:

* ``lines[i].unit_price`` is the price as the store enters it (gross or net, see
  ``prices_include_tax``), ``net``/``tax``/``gross`` the line's amounts after tax;
* ``subtotal`` is the lines as entered (what the shopper saw in the cart), ``subtotal_net``
  and ``subtotal_gross`` the lines after tax;
* ``shipping`` is the delivery price as entered, ``shipping_tax`` its tax;
* ``tax`` is all the tax (lines and shipping), ``total`` what the buyer pays (gross, after
  the discount, with the COD fee).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import money
from money import Money
from pricing import Buyer

COD = "cod"


@dataclass(frozen=True)
class LineInput:
    """A line to total: what :func:`order_totals` takes (and what :func:`totals` builds)."""

    variant_id: int | None
    sku: str
    name: str
    variant_label: str
    quantity: int
    unit_price: Money  # as the store enters prices (gross or net)
    product_id: int | None = None
    weight_grams: int = 0  # of one unit
    tax_class_id: int | None = None


@dataclass(frozen=True)
class TotalsLine:
    variant_id: int | None
    sku: str
    name: str
    variant_label: str
    quantity: int
    unit_price: Money
    net: Money
    tax: Money
    gross: Money
    tax_rate: Decimal  # percent (20 for 20%)
    weight_grams: int  # of one unit (as orders.OrderLine keeps it); the total is on the totals
    product_id: int | None = None
    tax_name: str = ""


@dataclass(frozen=True)
class TaxRateTotal:
    """One row of the tax summary (for the review page and invoices)."""

    name: str
    rate: Decimal
    net: Money
    tax: Money
    gross: Money


@dataclass(frozen=True)
class CheckoutTotals:
    lines: list[TotalsLine]
    subtotal: Money
    discount: Money
    shipping: Money
    shipping_tax: Money
    tax: Money
    total: Money
    currency: str
    tax_rates: list[TaxRateTotal]
    weight_grams: int
    delivery_option: object | None  # shipping.selectors.OfferedOption
    cod_fee: Money
    subtotal_net: Money = None
    subtotal_gross: Money = None
    prices_include_tax: bool = False
    # The chosen option is no longer offered for the address and parcel (totals without it).
    delivery_option_unavailable: bool = False
    # The lines of the cart that cannot be bought as they are (see cart.selectors' notices);
    # they are left out of these totals and an order cannot be placed until they are fixed.
    unavailable: list = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    # The store's payment-method settings as read for these totals (the COD fee), so that the
    # methods offered for them are decided without reading them again.
    payment_settings: object | None = None
    # Who the totals were computed for (pricing.Buyer): the payment methods offered depend on
    # it (the invoice method is only for companies on credit terms).
    buyer: object | None = None

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def tax_lines(self) -> list[TaxRateTotal]:
        """The rates that charge something, each a line of the totals."""
        return [rate for rate in self.tax_rates if rate.tax.amount]

    @property
    def tax_line_is_total(self) -> bool:
        """Whether the one rate line already says the whole tax (then no "Tax" line repeats
        it)."""
        lines = self.tax_lines
        return len(lines) == 1 and lines[0].tax == self.tax


def discounts(*, lines: Sequence[LineInput], buyer: Buyer | None, currency: str) -> list:
    """The discounts hook: the discounts that apply to ``lines`` (vouchers, promotions).
    Nothing yet; a later issue fills it in (each entry will carry an amount to subtract)."""
    return []


def cod_fee(*, payment_method: str, currency: str, settings=None) -> Money:
    """The store's fee for paying cash on delivery (Settings > Payments), zero for any other
    method or when the store does not offer cash on delivery. ``settings``: the store's
    payment-method settings when already read."""
    from payments.selectors import method_settings

    zero = Money.zero(currency)
    if payment_method != COD:
        return zero
    settings = settings if settings is not None else method_settings()
    if COD not in settings.enabled_methods:
        return zero
    return Money(settings.cod_fee or 0, currency)


def totals(checkout, buyer: Buyer) -> CheckoutTotals:
    """What ``checkout`` costs ``buyer`` now (see the module docstring)."""
    from cart.selectors import cart_view
    from catalog.models import ProductVariant
    from payments.selectors import method_settings
    from taxes.selectors import tax_class_ids_for_products

    view = cart_view(checkout.cart, buyer)
    currency = view.currency
    available = [line for line in view.lines if line.available]
    unavailable = [line for line in view.lines if not line.available]
    variant_ids = [line.variant_id for line in available]
    weights = (
        dict(ProductVariant.objects.filter(pk__in=variant_ids).values_list("pk", "weight_grams"))
        if variant_ids
        else {}
    )
    classes = tax_class_ids_for_products(line.product_id for line in available)
    inputs = [
        LineInput(
            variant_id=line.variant_id,
            sku=line.sku,
            name=line.product_name,
            variant_label=line.variant_label,
            quantity=line.quantity,
            unit_price=Money(line.unit_price.amount, currency),
            product_id=line.product_id,
            weight_grams=weights.get(line.variant_id) or 0,
            tax_class_id=classes.get(line.product_id),
        )
        for line in available
    ]
    result = order_totals(
        lines=inputs,
        address=checkout.shipping_address or None,
        delivery_option_id=checkout.delivery_option_id,
        payment_method=checkout.payment_method,
        buyer=buyer,
        currency=currency,
        payment_settings=method_settings(),
    )
    notices = [f"{line.product_name}: {notice}" for line in view.lines for notice in line.notices]
    return _replace(result, unavailable=unavailable, notices=notices, buyer=buyer)


def order_totals(
    *,
    lines: Sequence,
    address: dict | None = None,
    order=None,
    delivery_option_id=None,
    shipping: Money | None = None,
    payment_method: str = "",
    buyer: Buyer | None = None,
    currency: str | None = None,
    tax_rules=None,
    payment_settings=None,
) -> CheckoutTotals:
    """Totals of ``lines`` shipped to ``address`` (a checkout's address dict; None: the store's
    own country, for taxes only). The shipping is ``shipping`` when given (an order keeps the
    price it was sold at), else the delivery option ``delivery_option_id`` as offered now.

    ``order`` given (an ``orders.Order`` being edited: ``order_totals(order=order,
    lines=order_lines)``), ``lines`` are its ``OrderLine`` rows and the address, the shipping
    price, the currency and the payment method are the order's; the answer's lines are in the
    order given."""
    if order is not None:
        currency = order.currency
        lines = _order_lines(lines, currency)
        address = order.shipping_address or None
        shipping = Money(order.shipping, currency)
        payment_method = order.payment_method or ""
    from shipping.errors import DeliveryOptionUnavailable
    from shipping.selectors import Parcel, chosen_option
    from taxes import selectors as tax_selectors
    from taxes.calculations import TaxableLine, TaxAddress, tax_for_lines

    currency = currency or money.store_currency()
    zero = Money.zero(currency)
    subtotal = sum((line.unit_price * line.quantity for line in lines), zero)
    weight = sum(line.weight_grams * line.quantity for line in lines)
    discount = zero
    for entry in discounts(lines=lines, buyer=buyer, currency=currency):
        discount = discount + getattr(entry, "amount", zero)
    option, option_unavailable = None, False
    if shipping is None and delivery_option_id is not None and address:
        parcel = Parcel(weight_grams=weight, subtotal=subtotal)
        try:
            option = chosen_option(
                address=_Destination(address), parcel=parcel, option_id=delivery_option_id
            )
        except DeliveryOptionUnavailable:
            option_unavailable = True
    elif shipping is None and delivery_option_id is not None:
        option_unavailable = True
    shipping_price = shipping if shipping is not None else (option.price if option else None)
    place = (
        TaxAddress(country=address.get("country", ""), region=address.get("region", ""))
        if address and address.get("country")
        else None
    )
    rules = tax_rules or tax_selectors.tax_rules(country=place.country if place else None)
    breakdown = tax_for_lines(
        [
            TaxableLine(
                key=index,
                unit_price=line.unit_price,
                quantity=line.quantity,
                tax_class_id=line.tax_class_id,
            )
            for index, line in enumerate(lines)
        ],
        address=place,
        settings=rules,
        shipping=shipping_price,
    )
    taxed_lines = [
        TotalsLine(
            variant_id=line.variant_id,
            sku=line.sku,
            name=line.name,
            variant_label=line.variant_label,
            quantity=line.quantity,
            unit_price=line.unit_price,
            net=taxed.net,
            tax=taxed.tax,
            gross=taxed.gross,
            tax_rate=taxed.rate,
            weight_grams=line.weight_grams,
            product_id=line.product_id,
            tax_name=taxed.rate_name,
        )
        for line, taxed in zip(lines, breakdown.lines, strict=True)
    ]
    shipping_tax = breakdown.shipping.tax if breakdown.shipping else zero
    fee = cod_fee(payment_method=payment_method, currency=currency, settings=payment_settings)
    total = breakdown.gross - discount + fee
    if total.amount < 0:
        total = zero
    return CheckoutTotals(
        lines=taxed_lines,
        subtotal=subtotal,
        discount=discount,
        shipping=shipping_price if shipping_price is not None else zero,
        shipping_tax=shipping_tax,
        tax=breakdown.tax,
        total=total,
        currency=currency,
        tax_rates=[
            TaxRateTotal(
                name=rate.name, rate=rate.rate, net=rate.net, tax=rate.tax, gross=rate.gross
            )
            for rate in breakdown.rates
        ],
        weight_grams=weight,
        delivery_option=option,
        cod_fee=fee,
        subtotal_net=sum((line.net for line in taxed_lines), zero),
        subtotal_gross=sum((line.gross for line in taxed_lines), zero),
        prices_include_tax=rules.prices_entered_with_tax,
        delivery_option_unavailable=option_unavailable,
        payment_settings=payment_settings,
        buyer=buyer,
    )


def _order_lines(lines, currency: str) -> list[LineInput]:
    """An order's lines (``orders.OrderLine``) as :class:`LineInput` (one query for the tax
    classes of their products)."""
    from catalog.models import ProductVariant
    from taxes.selectors import tax_class_ids_for_products

    lines = list(lines)
    variant_ids = [line.variant_id for line in lines if line.variant_id]
    products = (
        dict(ProductVariant.objects.filter(pk__in=variant_ids).values_list("pk", "product_id"))
        if variant_ids
        else {}
    )
    classes = tax_class_ids_for_products(products.values())
    inputs = []
    for line in lines:
        product_id = products.get(line.variant_id)
        inputs.append(
            LineInput(
                variant_id=line.variant_id,
                sku=line.sku,
                name=line.product_name,
                variant_label=line.variant_label,
                quantity=line.quantity,
                unit_price=Money(line.unit_price, currency),
                product_id=product_id,
                weight_grams=line.weight_grams or 0,
                tax_class_id=classes.get(product_id),
            )
        )
    return inputs


class _Destination:
    """A checkout's address dict as shipping.selectors reads a destination."""

    def __init__(self, address: dict):
        self.country = address.get("country", "")
        self.region = address.get("region", "")
        self.postal_code = address.get("postal_code", "")


def destination(address: dict) -> _Destination:
    return _Destination(address or {})


def _replace(result: CheckoutTotals, **changes) -> CheckoutTotals:
    from dataclasses import replace

    return replace(result, **changes)
