"""The shopper's own orders (account pages and the account API): reads, the timeline in the
shopper's words, cancel while pending and reorder. Writes go through orders.actions and
cart.services; nothing here writes an Order row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch

import money
from orders.models import Fulfilment, Order, OrderEvent, OrderLine, OrderStatus

MAX_NUMBER = 2147483647


def orders_of(user):
    """The person's orders, newest first (one query per page: no relations are read)."""
    if user is None or not user.is_authenticated:
        return Order.objects.none()
    return Order.objects.filter(user=user).order_by("-placed_at", "-pk")


def order_of(user, number) -> Order | None:
    """The person's order ``number`` with lines, events and fulfilments (four queries), or
    None: another person's order, another store's and a number out of range alike."""
    if user is None or not user.is_authenticated:
        return None
    try:
        number = int(number)
    except (TypeError, ValueError):
        return None
    if not 0 < number <= MAX_NUMBER:
        return None
    return (
        Order.objects.filter(user=user, number=number)
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
            Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "pk")),
            Prefetch("fulfilments", queryset=Fulfilment.objects.order_by("shipped_at", "pk")),
        )
        .first()
    )


@dataclass(frozen=True)
class Step:
    at: datetime
    title: str
    detail: str = ""
    kind: str = ""


_STATUS_WORDS = {
    OrderStatus.PROCESSING: ("We are preparing your order", ""),
    OrderStatus.SHIPPED: ("Shipped", "Everything is on its way."),
    OrderStatus.DELIVERED: ("Delivered", ""),
    OrderStatus.REFUNDED: ("Refunded", ""),
    OrderStatus.PARTIALLY_REFUNDED: ("Partially refunded", ""),
}


def timeline(order: Order) -> list[Step]:
    """What happened to the order, in the shopper's words. Staff notes, edits' reasons, emails
    and anonymisation are not shown."""
    steps: list[Step] = []
    currency = order.currency
    for event in order.events.all():
        kind, data = event.kind, event.data or {}
        if kind == OrderEvent.Kind.PLACED:
            steps.append(Step(event.created_at, "Order placed", "", kind))
            if event.to_status == OrderStatus.AWAITING_APPROVAL:
                detail = "An approver of your company decides on it before the store handles it."
                steps.append(Step(event.created_at, "Awaiting approval", detail, kind))
        elif kind == OrderEvent.Kind.STATUS_CHANGED:
            if event.to_status == OrderStatus.CANCELLED and data.get("by") == "approver":
                reason = f" Reason: {event.note}" if event.note else ""
                who = event.actor.email if event.actor_id else "your company's approver"
                steps.append(
                    Step(event.created_at, "Rejected", f"Rejected by {who}.{reason}", kind)
                )
            elif event.to_status == OrderStatus.CANCELLED:
                by = "by you" if data.get("by") == "shopper" else "by the store"
                steps.append(Step(event.created_at, "Cancelled", f"Cancelled {by}.", kind))
            elif data.get("approval") == "approved":
                who = event.actor.email if event.actor_id else "your company's approver"
                note = f" Note: {event.note}" if event.note else ""
                steps.append(Step(event.created_at, "Approved", f"Approved by {who}.{note}", kind))
            elif event.to_status in _STATUS_WORDS:
                title, detail = _STATUS_WORDS[event.to_status]
                steps.append(Step(event.created_at, title, detail, kind))
        elif kind == OrderEvent.Kind.FULFILLED:
            carrier = data.get("carrier") or ""
            tracking = data.get("tracking_number") or ""
            detail = ", ".join(
                part
                for part in (
                    f"with {carrier}" if carrier else "",
                    f"tracking number {tracking}" if tracking else "",
                )
                if part
            )
            steps.append(Step(event.created_at, "Parcel sent", detail, kind))
        elif kind == OrderEvent.Kind.DELIVERED:
            steps.append(Step(event.created_at, "Parcel delivered", "", kind))
        elif kind == OrderEvent.Kind.PAYMENT:
            amount = money.format_money(data.get("amount"), currency)
            steps.append(Step(event.created_at, "Payment received", amount, kind))
        elif kind == OrderEvent.Kind.REFUND:
            amount = money.format_money(data.get("amount"), currency)
            steps.append(Step(event.created_at, "Refund issued", amount, kind))
        elif kind == OrderEvent.Kind.EDITED:
            steps.append(Step(event.created_at, "Order updated by the store", "", kind))
    return _dedupe_delivered(steps)


def _dedupe_delivered(steps: list[Step]) -> list[Step]:
    """A delivery is both an event and a status change: say it once."""
    out: list[Step] = []
    for step in steps:
        said = out and out[-1].title in ("Delivered", "Parcel delivered")
        if said and step.title in ("Delivered", "Parcel delivered"):
            continue
        out.append(step)
    return out


def cancel(*, order: Order, user) -> Order:
    """The shopper cancels their pending order (IllegalTransition 409 otherwise)."""
    from orders import actions

    return actions.cancel_order(order=order, actor=user, by_shopper=True)


@dataclass
class ReorderResult:
    added: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, why)
    cart: object = None


def reorder(*, order: Order, cart, buyer) -> ReorderResult:
    """Add the order's lines still sellable to ``cart`` (cart.services.add_line, one line at a
    time: a line refused leaves the others added) and say which could not be added."""
    from cart import services as cart_services
    from config.api_errors import DomainError

    result = ReorderResult(cart=cart)
    for line in order.lines.all():
        name = line_name(line)
        if line.variant_id is None:
            result.skipped.append((name, "It is no longer sold."))
            continue
        try:
            cart_services.add_line(
                cart=cart, variant_id=line.variant_id, quantity=line.quantity, buyer=buyer
            )
        except DomainError as error:
            result.skipped.append((name, _reason(error)))
        else:
            result.added.append(name)
    return result


def line_name(line: OrderLine) -> str:
    return (
        f"{line.product_name} ({line.variant_label})" if line.variant_label else line.product_name
    )


def _reason(error) -> str:
    fields = getattr(error, "fields", None) or {}
    for messages in fields.values():
        if messages:
            return str(messages[0])
    return str(getattr(error, "message", "") or error)
