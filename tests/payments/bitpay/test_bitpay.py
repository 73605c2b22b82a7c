"""Paying with BitPay (invoices, POS facade) end to end against its local double: the shopper's
trip through the hosted invoice and back to the store, IPNs through the store's endpoint (never
trusted: the invoice is re-fetched before anything changes), reconciliation, refunds recorded
for the BitPay dashboard, and the flags staff see for under-, over- and late payments."""

from decimal import Decimal

from orders.models import Order, PaymentStatus
from payments import services
from payments.gateway import PaymentState
from payments.models import Payment, PaymentEvent, ProviderEvent
from tests.payments.crypto_flow import (
    checkout_on_the_storefront,
    click,
    order_for,
    path_of,
    replay_three_times,
    start,
)


def _paid(payment) -> Payment:
    return Payment.objects.get(pk=payment.pk)


def _status(order) -> str:
    return Order.objects.get(pk=order.pk).payment_status


def test_shopper_pays_a_bitpay_invoice_and_comes_back_to_the_confirmation(bitpay, shopper):
    order = order_for("bitpay")
    started = start("bitpay", order)
    payment = started.payment
    assert payment.state == PaymentState.ACTION_REQUIRED
    invoice = bitpay.invoices[payment.provider_reference]
    assert started.action.url == invoice["url"]
    assert invoice["price"] == 25.0 and invoice["currency"] == order.currency
    assert invoice["guid"] == str(payment.token)
    assert invoice["notificationURL"].endswith("/payments/webhooks/bitpay/")
    assert bitpay.requests[-1]["headers"]["x-accept-version"] == "2.0.0"

    back = click(invoice["url"], "pay")
    assert path_of(back) == f"/checkout/pay/{payment.token}/return/"
    answer = shopper.get(path_of(back))

    assert answer.status_code == 302
    assert answer["Location"] == f"/checkout/complete/{order.number}/"
    payment = _paid(payment)
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.captured_amount == Decimal("25.00")
    assert _status(order) == PaymentStatus.PAID


def test_an_expired_invoice_fails_the_payment_and_keeps_the_order(bitpay, deliver, shopper):
    order = order_for("bitpay")
    payment = start("bitpay", order).payment

    bitpay.expire(payment.provider_reference)
    (answer,) = deliver()

    assert answer.status_code == 200
    payment = _paid(payment)
    assert payment.state == PaymentState.FAILED
    assert "expired" in payment.message
    assert _status(order) == PaymentStatus.UNPAID
    assert "did not go through" in shopper.get(f"/checkout/pay/{payment.token}/").content.decode()


def test_an_invoice_not_confirmed_on_chain_fails_the_payment(bitpay, deliver):
    payment = start("bitpay", order_for("bitpay")).payment
    bitpay.pay(payment.provider_reference, confirm=False)
    deliver()
    assert _paid(payment).state == PaymentState.AUTHORISED  # paid, waiting for confirmations

    bitpay.invalidate(payment.provider_reference)
    deliver()

    payment = _paid(payment)
    assert payment.state == PaymentState.FAILED
    assert payment.captured_amount == 0


def test_shopper_closes_the_invoice_nothing_is_charged_and_the_order_is_kept(bitpay, shopper):
    order = order_for("bitpay")
    payment = start("bitpay", order).payment

    back = click(bitpay.invoices[payment.provider_reference]["url"], "cancel")
    assert path_of(back) == f"/checkout/pay/{payment.token}/cancel/"
    page = shopper.get(path_of(back))

    assert page.status_code == 200
    assert "nothing was charged" in page.content.decode()
    assert _paid(payment).state == PaymentState.CANCELLED
    assert _status(order) == PaymentStatus.UNPAID


def test_a_bitpay_refund_is_recorded_for_the_dashboard(bitpay, shopper):
    order = order_for("bitpay")
    payment = start("bitpay", order).payment
    shopper.get(path_of(click(bitpay.invoices[payment.provider_reference]["url"], "pay")))

    refund = services.refund(payment=_paid(payment), amount="10.00", actor=None, reason="Broken")

    assert refund.moved_money is False
    assert _paid(payment).refunded_amount == Decimal("10.00")
    assert _status(order) == PaymentStatus.PARTIALLY_REFUNDED
    assert not any(r["path"].startswith("/refunds") for r in bitpay.requests)


def test_a_forged_ipn_changes_nothing_because_the_invoice_is_fetched_again(bitpay, send_webhook):
    order = order_for("bitpay")
    payment = start("bitpay", order).payment

    answer = send_webhook(*bitpay.forged(payment.provider_reference, "complete"))

    assert answer.status_code == 200  # accepted as a hint, then checked at BitPay
    event = ProviderEvent.objects.get(provider="bitpay")
    assert event.status == ProviderEvent.Status.APPLIED
    payment = _paid(payment)
    assert payment.state == PaymentState.ACTION_REQUIRED
    assert payment.captured_amount == 0
    assert _status(order) == PaymentStatus.UNPAID
    assert bitpay.requests[-1]["path"] == f"/invoices/{payment.provider_reference}"


def test_a_malformed_ipn_is_refused(bitpay, send_webhook):
    answer = send_webhook(b'{"data": {"id": "../../admin"}}', {"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert not ProviderEvent.objects.filter(provider="bitpay").exists()


def test_the_same_ipn_three_times_is_applied_once(bitpay, send_webhook):
    order = order_for("bitpay")
    payment = start("bitpay", order).payment
    bitpay.pay(payment.provider_reference)
    complete = bitpay.event_stream(payment.provider_reference)[-1]

    answers = [send_webhook(*complete) for _ in range(3)]

    assert [a.json()["duplicate"] for a in answers] == [False, True, True]
    assert ProviderEvent.objects.filter(provider="bitpay").count() == 1
    payment = _paid(payment)
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURED).count() == 1
    assert Order.objects.get(pk=order.pk).amount_paid == Decimal("25.00")


def test_ipns_out_of_order_end_in_the_invoice_truth(bitpay, send_webhook):
    order = order_for("bitpay")
    payment = start("bitpay", order).payment
    bitpay.pay(payment.provider_reference)
    stream = bitpay.event_stream(payment.provider_reference)  # paid, confirmed, complete

    for event in reversed(stream):
        assert send_webhook(*event).status_code == 200

    payment = _paid(payment)
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURED).count() == 1
    assert _status(order) == PaymentStatus.PAID


def test_bitpay_not_answering_leaves_the_order_pending_and_reconciliation_fixes_it(
    bitpay, settings
):
    settings.BITPAY_TIMEOUT = 0.3
    bitpay.hang = 1.0
    order = order_for("bitpay")
    before = len(bitpay.invoices)

    payment = start("bitpay", order).payment  # the invoice is made, its answer never comes

    assert payment.state == PaymentState.PENDING and not payment.provider_reference
    assert _status(order) == PaymentStatus.UNPAID
    bitpay.hang = 0.0
    services.reconcile(older_than_minutes=0)  # found again by its guid, not made twice
    payment = _paid(payment)
    assert payment.state == PaymentState.ACTION_REQUIRED
    assert len(bitpay.invoices) == before + 1

    bitpay.pay(payment.provider_reference)
    bitpay.pending.clear()  # the IPNs are lost
    services.reconcile(older_than_minutes=0)

    assert _paid(payment).state == PaymentState.SUCCEEDED
    assert _status(order) == PaymentStatus.PAID


def test_the_return_and_the_ipn_racing_finalise_once(bitpay, shopper, send_webhook):
    for ipn_first in (True, False):
        order = order_for("bitpay")
        payment = start("bitpay", order).payment
        bitpay.pay(payment.provider_reference)
        complete = bitpay.event_stream(payment.provider_reference)[-1]
        for step in ("webhook", "return") if ipn_first else ("return", "webhook"):
            if step == "webhook":
                assert send_webhook(*complete).status_code == 200
            else:
                assert shopper.get(f"/checkout/pay/{payment.token}/return/").status_code == 302
        payment = _paid(payment)
        assert payment.state == PaymentState.SUCCEEDED, ipn_first
        assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURED).count() == 1
        assert Order.objects.get(pk=order.pk).amount_paid == Decimal("25.00"), ipn_first


def test_underpaid_overpaid_and_late_payments_are_flagged_for_staff(bitpay, deliver, shopper):
    less = start("bitpay", order_for("bitpay")).payment
    shopper.get(path_of(click(bitpay.invoices[less.provider_reference]["url"], "pay-less")))
    less = _paid(less)
    assert less.state == PaymentState.ACTION_REQUIRED  # BitPay returns partial payments
    assert less.captured_amount == 0
    assert less.flags == ["underpaid"]
    bitpay.expire(less.provider_reference)
    deliver()
    assert _paid(less).state == PaymentState.FAILED

    more = start("bitpay", order_for("bitpay")).payment
    shopper.get(path_of(click(bitpay.invoices[more.provider_reference]["url"], "pay-more")))
    more = _paid(more)
    assert more.state == PaymentState.SUCCEEDED
    assert more.captured_amount == Decimal("25.00")  # BitPay returns the excess itself
    assert more.flags == ["overpaid"]

    late = start("bitpay", order_for("bitpay")).payment
    bitpay.expire(late.provider_reference)
    deliver()
    bitpay.pay(late.provider_reference)
    deliver()
    late = _paid(late)
    assert late.state == PaymentState.FAILED
    assert late.flags == ["late"]
    assert late.events.filter(kind=PaymentEvent.Kind.FLAGGED).count() == 1


def test_a_shopper_checks_out_on_the_storefront_and_pays_with_bitpay(bitpay, shopper):
    placed, order = checkout_on_the_storefront(shopper, "bitpay")

    payment = order.payments.get()
    invoice = bitpay.invoices[payment.provider_reference]
    assert placed.status_code == 302
    assert placed["Location"] == invoice["url"]  # straight to BitPay's hosted invoice
    assert invoice["price"] == 24.99

    confirmation = shopper.get(path_of(click(invoice["url"], "pay")), follow=True)

    assert confirmation.status_code == 200
    assert f"#{order.number}" in confirmation.content.decode()
    assert _status(order) == PaymentStatus.PAID


def test_every_ipn_stream_replayed_in_random_orders_ends_the_same(bitpay, send_webhook):
    paid, underpaid, expired, late, unconfirmed = (
        start("bitpay", order_for("bitpay")).payment for _ in range(5)
    )
    bitpay.pay(paid.provider_reference, "27.00")
    bitpay.pay(underpaid.provider_reference, "20.00")
    bitpay.expire(expired.provider_reference)
    bitpay.expire(late.provider_reference)
    bitpay.pay(late.provider_reference)
    bitpay.pay(unconfirmed.provider_reference, confirm=False)
    bitpay.invalidate(unconfirmed.provider_reference)
    payments = [paid, underpaid, expired, late, unconfirmed]
    streams = [bitpay.event_stream(p.provider_reference) for p in payments]

    first, second, third = replay_three_times(send_webhook, streams, payments)

    assert first == second == third
    assert [(state, flags) for state, _, _, flags in first] == [
        (PaymentState.SUCCEEDED, ("overpaid",)),
        (PaymentState.ACTION_REQUIRED, ("underpaid",)),
        (PaymentState.FAILED, ()),
        (PaymentState.FAILED, ("late",)),
        (PaymentState.FAILED, ()),
    ]


def test_the_bitpay_token_is_never_logged_nor_shown(bitpay, deliver, shopper, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    payment = start("bitpay", order_for("bitpay")).payment
    pages = [shopper.get(f"/checkout/pay/{payment.token}/").content.decode()]
    back = click(bitpay.invoices[payment.provider_reference]["url"], "pay")
    pages.append(shopper.get(path_of(back), follow=True).content.decode())
    pages += [answer.content.decode() for answer in deliver()]

    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    assert bitpay.token not in logged
    assert not any(bitpay.token in page for page in pages)
