"""The tax of a set of lines: pure functions, no database (the rules come in as TaxRules).

Checkout's calculations (``checkout/calculations.py``, the only place totals are computed) call
:func:`tax_for_lines` with its lines, the shipping price and the address, and the rules loaded
once by ``taxes.selectors.tax_rules()``::

    rules = selectors.tax_rules()
    classes = selectors.tax_class_ids_for_products(product_ids)
    breakdown = tax_for_lines(
        [TaxableLine(key=line.pk, unit_price=Money(price.amount, price.currency),
                     quantity=line.quantity, tax_class_id=classes.get(line.product_id))
         for line in lines],
        address=TaxAddress(country="US", region="CA"),
        settings=rules,
        shipping=Money(Decimal("5.00"), "USD"),
    )
    breakdown.gross  # what the shopper pays; .net, .tax, .lines, .shipping, .rates

Prices are read as the store enters them (``prices_entered_with_tax``): net prices get their
tax added (tax = net * rate), gross prices have it extracted (net = gross / (1 + rate), tax =
gross - net). Rounding is the money module's alone (``money.quantize``), per line or per total:

* per line (the default): each line's tax is rounded, the totals are the sums of the lines, so
  an invoice's lines add up to its totals;
* per total: each rate's lines are added up and their tax rounded once; each line then shows
  its share of that tax (largest remainder, so the shares add up to it exactly).

Which rate applies to a line: its class's rate for the address's region, else for its country,
else the default class's rate there (region, then country), as Saleor falls back to a
country's default rate; an exempt class is never taxed. A line with no rate anywhere is taxed 0
and flagged (``rate_found`` False, ``breakdown.missing_rate``), never refused: the store sees
where it charges no tax.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from money import Money, minor_units, quantize

HUNDRED = Decimal(100)
PER_LINE = "per_line"
PER_TOTAL = "per_total"
SHIPPING_KEY = "shipping"


@dataclass(frozen=True)
class Rate:
    """A tax rate as the calculation sees it (a percentage: 20 for 20%)."""

    tax_class_id: int
    country: str
    region: str
    rate: Decimal
    name: str


@dataclass(frozen=True)
class TaxRules:
    """The store's tax settings and rates, loaded once (taxes.selectors.tax_rules)."""

    currency: str
    prices_entered_with_tax: bool = False
    rounding: str = PER_LINE
    charge_tax_on_shipping: bool = True
    shipping_tax_class_id: int | None = None
    default_class_id: int | None = None
    exempt_class_ids: frozenset[int] = frozenset()
    rates: tuple[Rate, ...] = ()
    # Where prices are shown before the shopper gives an address: the store's own country.
    origin_country: str = ""
    origin_region: str = ""

    def rate_for(self, tax_class_id: int | None, *, country: str, region: str) -> Rate | None:
        """The rate of ``tax_class_id`` (None: the default class) at the place, or None."""
        table = self._table
        country, region = (country or "").upper(), (region or "").upper()
        classes = [tax_class_id or self.default_class_id]
        if self.default_class_id not in classes:
            classes.append(self.default_class_id)
        for class_id in classes:
            for place_region in ([region] if region else []) + [""]:
                found = table.get((class_id, country, place_region))
                if found is not None:
                    return found
        return None

    @property
    def _table(self) -> Mapping[tuple, Rate]:
        table = self.__dict__.get("_rate_table")
        if table is None:
            table = {(r.tax_class_id, r.country, r.region): r for r in self.rates}
            object.__setattr__(self, "_rate_table", table)
        return table


@dataclass(frozen=True)
class TaxAddress:
    """Where the goods go: a country (ISO 3166-1 alpha-2) and optionally a subdivision."""

    country: str
    region: str = ""


@dataclass(frozen=True)
class TaxableLine:
    """A line to tax: its unit price as the store entered it, the quantity and the product's
    tax class (None: the default class). ``key`` is the caller's (a cart line's id)."""

    key: Any
    unit_price: Money
    quantity: int
    tax_class_id: int | None = None


@dataclass(frozen=True)
class TaxedLine:
    key: Any
    quantity: int
    net: Money
    tax: Money
    gross: Money
    rate: Decimal  # percent; 0 for exempt lines and lines without a rate
    rate_name: str  # "VAT 20%"; "Exempt", "No tax rate", "Not taxed" (shipping, when not)
    exempt: bool
    rate_found: bool  # False: no rate for the place, taxed 0 (flagged)


@dataclass(frozen=True)
class RateTotal:
    """One rate's lines added up: a row of the invoice's tax summary."""

    name: str
    rate: Decimal
    net: Money
    tax: Money
    gross: Money
    exempt: bool = False
    rate_found: bool = True


@dataclass(frozen=True)
class TaxBreakdown:
    lines: tuple[TaxedLine, ...]
    shipping: TaxedLine | None
    rates: tuple[RateTotal, ...]  # every line and the shipping, in one row per rate
    net: Money
    tax: Money
    gross: Money
    prices_entered_with_tax: bool
    rounding: str
    missing_rate: tuple = field(default=())  # keys of lines taxed 0 for want of a rate

    @property
    def currency(self) -> str:
        return self.net.currency


@dataclass
class _Pending:
    """A line before rounding: its amount as entered and the rate found for it."""

    key: Any
    quantity: int
    amount: Decimal  # unit price * quantity, net or gross as entered
    rate: Rate | None
    kind: str = "rate"  # "rate", "exempt" (an exempt class), "missing" (no rate), "untaxed"

    @property
    def group(self) -> tuple:
        """The invoice's tax summary row of this line: (kind, name, percent)."""
        if self.kind == "rate":
            return ("rate", self.rate.name, self.rate.rate)
        return (self.kind, _UNTAXED_NAMES[self.kind], Decimal(0))

    @property
    def percent(self) -> Decimal:
        return self.rate.rate if self.kind == "rate" else Decimal(0)


_UNTAXED_NAMES = {"exempt": "Exempt", "missing": "No tax rate", "untaxed": "Not taxed"}


def tax_for_lines(
    lines: Iterable[TaxableLine],
    *,
    address: TaxAddress | None,
    settings: TaxRules,
    shipping: Money | None = None,
) -> TaxBreakdown:
    """Net, tax and gross of every line, of the shipping, per rate and in total.

    ``address`` None: the store's own country (prices shown before an address is known).
    Every amount is in the store's currency (``settings.currency``); a line in another raises
    ValueError. Amounts are rounded by ``money.quantize`` only.
    """
    currency = settings.currency
    country, region = _place(address, settings)
    pending: list[_Pending] = []
    for line in lines:
        _check_line(line, currency)
        amount = line.unit_price.amount * line.quantity
        pending.append(
            _pending(
                line.key, amount, line.quantity, line.tax_class_id, settings, (country, region)
            )
        )
    shipping_pending = None
    if shipping is not None:
        _same_currency(shipping, currency)
        if settings.charge_tax_on_shipping:
            class_id = settings.shipping_tax_class_id
            shipping_pending = _pending(
                SHIPPING_KEY, shipping.amount, 1, class_id, settings, (country, region)
            )
        else:
            shipping_pending = _Pending(SHIPPING_KEY, 1, shipping.amount, None, kind="untaxed")
    everything = pending + ([shipping_pending] if shipping_pending else [])
    if settings.rounding == PER_TOTAL:
        taxes = _taxes_per_total(everything, settings)
    else:
        taxes = [_tax(item.amount, item.percent, settings) for item in everything]
    taxed = [_taxed(item, tax, settings) for item, tax in zip(everything, taxes, strict=True)]
    taxed_lines = tuple(taxed[: len(pending)])
    taxed_shipping = taxed[len(pending)] if shipping_pending else None
    zero = Money.zero(currency)
    return TaxBreakdown(
        lines=taxed_lines,
        shipping=taxed_shipping,
        rates=_rate_totals(everything, taxed, currency),
        net=sum((line.net for line in taxed), zero),
        tax=sum((line.tax for line in taxed), zero),
        gross=sum((line.gross for line in taxed), zero),
        prices_entered_with_tax=settings.prices_entered_with_tax,
        rounding=settings.rounding,
        missing_rate=tuple(line.key for line in taxed if not line.rate_found),
    )


def display_price(
    price: Money,
    *,
    with_tax: bool,
    tax_class_id: int | None,
    address: TaxAddress | None,
    settings: TaxRules,
) -> Money:
    """A unit price as entered, shown with tax (``with_tax``) or without it."""
    line = TaxableLine(key=None, unit_price=price, quantity=1, tax_class_id=tax_class_id)
    taxed = tax_for_lines([line], address=address, settings=settings).lines[0]
    return taxed.gross if with_tax else taxed.net


def _place(address: TaxAddress | None, settings: TaxRules) -> tuple[str, str]:
    if address is None:
        return settings.origin_country.upper(), settings.origin_region.upper()
    region = getattr(address, "region", "") or ""
    return (address.country or "").upper(), region.upper()


def _check_line(line: TaxableLine, currency: str) -> None:
    _same_currency(line.unit_price, currency)
    if line.quantity < 0:
        raise ValueError(f"negative quantity on line {line.key!r}")


def _same_currency(amount: Money, currency: str) -> None:
    if amount.currency != currency:
        raise ValueError(f"cannot tax {amount.currency} in a {currency} store")


def _pending(key, amount, quantity, tax_class_id, settings, place) -> _Pending:
    country, region = place
    class_id = tax_class_id or settings.default_class_id
    if class_id in settings.exempt_class_ids:
        return _Pending(key, quantity, amount, None, kind="exempt")
    rate = settings.rate_for(class_id, country=country, region=region)
    return _Pending(key, quantity, amount, rate, kind="rate" if rate else "missing")


def _unrounded_tax(amount: Decimal, percent: Decimal, settings: TaxRules) -> Decimal:
    """The exact tax in ``amount`` (gross: extracted; net: added), before any rounding."""
    if not percent:
        return Decimal(0)
    if settings.prices_entered_with_tax:
        return amount - amount / (1 + percent / HUNDRED)
    return amount * percent / HUNDRED


def _tax(amount: Decimal, percent: Decimal, settings: TaxRules) -> Decimal:
    """One line's (or one rate's) tax, rounded once by the money module. From gross prices the
    net is what is rounded (net = gross / (1 + rate)), the tax being what remains."""
    if not percent:
        return Decimal(0)
    currency = settings.currency
    if settings.prices_entered_with_tax:
        return quantize(amount, currency) - quantize(amount / (1 + percent / HUNDRED), currency)
    return quantize(amount * percent / HUNDRED, currency)


def _taxes_per_total(items: list[_Pending], settings: TaxRules) -> list[Decimal]:
    """Each rate's tax rounded once on its summed amount, shared back over its lines."""
    shares = [Decimal(0)] * len(items)
    groups: dict[tuple, list[int]] = {}
    for index, item in enumerate(items):
        groups.setdefault(item.group, []).append(index)
    for (_, _, percent), indexes in groups.items():
        total = _tax(sum((items[i].amount for i in indexes), Decimal(0)), percent, settings)
        exact = [_unrounded_tax(items[i].amount, percent, settings) for i in indexes]
        for i, share in zip(indexes, _allocate(total, exact, settings.currency), strict=True):
            shares[i] = share
    return shares


def _allocate(total: Decimal, exact: list[Decimal], currency: str) -> list[Decimal]:
    """``total`` shared in proportion to ``exact`` in whole minor units (largest remainder):
    the shares add up to ``total`` exactly."""
    if not exact:
        return []
    unit = Decimal(1).scaleb(-minor_units(currency))
    floors = [(value / unit).to_integral_value(rounding="ROUND_FLOOR") for value in exact]
    left = int((total / unit) - sum(floors))
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] / unit - floors[i]), i))
    for position in range(abs(left)):
        floors[order[position % len(order)]] += 1 if left > 0 else -1
    return [quantize(value * unit, currency) for value in floors]


def _taxed(item: _Pending, tax: Decimal, settings: TaxRules) -> TaxedLine:
    currency = settings.currency
    amount = quantize(item.amount, currency)
    if settings.prices_entered_with_tax:
        gross, net = amount, amount - tax
    else:
        net, gross = amount, amount + tax
    _, name, percent = item.group
    return TaxedLine(
        key=item.key,
        quantity=item.quantity,
        net=Money(net, currency),
        tax=Money(tax, currency),
        gross=Money(gross, currency),
        rate=percent,
        rate_name=name,
        exempt=item.kind == "exempt",
        rate_found=item.kind != "missing",
    )


def _rate_totals(items: list[_Pending], taxed: list[TaxedLine], currency: str):
    totals: dict[tuple, list[TaxedLine]] = {}
    for item, line in zip(items, taxed, strict=True):
        totals.setdefault(item.group, []).append(line)
    zero = Money.zero(currency)
    return tuple(
        RateTotal(
            name=name,
            rate=percent,
            net=sum((line.net for line in lines), zero),
            tax=sum((line.tax for line in lines), zero),
            gross=sum((line.gross for line in lines), zero),
            exempt=kind == "exempt",
            rate_found=kind != "missing",
        )
        for (kind, name, percent), lines in totals.items()
    )
