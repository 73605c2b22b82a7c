"""PayPal end to end against the local PayPal (tests/doubles/paypal.py), through our own pages,
services, webhook endpoint and Celery task: the shopper approves on PayPal and comes back to
the confirmation; a declined capture, a cancel, refunds, webhooks (verified by PayPal's verify
call, each event once, in any order), a PayPal that does not answer, and the return racing the
webhook."""

import json
import logging
import threading
from decimal import Decimal

import pytest

import money
from orders.models import Order, OrderStatus, PaymentStatus
from payments import credentials, gateway, services
from payments.errors import InvalidAmount
from payments.gateway import ActionKind, PaymentState
from payments.models import Payment, PaymentEvent, ProviderEvent, Refund
from payments.providers.paypal import PayPalClient
from tests.payments.paypal.conftest import (
    CODE,
    local,
    paypal_order,
    paypal_payment,
    post_event,
    post_events,
)

pytestmark = pytest.mark.django_db


def captured_events(payment) -> int:
    return payment.events.filter(kind=PaymentEvent.Kind.CAPTURED).count()


def captures_at_paypal(double, payment) -> int:
    return len(double.orders[payment.provider_reference].captures)


# --- Paying ------------------------------------------------------------------------------------


def test_the_shopper_approves_on_paypal_and_returns_to_the_confirmation(
    paypal, store_client, store_a, caplog
):
    caplog.set_level(logging.DEBUG)
    start = services.create_payment_for_order(order=paypal_order(2))  # 2 x 10.00 + 5.00
    payment = start.payment
    order_id = payment.provider_reference
    urls = gateway.payment_urls(payment)

    # The PayPal order: what PayPal was asked, and where the shopper is sent.
    made = paypal.orders[order_id]
    unit = made.request["purchase_units"][0]
    assert made.request["intent"] == "CAPTURE"
    assert unit["amount"] == {"currency_code": "USD", "value": "25.00"}
    assert unit["custom_id"] == str(payment.token)
    context = made.request["payment_source"]["paypal"]["experience_context"]
    assert (context["return_url"], context["cancel_url"]) == (urls.return_url, urls.cancel_url)
    creates = [r for r in paypal.requests if r["path"] == "/v2/checkout/orders"]
    assert creates[-1]["request_id"] == str(payment.token)
    assert payment.state == PaymentState.ACTION_REQUIRED
    assert start.action.kind == ActionKind.REDIRECT
    assert start.action.url == f"{paypal.url}/checkoutnow?token={order_id}"

    client = store_client(store_a)
    page = client.get(f"/checkout/pay/{payment.token}/")
    assert page.status_code == 200
    assert f'href="{paypal.url}/checkoutnow?token={order_id}"' in page.content.decode()

    back = client.get(local(paypal.approve(order_id)))  # "Pay now" on PayPal, then back
    assert back.status_code == 302
    order = Order.objects.get(pk=payment.order_id)
    assert back["Location"] == f"/checkout/complete/{order.number}/"
    assert client.get(back["Location"]).status_code == 200

    payment.refresh_from_db()
    assert (payment.state, payment.captured_amount) == (PaymentState.SUCCEEDED, Decimal("25.00"))
    assert (order.payment_status, order.amount_paid) == (PaymentStatus.PAID, Decimal("25.00"))
    assert captured_events(payment) == 1
    capture = [r for r in paypal.requests if r["path"].endswith(f"{order_id}/capture")]
    assert [r["request_id"] for r in capture] == [f"{payment.token}-capture"]
    assert paypal.event_types(order_id) == [
        "CHECKOUT.ORDER.APPROVED",
        "PAYMENT.CAPTURE.COMPLETED",
    ]
    # The access token was asked once for the store and reused; neither it nor the secret is
    # ever logged.
    assert paypal.token_requests_for(paypal.default) == 1
    secret = paypal.default.client_secret
    tokens = list(paypal.tokens)
    assert not any(secret in r.getMessage() for r in caplog.records)
    assert not any(t in r.getMessage() for t in tokens for r in caplog.records)


def test_a_capture_declined_by_paypal_says_so_and_the_shopper_pays_again(
    paypal, store_client, store_a
):
    payment = paypal_payment()
    paypal.decline(payment.provider_reference, "instrument_declined")
    client = store_client(store_a)

    page = client.get(local(paypal.approve(payment.provider_reference)))
    assert page.status_code == 200
    text = page.content.decode()
    assert "The payment did not go through: nothing was charged." in text
    assert "PayPal declined the payment." in text
    payment.refresh_from_db()
    assert payment.state == PaymentState.FAILED
    assert payment.events.get(kind=PaymentEvent.Kind.FAILED).data["paypal_issue"] == (
        "INSTRUMENT_DECLINED"
    )
    order = Order.objects.get(pk=payment.order_id)
    assert (order.status, order.payment_status) == (OrderStatus.PENDING, PaymentStatus.UNPAID)

    # Trying PayPal again makes a new PayPal order; this time the capture goes through.
    again = client.post(f"/checkout/pay/{payment.token}/retry/", {"payment_method": CODE})
    assert again.status_code == 302
    retried = Payment.objects.filter(order=order).exclude(pk=payment.pk).get()
    assert retried.provider_reference != payment.provider_reference
    assert again["Location"] == f"{paypal.url}/checkoutnow?token={retried.provider_reference}"
    assert client.get(local(paypal.approve(retried.provider_reference))).status_code == 302
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID


def test_a_capture_denied_later_by_paypal_fails_the_payment(
    paypal, store_client, store_a, celery_eager, django_capture_on_commit_callbacks
):
    payment = paypal_payment()
    paypal.decline(payment.provider_reference, "pending")  # PayPal reviews the capture
    client = store_client(store_a)
    back = client.get(local(paypal.approve(payment.provider_reference)))
    payment.refresh_from_db()
    assert back.status_code == 302  # the confirmation says PayPal is confirming
    assert (payment.state, payment.captured_amount) == (PaymentState.AUTHORISED, 0)

    paypal.deny_pending(payment.provider_reference)
    with django_capture_on_commit_callbacks(execute=True):
        statuses = post_events(client, paypal, payment.provider_reference, "PAYMENT.CAPTURE.DENIED")
    assert statuses == [200]
    payment.refresh_from_db()
    assert (payment.state, payment.captured_amount) == (PaymentState.FAILED, 0)
    assert Order.objects.get(pk=payment.order_id).payment_status == PaymentStatus.UNPAID


def test_cancel_on_paypal_keeps_the_order_and_nothing_is_charged(paypal, store_client, store_a):
    payment = paypal_payment()
    client = store_client(store_a)

    page = client.get(local(paypal.cancel(payment.provider_reference)))
    assert page.status_code == 200
    text = page.content.decode()
    assert "You cancelled the payment: nothing was charged." in text
    assert 'name="payment_method" value="paypal"' in text
    payment.refresh_from_db()
    assert payment.state == PaymentState.CANCELLED
    assert captures_at_paypal(paypal, payment) == 0
    order = Order.objects.get(pk=payment.order_id)
    assert (order.status, order.payment_status) == (OrderStatus.PENDING, PaymentStatus.UNPAID)
    assert order.lines.count() == 1


# --- Refunds -----------------------------------------------------------------------------------


def test_partial_then_full_refund_through_paypal_and_its_webhooks_change_nothing_more(
    paypal, store_client, store_a, celery_eager, django_capture_on_commit_callbacks
):
    payment = paypal_payment()
    client = store_client(store_a)
    client.get(local(paypal.approve(payment.provider_reference)))
    payment.refresh_from_db()
    capture = paypal.orders[payment.provider_reference].captures[0]

    first = services.refund(payment=payment, amount="10.00", reason="One mug broken")
    assert (first.amount, first.state, first.source) == (Decimal("10.00"), "succeeded", "staff")
    assert first.provider_reference in paypal.refunds
    assert (capture.status, capture.refunded) == ("PARTIALLY_REFUNDED", Decimal("10.00"))
    order = Order.objects.get(pk=payment.order_id)
    assert order.payment_status == PaymentStatus.PARTIALLY_REFUNDED

    with pytest.raises(InvalidAmount):  # more than what is left: refused before PayPal
        services.refund(payment=payment, amount="15.01")
    assert capture.refunded == Decimal("10.00")

    # PayPal's webhook for our own refund: its total is what we recorded, nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert post_events(client, paypal, payment.provider_reference,
                           "PAYMENT.CAPTURE.REFUNDED") == [200]  # fmt: skip
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("10.00")
    assert Refund.objects.filter(payment=payment).count() == 1

    services.refund(payment=payment, amount="15.00", reason="Customer returned the rest")
    assert (capture.status, capture.refunded) == ("REFUNDED", Decimal("25.00"))
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.REFUNDED
    assert order.amount_refunded == Decimal("25.00")


def test_a_refund_made_in_the_paypal_dashboard_is_recorded_from_its_webhook(
    paypal, store_client, store_a, celery_eager, django_capture_on_commit_callbacks
):
    payment = paypal_payment()
    client = store_client(store_a)
    client.get(local(paypal.approve(payment.provider_reference)))
    capture = paypal.orders[payment.provider_reference].captures[0]
    merchant = PayPalClient(**_app(paypal), base_url=paypal.url)
    merchant.refund_capture(capture.id, amount=money.Money("7.50", "USD"), request_id="dash-1")

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            post_events(client, paypal, payment.provider_reference, "PAYMENT.CAPTURE.REFUNDED")
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("7.50")
    assert list(Refund.objects.filter(payment=payment).values_list("amount", "source")) == [
        (Decimal("7.50"), "provider")
    ]


# --- Webhooks ----------------------------------------------------------------------------------


def test_a_webhook_that_paypal_does_not_verify_is_refused_and_nothing_changes(
    paypal, store_client, store_a, store_b, celery_eager, django_capture_on_commit_callbacks
):
    payment = paypal_payment()
    paypal.approve(payment.provider_reference)  # the shopper never comes back
    body, headers = paypal.event_stream(payment.provider_reference)[0]  # ORDER.APPROVED
    client = store_client(store_a)
    event = json.loads(body)
    tampered = json.dumps({**event, "summary": "Pay out to someone else"},
                          separators=(",", ":")).encode()  # fmt: skip
    forged = {**headers, "PAYPAL-TRANSMISSION-SIG": headers["PAYPAL-TRANSMISSION-SIG"][::-1]}
    no_headers = {"Content-Type": "application/json"}
    # Signed for another PayPal app (another store's webhook id): not ours.
    other = paypal.add_account()
    foreign = paypal.sign(body, other)

    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            post_event(client, tampered, headers),
            post_event(client, body, forged),
            post_event(client, body, no_headers),
            post_event(client, body, foreign),
            post_event(client, b"not json", headers),
        ]
    assert [a.status_code for a in answers] == [400, 400, 400, 400, 400]
    assert {a.json()["error"]["code"] for a in answers} == {"webhook_rejected"}
    assert not ProviderEvent.objects.exists()
    payment.refresh_from_db()
    assert (payment.state, payment.captured_amount) == (PaymentState.ACTION_REQUIRED, 0)
    assert captures_at_paypal(paypal, payment) == 0

    # Store B's endpoint refuses store A's event (B's own app and webhook id).
    from django.db import connection

    connection.set_tenant(store_b)
    credentials.save(CODE, paypal.credentials(other))
    services.set_method_settings(data={"enabled_methods": [CODE]})
    answer = post_event(store_client(store_b), body, headers)
    assert answer.status_code == 400
    assert not ProviderEvent.objects.exists()


def test_the_same_webhook_three_times_is_processed_once(
    paypal, store_client, store_a, celery_eager, django_capture_on_commit_callbacks
):
    # The shopper approved and closed the browser: PayPal's webhooks capture the order.
    payment = paypal_payment()
    paypal.approve(payment.provider_reference)
    client = store_client(store_a)
    with django_capture_on_commit_callbacks(execute=True):
        approved = [
            post_events(client, paypal, payment.provider_reference, "CHECKOUT.ORDER.APPROVED")
            for _ in range(3)
        ]
    assert approved == [[200], [200], [200]]
    payment.refresh_from_db()
    assert (payment.state, payment.captured_amount) == (PaymentState.SUCCEEDED, Decimal("25.00"))
    assert captures_at_paypal(paypal, payment) == 1

    with django_capture_on_commit_callbacks(execute=True):
        completed = post_events(client, paypal, payment.provider_reference,
                                "PAYMENT.CAPTURE.COMPLETED", times=3)  # fmt: skip
    assert completed == [200, 200, 200]
    assert captured_events(payment) == 1
    assert ProviderEvent.objects.count() == 2
    assert set(ProviderEvent.objects.values_list("status", flat=True)) == {"applied"}
    order = Order.objects.get(pk=payment.order_id)
    assert (order.payment_status, order.amount_paid) == (PaymentStatus.PAID, Decimal("25.00"))


def test_events_out_of_order_end_in_the_same_state(
    paypal, store_client, store_a, celery_eager, django_capture_on_commit_callbacks
):
    payment = paypal_payment()
    client = store_client(store_a)
    client.get(local(paypal.approve(payment.provider_reference)))
    services.refund(payment=payment, amount="5.00")
    events = paypal.event_stream(payment.provider_reference)
    assert [json.loads(b)["event_type"] for b, _ in events] == [
        "CHECKOUT.ORDER.APPROVED",
        "PAYMENT.CAPTURE.COMPLETED",
        "PAYMENT.CAPTURE.REFUNDED",
    ]
    # A second order: approved, captured at PayPal (our side never heard of it), refunded in
    # full in PayPal's dashboard; its events arrive newest first: the refund, the capture, the
    # approval.
    second = paypal_payment()
    paypal.approve(second.provider_reference)
    merchant = PayPalClient(**_app(paypal), base_url=paypal.url)
    merchant.capture_order(second.provider_reference, request_id=f"{second.token}-capture")
    capture = paypal.orders[second.provider_reference].captures[0]
    merchant.refund_capture(capture.id, amount=None, request_id="dash-full")
    with django_capture_on_commit_callbacks(execute=True):
        for body, headers in reversed(paypal.event_stream(second.provider_reference)):
            assert post_event(client, body, headers).status_code == 200
    second.refresh_from_db()
    assert (second.state, second.captured_amount, second.refunded_amount) == (
        PaymentState.SUCCEEDED, Decimal("25.00"), Decimal("25.00"),
    )  # fmt: skip
    assert captured_events(second) == 1
    assert Order.objects.get(pk=second.order_id).payment_status == PaymentStatus.REFUNDED


# --- PayPal not answering; the return racing the webhook ------------------------------------------


def test_paypal_not_answering_the_capture_leaves_the_order_pending_and_reconciliation_fixes_it(
    paypal, store_client, store_a, settings
):
    settings.PAYPAL_TIMEOUT = 0.5
    payment = paypal_payment()
    paypal.delay(f"/v2/checkout/orders/{payment.provider_reference}/capture", 1.5)
    client = store_client(store_a)

    page = client.get(local(paypal.approve(payment.provider_reference)))
    assert page.status_code == 200
    payment.refresh_from_db()
    assert (payment.state, payment.captured_amount) == (PaymentState.ACTION_REQUIRED, 0)
    order = Order.objects.get(pk=payment.order_id)
    assert (order.status, order.payment_status) == (OrderStatus.PENDING, PaymentStatus.UNPAID)
    # PayPal did capture, late: reconciliation reads the order and records it, once.
    counts = services.reconcile(older_than_minutes=-1)
    assert counts["changed"] == 1
    payment.refresh_from_db()
    assert (payment.state, payment.captured_amount) == (PaymentState.SUCCEEDED, Decimal("25.00"))
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
    assert captures_at_paypal(paypal, payment) == 1
    assert services.reconcile(older_than_minutes=-1)["checked"] == 0


def test_paypal_not_answering_the_create_keeps_the_order_and_reconciliation_makes_it(
    paypal, settings
):
    settings.PAYPAL_TIMEOUT = 0.5
    paypal.delay("/v2/checkout/orders", 1.5)  # PayPal makes the order, and answers late
    payment = paypal_payment()
    assert (payment.state, payment.provider_reference) == (PaymentState.PENDING, "")
    order = Order.objects.get(pk=payment.order_id)
    assert (order.status, order.payment_status) == (OrderStatus.PENDING, PaymentStatus.UNPAID)

    services.reconcile(older_than_minutes=-1)  # the same PayPal-Request-Id: the same order
    payment.refresh_from_db()
    assert payment.state == PaymentState.ACTION_REQUIRED
    assert len([o for o in paypal.orders.values() if o.custom_id == str(payment.token)]) == 1


def test_an_order_abandoned_on_paypal_is_cancelled_by_reconciliation_once_paypal_drops_it(
    paypal,
):
    from datetime import timedelta

    from django.utils import timezone

    payment = paypal_payment()
    services.reconcile(older_than_minutes=-1)  # still waiting for the shopper: unchanged
    payment.refresh_from_db()
    assert payment.state == PaymentState.ACTION_REQUIRED

    paypal.expire(payment.provider_reference)
    services.reconcile(older_than_minutes=-1)  # PayPal forgot it, but only just: kept
    payment.refresh_from_db()
    assert payment.state == PaymentState.ACTION_REQUIRED
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(days=2))
    services.reconcile(older_than_minutes=-1)
    payment.refresh_from_db()
    assert payment.state == PaymentState.CANCELLED
    assert payment.message.startswith("The PayPal order expired before it was approved")
    order = Order.objects.get(pk=payment.order_id)
    assert (order.status, order.payment_status) == (OrderStatus.PENDING, PaymentStatus.UNPAID)


def test_the_return_and_the_webhook_racing_finalise_once(
    paypal, store_client, store_a, celery_eager, django_capture_on_commit_callbacks
):
    client = store_client(store_a)
    provider = gateway.get(CODE)

    # PayPal side: the return's capture and the webhook's capture at the same moment send the
    # same PayPal-Request-Id: PayPal captures once and answers both the same.
    payment = paypal_payment()
    paypal.approve(payment.provider_reference)
    merchant = PayPalClient(**_app(paypal), base_url=paypal.url)
    answers = []
    threads = [
        threading.Thread(target=lambda: answers.append(merchant.capture_order(
            payment.provider_reference, request_id=f"{payment.token}-capture")))
        for _ in range(2)
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 2 and answers[0] == answers[1]
    assert captures_at_paypal(paypal, payment) == 1
    # Our side: the webhook's work and the return both finalise; the second changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        post_events(client, paypal, payment.provider_reference)
    back = client.get(local(paypal.approve(payment.provider_reference)))
    assert back.status_code == 302
    payment.refresh_from_db()
    assert captured_events(payment) == 1

    # The other way round: the shopper is back first, then every webhook.
    second = paypal_payment()
    client.get(local(paypal.approve(second.provider_reference)))
    with django_capture_on_commit_callbacks(execute=True):
        post_events(client, paypal, second.provider_reference)
    second.refresh_from_db()
    assert provider.status(second).state == PaymentState.SUCCEEDED
    assert captured_events(second) == 1
    assert captures_at_paypal(paypal, second) == 1
    order = Order.objects.get(pk=second.order_id)
    assert (order.payment_status, order.amount_paid) == (PaymentStatus.PAID, Decimal("25.00"))


def test_an_expired_access_token_is_renewed_once(paypal):
    payment = paypal_payment()
    before = paypal.token_requests_for(paypal.default)
    paypal.expire_tokens()
    assert gateway.get(CODE).status(payment).state == PaymentState.ACTION_REQUIRED
    assert paypal.token_requests_for(paypal.default) == before + 1


def _app(double) -> dict:
    saved = double.credentials()
    return {"client_id": saved["client_id"], "client_secret": saved["client_secret"]}


# --- Through the API ----------------------------------------------------------------------------


def test_a_shopper_pays_through_the_api_and_staff_refund_part_of_it(paypal, store_client, store_a):
    from rest_framework.test import APIClient

    from accounts import services as accounts_services
    from tests.matrix import make_person

    order = paypal_order(2)
    shopper = APIClient(HTTP_HOST=store_a.primary_host)
    started = shopper.post(
        "/api/v1/payments/start/", {"checkout_token": str(order.checkout_token)}, format="json"
    )
    assert started.status_code == 201, started.content
    body = started.json()
    payment = Payment.objects.get(token=body["token"])
    assert (body["method"], body["state"], body["amount"]) == ("paypal", "action_required",
                                                               "25.00")  # fmt: skip
    assert body["action"]["kind"] == "redirect"
    assert body["action"]["url"] == f"{paypal.url}/checkoutnow?token={payment.provider_reference}"
    # Starting again finds the same payment and the same PayPal order.
    again = shopper.post(
        "/api/v1/payments/start/", {"checkout_token": str(order.checkout_token)}, format="json"
    )
    assert (again.status_code, again.json()["token"]) == (200, body["token"])
    assert again.json()["action"]["url"] == body["action"]["url"]

    # The shopper approves on PayPal and is sent back to the store's return URL.
    back = store_client(store_a).get(local(paypal.approve(payment.provider_reference)))
    assert back.status_code == 302
    polled = shopper.get(f"/api/v1/payments/{body['token']}/").json()
    assert (polled["state"], polled["captured_amount"]) == ("succeeded", "25.00")

    owner = APIClient(HTTP_HOST=store_a.primary_host)
    key = accounts_services.issue_auth_token(user=make_person("owner")).key
    owner.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    refunded = owner.post(
        f"/api/v1/orders/{order.pk}/refunds/",
        {"payment": payment.pk, "amount": "4.50", "note": "Late delivery"},
        format="json",
    )
    assert refunded.status_code == 201, refunded.content
    capture = paypal.orders[payment.provider_reference].captures[0]
    assert (capture.status, capture.refunded) == ("PARTIALLY_REFUNDED", Decimal("4.50"))
    refund = Refund.objects.get(payment=payment)
    assert paypal.refunds[refund.provider_reference]["amount"] == {
        "currency_code": "USD", "value": "4.50",
    }  # fmt: skip
