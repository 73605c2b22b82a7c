"""Approving a company's orders: approve, reject (stock released), an approver who is the
buyer, another company's approver, and the emails both ways (once, after commit)."""

import pytest
from django.core import mail
from django.db import connection

from b2b.errors import InvalidDecision, NotAllowedToDecide
from b2b.purchasing import approvals
from catalog.models import ProductVariant
from orders.errors import IllegalTransition
from orders.models import OrderEvent, OrderStatus
from orders.shopper import timeline
from tests.b2b.purchasing_factories import company, make_variant, member, place, set_up_store


@pytest.fixture
def shop(store_a):
    connection.set_tenant(store_a)
    return {"option": set_up_store(), "mug": make_variant(price="100.00", stock=10)}


@pytest.fixture
def acme(shop):
    made = company()
    return {
        "company": made,
        "buyer": member(made, "buyer", spending_limit="150.00"),
        "approver": member(made, "approver"),
        "admin": member(made, "admin"),
    }


def awaiting(shop, people, quantity=2):
    order = place(people["buyer"], [(shop["mug"], quantity)], option_id=shop["option"])
    assert order.status == OrderStatus.AWAITING_APPROVAL
    return order


def reserved(variant) -> int:
    return ProductVariant.objects.get(pk=variant.pk).stock_reserved


def test_an_approver_approves_and_the_order_goes_to_the_store(shop, acme):
    order = awaiting(shop, acme)
    approvals.approve_order(order=order, actor=acme["approver"], note="Budget OK")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    event = order.events.get(kind=OrderEvent.Kind.STATUS_CHANGED)
    assert (event.from_status, event.to_status, event.actor, event.note, event.data) == (
        OrderStatus.AWAITING_APPROVAL,
        OrderStatus.PENDING,
        acme["approver"],
        "Budget OK",
        {"approval": "approved"},
    )
    assert reserved(shop["mug"]) == 2  # still held for the store to ship
    assert [step.title for step in timeline(order)] == [
        "Order placed",
        "Awaiting approval",
        "Approved",
    ]


def test_a_rejection_needs_a_reason_cancels_the_order_and_releases_its_stock(shop, acme):
    order = awaiting(shop, acme)
    assert reserved(shop["mug"]) == 2
    with pytest.raises(InvalidDecision) as refused:
        approvals.reject_order(order=order, actor=acme["admin"], note="  ")
    assert refused.value.fields == {"note": ["Say why the order is rejected: the buyer reads it."]}
    approvals.reject_order(order=order, actor=acme["admin"], note="Over budget")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert reserved(shop["mug"]) == 0
    assert order.lines.get().quantity_reserved == 0
    event = order.events.get(kind=OrderEvent.Kind.STATUS_CHANGED)
    assert (event.actor, event.note, event.data) == (
        acme["admin"],
        "Over budget",
        {"by": "approver"},
    )
    assert timeline(order)[-1].detail == f"Rejected by {acme['admin'].email}. Reason: Over budget"


def test_a_decided_order_cannot_be_decided_again(shop, acme):
    order = awaiting(shop, acme)
    approvals.approve_order(order=order, actor=acme["approver"])
    with pytest.raises(IllegalTransition):
        approvals.approve_order(order=order, actor=acme["admin"])
    with pytest.raises(IllegalTransition):
        approvals.reject_order(order=order, actor=acme["admin"], note="Too late")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_an_approver_within_their_own_limit_skips_approval_above_it_another_decides(shop, acme):
    approver = member(acme["company"], "approver", spending_limit="150.00")
    within = place(approver, [(shop["mug"], 1)], option_id=shop["option"])
    above = place(approver, [(shop["mug"], 2)], option_id=shop["option"])
    assert (within.status, above.status) == (OrderStatus.PENDING, OrderStatus.AWAITING_APPROVAL)
    with pytest.raises(NotAllowedToDecide) as refused:
        approvals.approve_order(order=above, actor=approver)
    assert refused.value.status_code == 403
    with pytest.raises(NotAllowedToDecide):
        approvals.reject_order(order=above, actor=approver, note="Mine")
    approvals.approve_order(order=above, actor=acme["approver"])
    above.refresh_from_db()
    assert above.status == OrderStatus.PENDING


def test_a_buyer_and_another_companys_approver_cannot_decide(shop, acme):
    order = awaiting(shop, acme)
    other_approver = member(company(name="Globex"), "approver")
    for person in (member(acme["company"], "buyer"), other_approver):
        with pytest.raises(NotAllowedToDecide):
            approvals.approve_order(order=order, actor=person)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_APPROVAL


def test_the_buyer_may_withdraw_an_order_awaiting_approval(shop, acme):
    from orders import shopper

    order = awaiting(shop, acme)
    shopper.cancel(order=order, user=acme["buyer"])
    assert (order.status, reserved(shop["mug"])) == (OrderStatus.CANCELLED, 0)


def subjects():
    return sorted((tuple(message.to), message.subject) for message in mail.outbox)


def test_approvers_are_emailed_once_and_the_buyer_hears_of_the_decision(
    shop, acme, celery_eager, django_capture_on_commit_callbacks
):
    from b2b.purchasing.emails import send_approval_email
    from orders.models import OrderSettings

    OrderSettings.objects.update_or_create(pk=1, defaults={"notify_staff_email": "s@shop.test"})
    with django_capture_on_commit_callbacks(execute=True):
        order = awaiting(shop, acme)
    n, who = order.number, acme["company"].name
    assert subjects() == sorted(
        [
            ((acme["buyer"].email,), f"Your order #{n} at {connection.tenant.name}"),
            ((acme["approver"].email,), f"Order #{n} of {who} waits for your approval"),
            ((acme["admin"].email,), f"Order #{n} of {who} waits for your approval"),
        ]
    )  # the store hears of it once approved
    assert "/account/company/approvals/" in mail.outbox[-1].body or any(
        "/account/company/approvals/" in message.body for message in mail.outbox
    )
    again = send_approval_email(
        order_id=order.pk, kind="approval_requested", key=str(acme["approver"].pk)
    )
    assert again is False
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approvals.approve_order(order=order, actor=acme["approver"], note="Go ahead")
    assert subjects() == sorted(
        [
            ((acme["buyer"].email,), f"Your order #{n} was approved"),
            (("s@shop.test",), f"New order #{n} ($205.00)"),
        ]
    )
    assert "Note: Go ahead" in next(m.body for m in mail.outbox if "approved" in m.subject)


def test_a_rejected_buyer_gets_the_reason_not_a_plain_cancellation(
    shop, acme, celery_eager, django_capture_on_commit_callbacks
):
    order = awaiting(shop, acme)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approvals.reject_order(order=order, actor=acme["approver"], note="Not this month")
    assert subjects() == [((acme["buyer"].email,), f"Your order #{order.number} was rejected")]
    assert "Reason: Not this month" in mail.outbox[0].body
