"""The B2B state machines: one transition table per thing, one function that moves it.

Invoices::

    open ──> paid
     │  └──> overdue ──> paid
     └──────────┴──────> void   (the order was cancelled; a paid invoice too)

Quotes::

    requested ──> offered ──> accepted ──> ordered
        │            ├──> expired
        └────────────┴──> declined (staff) / withdrawn (buyer)

Every move is recorded (:class:`b2b.models.InvoiceEvent` / :class:`b2b.models.QuoteEvent`:
who, when, from, to, note) on the row locked by the caller's transaction. A move the table does
not have raises :class:`b2b.errors.IllegalTransition` (409 ``illegal_transition``) and changes
nothing.
"""

from __future__ import annotations

from b2b.errors import IllegalTransition
from b2b.models import Invoice, InvoiceEvent, InvoiceStatus, Quote, QuoteEvent, QuoteStatus

I = InvoiceStatus  # noqa: E741
Q = QuoteStatus

INVOICE_TRANSITIONS: dict[str, frozenset[str]] = {
    I.OPEN: frozenset({I.PAID, I.OVERDUE, I.VOID}),
    I.OVERDUE: frozenset({I.PAID, I.VOID}),
    I.PAID: frozenset({I.VOID}),
    I.VOID: frozenset(),
}

QUOTE_TRANSITIONS: dict[str, frozenset[str]] = {
    Q.REQUESTED: frozenset({Q.OFFERED, Q.DECLINED, Q.WITHDRAWN}),
    Q.OFFERED: frozenset({Q.ACCEPTED, Q.DECLINED, Q.WITHDRAWN, Q.EXPIRED}),
    Q.ACCEPTED: frozenset({Q.ORDERED}),
    Q.ORDERED: frozenset(),
    Q.DECLINED: frozenset(),
    Q.WITHDRAWN: frozenset(),
    Q.EXPIRED: frozenset(),
}


def can_move_invoice(from_status: str, to_status: str) -> bool:
    return to_status in INVOICE_TRANSITIONS.get(from_status, frozenset())


def can_move_quote(from_status: str, to_status: str) -> bool:
    return to_status in QUOTE_TRANSITIONS.get(from_status, frozenset())


def move_invoice(locked: Invoice, to_status: str, *, actor=None, note: str = "") -> InvoiceEvent:
    """Move a locked invoice to ``to_status`` (IllegalTransition if the table has no such
    move), recorded."""
    if not can_move_invoice(locked.status, to_status):
        raise IllegalTransition(
            f"Invoice {locked.number} is {I(locked.status).label.lower()}; it cannot become "
            f"{_label(I, to_status)}.",
            fields={"status": [f"Not allowed from {locked.status} to {to_status}."]},
        )
    from_status = locked.status
    locked.status = to_status
    locked.save(update_fields=["status", "paid_at", "updated_at"])
    return InvoiceEvent.objects.create(
        invoice=locked,
        from_status=from_status,
        to_status=to_status,
        actor=_person(actor),
        note=(note or "")[:2000],
    )


def move_quote(locked: Quote, to_status: str, *, actor=None, note: str = "") -> QuoteEvent:
    """Move a locked quote to ``to_status`` (IllegalTransition if the table has no such
    move), recorded. The caller saves its other fields first."""
    if not can_move_quote(locked.status, to_status):
        raise IllegalTransition(
            f"This quote is {Q(locked.status).label.lower()}; it cannot become "
            f"{_label(Q, to_status)}.",
            fields={"status": [f"Not allowed from {locked.status} to {to_status}."]},
        )
    from_status = locked.status
    locked.status = to_status
    locked.save()
    return QuoteEvent.objects.create(
        quote=locked,
        from_status=from_status,
        to_status=to_status,
        actor=_person(actor),
        note=(note or "")[:2000],
    )


def _person(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def _label(choices, status: str) -> str:
    try:
        return choices(status).label.lower()
    except ValueError:
        return repr(status)
