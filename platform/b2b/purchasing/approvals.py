"""Approving a company buyer's orders: who may decide, and the two decisions.

An order placed above its buyer's spending limit, or any order of a company that requires
approval, starts ``awaiting_approval`` (b2b.purchasing.placement). An approver or admin of the
SAME company decides:

- approve: ``awaiting_approval -> pending`` (orders.state); from there the store handles it as
  any order (the staff's new-order email goes now, not at placement);
- reject, with a reason: ``awaiting_approval -> cancelled`` through ``orders.actions.
  cancel_order`` (its reserved stock goes back, as for any cancellation).

Both are OrderEvents (who, when, from, to, the note; ``data.approval`` says which) and, after
commit, an email to the buyer (b2b.purchasing.emails).

The buyer never decides on their own order, even when they are an approver or admin: an
approver's order within their own spending limit does not wait at all, and one above it waits
for ANOTHER approver or admin of the company (the buyer may still withdraw it, as a shopper
cancels a pending order). A company whose only approver is the buyer needs its admin to add
one. Deciding on an order of another company is answered as if it did not exist (404).
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import CompanyMembership
from accounts.permissions import APPROVE_COMPANY_ORDERS, company_of, has_permission
from b2b.errors import InvalidDecision, NotAllowedToDecide
from orders import actions, state
from orders.errors import IllegalTransition
from orders.models import Order, OrderStatus

NOTE_MAX_LENGTH = 2000
DECIDING_ROLES = (CompanyMembership.Role.APPROVER, CompanyMembership.Role.ADMIN)


def is_approver(user) -> bool:
    """Whether ``user`` approves orders for a company (an approver or admin of it)."""
    return company_of(user) is not None and has_permission(user, APPROVE_COMPANY_ORDERS)


def may_decide(*, user, order: Order) -> bool:
    """Whether ``user`` may approve or reject ``order``: an approver or admin of the order's
    company who is not its buyer."""
    company = company_of(user)
    return (
        company is not None
        and order.company_id == company.pk
        and has_permission(user, APPROVE_COMPANY_ORDERS)
        and order.user_id != user.pk
    )


def approve_order(*, order: Order, actor, note: str = "") -> Order:
    """Approve an order awaiting approval (-> pending). NotAllowedToDecide (403) for someone
    who may not decide on it, IllegalTransition (409) when it no longer awaits approval; the
    order's row is locked, so two approvers deciding at once are applied one after the other
    (the second is refused with 409)."""
    note = _note(note, required=False)
    _check_decider(actor, order)
    with transaction.atomic():
        _still_awaiting(Order.objects.select_for_update().get(pk=order.pk))
        state.transition(
            order,
            OrderStatus.PENDING,
            actor=actor,
            note=note,
            data={"approval": "approved"},
        )
    return order


def reject_order(*, order: Order, actor, note: str) -> Order:
    """Reject an order awaiting approval with a reason (-> cancelled, its reserved stock
    released). 400 without a reason; 403 and 409 as :func:`approve_order`."""
    note = _note(note, required=True)
    _check_decider(actor, order)
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        _still_awaiting(locked)
        actions.cancel_order(order=order, actor=actor, note=note, by="approver")
    return order


def _still_awaiting(locked: Order) -> None:
    if locked.status != OrderStatus.AWAITING_APPROVAL:
        raise IllegalTransition(
            f"Order #{locked.number} no longer awaits approval: it is "
            f"{OrderStatus(locked.status).label.lower()}.",
            fields={"status": [f"Not allowed from {locked.status}."]},
        )


def _check_decider(actor, order: Order) -> None:
    if not may_decide(user=actor, order=order):
        if order.user_id is not None and order.user_id == getattr(actor, "pk", None):
            raise NotAllowedToDecide(
                "You cannot approve or reject your own order: another approver of your "
                "company decides on it."
            )
        raise NotAllowedToDecide("Only your company's approvers decide on its orders.")


def _note(value, *, required: bool) -> str:
    note = (value or "").replace("\x00", "").strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        raise InvalidDecision("The note must be text.", fields={"note": ["Enter text."]})
    if required and not note:
        raise InvalidDecision(
            "Say why the order is rejected.",
            fields={"note": ["Say why the order is rejected: the buyer reads it."]},
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise InvalidDecision(
            "The note is too long.", fields={"note": [f"Use at most {NOTE_MAX_LENGTH} characters."]}
        )
    return note
