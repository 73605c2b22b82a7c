"""Quick order: validate a list of requested lines for a buyer (the row-by-row report), and
add it to their cart.

The report costs a constant number of queries whatever the number of rows (at most
``lines.MAX_LINES``): the variants with their products in one query (by SKU, exact or
upper-cased, and by id), the owner's cart lines of them in one, prices through
``pricing.prices_for`` (bulk) where it exists. Each row says whether it can be bought as asked,
with the rules the cart itself applies (``cart.rules``), counting what the cart already holds
and the other rows of the same SKU.

Adding is all or nothing (:func:`add_quick_order`): a quick order or an uploaded file with a
bad row adds nothing and answers the report, so that a buyer never orders half a list without
noticing. A reorder or a requisition list adds what is available and reports the rest
(:func:`add_available`), since those lines were valid once and the buyer asked for "what can
still be had".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

import money
import pricing
from b2b.bulk.lines import MAX_SKU_LENGTH, RequestedLine
from b2b.errors import CompanyNotApproved, QuickOrderRefused
from cart import rules
from cart import services as cart_services
from cart.models import CartLine
from catalog.models import ProductVariant
from pricing import Buyer, Price


class RowStatus:
    OK = "ok"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"
    INVALID_QUANTITY = "invalid_quantity"


@dataclass(frozen=True)
class RowReport:
    """One requested row as the buyer sees it: found or not, what it costs, why not."""

    row: int
    sku: str
    quantity: int | None
    status: str
    reason: str = ""
    field: str = ""  # the input the reason is about: "sku" or "quantity"
    variant_id: int | None = None
    product_name: str = ""
    unit_price: Price | None = None
    # How many can be bought now (None: no stock limit, backorders allowed or not tracked).
    available: int | None = None
    in_cart: int = 0

    @property
    def ok(self) -> bool:
        return self.status == RowStatus.OK

    @property
    def line_total(self) -> Decimal | None:
        if not self.ok or self.unit_price is None or self.quantity is None:
            return None
        return money.quantize(self.unit_price.amount * self.quantity, self.unit_price.currency)


@dataclass(frozen=True)
class QuickOrderReport:
    rows: list[RowReport] = field(default_factory=list)
    currency: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.rows) and all(row.ok for row in self.rows)

    @property
    def valid(self) -> list[RowReport]:
        return [row for row in self.rows if row.ok]

    @property
    def invalid(self) -> list[RowReport]:
        return [row for row in self.rows if not row.ok]

    @property
    def subtotal(self) -> Decimal:
        total = sum((row.line_total for row in self.valid), Decimal("0"))
        return money.quantize(total, self.currency) if self.currency else total

    def to_add(self) -> list[tuple[int, int]]:
        return [(row.variant_id, row.quantity) for row in self.valid]

    def refusal_fields(self) -> dict[str, list[str]]:
        """The refused rows as the API's error fields, ``lines.<index>.<field>`` (0-based)."""
        return {f"lines.{row.row - 1}.{row.field or 'sku'}": [row.reason] for row in self.invalid}


def not_buying_reason(company) -> str:
    """Why a member of ``company`` may not order through the bulk tools ("" when they may).

    Only an approved company buys as a business (``accounts.permissions.buying_company_of``,
    ``pricing.channel_for``): a pending or rejected company's members buy as consumers, at
    consumer prices, so its people get no quick order, CSV upload, reorder or list to cart,
    which add at the company's prices and rules."""
    if company is None or company.status == company.Status.APPROVED:
        return ""
    if company.status == company.Status.PENDING:
        return (
            f"{company.name} is awaiting the store's approval: until then you buy as a "
            "consumer; quick order, CSV upload, reorder and lists to the cart open once it is "
            "approved."
        )
    return (
        f"The store did not approve {company.name} as a business account: you buy as a "
        "consumer, without quick order, CSV upload, reorder or lists to the cart."
    )


def refuse_unless_buying(company) -> None:
    """CompanyNotApproved (403, with :func:`not_buying_reason`) for a company that is not
    approved."""
    reason = not_buying_reason(company)
    if reason:
        raise CompanyNotApproved(reason)


def validate_lines(*, lines: list[RequestedLine], buyer: Buyer, owner=None) -> QuickOrderReport:
    """The row-by-row report of ``lines`` for ``buyer`` (nothing is changed). ``owner`` (a
    ``cart.identify.CartOwner``) counts what its open cart already holds. Constant queries."""
    currency = money.store_currency()
    quantities = {line.row: parse_quantity(line.quantity) for line in lines}
    variants_by_sku, variants_by_id = _variants(lines)
    found = {line.row: _match(line, variants_by_sku, variants_by_id) for line in lines}
    variants = {variant.pk: variant for variant in found.values() if variant is not None}
    in_cart = _cart_quantities(owner, list(variants))
    prices = _prices(list(variants.values()), buyer)
    totals: dict[int, int] = {}
    rows_of: dict[int, list[int]] = {}
    for line in lines:
        variant, (quantity, problem) = found[line.row], quantities[line.row]
        if variant is None or problem or not rules.is_sellable(variant, buyer):
            continue
        wanted = quantity if quantity is not None else variant.quantity_min
        totals[variant.pk] = totals.get(variant.pk, 0) + wanted
        rows_of.setdefault(variant.pk, []).append(line.row)
    rows = [
        _row_report(
            line, found[line.row], quantities[line.row], buyer, prices, in_cart, totals, rows_of
        )
        for line in lines
    ]
    return QuickOrderReport(rows=rows, currency=currency)


def add_quick_order(*, lines: list[RequestedLine], buyer: Buyer, owner) -> QuickOrderReport:
    """Validate ``lines`` and add them all to ``owner``'s cart, or none: any bad row raises
    QuickOrderRefused (400) with the report, the cart unchanged. One transaction for the add
    (cart.services.add_lines), whose own checks under the cart's lock refuse a change that
    happened since the report (another tab, stock sold meanwhile)."""
    report = validate_lines(lines=lines, buyer=buyer, owner=owner)
    if not report.ok:
        count = len(report.invalid)
        raise QuickOrderRefused(
            f"{count} of {len(report.rows)} lines cannot be ordered as asked: nothing was added.",
            fields=report.refusal_fields() or {"lines": ["At least one line is required."]},
            report=report,
        )
    cart_services.add_lines(owner=owner, lines=report.to_add(), buyer=buyer)
    return report


def add_available(*, lines: list[RequestedLine], buyer: Buyer, owner) -> QuickOrderReport:
    """Add the lines of ``lines`` that can be bought as asked and report the others (a
    reorder, a requisition list). Nothing is added when none can be."""
    report = validate_lines(lines=lines, buyer=buyer, owner=owner)
    if report.valid:
        cart_services.add_lines(owner=owner, lines=report.to_add(), buyer=buyer)
    return report


# --- Internals -------------------------------------------------------------------------------


def parse_quantity(value) -> tuple[int | None, str]:
    """A requested quantity and why it is refused ("" when it is not); None: the minimum."""
    if value is None:
        return None, ""
    if isinstance(value, bool):
        return None, "A whole number is required."
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,20}", value.strip()):
        number = int(value.strip())
    else:
        return None, "A whole number is required."
    if number < 1:
        return None, "At least 1 must be bought."
    if number > rules.MAX_QUANTITY:
        return None, f"At most {rules.MAX_QUANTITY}."
    return number, ""


def _variants(lines: list[RequestedLine]):
    """The variants named by the rows (SKU as typed, or upper-cased; or id), with their
    products, in one query."""
    skus = {
        line.sku for line in lines if line.sku and not line.variant_id and is_storable_sku(line.sku)
    }
    skus |= {sku.upper() for sku in skus}
    ids = {line.variant_id for line in lines if line.variant_id}
    if not skus and not ids:
        return {}, {}
    found = list(
        ProductVariant.objects.select_related("product")
        .only(*cart_services.VARIANT_FIELDS)
        .filter(Q(sku__in=skus) | Q(pk__in=ids))
    )
    return {variant.sku: variant for variant in found}, {variant.pk: variant for variant in found}


def is_storable_sku(sku: str) -> bool:
    """Whether ``sku`` could be a SKU at all (so may be looked up): not too long for the
    column, no NUL character (which PostgreSQL refuses in a query)."""
    return len(sku) <= MAX_SKU_LENGTH and "\x00" not in sku


def _match(line: RequestedLine, by_sku: dict, by_id: dict):
    if line.variant_id:
        return by_id.get(line.variant_id)
    return by_sku.get(line.sku) or by_sku.get(line.sku.upper())


def _cart_quantities(owner, variant_ids: list[int]) -> dict[int, int]:
    """What the owner's open cart holds of these variants (one query; none without an owner)."""
    if owner is None or not variant_ids or getattr(owner, "unreadable", False):
        return {}
    carts = owner.carts().values("pk")
    return dict(
        CartLine.objects.filter(cart_id__in=carts, variant_id__in=variant_ids).values_list(
            "variant_id", "quantity"
        )
    )


def _prices(variants, buyer: Buyer) -> dict[int, Price]:
    # pricing.prices_for (price lists, constant queries) once it exists; price_for otherwise.
    bulk = getattr(pricing, "prices_for", None)
    if bulk is not None:
        return bulk(variants, buyer)
    return {variant.pk: pricing.price_for(variant, buyer) for variant in variants}


def _row_report(line, variant, quantity_and_problem, buyer, prices, in_cart, totals, rows_of):
    quantity, problem = quantity_and_problem
    if not line.sku and not line.variant_id:
        return RowReport(
            row=line.row,
            sku="",
            quantity=quantity,
            status=RowStatus.NOT_FOUND,
            reason="A SKU is required.",
            field="sku",
        )
    if variant is None:
        return RowReport(
            row=line.row,
            sku=line.sku,
            quantity=quantity,
            status=RowStatus.NOT_FOUND,
            reason="No product has this SKU."
            if not line.variant_id
            else "This product is no longer sold.",
            field="sku",
        )
    base = dict(
        row=line.row,
        sku=variant.sku,
        variant_id=variant.pk,
        product_name=variant.product.name,
    )
    if not rules.is_sellable(variant, buyer):
        return RowReport(
            **base,
            quantity=quantity,
            status=RowStatus.UNAVAILABLE,
            reason="This product is not available.",
            field="sku",
        )
    base.update(
        unit_price=prices.get(variant.pk),
        available=rules.stock_limit(variant),
        in_cart=in_cart.get(variant.pk, 0),
    )
    if problem:
        return RowReport(
            **base,
            quantity=None,
            status=RowStatus.INVALID_QUANTITY,
            reason=problem,
            field="quantity",
        )
    wanted = quantity if quantity is not None else variant.quantity_min
    total = in_cart.get(variant.pk, 0) + totals[variant.pk]
    errors = rules.quantity_errors(variant, min(total, rules.MAX_QUANTITY + 1))
    if errors:
        return RowReport(
            **base,
            quantity=wanted,
            status=RowStatus.INVALID_QUANTITY,
            reason=errors[0] + _counted_with(line.row, rows_of[variant.pk], in_cart, variant.pk),
            field="quantity",
        )
    return RowReport(**base, quantity=wanted, status=RowStatus.OK)


def _counted_with(row: int, rows: list[int], in_cart: dict, variant_pk: int) -> str:
    """Why a quantity that looks fine alone is refused: what else counts towards the line."""
    others = [str(other) for other in rows if other != row]
    parts = []
    if others:
        label = "row " if len(others) == 1 else "rows "
        parts.append(label + ", ".join(others))
    if in_cart.get(variant_pk):
        parts.append(f"the {in_cart[variant_pk]} already in your cart")
    return f" (counted with {' and '.join(parts)})" if parts else ""
