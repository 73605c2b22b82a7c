"""The order's lifecycle: one transition table, one function that moves an order.

::

    awaiting_approval ──> pending            (a company's approver approved: b2b.approvals)
       └─> cancelled                         (rejected by an approver, or cancelled)

    pending ──> processing ──> shipped ──> delivered
       │            │             │            │
       └─> cancelled <┘           └──> partially_refunded / refunded <┘

Cancelling is possible from awaiting_approval, pending and processing only (stock goes back:
orders.actions.cancel_order). Refunds move a shipped or delivered order to partially_refunded
or refunded (orders.actions.record_refund); a refund of a pending, processing or cancelled
order changes its payment status only. Payment status and fulfilment status are tracked
beside the status (their own fields, their own events), never through this table.

Every move is an :class:`orders.models.OrderEvent` (who, when, from, to, note) and an
``order_status_changed`` signal after commit. A move the table does not have raises
:class:`IllegalTransition` (409 ``illegal_transition`` in the API) and changes nothing.
"""

from __future__ import annotations

from django.db import transaction

from orders import events
from orders.errors import IllegalTransition
from orders.models import Order, OrderEvent, OrderStatus

S = OrderStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.AWAITING_APPROVAL: frozenset({S.PENDING, S.CANCELLED}),
    S.PENDING: frozenset({S.PROCESSING, S.CANCELLED}),
    S.PROCESSING: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.DELIVERED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}

# Statuses from which the shopper may cancel (staff: CANCELLABLE_BY_STAFF).
# A buyer may withdraw their own order while it waits for approval; staff and approvers
# (rejecting) cancel it too, its reserved stock going back as for any cancellation.
CANCELLABLE_BY_SHOPPER = frozenset({S.AWAITING_APPROVAL, S.PENDING})
CANCELLABLE_BY_STAFF = frozenset({S.AWAITING_APPROVAL, S.PENDING, S.PROCESSING})
# Orders the store does not act on yet (no fulfilment, no processing): they wait for the
# company's approver.
NOT_YET_ACTIONABLE = frozenset({S.AWAITING_APPROVAL})
# Statuses in which lines may still be edited (and nothing has been shipped).
EDITABLE = frozenset({S.PENDING, S.PROCESSING})


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def allowed_transitions(order: Order) -> list[str]:
    """The statuses ``order`` may move to next (for screens' buttons), in the table's order."""
    return [status for status in S.values if can_transition(order.status, status)]


def check_transition(order: Order, to_status: str) -> None:
    if not can_transition(order.status, to_status):
        raise IllegalTransition(
            f"Order #{order.number} is {S(order.status).label.lower()}; it cannot become "
            f"{_label(to_status)}.",
            fields={"status": [f"Not allowed from {order.status} to {to_status}."]},
        )


def transition(
    order: Order, to_status: str, *, actor=None, note: str = "", data: dict | None = None
) -> OrderEvent:
    """Move ``order`` to ``to_status`` (IllegalTransition if the table has no such move).

    Locks the order's row and decides on the locked row (two staff moving one order at once
    are applied one after the other; the second may find the move no longer legal). Updates
    ``order`` in place. Records the event; the signal goes after commit.
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        check_transition(locked, to_status)
        event = _move(locked, to_status, actor=actor, note=note, data=data)
        order.status = locked.status
        order.updated_at = locked.updated_at
        return event


def _move(locked: Order, to_status: str, *, actor, note: str, data) -> OrderEvent:
    """The move itself, on an order row the caller has locked (and checked)."""
    from_status = locked.status
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    event = OrderEvent.objects.create(
        order=locked,
        kind=OrderEvent.Kind.STATUS_CHANGED,
        from_status=from_status,
        to_status=to_status,
        actor=_person(actor),
        note=note or "",
        data=data or {},
    )
    events.emit_status_changed(
        locked, kind="status", from_status=from_status, to_status=to_status, data=data
    )
    return event


def set_side_status(
    locked: Order, field: str, to_status: str, *, actor=None, note: str = "", data=None
) -> OrderEvent | None:
    """Set ``payment_status`` or ``fulfilment_status`` of a locked order, recorded as an event
    (nothing when it does not change)."""
    from_status = getattr(locked, field)
    if from_status == to_status:
        return None
    setattr(locked, field, to_status)
    locked.save(update_fields=[field, "updated_at"])
    kind = {
        "payment_status": OrderEvent.Kind.PAYMENT_STATUS_CHANGED,
        "fulfilment_status": OrderEvent.Kind.FULFILMENT_STATUS_CHANGED,
    }[field]
    event = OrderEvent.objects.create(
        order=locked,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=_person(actor),
        note=note or "",
        data=data or {},
    )
    events.emit_status_changed(
        locked, kind=field, from_status=from_status, to_status=to_status, data=data
    )
    return event


def _person(actor):
    """The account behind an actor (None for the system or an anonymous visitor)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def _label(status: str) -> str:
    try:
        return S(status).label.lower()
    except ValueError:
        return repr(status)
