"""Paying with Coinbase (Business Checkouts API) end to end against its local double: the
shopper's trip through the hosted page and back to the store, the signed checkout.* webhooks
through the store's endpoint and the Celery task, refunds, reconciliation, and the flags staff
see for under-, over- and late payments."""

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


def test_shopper_pays_on_coinbase_and_comes_back_to_the_confirmation(coinbase, shopper):
    order = order_for("coinbase")
    started = start("coinbase", order)
    payment = started.payment
    assert payment.state == PaymentState.ACTION_REQUIRED
    checkout = coinbase.checkouts[payment.provider_reference]
    assert started.action.url == checkout["url"]
    assert checkout["amount"] == "25.00" and checkout["currency"] == order.currency
    assert checkout["metadata"]["payment_token"] == str(payment.token)
    created = coinbase.requests[-1]
    assert created["headers"]["x-idempotency-key"] == str(payment.token)
    assert created["headers"]["authorization"].startswith("Bearer ")

    back = click(checkout["url"], "pay")
    assert path_of(back) == f"/checkout/pay/{payment.token}/return/"
    answer = shopper.get(path_of(back))

    assert answer.status_code == 302
    assert answer["Location"] == f"/checkout/complete/{order.number}/"
    payment = _paid(payment)
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.captured_amount == Decimal("25.00")
    assert payment.flags == []
    assert _status(order) == PaymentStatus.PAID


def test_an_expired_or_failed_checkout_fails_the_payment_and_keeps_the_order(
    coinbase, deliver, shopper
):
    failing = start("coinbase", order_for("coinbase")).payment
    coinbase.fail(failing.provider_reference)  # checkout.payment.failed
    deliver()
    assert _paid(failing).state == PaymentState.FAILED
    assert "could not complete" in _paid(failing).message

    order = order_for("coinbase")
    payment = start("coinbase", order).payment

    coinbase.expire(payment.provider_reference)
    (answer,) = deliver()

    assert answer.status_code == 200
    payment = _paid(payment)
    assert payment.state == PaymentState.FAILED
    assert payment.captured_amount == 0
    assert "expired" in payment.message
    assert _status(order) == PaymentStatus.UNPAID
    page = shopper.get(f"/checkout/pay/{payment.token}/")
    assert page.status_code == 200
    assert "did not go through" in page.content.decode()


def test_shopper_cancels_on_coinbase_nothing_is_charged_and_the_order_is_kept(coinbase, shopper):
    order = order_for("coinbase")
    payment = start("coinbase", order).payment

    back = click(coinbase.checkouts[payment.provider_reference]["url"], "cancel")
    assert path_of(back) == f"/checkout/pay/{payment.token}/cancel/"
    page = shopper.get(path_of(back))

    assert page.status_code == 200
    assert "nothing was charged" in page.content.decode()
    assert _paid(payment).state == PaymentState.CANCELLED
    assert coinbase.checkouts[payment.provider_reference]["status"] == "DEACTIVATED"
    assert Order.objects.filter(pk=order.pk).exists()
    assert _status(order) == PaymentStatus.UNPAID


def test_staff_refund_part_of_a_coinbase_payment(coinbase, deliver):
    order = order_for("coinbase")
    payment = start("coinbase", order).payment
    coinbase.pay(payment.provider_reference)
    deliver()

    services.refund(payment=_paid(payment), amount="10.00", actor=None, reason="One mug broke")
    (answer,) = deliver()  # checkout.refund.success: an absolute total, counted once

    assert answer.status_code == 200
    checkout = coinbase.checkouts[payment.provider_reference]
    assert checkout["status"] == "PARTIALLY_REFUNDED"
    assert checkout["refundedAmount"] == "10.00"
    payment = _paid(payment)
    assert payment.refunded_amount == Decimal("10.00")
    assert _status(order) == PaymentStatus.PARTIALLY_REFUNDED


def test_a_webhook_with_a_bad_signature_is_refused_and_changes_nothing(coinbase, send_webhook):
    order = order_for("coinbase")
    payment = start("coinbase", order).payment

    answer = send_webhook(*coinbase.forged(payment.provider_reference, "COMPLETED"))

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "webhook_rejected"
    assert not ProviderEvent.objects.filter(provider="coinbase").exists()
    assert _paid(payment).state == PaymentState.ACTION_REQUIRED
    assert _status(order) == PaymentStatus.UNPAID


def test_the_same_webhook_three_times_is_applied_once(coinbase, send_webhook):
    order = order_for("coinbase")
    payment = start("coinbase", order).payment
    coinbase.pay(payment.provider_reference)
    (success,) = coinbase.event_stream(payment.provider_reference)

    answers = [send_webhook(*success) for _ in range(3)]

    assert [a.json()["duplicate"] for a in answers] == [False, True, True]
    assert ProviderEvent.objects.filter(provider="coinbase").count() == 1
    payment = _paid(payment)
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURED).count() == 1
    assert Order.objects.get(pk=order.pk).amount_paid == Decimal("25.00")


def test_events_out_of_order_end_in_the_latest_truth(coinbase, send_webhook):
    order = order_for("coinbase")
    payment = start("coinbase", order).payment
    coinbase.pay(payment.provider_reference)
    coinbase.refund(payment.provider_reference, "5.00")  # made in Coinbase's dashboard
    success, refund = coinbase.event_stream(payment.provider_reference)

    for event in (refund, success):  # the refund's webhook arrives first
        assert send_webhook(*event).status_code == 200

    payment = _paid(payment)
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.captured_amount == Decimal("25.00")
    assert payment.refunded_amount == Decimal("5.00")
    assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURED).count() == 1


def test_coinbase_not_answering_leaves_the_order_pending_and_reconciliation_fixes_it(
    coinbase, shopper, settings
):
    order = order_for("coinbase")
    payment = start("coinbase", order).payment
    coinbase.pay(payment.provider_reference)  # paid; the shopper's return then times out
    coinbase.pending.clear()  # and the webhook never arrives
    settings.COINBASE_TIMEOUT = 0.3
    coinbase.hang = 1.0

    answer = shopper.get(f"/checkout/pay/{payment.token}/return/")

    assert answer.status_code == 200
    assert _paid(payment).state == PaymentState.ACTION_REQUIRED
    assert _status(order) == PaymentStatus.UNPAID

    coinbase.hang = 0.0
    counts = services.reconcile(older_than_minutes=0)

    assert counts["changed"] == 1
    assert _paid(payment).state == PaymentState.SUCCEEDED
    assert _status(order) == PaymentStatus.PAID


def test_a_create_call_that_timed_out_is_found_again_not_created_twice(coinbase, settings):
    settings.COINBASE_TIMEOUT = 0.3
    coinbase.hang = 1.0
    order = order_for("coinbase")
    before = len(coinbase.checkouts)

    payment = start("coinbase", order).payment

    assert payment.state == PaymentState.PENDING and not payment.provider_reference
    coinbase.hang = 0.0
    services.reconcile(older_than_minutes=0)
    payment = _paid(payment)
    assert payment.state == PaymentState.ACTION_REQUIRED
    assert len(coinbase.checkouts) == before + 1  # the idempotency key found the first one
    assert payment.action_url == coinbase.checkouts[payment.provider_reference]["url"]


def test_the_return_and_the_webhook_racing_finalise_once(coinbase, shopper, send_webhook):
    for webhook_first in (True, False):
        order = order_for("coinbase")
        payment = start("coinbase", order).payment
        coinbase.pay(payment.provider_reference)
        (success,) = coinbase.event_stream(payment.provider_reference)
        for step in ("webhook", "return") if webhook_first else ("return", "webhook"):
            if step == "webhook":
                assert send_webhook(*success).status_code == 200
            else:
                assert shopper.get(f"/checkout/pay/{payment.token}/return/").status_code == 302
        payment = _paid(payment)
        assert payment.state == PaymentState.SUCCEEDED, webhook_first
        assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURED).count() == 1
        assert Order.objects.get(pk=order.pk).amount_paid == Decimal("25.00"), webhook_first


def test_underpaid_overpaid_and_late_payments_are_flagged_for_staff(
    coinbase, deliver, send_webhook, shopper
):
    less = start("coinbase", order_for("coinbase")).payment
    back = click(coinbase.checkouts[less.provider_reference]["url"], "pay-less")
    page = shopper.get(path_of(back)).content.decode()
    assert "part of it was received" in page and "nothing was charged" not in page
    less = _paid(less)
    assert less.state == PaymentState.FAILED
    assert less.captured_amount == Decimal("22.50")
    assert less.flags == ["underpaid"]
    assert _status(less.order) == PaymentStatus.PARTIALLY_PAID

    more = start("coinbase", order_for("coinbase")).payment
    back = click(coinbase.checkouts[more.provider_reference]["url"], "pay-more")
    assert shopper.get(path_of(back)).status_code == 302
    more = _paid(more)
    assert more.state == PaymentState.SUCCEEDED
    assert more.captured_amount == Decimal("27.50")
    assert more.flags == ["overpaid"]
    assert _status(more.order) == PaymentStatus.OVERPAID

    late = start("coinbase", order_for("coinbase")).payment
    coinbase.expire(late.provider_reference)
    deliver()
    assert _paid(late).state == PaymentState.FAILED
    coinbase.pay(late.provider_reference)  # the transfer reaches the address after expiry
    deliver()
    late = _paid(late)
    assert late.state == PaymentState.FAILED  # final: staff settle it
    assert late.captured_amount == Decimal("25.00")
    assert late.flags == ["late"]
    assert late.events.filter(kind=PaymentEvent.Kind.FLAGGED).count() == 1

    reversed_late = start("coinbase", order_for("coinbase")).payment
    coinbase.expire(reversed_late.provider_reference)
    coinbase.pay(reversed_late.provider_reference)
    for event in reversed(coinbase.event_stream(reversed_late.provider_reference)):
        send_webhook(*event)  # "paid" arrives before "expired": the same end
    reversed_late = _paid(reversed_late)
    assert (reversed_late.state, reversed_late.captured_amount, reversed_late.flags) == (
        PaymentState.FAILED,
        Decimal("25.00"),
        ["late"],
    )


def test_an_ed25519_cdp_key_signs_requests_too(in_store_a, settings):
    from tests.doubles.coinbase import CoinbaseDouble
    from tests.payments.crypto_flow import configure

    with CoinbaseDouble(algorithm="EdDSA") as double:
        settings.COINBASE_API_BASE = double.url
        configure("coinbase", double)
        payment = start("coinbase", order_for("coinbase")).payment
    assert payment.state == PaymentState.ACTION_REQUIRED
    assert payment.provider_reference in double.checkouts


def test_a_shopper_checks_out_on_the_storefront_and_pays_with_coinbase(coinbase, shopper):
    placed, order = checkout_on_the_storefront(shopper, "coinbase")

    payment = order.payments.get()
    checkout = coinbase.checkouts[payment.provider_reference]
    assert placed.status_code == 302
    assert placed["Location"] == checkout["url"]  # straight to Coinbase's hosted page
    assert checkout["amount"] == "24.99"

    confirmation = shopper.get(path_of(click(checkout["url"], "pay")), follow=True)

    assert confirmation.status_code == 200
    assert f"#{order.number}" in confirmation.content.decode()
    assert _status(order) == PaymentStatus.PAID


def test_every_event_stream_replayed_in_random_orders_ends_the_same(coinbase, send_webhook):
    paid, refunded, underpaid, expired, late = (
        start("coinbase", order_for("coinbase")).payment for _ in range(5)
    )
    coinbase.pay(paid.provider_reference)
    coinbase.pay(refunded.provider_reference)
    coinbase.refund(refunded.provider_reference, "7.50")
    coinbase.pay(underpaid.provider_reference, "20.00")
    coinbase.expire(expired.provider_reference)
    coinbase.expire(late.provider_reference)
    coinbase.pay(late.provider_reference)
    payments = [paid, refunded, underpaid, expired, late]
    streams = [coinbase.event_stream(p.provider_reference) for p in payments]

    first, second, third = replay_three_times(send_webhook, streams, payments)

    assert first == second == third
    assert [state for state, *_ in first] == [
        PaymentState.SUCCEEDED,
        PaymentState.SUCCEEDED,
        PaymentState.FAILED,
        PaymentState.FAILED,
        PaymentState.FAILED,
    ]
    assert first[1][2] == Decimal("7.50")


def test_the_coinbase_keys_are_never_logged_nor_shown(coinbase, deliver, shopper, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    payment = start("coinbase", order_for("coinbase")).payment
    pages = [shopper.get(f"/checkout/pay/{payment.token}/").content.decode()]
    back = click(coinbase.checkouts[payment.provider_reference]["url"], "pay")
    pages.append(shopper.get(path_of(back), follow=True).content.decode())
    pages += [answer.content.decode() for answer in deliver()]

    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    for secret in (coinbase.key_secret, coinbase.webhook_secret):
        assert secret not in logged
        assert not any(secret in page for page in pages)
