"""The order's state machine: every move of the table is allowed and recorded, every other one
is refused with 409 ``illegal_transition`` and changes nothing."""

import itertools

import pytest

from orders import state
from orders.errors import IllegalTransition
from orders.models import Order, OrderEvent, OrderStatus
from tests.orders.factories import make_variant, place

S = OrderStatus
LEGAL = {
    # A company's order waiting for its approver (b2b.purchasing.approvals).
    (S.AWAITING_APPROVAL, S.PENDING),
    (S.AWAITING_APPROVAL, S.CANCELLED),
    (S.PENDING, S.PROCESSING),
    (S.PENDING, S.CANCELLED),
    (S.PROCESSING, S.SHIPPED),
    (S.PROCESSING, S.CANCELLED),
    (S.SHIPPED, S.DELIVERED),
    (S.SHIPPED, S.PARTIALLY_REFUNDED),
    (S.SHIPPED, S.REFUNDED),
    (S.DELIVERED, S.PARTIALLY_REFUNDED),
    (S.DELIVERED, S.REFUNDED),
    (S.PARTIALLY_REFUNDED, S.PARTIALLY_REFUNDED),
    (S.PARTIALLY_REFUNDED, S.REFUNDED),
}
ALL_PAIRS = list(itertools.product(S.values, S.values))


def test_the_table_is_the_lifecycle_of_the_issue():
    assert {(a, b) for a, targets in state.TRANSITIONS.items() for b in targets} == LEGAL
    assert set(state.TRANSITIONS) == set(S.values)


@pytest.fixture
def order(in_store_a, django_user_model):
    return place([(make_variant(stock=10), 1)])


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), sorted(LEGAL))
def test_every_legal_move_is_made_and_recorded(order, django_user_model, from_status, to_status):
    staff = django_user_model.objects.create_user(username="staff@a.test", email="staff@a.test")
    Order.objects.filter(pk=order.pk).update(status=from_status)
    order.refresh_from_db()

    event = state.transition(order, to_status, actor=staff, note="by hand")

    order.refresh_from_db()
    assert order.status == to_status
    assert (event.kind, event.from_status, event.to_status) == (
        OrderEvent.Kind.STATUS_CHANGED,
        from_status,
        to_status,
    )
    assert event.actor == staff and event.note == "by hand" and event.created_at


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("from_status", "to_status"), [pair for pair in ALL_PAIRS if pair not in LEGAL]
)
def test_every_other_move_is_refused_with_409_and_changes_nothing(order, from_status, to_status):
    Order.objects.filter(pk=order.pk).update(status=from_status)
    order.refresh_from_db()
    events_before = order.events.count()

    with pytest.raises(IllegalTransition) as refused:
        state.transition(order, to_status)

    assert refused.value.status_code == 409
    assert refused.value.code == "illegal_transition"
    order.refresh_from_db()
    assert order.status == from_status
    assert order.events.count() == events_before


@pytest.mark.django_db
def test_allowed_transitions_lists_the_next_moves(order):
    assert state.allowed_transitions(order) == [S.PROCESSING, S.CANCELLED]
