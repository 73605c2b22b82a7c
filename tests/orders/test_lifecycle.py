"""After placement: cancelling gives the stock back, fulfilments (partial, then the rest) sell
it, delivery, refunds bounded by what was paid, notes, and edits before fulfilment."""

from decimal import Decimal

import pytest

from catalog.models import StockAdjustment
from orders import actions
from orders.errors import (
    IllegalTransition,
    InvalidFulfilment,
    InvalidOrderEdit,
    InvalidRefund,
    OrderNotEditable,
)
from orders.models import FulfilmentStatus, OrderEvent, OrderStatus, PaymentStatus
from tests.orders.factories import make_variant, place

pytestmark = pytest.mark.django_db


def _stock(variant):
    variant.refresh_from_db()
    return variant.stock_on_hand, variant.stock_reserved


@pytest.fixture
def staff(django_user_model, in_store_a):
    return django_user_model.objects.create_user(
        username="om@a.test", email="om@a.test", staff_role="order_manager", is_staff=True
    )


def test_cancelling_gives_the_reserved_stock_back(in_store_a, staff):
    mug = make_variant(stock=5)
    order = place([(mug, 4)])
    assert _stock(mug) == (5, 4)

    actions.cancel_order(order=order, actor=staff, note="Customer called")

    assert order.status == OrderStatus.CANCELLED
    assert _stock(mug) == (5, 0)
    assert order.lines.get().quantity_reserved == 0
    event = order.events.get(kind=OrderEvent.Kind.STATUS_CHANGED)
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        "pending",
        "cancelled",
        staff,
        "Customer called",
    )
    with pytest.raises(IllegalTransition):
        actions.cancel_order(order=order, actor=staff)
    assert _stock(mug) == (5, 0)  # not given back twice


def test_the_shopper_cancels_only_while_pending_staff_also_while_processing(in_store_a, staff):
    mug = make_variant(stock=5)
    order = place([(mug, 1)])
    actions.start_processing(order=order, actor=staff)

    with pytest.raises(IllegalTransition) as refused:
        actions.cancel_order(order=order, by_shopper=True)
    assert refused.value.status_code == 409
    assert order.status == OrderStatus.PROCESSING

    actions.cancel_order(order=order, actor=staff)
    assert order.status == OrderStatus.CANCELLED
    assert _stock(mug) == (5, 0)


def test_partial_then_full_fulfilment_ships_the_order_and_sells_the_stock(in_store_a, staff):
    mug = make_variant(stock=10)
    tea = make_variant(stock=10)
    order = place([(mug, 3), (tea, 1)])
    mug_line, tea_line = order.lines.get(sku=mug.sku), order.lines.get(sku=tea.sku)

    first = actions.fulfil(
        order=order,
        lines={mug_line.pk: 2},
        carrier="UPS",
        tracking_number="1Z999",
        actor=staff,
    )

    assert order.status == OrderStatus.PROCESSING  # pending → processing on the first parcel
    assert order.fulfilment_status == FulfilmentStatus.PARTIALLY_FULFILLED
    assert (first.carrier, first.tracking_number) == ("UPS", "1Z999")
    assert _stock(mug) == (8, 1)
    sold = StockAdjustment.objects.get(variant=mug, reason="sold")
    assert (sold.delta, sold.reason, sold.note) == (-2, "sold", f"Order #{order.number}")

    with pytest.raises(InvalidFulfilment) as refused:
        actions.fulfil(order=order, lines={mug_line.pk: 2}, actor=staff)
    assert refused.value.fields == {f"lines.{mug_line.pk}": ["Only 1 left to ship on this line."]}

    actions.fulfil(order=order, lines={mug_line.pk: 1, tea_line.pk: 1}, actor=staff)

    assert order.status == OrderStatus.SHIPPED
    assert order.fulfilment_status == FulfilmentStatus.FULFILLED
    assert _stock(mug) == (7, 0) and _stock(tea) == (9, 0)
    assert order.fulfilments.count() == 2
    kinds = [(e.kind, e.from_status, e.to_status) for e in order.events.all()]
    assert ("status_changed", "pending", "processing") in kinds
    assert ("status_changed", "processing", "shipped") in kinds
    assert ("fulfilment_status_changed", "partially_fulfilled", "fulfilled") in kinds

    actions.mark_delivered(order=order, actor=staff)
    assert order.status == OrderStatus.DELIVERED
    assert not order.fulfilments.filter(delivered_at__isnull=True).exists()
    with pytest.raises(IllegalTransition):
        actions.mark_delivered(order=order, actor=staff)


def test_a_cancelled_order_cannot_be_fulfilled_nor_delivered(in_store_a, staff):
    order = place([(make_variant(stock=3), 1)])
    actions.cancel_order(order=order, actor=staff)
    with pytest.raises(IllegalTransition):
        actions.fulfil(order=order, lines={order.lines.get().pk: 1}, actor=staff)
    with pytest.raises(IllegalTransition):
        actions.mark_delivered(order=order, actor=staff)


def test_bad_fulfilment_input_is_refused_per_line(in_store_a, staff):
    order = place([(make_variant(stock=3), 2)])
    line = order.lines.get()
    with pytest.raises(InvalidFulfilment) as refused:
        actions.fulfil(order=order, lines={line.pk: "x", 999999: 1}, actor=staff)
    assert refused.value.fields == {
        f"lines.{line.pk}": ["A whole number from 0 is required."],
        "lines.999999": ["Not a line of this order."],
    }
    with pytest.raises(InvalidFulfilment) as refused:
        actions.fulfil(order=order, lines={line.pk: 0}, actor=staff)
    assert refused.value.fields == {"lines": ["Choose at least one item to ship."]}
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_refunds_are_bounded_by_what_was_paid(in_store_a, staff):
    order = place([(make_variant(price="20.00", stock=3), 1)], shipping="0")
    with pytest.raises(InvalidRefund) as refused:
        actions.record_refund(order=order, amount="1.00", actor=staff)
    assert refused.value.fields == {"amount": ["Nothing paid is left to refund."]}

    actions.record_payment(order=order, amount="20.00", actor=staff)
    assert order.payment_status == PaymentStatus.PAID
    actions.fulfil(order=order, lines={order.lines.get().pk: 1}, actor=staff)
    actions.mark_delivered(order=order, actor=staff)

    with pytest.raises(InvalidRefund) as refused:
        actions.record_refund(order=order, amount="20.01", actor=staff)
    assert refused.value.fields == {
        "amount": ["From $0.01 to $20.00 (what was paid and not refunded yet)."]
    }

    actions.record_refund(order=order, amount="5.00", actor=staff, note="Scratched")
    assert (order.status, order.payment_status) == ("partially_refunded", "partially_refunded")
    assert order.amount_refunded == Decimal("5.00")

    actions.record_refund(order=order, amount="15.00", actor=staff)
    assert (order.status, order.payment_status) == ("refunded", "refunded")
    with pytest.raises(InvalidRefund):
        actions.record_refund(order=order, amount="0.01", actor=staff)
    with pytest.raises(InvalidRefund):
        actions.record_refund(order=order, amount="-1", actor=staff)


def test_giving_back_an_overpayment_is_not_a_refund_of_the_order(in_store_a, staff):
    order = place([(make_variant(price="20.00", stock=3), 1)], shipping="0")
    actions.record_payment(order=order, amount="30.00", actor=staff)
    actions.fulfil(order=order, lines={order.lines.get().pk: 1}, actor=staff)
    actions.mark_delivered(order=order, actor=staff)
    assert (order.status, order.payment_status) == ("delivered", "overpaid")

    actions.record_refund(order=order, amount="4.00", actor=staff, note="Change")
    assert (order.status, order.payment_status) == ("delivered", "overpaid")
    actions.record_refund(order=order, amount="6.00", actor=staff, note="Change")
    assert (order.status, order.payment_status) == ("delivered", "paid")
    assert not order.events.filter(to_status__in=["refunded", "partially_refunded"]).exists()

    # Beyond the excess, it is a refund of the order.
    actions.record_refund(order=order, amount="5.00", actor=staff, note="Scratched")
    assert (order.status, order.payment_status) == ("partially_refunded", "partially_refunded")


def test_payments_partial_and_over_set_the_payment_status(in_store_a, staff):
    order = place([(make_variant(price="20.00", stock=3), 1)], shipping="0")
    actions.record_payment(order=order, amount="5.00", actor=staff)
    assert order.payment_status == PaymentStatus.PARTIALLY_PAID
    actions.record_payment(order=order, amount="16.00", actor=staff)
    assert order.payment_status == PaymentStatus.OVERPAID
    with pytest.raises(InvalidRefund):
        actions.record_payment(order=order, amount="1.001", actor=staff)


def test_notes_go_on_the_timeline(in_store_a, staff):
    order = place([(make_variant(stock=3), 1)])
    actions.add_note(order=order, note="  Gift wrap  ", actor=staff)
    note = order.events.get(kind=OrderEvent.Kind.NOTE)
    assert (note.note, note.actor) == ("Gift wrap", staff)
    with pytest.raises(InvalidOrderEdit):
        actions.add_note(order=order, note="   ", actor=staff)


def test_edits_before_fulfilment_move_stock_and_recompute_totals(in_store_a, staff):
    mug = make_variant(price="10.00", stock=10)
    tea = make_variant(price="4.00", stock=10)
    spoon = make_variant(price="1.50", stock=2)
    order = place([(mug, 2), (tea, 1)], shipping="5.00")
    assert order.total == Decimal("29.00")
    mug_line, tea_line = order.lines.get(sku=mug.sku), order.lines.get(sku=tea.sku)

    actions.edit_order_lines(
        order=order,
        quantities={mug_line.pk: 3, tea_line.pk: 0},
        add=[(spoon.pk, 2)],
        shipping_address={
            "full_name": "Ada L.",
            "line1": "2 Elm St",
            "city": "Shelbyville",
            "region": "IL",
            "postal_code": "62565",
            "country": "US",
        },
        actor=staff,
        note="Phone call",
    )

    assert {line.sku: line.quantity for line in order.lines.all()} == {mug.sku: 3, spoon.sku: 2}
    assert order.subtotal == Decimal("33.00")
    assert order.total == Decimal("38.00")
    assert order.shipping_address["city"] == "Shelbyville"
    assert _stock(mug) == (10, 3) and _stock(tea) == (10, 0) and _stock(spoon) == (2, 2)
    edit = order.events.get(kind=OrderEvent.Kind.EDITED)
    assert edit.data["totals_before"]["total"] == "29.00"
    assert edit.data["totals_after"]["total"] == "38.00"
    assert edit.data["shipping_address_before"]["city"] == "Springfield"

    with pytest.raises(InvalidOrderEdit) as refused:
        actions.edit_order_lines(
            order=order, shipping_address={"full_name": "Ada L.", "country": "US"}, actor=staff
        )
    assert set(refused.value.fields) == {
        f"shipping_address.{name}" for name in ("line1", "city", "region", "postal_code")
    }
    assert refused.value.fields["shipping_address.line1"] == ["This field is required."]
    assert order.shipping_address["city"] == "Shelbyville"

    with pytest.raises(InvalidOrderEdit) as refused:
        actions.edit_order_lines(order=order, add=[(spoon.pk, 1)], actor=staff)
    spoon_line = order.lines.get(sku=spoon.sku)
    assert refused.value.fields == {f"lines.{spoon_line.pk}": ["Only 2 available."]}

    actions.fulfil(order=order, lines={spoon_line.pk: 1}, actor=staff)
    with pytest.raises(OrderNotEditable) as refused:
        actions.edit_order_lines(order=order, quantities={spoon_line.pk: 2}, actor=staff)
    assert refused.value.status_code == 409
