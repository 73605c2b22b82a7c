"""Cash on delivery end to end through the services: the order is confirmed unpaid, staff mark
it paid with the amount received (exact, less, more — each recorded), refunds are recorded and
never above what was received, and the order's bookkeeping and payment status follow."""

from decimal import Decimal

import pytest

import money
from orders.models import OrderEvent, OrderStatus, PaymentStatus
from payments import gateway, services
from payments.errors import InvalidAmount, MethodUnavailable, NotSupported
from payments.gateway import ActionKind, PaymentState
from payments.models import Payment, PaymentEvent
from tests.payments.factories import cod_order, cod_payment

pytestmark = pytest.mark.django_db


def kinds(payment) -> list[str]:
    return list(payment.events.values_list("kind", flat=True))


def test_a_cod_order_is_confirmed_unpaid_with_a_pending_payment(cod_enabled):
    order = cod_order(2)  # 2 x 10.00 + 5.00 shipping
    start = services.create_payment_for_order(order=order)

    payment = start.payment
    assert start.created is True
    assert start.action.kind == ActionKind.NONE
    assert (payment.method, payment.state, payment.amount, payment.currency) == (
        "cod",
        PaymentState.PENDING,
        Decimal("25.00"),
        "USD",
    )
    assert payment.captured_amount == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert order.payment_status == PaymentStatus.UNPAID
    assert kinds(payment) == [PaymentEvent.Kind.CREATED]

    again = services.create_payment_for_order(order=order)  # placing twice: one payment
    assert again.created is False
    assert again.payment.pk == payment.pk
    assert Payment.objects.filter(order=order).count() == 1


def test_paid_on_delivery_with_the_exact_amount(cod_enabled, django_user_model):
    staff = django_user_model.objects.create_user("staff@a.test", "staff@a.test")
    payment = cod_payment(2)

    services.mark_paid(payment=payment, amount=Decimal("25.00"), actor=staff, note="Courier 7")

    assert (payment.state, payment.captured_amount) == (PaymentState.SUCCEEDED, Decimal("25.00"))
    paid = payment.events.get(kind=PaymentEvent.Kind.PAID)
    assert (paid.amount, paid.actor, paid.note) == (Decimal("25.00"), staff, "Courier 7")
    assert paid.data["outcome"] == "exact"
    order = payment.order
    order.refresh_from_db()
    assert (order.payment_status, order.amount_paid) == (PaymentStatus.PAID, Decimal("25.00"))
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT).count() == 1


def test_less_received_is_partly_paid_and_the_rest_can_follow(cod_enabled):
    payment = cod_payment(2)

    services.mark_paid(payment=payment, amount="20.00")
    order = payment.order
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PARTIALLY_PAID
    assert payment.events.get(kind=PaymentEvent.Kind.PAID).data["outcome"] == "partial"

    services.mark_paid(payment=payment, amount=money.Money(Decimal("5"), "USD"))
    order.refresh_from_db()
    assert (order.payment_status, order.amount_paid) == (PaymentStatus.PAID, Decimal("25.00"))
    assert payment.captured_amount == Decimal("25.00")
    outcomes = [e.data["outcome"] for e in payment.events.filter(kind=PaymentEvent.Kind.PAID)]
    assert outcomes == ["partial", "exact"]


def test_more_received_is_overpaid_and_the_excess_can_be_given_back(cod_enabled):
    payment = cod_payment(2)

    services.mark_paid(payment=payment, amount=Decimal("30.00"))
    order = payment.order
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.OVERPAID
    assert payment.events.get(kind=PaymentEvent.Kind.PAID).data["outcome"] == "over"

    services.record_refund(payment=payment, amount=Decimal("5.00"), reason="Change returned")
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
    assert (order.amount_paid, order.amount_refunded) == (Decimal("30.00"), Decimal("5.00"))


def test_refunds_are_recorded_and_bounded_by_what_was_received(cod_enabled):
    payment = cod_payment(2)
    with pytest.raises(InvalidAmount) as nothing:
        services.record_refund(payment=payment, amount="1.00")
    assert nothing.value.fields == {"amount": ["Nothing received is left to refund."]}

    services.mark_paid(payment=payment, amount="25.00")
    services.record_refund(payment=payment, amount="10.00", reason="A broken mug")
    order = payment.order
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PARTIALLY_REFUNDED
    refund = payment.events.get(kind=PaymentEvent.Kind.REFUNDED)
    assert (refund.amount, refund.note, refund.data["moved_money"]) == (
        Decimal("10.00"),
        "A broken mug",
        False,  # cash on delivery: recorded, no money moved through a provider
    )

    with pytest.raises(InvalidAmount) as too_much:
        services.record_refund(payment=payment, amount="15.01")
    assert too_much.value.fields == {
        "amount": ["At most $15.00 (what was received and not refunded yet)."]
    }
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("10.00")

    services.record_refund(payment=payment, amount="15.00")
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.REFUNDED
    assert order.amount_refunded == Decimal("25.00")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "Must be more than 0."),
        ("-5", "Must be more than 0."),
        ("2.555", "USD amounts have at most 2 decimals (such as 12.50)."),
        ("1e12", "Must be less than $10,000,000,000.00."),
        ("NaN", "Enter an amount, such as 12.50."),
        ("twelve", "Enter an amount, such as 12.50."),
    ],
)
def test_a_bad_amount_is_refused_field_by_field_and_nothing_changes(cod_enabled, amount, message):
    payment = cod_payment(1)
    with pytest.raises(InvalidAmount) as refused:
        services.mark_paid(payment=payment, amount=amount)
    assert refused.value.fields == {"amount": [message]}
    payment.refresh_from_db()
    assert (payment.state, payment.captured_amount) == (PaymentState.PENDING, 0)
    assert kinds(payment) == [PaymentEvent.Kind.CREATED]


def test_another_currency_is_refused(cod_enabled):
    payment = cod_payment(1)
    with pytest.raises(InvalidAmount) as refused:
        services.mark_paid(payment=payment, amount=money.Money(Decimal(15), "EUR"))
    assert refused.value.fields == {"amount": ["Amounts of this payment are in USD."]}


def test_a_method_the_store_has_not_enabled_makes_no_payment(in_store_a):
    order = cod_order(1)
    with pytest.raises(MethodUnavailable) as refused:
        services.create_payment_for_order(order=order)
    assert refused.value.fields == {
        "payment_method": ["Cash on delivery is not offered by this store."]
    }
    with pytest.raises(MethodUnavailable):
        services.create_payment_for_order(order=order, method="bitcoin-by-post")
    assert not Payment.objects.exists()


class _Card(gateway.PaymentProvider):
    """A provider confirmed by its own side (as Stripe will be): staff never mark it paid."""

    code = "test-card"
    name = "Test card"

    def create_payment(self, payment):
        return gateway.PaymentResult(
            state=PaymentState.ACTION_REQUIRED,
            provider_reference=f"pi_{payment.pk}",
            action=gateway.Action.client("secret_123"),
        )


@pytest.fixture
def card_provider():
    provider = gateway.register(_Card())
    yield provider
    gateway.unregister(provider.code)


def test_one_finalisation_path_never_goes_back_nor_counts_twice(in_store_a, card_provider):
    services.set_method_settings(data={"enabled_methods": ["cod", "test-card"]})
    order = cod_order(2)
    start = services.create_payment_for_order(order=order, method="test-card")
    payment = start.payment
    assert start.action.kind == ActionKind.CLIENT_SECRET
    assert (payment.state, payment.provider_reference) == ("action_required", f"pi_{payment.pk}")

    succeeded = gateway.PaymentResult(
        state=PaymentState.SUCCEEDED, captured=money.Money(Decimal("25"), "USD")
    )
    services.finalise(payment=payment, result=succeeded, source="return")
    services.finalise(payment=payment, result=succeeded, source="webhook")  # the other one
    late = gateway.PaymentResult(state=PaymentState.PENDING)
    services.finalise(payment=payment, result=late, source="webhook")

    payment.refresh_from_db()
    assert (payment.state, payment.captured_amount) == (PaymentState.SUCCEEDED, Decimal("25"))
    order.refresh_from_db()
    assert (order.payment_status, order.amount_paid) == (PaymentStatus.PAID, Decimal("25.00"))
    assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURED).count() == 1

    with pytest.raises(NotSupported):
        services.mark_paid(payment=payment, amount="1.00")
