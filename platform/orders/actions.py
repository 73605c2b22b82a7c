"""Writes to orders: placing, cancelling, fulfilling, delivering, refunds, notes and edits.

Every action runs in one transaction with the order's row locked (``select_for_update``);
variants are locked in id order (two orders touching the same variants never deadlock); signals
and emails go after commit (orders.events). A refused action raises a DomainError of
``orders.errors`` and changes nothing.

Stock (variants with the DENY policy; backorder variants are not counted):

- placing reserves: ``stock_reserved += quantity`` (``OrderLine.quantity_reserved``);
- shipping (``fulfil``) sells: ``stock_on_hand`` and ``stock_reserved`` both go down by the
  quantity shipped (a StockAdjustment "sold" through catalog.inventory);
- cancelling gives the reservation back (``stock_reserved -= quantity_reserved``);
- two-phase flows hold stock before the order exists with :func:`reserve_stock`
  (StockReservation rows with ``expires_at``); ``place_order`` of the same checkout token takes
  them over, ``release_expired_reservations`` (a periodic task) gives back the rest.

Placing is written against :class:`OrderDraft`, which ``checkout`` builds from its totals
(``draft_from_checkout``); see ORDERS_CONTRACT.md, "orders as built".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

import money
from catalog.events import emit_products_changed
from catalog.models import ProductVariant, StockAdjustment
from orders import events, state
from orders.errors import (
    QUANTITY_RULE_MESSAGE,
    CartChanged,
    EmptyOrder,
    InvalidFulfilment,
    InvalidOrderEdit,
    InvalidRefund,
    OrderNotEditable,
    OutOfStock,
    QuantityRuleBroken,
    out_of_stock_message,
    quantity_rule_problem,
)
from orders.models import (
    Fulfilment,
    FulfilmentLine,
    FulfilmentStatus,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    PaymentStatus,
    StockReservation,
)
from orders.numbers import next_order_number
from pricing import Buyer, Channel, QuantityRule, price_for, prices_and_rules_for

# The quantity columns (PostgreSQL integer) hold no more; an order holds at most so many lines.
MAX_QUANTITY = 2147483647
MAX_LINES = 250
# How long a two-phase reservation holds stock unless the order is placed (reserve_stock).
RESERVATION_MINUTES = 15


# --- The draft: what checkout hands over -------------------------------------------------


@dataclass(frozen=True)
class DraftLine:
    """One line to buy, as checkout priced it (``checkout.calculations.TotalsLine``)."""

    variant_id: int
    quantity: int
    unit_price: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal
    tax_rate: Decimal = Decimal(0)
    # Informational (the snapshot is taken from the locked variant); kept if it is gone.
    sku: str = ""
    name: str = ""
    variant_label: str = ""
    weight_grams: int | None = None


@dataclass(frozen=True)
class OrderDraft:
    """Everything an order is made of, as checkout computed it. Amounts are Decimals in
    ``currency`` (Money values are accepted and unwrapped)."""

    checkout_token: uuid.UUID
    lines: list[DraftLine]
    currency: str
    subtotal: Decimal
    total: Decimal
    tax: Decimal = Decimal(0)
    shipping: Decimal = Decimal(0)
    shipping_tax: Decimal = Decimal(0)
    discount: Decimal = Decimal(0)
    tax_rates: list = field(default_factory=list)
    email: str = ""
    user: object = None
    company: object = None
    channel: str = Channel.B2C
    shipping_address: dict = field(default_factory=dict)
    billing_address: dict = field(default_factory=dict)
    delivery_option_id: int | None = None
    delivery_option_name: str = ""
    # The option as offered: {"price": "5.00", "kind": "flat", "estimated_days": [2, 4], ...}.
    delivery_option_data: dict = field(default_factory=dict)
    payment_method: str = ""
    note: str = ""
    # The company's purchase-order number (b2b.purchasing; unique within the company).
    po_number: str = ""
    # Whether the store's prices were entered tax included (taxes settings), for recomputing
    # totals after an edit.
    prices_include_tax: bool = False
    # Unit prices agreed in a quote ({variant id: Decimal}), set only by b2b.quotes from
    # staff's offer (never from a client): placing checks these lines against them instead of
    # price_for.
    quoted_prices: dict = field(default_factory=dict)


def draft_from_checkout(checkout, totals, buyer: Buyer | None = None) -> OrderDraft:
    """The draft of a ``checkout.models.Checkout`` and its ``CheckoutTotals`` (the contract's
    field names). Checkout may also build an :class:`OrderDraft` itself."""
    option = getattr(totals, "delivery_option", None)
    billing = checkout.shipping_address
    if not getattr(checkout, "billing_same_as_shipping", True):
        billing = checkout.billing_address
    shipping = _amount(getattr(totals, "shipping", 0))
    return OrderDraft(
        checkout_token=checkout.token,
        lines=[
            DraftLine(
                variant_id=line.variant_id,
                quantity=line.quantity,
                unit_price=_amount(line.unit_price),
                net=_amount(line.net),
                tax=_amount(line.tax),
                gross=_amount(line.gross),
                tax_rate=Decimal(getattr(line, "tax_rate", 0) or 0),
                sku=getattr(line, "sku", "") or "",
                name=getattr(line, "name", "") or "",
                variant_label=getattr(line, "variant_label", "") or "",
                # TotalsLine's weight is the line's; the order keeps one unit's (the variant's).
                weight_grams=None,
            )
            for line in totals.lines
        ],
        currency=totals.currency,
        subtotal=_amount(totals.subtotal),
        discount=_amount(getattr(totals, "discount", 0)),
        shipping=shipping,
        shipping_tax=_amount(getattr(totals, "shipping_tax", 0)),
        tax=_amount(totals.tax),
        total=_amount(totals.total),
        tax_rates=_jsonable(getattr(totals, "tax_rates", []) or []),
        email=checkout.email or getattr(getattr(buyer, "user", None), "email", "") or "",
        user=getattr(buyer, "user", None) or getattr(checkout, "user", None),
        company=getattr(buyer, "company", None),
        channel=getattr(buyer, "channel", Channel.B2C),
        shipping_address=dict(checkout.shipping_address or {}),
        billing_address=dict(billing or {}),
        delivery_option_id=getattr(checkout, "delivery_option_id", None),
        delivery_option_name=str(getattr(option, "name", "") or ""),
        delivery_option_data=_jsonable(
            {
                key: getattr(option, key)
                for key in ("code", "kind", "price", "estimated_days_min", "estimated_days_max")
                if option is not None and hasattr(option, key)
            }
        ),
        payment_method=checkout.payment_method or "",
        note=checkout.note or "",
        po_number=getattr(checkout, "po_number", "") or "",
        prices_include_tax=bool(getattr(totals, "prices_include_tax", False)),
    )


# --- Placing -------------------------------------------------------------------------------


def place_order(
    *,
    buyer: Buyer,
    draft: OrderDraft | None = None,
    checkout=None,
    totals=None,
    token_locked: bool = False,
) -> Order:
    """Place the order of a checkout: idempotent per checkout token.

    One transaction that (a) locks the checkout token (a transaction-level advisory lock) and
    returns the order already placed from it, if any — the same checkout submitted ten times
    in parallel makes one order; (b) re-validates every line against the variant as it is now
    (sold to ``buyer``, the price ``pricing.price_for`` gives): anything stale raises
    CartChanged (409, what changed); a quantity that no longer keeps its rule as it is now
    (``pricing.quantity_rule_for``: the variant's, and a B2B buyer's price-list minimum and
    multiple) raises QuantityRuleBroken (400, the line and the rule); (c) locks the variants
    in id order and reserves their stock — OutOfStock (409) when another shopper was first,
    never oversold; (d) counts the order against the plan's monthly orders
    (``plan_limit_reached``); (e) snapshots names, SKUs, prices, taxes and addresses under
    the store's next order number; (f) sends ``order_placed`` after commit. A company's
    order first passes its company's rules under a lock on the company's row
    (``b2b.purchasing.placement``: PO number unused, credit limit for the invoice method) and
    starts ``awaiting_approval`` when an approver must approve it. Nothing is reserved or
    written when it refuses.

    ``token_locked``: the caller holds the checkout's row lock in its own transaction and has
    seen no order of it (``checkout.services.complete_checkout``): (a) is skipped and the
    placement joins the caller's transaction (no savepoint), so a refusal rolls it back whole.
    A constant number of queries whatever the number of lines.
    """
    from b2b.purchasing.placement import check_placement
    from tenants.limits import ensure_current_store_within_plan

    if draft is None:
        draft = draft_from_checkout(checkout, totals, buyer)
    _check_draft(draft)
    with transaction.atomic(savepoint=not token_locked):
        if not token_locked:
            _lock_token(draft.checkout_token)
            existing = Order.objects.filter(checkout_token=draft.checkout_token).first()
            if existing is not None:
                return existing
        first_status = check_placement(draft=draft, buyer=buyer)
        ids = sorted({line.variant_id for line in draft.lines})
        variants = {
            variant.pk: variant
            for variant in ProductVariant.objects.select_for_update(of=("self",))
            .select_related("product")
            .filter(pk__in=ids)
            .order_by("pk")
        }
        changes, rule_problems = _changes(draft, variants, buyer)
        if changes:
            raise CartChanged(
                "Your cart changed since you reviewed it: please check it again.",
                changes=changes,
            )
        if rule_problems:
            raise QuantityRuleBroken(QUANTITY_RULE_MESSAGE, problems=rule_problems)
        held = {
            r.variant_id: r
            for r in StockReservation.objects.select_for_update().filter(
                checkout_token=draft.checkout_token
            )
        }
        reserve, deltas = _reservations(draft, variants, held)
        ensure_current_store_within_plan(resource="monthly_orders")
        order = Order.objects.create(
            number=next_order_number(),
            checkout_token=draft.checkout_token,
            status=first_status,
            po_number=draft.po_number,
            channel=draft.channel,
            user=_person(draft.user),
            company=draft.company,
            email=draft.email,
            shipping_address=draft.shipping_address,
            billing_address=draft.billing_address,
            delivery_option_id=draft.delivery_option_id,
            delivery_option_name=draft.delivery_option_name[:200],
            delivery_option_data=draft.delivery_option_data,
            currency=draft.currency,
            subtotal=draft.subtotal,
            discount=draft.discount,
            shipping=draft.shipping,
            shipping_tax=draft.shipping_tax,
            tax=draft.tax,
            total=draft.total,
            tax_rates=draft.tax_rates,
            payment_method=draft.payment_method,
            note=draft.note,
            prices_include_tax=draft.prices_include_tax,
        )
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    variant_id=line.variant_id,
                    sku=variants[line.variant_id].sku,
                    product_name=variants[line.variant_id].product.name[:200],
                    variant_label=(line.variant_label or _variant_label(variants[line.variant_id]))[
                        :200
                    ],
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    net=line.net,
                    tax=line.tax,
                    gross=line.gross,
                    tax_rate=line.tax_rate,
                    weight_grams=(
                        line.weight_grams
                        if line.weight_grams is not None
                        else variants[line.variant_id].weight_grams
                    ),
                    quantity_reserved=reserve.get(line.variant_id, 0),
                )
                for line in draft.lines
            ]
        )
        _add_reserved(deltas)
        if held:
            StockReservation.objects.filter(pk__in=[r.pk for r in held.values()]).delete()
        OrderEvent.objects.create(
            order=order,
            kind=OrderEvent.Kind.PLACED,
            to_status=order.status,
            actor=_person(draft.user),
            data={"number": order.number, "total": str(order.total)},
        )
        _announce_stock(variants, deltas)
        events.emit_order_placed(order)
        return order


def _check_draft(draft: OrderDraft) -> None:
    if len(draft.po_number) > 64:
        raise EmptyOrder("The PO number is too long.", fields={"po_number": ["At most 64."]})
    if not draft.lines:
        raise EmptyOrder("The cart is empty.", fields={"lines": ["Add something to buy."]})
    if len(draft.lines) > MAX_LINES:
        raise EmptyOrder(
            "Too many lines.", fields={"lines": [f"An order has at most {MAX_LINES} lines."]}
        )
    seen = set()
    for line in draft.lines:
        if line.variant_id in seen or not (1 <= line.quantity <= MAX_QUANTITY):
            raise EmptyOrder(
                "The cart's lines are not valid.",
                fields={f"lines.{line.variant_id}": ["One line per variant, quantity from 1."]},
            )
        seen.add(line.variant_id)


def _lock_token(token) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            [f"order-checkout:{connection.schema_name}:{token}"],
        )


def _changes(draft: OrderDraft, variants: dict, buyer: Buyer) -> tuple[list[dict], list[dict]]:
    """What changed since checkout priced the lines (one dict per stale line), and the lines
    whose quantity breaks its rule as it is now (orders.errors.quantity_rule_problem).

    A quoted line (b2b.quotes) keeps the variant's own rule: its quantity was agreed with the
    store at the quoted price, which no price list's rules govern."""
    from cart import rules

    changes, rule_problems = [], []
    # Every line priced at once for its quantity (a B2B buyer's volume breaks), as the cart
    # was, with its quantity rule (the price-list entries read once for both).
    priced = [line for line in draft.lines if variants.get(line.variant_id) is not None]
    prices, quantity_rules = prices_and_rules_for(
        [variants[line.variant_id] for line in priced],
        buyer,
        quantity={line.variant_id: line.quantity for line in priced},
        currency=draft.currency,
    )
    for line in draft.lines:
        variant = variants.get(line.variant_id)
        name = variant.product.name if variant is not None else (line.name or line.sku)
        base = {"variant_id": line.variant_id, "sku": variant.sku if variant else line.sku}
        if variant is None or not rules.is_sellable(variant, buyer):
            changes.append(
                {**base, "change": "unavailable", "message": f"{name} is no longer available."}
            )
            continue
        price = draft.quoted_prices.get(line.variant_id)
        if price is None:
            price = prices[variant.pk].amount
        if price != money.quantize(line.unit_price, draft.currency):
            changes.append(
                {
                    **base,
                    "change": "price",
                    "was": str(money.quantize(line.unit_price, draft.currency)),
                    "now": str(price),
                    "message": (
                        f"{name} now costs {money.format_money(price, draft.currency)} "
                        f"(was {money.format_money(line.unit_price, draft.currency)})."
                    ),
                }
            )
            continue
        if line.variant_id in draft.quoted_prices:
            rule = QuantityRule.of_variant(variant)
        else:
            rule = quantity_rules[variant.pk]
        problem = quantity_rule_problem(
            variant_id=line.variant_id,
            sku=variant.sku,
            name=name,
            quantity=line.quantity,
            rule=rule,
        )
        if problem:
            rule_problems.append(problem)
    return changes, rule_problems


def _reservations(draft: OrderDraft, variants: dict, held: dict) -> tuple[dict, dict]:
    """How many units each line reserves, and the change of each variant's stock_reserved.

    Stock already held for this checkout (StockReservation) counts as reserved for it; the
    rest must be available. Raises OutOfStock naming every short line.
    """
    reserve: dict[int, int] = {}
    deltas: dict[int, int] = {}
    shortages = []
    wanted = {line.variant_id: line.quantity for line in draft.lines}
    for pk in sorted(set(wanted) | set(held)):
        variant = variants.get(pk)
        quantity = wanted.get(pk, 0)
        holding = held[pk].quantity if pk in held else 0
        if variant is None:
            continue  # a reservation of a deleted variant went with it
        if quantity == 0 or variant.stock_policy != ProductVariant.StockPolicy.DENY:
            if holding:
                deltas[pk] = -holding
            continue
        need = quantity - holding
        available = variant.stock_on_hand - variant.stock_reserved
        if need > available:
            left = max(available + holding, 0)
            shortages.append(
                {
                    "variant_id": pk,
                    "sku": variant.sku,
                    "requested": quantity,
                    "available": left,
                    "message": out_of_stock_message(variant.product.name, left),
                }
            )
            continue
        reserve[pk] = quantity
        if need:
            deltas[pk] = need
    if shortages:
        raise OutOfStock("Some items are no longer in stock.", shortages=shortages)
    return reserve, deltas


def _add_reserved(deltas: dict[int, int]) -> None:
    """Add to the variants' stock_reserved in one statement (their rows are locked)."""
    if not deltas:
        return
    ids = sorted(deltas)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE catalog_productvariant v
            SET stock_reserved = GREATEST(v.stock_reserved + u.delta, 0)
            FROM unnest(%s::bigint[], %s::integer[]) AS u(id, delta)
            WHERE v.id = u.id
            """,
            [ids, [deltas[pk] for pk in ids]],
        )


def _announce_stock(variants: dict, deltas: dict[int, int]) -> None:
    """Tell the catalog about the products whose variants' availability crossed zero with
    these reservation changes (``variants`` as locked, before the change): only whether a
    variant is in stock is part of a product's summary, listings and search documents, so
    other reservations change nothing there and announce nothing (placements stay cheap)."""
    crossed = set()
    for pk, delta in deltas.items():
        variant = variants.get(pk)
        if variant is None or not delta:
            continue
        before = variant.stock_on_hand - variant.stock_reserved
        if (before > 0) != (before - delta > 0):
            crossed.add(variant.product_id)
    if crossed:
        emit_products_changed(crossed)


# --- Two-phase reservations ------------------------------------------------------------------


def reserve_stock(
    *, checkout_token, lines: list[tuple[int, int]], minutes: int = RESERVATION_MINUTES
) -> list[StockReservation]:
    """Hold stock for a checkout before its order exists (e.g. while a payment is made):
    ``lines`` are (variant id, quantity). Replaces what the token held before; OutOfStock when
    the stock is not there (nothing held then). Expires after ``minutes`` unless
    ``place_order`` of the same token takes it over."""
    wanted = {}
    for variant_id, quantity in lines:
        wanted[int(variant_id)] = wanted.get(int(variant_id), 0) + int(quantity)
    expires_at = timezone.now() + timedelta(minutes=minutes)
    with transaction.atomic():
        _lock_token(checkout_token)
        old = {
            r.variant_id: r
            for r in StockReservation.objects.select_for_update().filter(
                checkout_token=checkout_token
            )
        }
        ids = sorted(set(wanted) | set(old))
        variants = {
            v.pk: v
            for v in ProductVariant.objects.select_for_update(of=("self",))
            .select_related("product")
            .filter(pk__in=ids)
            .order_by("pk")
        }
        deltas: dict[int, int] = {}
        shortages = []
        made = []
        for pk in ids:
            variant = variants.get(pk)
            holding = old[pk].quantity if pk in old else 0
            quantity = wanted.get(pk, 0)
            denies = variant is not None and variant.stock_policy == ProductVariant.StockPolicy.DENY
            if not denies:
                if holding:
                    deltas[pk] = -holding
                continue
            available = variant.stock_on_hand - variant.stock_reserved + holding
            if quantity > available:
                shortages.append(
                    {
                        "variant_id": pk,
                        "sku": variant.sku,
                        "requested": quantity,
                        "available": max(available, 0),
                        "message": out_of_stock_message(variant.product.name, available),
                    }
                )
                continue
            if quantity != holding:
                deltas[pk] = quantity - holding
            if quantity:
                made.append((pk, quantity))
        if shortages:
            raise OutOfStock("Some items are no longer in stock.", shortages=shortages)
        StockReservation.objects.filter(checkout_token=checkout_token).delete()
        reservations = StockReservation.objects.bulk_create(
            [
                StockReservation(
                    variant_id=pk, checkout_token=checkout_token, quantity=q, expires_at=expires_at
                )
                for pk, q in made
            ]
        )
        _add_reserved(deltas)
        _announce_stock(variants, deltas)
        return reservations


def release_reservations(*, checkout_token) -> int:
    """Give back what a checkout held (an abandoned payment). Returns the units released."""
    with transaction.atomic():
        _lock_token(checkout_token)
        rows = list(
            StockReservation.objects.select_for_update().filter(checkout_token=checkout_token)
        )
        return _release(rows)


def release_expired_reservations(*, now=None) -> int:
    """Give back the stock of reservations past ``expires_at`` that never became an order
    (the periodic task, per store). Rows being taken over by a placement right now are
    skipped (locked); returns the units released."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            StockReservation.objects.select_for_update(skip_locked=True)
            .filter(expires_at__lte=now)
            .order_by("variant_id", "pk")
        )
        return _release(rows)


def _release(rows: list[StockReservation]) -> int:
    if not rows:
        return 0
    deltas: dict[int, int] = {}
    for row in rows:
        deltas[row.variant_id] = deltas.get(row.variant_id, 0) - row.quantity
    locked = _lock_variants(deltas)
    _add_reserved(deltas)
    StockReservation.objects.filter(pk__in=[row.pk for row in rows]).delete()
    _announce_stock(locked, deltas)
    return -sum(deltas.values())


# --- After placement ---------------------------------------------------------------------------


def _lock_order(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def _sync(order: Order, locked: Order) -> Order:
    """Copy the locked row's state onto the caller's instance."""
    for f in locked._meta.concrete_fields:
        setattr(order, f.attname, getattr(locked, f.attname))
    return order


def cancel_order(
    *, order: Order, actor=None, by_shopper: bool = False, note: str = "", by: str = ""
) -> Order:
    """Cancel an order: by its shopper while awaiting approval or pending, by staff while
    awaiting approval, pending or processing (IllegalTransition otherwise). Its reserved stock
    goes back; a fulfilled part cannot be cancelled (ship or refund it instead). ``by`` names
    who cancelled in the event's data when it is neither ("approver": a rejection)."""
    allowed = state.CANCELLABLE_BY_SHOPPER if by_shopper else state.CANCELLABLE_BY_STAFF
    with transaction.atomic():
        locked = _lock_order(order)
        if locked.status not in allowed or locked.fulfilment_status != FulfilmentStatus.UNFULFILLED:
            from orders.errors import IllegalTransition

            who = "you" if by_shopper else "staff"
            raise IllegalTransition(
                f"Order #{locked.number} is {OrderStatus(locked.status).label.lower()}: "
                f"{who} can no longer cancel it.",
                fields={"status": [f"Not allowed from {locked.status} to cancelled."]},
            )
        state.check_transition(locked, OrderStatus.CANCELLED)
        lines = list(locked.lines.filter(quantity_reserved__gt=0, variant__isnull=False))
        variants = _lock_variants({line.variant_id for line in lines})
        deltas: dict[int, int] = {}
        for line in lines:
            deltas[line.variant_id] = deltas.get(line.variant_id, 0) - line.quantity_reserved
        _add_reserved(deltas)
        OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(quantity_reserved=0)
        state._move(
            locked,
            OrderStatus.CANCELLED,
            actor=actor,
            note=note,
            data={"by": by or ("shopper" if by_shopper else "staff")},
        )
        _announce_stock(variants, deltas)
        return _sync(order, locked)


def _lock_variants(ids) -> dict[int, ProductVariant]:
    return {
        v.pk: v
        for v in ProductVariant.objects.select_for_update(of=("self",))
        .select_related("product")
        .filter(pk__in=sorted(ids))
        .order_by("pk")
    }


def fulfil(
    *, order: Order, lines, carrier: str = "", tracking_number: str = "", actor=None
) -> Fulfilment:
    """Ship some quantities of some lines: ``lines`` maps an OrderLine (or its id) to the
    quantity shipped (a dict, or (line, quantity) pairs). A pending order is moved to
    processing first; fulfilment_status becomes partially_fulfilled or fulfilled, and the
    order shipped when everything is. Stock on hand and reserved both go down by what ships
    (StockAdjustment "sold"). InvalidFulfilment (400, per line) for quantities beyond what is
    left to ship; IllegalTransition if the order is not pending or processing."""
    from catalog.inventory import adjust_stock

    pairs = list(lines.items()) if isinstance(lines, dict) else list(lines)
    carrier = (carrier or "").strip()
    tracking_number = (tracking_number or "").strip()
    if len(carrier) > 100 or len(tracking_number) > 100:
        raise InvalidFulfilment(
            "Too long.",
            fields={
                name: ["At most 100 characters."]
                for name, value in (("carrier", carrier), ("tracking_number", tracking_number))
                if len(value) > 100
            },
        )
    with transaction.atomic():
        locked = _lock_order(order)
        if locked.status not in (OrderStatus.PENDING, OrderStatus.PROCESSING):
            state.check_transition(locked, OrderStatus.SHIPPED)
        order_lines = {line.pk: line for line in locked.lines.select_for_update()}
        wanted: dict[int, int] = {}
        errors: dict[str, list[str]] = {}
        for key, quantity in pairs:
            pk = getattr(key, "pk", key)
            line = order_lines.get(_int(pk))
            if line is None:
                errors[f"lines.{pk}"] = ["Not a line of this order."]
                continue
            q = _int(quantity)
            if q is None or q < 0:
                errors[f"lines.{pk}"] = ["A whole number from 0 is required."]
                continue
            wanted[line.pk] = wanted.get(line.pk, 0) + q
        for pk, q in wanted.items():
            if q > order_lines[pk].quantity_to_fulfil:
                errors[f"lines.{pk}"] = [
                    f"Only {order_lines[pk].quantity_to_fulfil} left to ship on this line."
                ]
        wanted = {pk: q for pk, q in wanted.items() if q}
        if not wanted and not errors:
            errors["lines"] = ["Choose at least one item to ship."]
        if errors:
            raise InvalidFulfilment("These quantities cannot be shipped.", fields=errors)
        if locked.status == OrderStatus.PENDING:
            state._move(locked, OrderStatus.PROCESSING, actor=actor, note="", data={})
        variant_ids = {order_lines[pk].variant_id for pk in wanted} - {None}
        variants = _lock_variants(variant_ids)
        fulfilment = Fulfilment.objects.create(
            order=locked,
            carrier=carrier,
            tracking_number=tracking_number,
            actor=state._person(actor),
        )
        FulfilmentLine.objects.bulk_create(
            [
                FulfilmentLine(fulfilment=fulfilment, order_line_id=pk, quantity=q)
                for pk, q in wanted.items()
            ]
        )
        released: dict[int, int] = {}
        who = getattr(actor, "email", "") or "orders"
        for pk, q in wanted.items():
            line = order_lines[pk]
            from_reserved = min(line.quantity_reserved, q)
            line.quantity_fulfilled += q
            line.quantity_reserved -= from_reserved
            line.save(update_fields=["quantity_fulfilled", "quantity_reserved"])
            if line.variant_id in variants:
                if from_reserved:
                    released[line.variant_id] = released.get(line.variant_id, 0) - from_reserved
                adjust_stock(
                    variant_id=line.variant_id,
                    delta=-q,
                    reason=StockAdjustment.Reason.SOLD,
                    actor=who[:254],
                    note=f"Order #{locked.number}"[:300],
                )
        _add_reserved(released)
        everything = all(line.quantity_to_fulfil == 0 for line in order_lines.values())
        state.set_side_status(
            locked,
            "fulfilment_status",
            FulfilmentStatus.FULFILLED if everything else FulfilmentStatus.PARTIALLY_FULFILLED,
            actor=actor,
        )
        OrderEvent.objects.create(
            order=locked,
            kind=OrderEvent.Kind.FULFILLED,
            actor=state._person(actor),
            data={
                "fulfilment_id": fulfilment.pk,
                "carrier": carrier,
                "tracking_number": tracking_number,
                "lines": {str(pk): q for pk, q in wanted.items()},
            },
        )
        if everything:
            state._move(
                locked,
                OrderStatus.SHIPPED,
                actor=actor,
                note="",
                data={"fulfilment_id": fulfilment.pk},
            )
        else:
            events.emit_status_changed(
                locked,
                kind="fulfilment",
                from_status=locked.status,
                to_status=locked.status,
                data={"fulfilment_id": fulfilment.pk},
            )
        _sync(order, locked)
        return fulfilment


def mark_delivered(*, order: Order, actor=None, note: str = "") -> Order:
    """Shipped → delivered (IllegalTransition from anywhere else); the parcels are dated."""
    with transaction.atomic():
        locked = _lock_order(order)
        state.check_transition(locked, OrderStatus.DELIVERED)
        locked.fulfilments.filter(delivered_at__isnull=True).update(delivered_at=timezone.now())
        state._move(locked, OrderStatus.DELIVERED, actor=actor, note=note, data={})
        return _sync(order, locked)


def start_processing(*, order: Order, actor=None, note: str = "") -> Order:
    """Pending → processing (staff accepted the order)."""
    state.transition(order, OrderStatus.PROCESSING, actor=actor, note=note)
    return order


def add_note(*, order: Order, note: str, actor=None) -> OrderEvent:
    """A note on the order's timeline (1 to 2,000 characters)."""
    from orders.errors import InvalidOrderEdit

    text = (note or "").strip()
    if not text or len(text) > 2000:
        raise InvalidOrderEdit(
            "The note is not valid.", fields={"note": ["Write 1 to 2,000 characters."]}
        )
    with transaction.atomic():
        locked = _lock_order(order)
        return OrderEvent.objects.create(
            order=locked, kind=OrderEvent.Kind.NOTE, actor=state._person(actor), note=text
        )


def record_payment(*, order: Order, amount, actor=None, note: str = "") -> Order:
    """Money received for the order (a COD payment marked paid, a capture): the payment
    status follows (partially paid, paid, overpaid). The payments app calls it; amounts are
    in the order's currency."""
    value = _money_amount(amount, order.currency, field="amount")
    if value <= 0:
        raise InvalidRefund(
            "The amount must be positive.", fields={"amount": ["Must be more than 0."]}
        )
    with transaction.atomic():
        locked = _lock_order(order)
        paid = locked.amount_paid + value
        if not _fits(paid):
            raise InvalidRefund("The amount is too large.", fields={"amount": ["Too large."]})
        locked.amount_paid = paid
        locked.save(update_fields=["amount_paid", "updated_at"])
        OrderEvent.objects.create(
            order=locked,
            kind=OrderEvent.Kind.PAYMENT,
            actor=state._person(actor),
            note=note,
            data={"amount": str(value), "paid": str(paid)},
        )
        state.set_side_status(locked, "payment_status", _payment_status(locked), actor=actor)
        return _sync(order, locked)


def set_payment_status(*, order: Order, payment_status: str, actor=None, note: str = "") -> Order:
    """Set the payment status as the payments app derived it from its payments."""
    PaymentStatus(payment_status)
    with transaction.atomic():
        locked = _lock_order(order)
        state.set_side_status(locked, "payment_status", payment_status, actor=actor, note=note)
        return _sync(order, locked)


def record_refund(*, order: Order, amount, actor=None, note: str = "") -> Order:
    """Money given back (COD: recorded). Bounded by what was paid and not refunded yet
    (InvalidRefund 400 ``amount`` otherwise). The payment status becomes partially_refunded
    or refunded; a shipped or delivered order moves to partially_refunded or refunded too.
    Giving back only the excess of an overpayment (what is kept still covers the total) is
    not a refund of the order: its status stays, its payment status becomes paid (or stays
    overpaid while some excess is kept)."""
    value = _money_amount(amount, order.currency, field="amount")
    with transaction.atomic():
        locked = _lock_order(order)
        refundable = locked.amount_paid - locked.amount_refunded
        if value <= 0 or value > refundable:
            raise InvalidRefund(
                "This refund is not possible.",
                fields={
                    "amount": [
                        f"From {money.format_money(_smallest(locked.currency), locked.currency)} "
                        f"to {money.format_money(refundable, locked.currency)} "
                        "(what was paid and not refunded yet)."
                        if refundable > 0
                        else "Nothing paid is left to refund."
                    ]
                },
            )
        locked.amount_refunded += value
        locked.save(update_fields=["amount_refunded", "updated_at"])
        kept = locked.amount_paid - locked.amount_refunded
        OrderEvent.objects.create(
            order=locked,
            kind=OrderEvent.Kind.REFUND,
            actor=state._person(actor),
            note=note,
            data={"amount": str(value), "refunded": str(locked.amount_refunded)},
        )
        if kept >= locked.total:
            # Only the excess of an overpayment went back: the order is still paid in full,
            # nothing of it was refunded (payments.status derives the same).
            status = PaymentStatus.PAID if kept == locked.total else PaymentStatus.OVERPAID
            state.set_side_status(locked, "payment_status", status, actor=actor)
            return _sync(order, locked)
        full = kept <= 0
        state.set_side_status(
            locked,
            "payment_status",
            PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED,
            actor=actor,
            data={"amount": str(value)},
        )
        to = OrderStatus.REFUNDED if full else OrderStatus.PARTIALLY_REFUNDED
        if state.can_transition(locked.status, to):
            state._move(locked, to, actor=actor, note=note, data={"amount": str(value)})
        return _sync(order, locked)


# --- Edits before fulfilment ---------------------------------------------------------------------


def edit_order_lines(
    *,
    order: Order,
    quantities: dict | None = None,
    add: list[tuple[int, int]] | None = None,
    shipping_address: dict | None = None,
    actor=None,
    note: str = "",
) -> Order:
    """Change an order before anything ships (pending or processing, unfulfilled): set line
    quantities (``quantities``: line id → quantity, 0 removes the line), ``add`` variants
    (variant id, quantity) at today's price for the order's channel, replace the shipping
    address. Stock reservations follow; totals are recomputed (``_recompute_totals``); one
    "edited" event records before and after. OrderNotEditable (409) once something shipped;
    InvalidOrderEdit (400, per field) for bad quantities, unknown lines or variants, stock."""
    from cart import rules

    quantities = dict(quantities or {})
    add = list(add or [])
    with transaction.atomic():
        locked = _lock_order(order)
        if (
            locked.status not in state.EDITABLE
            or locked.fulfilment_status != FulfilmentStatus.UNFULFILLED
        ):
            raise OrderNotEditable(
                f"Order #{locked.number} can no longer be edited (only before anything ships).",
                fields={"status": [f"The order is {locked.status}."]},
            )
        lines = {line.pk: line for line in locked.lines.select_for_update()}
        errors: dict[str, list[str]] = {}
        new_quantities: dict[int, int] = {}
        for key, value in quantities.items():
            pk, q = _int(key), _int(value)
            if pk not in lines:
                errors[f"lines.{key}"] = ["Not a line of this order."]
            elif q is None or not (0 <= q <= MAX_QUANTITY):
                errors[f"lines.{key}"] = ["A whole number from 0 is required."]
            else:
                new_quantities[pk] = q
        additions: dict[int, int] = {}
        for variant_id, value in add:
            pk, q = _int(variant_id), _int(value)
            if pk is None or q is None or not (1 <= q <= MAX_QUANTITY):
                errors[f"add.{variant_id}"] = ["A variant and a whole quantity from 1."]
            else:
                additions[pk] = additions.get(pk, 0) + q
        if shipping_address is not None:
            shipping_address, address_errors = _clean_address(shipping_address)
            errors.update(address_errors)
        existing_variants = {line.variant_id: line for line in lines.values() if line.variant_id}
        variant_ids = set(additions) | {
            lines[pk].variant_id for pk in new_quantities if lines[pk].variant_id
        }
        variants = _lock_variants(variant_ids)
        buyer = Buyer(channel=Channel(locked.channel), user=locked.user, company=locked.company)
        for pk in additions:
            variant = variants.get(pk)
            if variant is None or not rules.is_sellable(variant, buyer):
                errors[f"add.{pk}"] = ["Unknown or unavailable variant."]
        if errors:
            raise InvalidOrderEdit("The edit is not valid.", fields=errors)
        if all(new_quantities.get(pk, line.quantity) == 0 for pk, line in lines.items()) and (
            not additions
        ):
            raise InvalidOrderEdit(
                "An order needs at least one line.",
                fields={"lines": ["Keep at least one line (or cancel the order)."]},
            )
        before = _lines_snapshot(lines.values())
        deltas: dict[int, int] = {}
        shortages = {}
        # Additions of a variant the order has already add to its line.
        for pk, q in additions.items():
            if pk in existing_variants:
                line = existing_variants[pk]
                new_quantities[line.pk] = new_quantities.get(line.pk, line.quantity) + q
        for pk, q in new_quantities.items():
            line = lines[pk]
            variant = variants.get(line.variant_id)
            if variant is None or variant.stock_policy != ProductVariant.StockPolicy.DENY:
                continue
            extra = q - line.quantity_reserved
            if extra > variant.stock_available - deltas.get(variant.pk, 0):
                shortages[f"lines.{pk}"] = [
                    f"Only {line.quantity_reserved + max(variant.stock_available, 0)} available."
                ]
            deltas[variant.pk] = deltas.get(variant.pk, 0) + extra
        new_lines = []
        for pk, q in additions.items():
            if pk in existing_variants:
                continue
            variant = variants[pk]
            reserved = 0
            if variant.stock_policy == ProductVariant.StockPolicy.DENY:
                if q > variant.stock_available - deltas.get(pk, 0):
                    shortages[f"add.{pk}"] = [f"Only {max(variant.stock_available, 0)} available."]
                deltas[pk] = deltas.get(pk, 0) + q
                reserved = q
            unit = price_for(variant, buyer, quantity=q, currency=locked.currency).amount
            new_lines.append(
                OrderLine(
                    order=locked,
                    variant=variant,
                    sku=variant.sku,
                    product_name=variant.product.name[:200],
                    variant_label=_variant_label(variant)[:200],
                    quantity=q,
                    unit_price=unit,
                    net=money.quantize(unit * q, locked.currency),
                    tax=Decimal(0),
                    gross=money.quantize(unit * q, locked.currency),
                    tax_rate=Decimal(0),
                    weight_grams=variant.weight_grams,
                    quantity_reserved=reserved,
                )
            )
        if shortages:
            raise InvalidOrderEdit("Not enough stock for this edit.", fields=shortages)
        for pk, q in new_quantities.items():
            line = lines[pk]
            if q == 0:
                line.delete()
                del lines[pk]
                continue
            line.quantity = q
            variant = variants.get(line.variant_id)
            if variant is not None and variant.stock_policy == ProductVariant.StockPolicy.DENY:
                line.quantity_reserved = q
            line.save(update_fields=["quantity", "quantity_reserved"])
        OrderLine.objects.bulk_create(new_lines)
        _add_reserved({pk: d for pk, d in deltas.items() if d})
        data: dict = {"lines_before": before}
        if shipping_address is not None:
            data["shipping_address_before"] = locked.shipping_address
            locked.shipping_address = shipping_address
            locked.save(update_fields=["shipping_address", "updated_at"])
        all_lines = list(locked.lines.all())
        totals_before = _totals_snapshot(locked)
        _recompute_totals(locked, all_lines)
        data.update(
            lines_after=_lines_snapshot(all_lines),
            totals_before=totals_before,
            totals_after=_totals_snapshot(locked),
        )
        OrderEvent.objects.create(
            order=locked,
            kind=OrderEvent.Kind.EDITED,
            actor=state._person(actor),
            note=note,
            data=data,
        )
        _announce_stock(variants, deltas)
        return _sync(order, locked)


def _clean_address(address) -> tuple[dict, dict[str, list[str]]]:
    """The address as checkout validates one for its country (``checkout.addresses``), and
    its errors as ``shipping_address.<field>``; as given when checkout is not installed."""
    if not isinstance(address, dict):
        return {}, {"shipping_address": ["An address is required."]}
    try:
        from checkout.addresses import validate_address
    except ImportError:
        return address, {}
    from config.api_errors import DomainError

    try:
        return validate_address(address), {}
    except DomainError as refused:
        return {}, {
            f"shipping_address.{name}": list(texts) for name, texts in refused.fields.items()
        }


def _recompute_totals(order: Order, lines: list[OrderLine]) -> None:
    """Recompute the order's totals from its lines (after an edit) and save them.

    Through ``checkout.calculations.order_totals`` (the only totals) when checkout is
    installed: the lines at their frozen unit prices, taxed for the order's shipping address,
    the shipping price kept as sold. Without checkout (this app alone): each line at its
    frozen tax rate, the store's prices taken as entered when the order was placed
    (``prices_include_tax``), shipping and discount kept as placed.
    """
    try:  # checkout's calculations, once they exist
        from checkout.calculations import order_totals
    except ImportError:
        order_totals = None
    if order_totals is not None:
        totals = order_totals(
            order=order,
            lines=lines,
            buyer=Buyer(channel=Channel(order.channel), user=order.user, company=order.company),
        )
        for line, priced in zip(lines, totals.lines, strict=True):
            line.net, line.tax, line.gross = (
                _amount(priced.net),
                _amount(priced.tax),
                _amount(priced.gross),
            )
            line.tax_rate = Decimal(priced.tax_rate or 0)
        OrderLine.objects.bulk_update(lines, ["net", "tax", "gross", "tax_rate"])
        order.subtotal = _amount(totals.subtotal)
        order.discount = _amount(totals.discount)
        order.shipping_tax = _amount(totals.shipping_tax)
        order.tax = _amount(totals.tax)
        order.total = _amount(totals.total)
        order.tax_rates = _jsonable(totals.tax_rates)
        order.save(
            update_fields=[
                "subtotal",
                "discount",
                "shipping_tax",
                "tax",
                "total",
                "tax_rates",
                "updated_at",
            ]
        )
        return
    currency = order.currency
    for line in lines:
        amount = money.quantize(line.unit_price * line.quantity, currency)
        rate = line.tax_rate or Decimal(0)
        if order.prices_include_tax:
            line.gross = amount
            line.tax = money.quantize(amount * rate / (100 + rate), currency)
            line.net = line.gross - line.tax
        else:
            line.net = amount
            line.tax = money.quantize(amount * rate / 100, currency)
            line.gross = line.net + line.tax
    OrderLine.objects.bulk_update(lines, ["net", "tax", "gross"])
    # What the total adds to the lines (shipping, its tax, less discounts) stays as placed.
    rest = order.total - order.subtotal
    order.subtotal = sum((line.gross for line in lines), Decimal(0))
    order.tax = sum((line.tax for line in lines), Decimal(0)) + order.shipping_tax
    order.total = order.subtotal + rest
    order.save(update_fields=["subtotal", "tax", "total", "updated_at"])


def _lines_snapshot(lines) -> list[dict]:
    return [
        {"id": line.pk, "sku": line.sku, "quantity": line.quantity, "gross": str(line.gross)}
        for line in lines
    ]


def _totals_snapshot(order: Order) -> dict:
    return {
        "subtotal": str(order.subtotal),
        "tax": str(order.tax),
        "shipping": str(order.shipping),
        "total": str(order.total),
    }


# --- Helpers ---------------------------------------------------------------------------------


def _payment_status(order: Order) -> str:
    if order.amount_paid <= 0:
        return PaymentStatus.UNPAID
    if order.amount_paid < order.total:
        return PaymentStatus.PARTIALLY_PAID
    if order.amount_paid > order.total:
        return PaymentStatus.OVERPAID
    return PaymentStatus.PAID


def _amount(value) -> Decimal:
    if value is None:
        return Decimal(0)
    return Decimal(getattr(value, "amount", value))


def _money_amount(value, currency: str, *, field: str) -> Decimal:
    try:
        amount = Decimal(str(getattr(value, "amount", value)))
    except (ArithmeticError, ValueError, TypeError):
        amount = None
    if amount is None or not amount.is_finite() or not money.fits_currency(amount, currency):
        raise InvalidRefund(
            "The amount is not valid.", fields={field: [money.precision_message(currency)]}
        )
    if not _fits(amount):
        raise InvalidRefund("The amount is too large.", fields={field: ["Too large."]})
    return amount


def _fits(amount: Decimal) -> bool:
    return abs(amount) < Decimal("1e10")


def _smallest(currency: str) -> Decimal:
    return money.from_minor_units(1, currency)


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit() and len(value) < 20:
        return int(value)
    return None


def _person(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _variant_label(variant: ProductVariant) -> str:
    if variant.name:
        return variant.name
    return ", ".join(f"{value}" for value in (variant.options or {}).values() if value)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "amount") and hasattr(value, "currency"):
        return str(value.amount)
    if hasattr(value, "__dataclass_fields__"):
        return _jsonable({k: getattr(value, k) for k in value.__dataclass_fields__})
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


__all__ = [
    "DraftLine",
    "OrderDraft",
    "add_note",
    "cancel_order",
    "draft_from_checkout",
    "edit_order_lines",
    "fulfil",
    "mark_delivered",
    "place_order",
    "record_payment",
    "record_refund",
    "release_expired_reservations",
    "release_reservations",
    "reserve_stock",
    "set_payment_status",
    "start_processing",
]
