"""Stripe end to end against its local double: the real ``stripe`` SDK talks HTTP to
tests/doubles/stripe.py, which answers as Stripe documents (PaymentIntents, refunds, errors,
Connect OAuth) and signs its webhooks with Stripe's scheme; our webhook endpoint, Celery task,
pay pages, finalisation, refunds and reconciliation run for real.

The shopper's side (what Stripe.js does in the browser: confirming with a card, 3-D Secure) is
played by the double's ``pay`` and challenge page; tests/e2e/test_pay_stripe.py does it in a
real browser with the double's Stripe.js.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import requests
from django.db import connection

import money
from orders.models import Order, OrderStatus, PaymentStatus
from payments import credentials, gateway, selectors, services
from payments.errors import InvalidAmount, ProviderUnavailable
from payments.gateway import ActionKind, PaymentState
from payments.models import Payment, PaymentEvent, ProviderEvent, Refund
from payments.providers.stripe import CONNECTED_ACCOUNT
from tests.doubles.stripe import DECLINED, THREE_D_SECURE, StripeError
from tests.orders.factories import make_variant, place

pytestmark = pytest.mark.django_db

WEBHOOK = "/payments/webhooks/stripe/"


def stripe_order(price: str = "20.00") -> Order:
    """An order of one 20.00 item and 5.00 shipping (25.00), to be paid with Stripe."""
    return place([(make_variant(price=price), 1)], shipping="5.00", payment_method="stripe")


def start(order: Order | None = None):
    started = services.create_payment_for_order(order=order or stripe_order())
    return started.payment, started.action


def deliver(client, double, event: dict, *, secret: str | None = None):
    body, headers = double.signed(event, secret)
    return client.post(
        WEBHOOK,
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": headers["Stripe-Signature"]},
    )


def event_of(double, intent_id: str, kind: str) -> dict:
    return [event for event in double.events_for(intent_id) if event["type"] == kind][-1]


def returned(client, payment, intent: dict, status: str = "succeeded"):
    """The shopper back from Stripe.js, as it redirects to the return URL."""
    return client.get(
        f"/checkout/pay/{payment.token}/return/",
        {
            "payment_intent": intent["id"],
            "payment_intent_client_secret": intent["client_secret"],
            "redirect_status": status,
        },
    )


def creates(double, payment) -> list[dict]:
    return [
        request
        for request in double.requests
        if request["method"] == "POST"
        and request["path"] == "/v1/payment_intents"
        and request["idempotency_key"] == str(payment.token)
    ]


# --- Paying ------------------------------------------------------------------------------------


def test_a_card_payment_succeeds_through_the_payment_element(
    stripe_store, stripe_double, store_client, store_a, celery_eager,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    payment, action = start()
    assert payment.state == PaymentState.ACTION_REQUIRED
    intent = stripe_double.intents[payment.provider_reference]
    assert (intent["amount"], intent["currency"], intent["capture_method"]) == (
        2500,
        "usd",
        "automatic",
    )
    assert intent["metadata"]["payment_token"] == str(payment.token)
    assert len(creates(stripe_double, payment)) == 1, "the token is the idempotency key"
    assert action.kind == ActionKind.CLIENT_SECRET
    assert action.client_secret == intent["client_secret"]
    assert action.data["publishable_key"] == stripe_double.publishable_key

    client = store_client(store_a)
    page = client.get(f"/checkout/pay/{payment.token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<script src="{stripe_double.js_url}"></script>' in html
    assert f'data-client-secret="{intent["client_secret"]}"' in html
    assert stripe_double.secret_key not in html
    assert stripe_double.webhook_secret not in html

    stripe_double.pay(intent["id"])
    back = returned(client, payment, intent)
    assert back.status_code == 302
    assert back["Location"] == f"/checkout/complete/{payment.order.number}/"
    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.captured_amount == Decimal("25.00")
    order = Order.objects.get(pk=payment.order_id)
    assert order.payment_status == PaymentStatus.PAID

    # Stripe's own word comes after: the same money, recorded once.
    with django_capture_on_commit_callbacks(execute=True):
        answer = deliver(client, stripe_double, event_of(stripe_double, intent["id"],
                                                         "payment_intent.succeeded"))  # fmt: skip
    assert answer.status_code == 200
    assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURED).count() == 1


def test_a_declined_card_fails_says_why_and_a_retry_pays(
    stripe_store, stripe_double, store_client, store_a, celery_eager,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    payment, _ = start()
    intent = stripe_double.intents[payment.provider_reference]
    with pytest.raises(StripeError, match="Your card was declined"):
        stripe_double.pay(intent["id"], DECLINED)

    client = store_client(store_a)
    page = returned(client, payment, intent, status="failed")
    assert page.status_code == 200
    text = page.content.decode()
    assert "The payment did not go through: nothing was charged." in text
    assert "Your card was declined." in text
    payment.refresh_from_db()
    assert payment.state == PaymentState.FAILED
    assert stripe_double.intents[intent["id"]]["status"] == "canceled", (
        "the declined intent is closed at Stripe: nothing can charge it later"
    )
    order = Order.objects.get(pk=payment.order_id)
    assert (order.status, order.payment_status) == (OrderStatus.PENDING, PaymentStatus.UNPAID)

    # Stripe's payment_failed event changes nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        failed = event_of(stripe_double, intent["id"], "payment_intent.payment_failed")
        assert deliver(client, stripe_double, failed).status_code == 200

    again = client.post(f"/checkout/pay/{payment.token}/retry/", {"payment_method": "stripe"})
    assert again.status_code == 302
    retry = Payment.objects.filter(order=order).exclude(pk=payment.pk).get()
    assert again["Location"] == f"/checkout/pay/{retry.token}/"
    assert retry.provider_reference != payment.provider_reference
    second = stripe_double.intents[retry.provider_reference]
    stripe_double.pay(second["id"])
    assert returned(client, retry, second).status_code == 302
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID


def test_three_d_secure_challenge_then_return(stripe_store, stripe_double, store_client, store_a):
    client = store_client(store_a)
    for outcome, state in (("complete", PaymentState.SUCCEEDED), ("fail", PaymentState.FAILED)):
        payment, _ = start()
        return_url = gateway.payment_urls(payment).return_url
        intent = stripe_double.pay(payment.provider_reference, THREE_D_SECURE,
                                   return_url=return_url)  # fmt: skip
        assert intent["status"] == "requires_action"
        challenge = intent["next_action"]["redirect_to_url"]["url"]
        assert challenge.startswith(f"{stripe_double.url}/3ds/")
        assert "Complete authentication" in requests.get(challenge, timeout=10).text

        # The pay page reloaded meanwhile still shows the element, not a second payment.
        assert services.create_payment_for_order(order=payment.order).payment == payment

        answer = requests.post(challenge, data={"result": outcome}, allow_redirects=False,
                               timeout=10)  # fmt: skip
        assert answer.status_code == 303
        location = urlsplit(answer.headers["Location"])
        assert location.path == f"/checkout/pay/{payment.token}/return/"
        assert f"payment_intent={intent['id']}" in location.query
        client.get(f"{location.path}?{location.query}")
        payment.refresh_from_db()
        assert payment.state == state, outcome
    assert payment.message.startswith("We are unable to authenticate your payment method.")


def test_the_shopper_cancels_nothing_is_charged_and_the_order_is_kept(
    stripe_store, stripe_double, store_client, store_a
):
    payment, _ = start()
    client = store_client(store_a)
    page = client.get(f"/checkout/pay/{payment.token}/cancel/")
    assert page.status_code == 200
    assert "You cancelled the payment: nothing was charged." in page.content.decode()
    payment.refresh_from_db()
    assert payment.state == PaymentState.CANCELLED
    intent = stripe_double.intents[payment.provider_reference]
    assert (intent["status"], intent["cancellation_reason"]) == ("canceled", "abandoned")
    # The element, still open in another tab, can no longer pay the cancelled payment.
    with pytest.raises(StripeError, match="status of canceled"):
        stripe_double.pay(intent["id"])
    # A late return changes nothing.
    assert returned(client, payment, intent).status_code == 200
    order = Order.objects.get(pk=payment.order_id)
    assert (order.status, order.payment_status) == (OrderStatus.PENDING, PaymentStatus.UNPAID)


def test_manual_capture_then_partial_and_full_refunds(
    stripe_store, stripe_double, store_client, store_a, celery_eager,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    credentials.save("stripe", {"capture_method": "manual"})
    payment, _ = start()
    intent = stripe_double.intents[payment.provider_reference]
    assert intent["capture_method"] == "manual"
    stripe_double.pay(intent["id"])
    client = store_client(store_a)
    assert returned(client, payment, intent).status_code == 302
    payment.refresh_from_db()
    assert (payment.state, payment.captured_amount) == (PaymentState.AUTHORISED, 0)

    # Staff capture less than authorised (an item was out of stock): the rest is released.
    provider = gateway.get("stripe")
    captured = provider.confirm(payment, amount=money.Money(Decimal("20.00"), "USD"))
    payment = services.finalise(payment=payment, result=captured, source="staff")
    assert (payment.state, payment.captured_amount) == (PaymentState.SUCCEEDED, Decimal("20.00"))
    assert stripe_double.intents[intent["id"]]["amount_received"] == 2000

    refund = services.refund(payment=payment, amount=Decimal("5.00"), reason="Chipped mug")
    assert refund.provider_reference.startswith("re_")
    charge = stripe_double.charges[intent["latest_charge"]]
    assert charge["amount_refunded"] == 500
    refund_request = [r for r in stripe_double.requests if r["path"] == "/v1/refunds"][-1]
    assert refund_request["idempotency_key"] == f"{payment.token}:refund:0:500"

    # Stripe's charge.refunded (absolute total 5.00) is what we recorded: no second refund.
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(stripe_double, intent["id"], "charge.refunded")
        assert deliver(client, stripe_double, event).status_code == 200
    assert Refund.objects.filter(payment=payment).count() == 1

    with pytest.raises(InvalidAmount):
        services.refund(payment=payment, amount=Decimal("15.01"))
    assert charge["amount_refunded"] == 500, "nothing asked of Stripe"

    services.refund(payment=payment, amount=Decimal("15.00"))
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("20.00")
    assert charge["refunded"] is True
    assert Order.objects.get(pk=payment.order_id).payment_status == PaymentStatus.REFUNDED


# --- Webhooks ----------------------------------------------------------------------------------


def test_a_webhook_with_a_bad_signature_is_refused_and_nothing_changes(
    stripe_store, stripe_double, store_client, store_a, celery_eager,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    payment, _ = start()
    stripe_double.pay(payment.provider_reference)
    event = event_of(stripe_double, payment.provider_reference, "payment_intent.succeeded")
    client = store_client(store_a)
    body, headers = stripe_double.signed(event)
    tampered = body.replace(b'"amount_received": 2500', b'"amount_received": 9900')
    assert tampered != body
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            deliver(client, stripe_double, event, secret="whsec_someone_else"),
            client.post(WEBHOOK, data=tampered, content_type="application/json",
                        headers={"Stripe-Signature": headers["Stripe-Signature"]}),
            client.post(WEBHOOK, data=body, content_type="application/json"),
        ]  # fmt: skip
    assert [answer.status_code for answer in answers] == [400, 400, 400]
    assert {answer.json()["error"]["code"] for answer in answers} == {"webhook_rejected"}
    assert not ProviderEvent.objects.exists()
    payment.refresh_from_db()
    assert (payment.state, payment.captured_amount) == (PaymentState.ACTION_REQUIRED, 0)


def test_the_same_webhook_three_times_is_processed_once(
    stripe_store, stripe_double, store_client, store_a, celery_eager,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    payment, _ = start()
    stripe_double.pay(payment.provider_reference)
    event = event_of(stripe_double, payment.provider_reference, "payment_intent.succeeded")
    client = store_client(store_a)
    answers = []
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(deliver(client, stripe_double, event))
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert [answer.json()["duplicate"] for answer in answers] == [False, True, True]
    payment.refresh_from_db()
    assert (payment.state, payment.captured_amount) == (PaymentState.SUCCEEDED, Decimal("25.00"))
    assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURED).count() == 1
    assert ProviderEvent.objects.filter(event_id=event["id"]).count() == 1


def test_events_out_of_order_end_as_stripe_says(
    stripe_store, stripe_double, store_client, store_a, celery_eager,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """Paid, then 7.50 refunded in Stripe's dashboard, then disputed: the events delivered
    newest first end in the same state as in order."""
    payment, _ = start()
    reference = payment.provider_reference
    stripe_double.pay(reference)
    stripe_double.api(
        "POST", "/v1/refunds", {"payment_intent": reference, "amount": "750"},
        {"Authorization": f"Bearer {stripe_double.secret_key}"},
    )  # fmt: skip
    stripe_double.dispute(reference)
    client = store_client(store_a)
    for event in reversed(stripe_double.events_for(reference)):
        with django_capture_on_commit_callbacks(execute=True):
            assert deliver(client, stripe_double, event).status_code == 200, event["type"]
    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.captured_amount == Decimal("25.00")
    assert payment.refunded_amount == Decimal("7.50")
    assert "disputed" in payment.flags
    # Every event, those with nothing to apply too (charge.succeeded, refund.created), is tied
    # to the payment and done with: none waits for a payment.
    assert set(ProviderEvent.objects.values_list("status", flat=True)) == {"applied"}
    assert ProviderEvent.objects.count() == len(stripe_double.events_for(reference))
    assert Refund.objects.get(payment=payment).source == Refund.Source.PROVIDER
    assert Order.objects.get(pk=payment.order_id).payment_status == (
        PaymentStatus.PARTIALLY_REFUNDED
    )


def test_a_timeout_leaves_the_order_pending_and_reconciliation_fixes_it(
    stripe_store, stripe_double, settings
):
    settings.STRIPE_TIMEOUT_SECONDS = 0.3
    stripe_double.delay = 1.0  # Stripe answers, but too late: the intent exists there
    payment, _ = start()
    assert (payment.state, payment.provider_reference) == (PaymentState.PENDING, "")
    order = Order.objects.get(pk=payment.order_id)
    assert (order.status, order.payment_status) == (OrderStatus.PENDING, PaymentStatus.UNPAID)
    with pytest.raises(ProviderUnavailable):
        gateway.get("stripe").status(payment)

    stripe_double.delay = 0
    counts = services.reconcile(older_than_minutes=-1)
    assert counts["checked"] == 1
    payment.refresh_from_db()
    assert payment.state == PaymentState.ACTION_REQUIRED
    made = [i for i in stripe_double.intents.values()
            if i["metadata"].get("payment_token") == str(payment.token)]  # fmt: skip
    assert [intent["id"] for intent in made] == [payment.provider_reference], (
        "the retried creation answered the intent made by the call that timed out"
    )

    stripe_double.pay(payment.provider_reference)
    services.reconcile(older_than_minutes=-1)
    payment.refresh_from_db()
    assert (payment.state, payment.captured_amount) == (PaymentState.SUCCEEDED, Decimal("25.00"))


@pytest.mark.parametrize("first", ["return", "webhook"])
def test_the_return_and_the_webhook_race_to_one_finalisation(
    first, stripe_store, stripe_double, store_client, store_a, celery_eager,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    payment, _ = start()
    intent = stripe_double.pay(payment.provider_reference)
    client = store_client(store_a)
    event = event_of(stripe_double, intent["id"], "payment_intent.succeeded")
    steps = {
        "return": lambda: returned(client, payment, intent),
        "webhook": lambda: deliver(client, stripe_double, event),
    }
    with django_capture_on_commit_callbacks(execute=True):
        answers = [steps[first](), steps["webhook" if first == "return" else "return"]()]
    assert sorted(answer.status_code for answer in answers) == [200, 302]
    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURED).count() == 1
    assert payment.events.filter(to_state=PaymentState.SUCCEEDED,
                                 kind=PaymentEvent.Kind.STATE_CHANGED).count() == 1  # fmt: skip
    assert Order.objects.get(pk=payment.order_id).amount_paid == Decimal("25.00")


# --- Configuration and Stripe Connect -------------------------------------------------------------


def test_stripe_is_offered_only_with_keys_or_a_connected_account(in_store_a, stripe_settings):
    services.set_method_settings(data={"enabled_methods": ["stripe"]})
    total = money.Money(Decimal("25.00"), "USD")
    assert selectors.methods_for_checkout(total=total, delivery_option=None) == []
    credentials.save("stripe", {"publishable_key": stripe_settings.publishable_key})
    assert selectors.methods_for_checkout(total=total, delivery_option=None) == []
    credentials.save("stripe", {"secret_key": stripe_settings.secret_key})
    assert [m.code for m in selectors.methods_for_checkout(total=total, delivery_option=None)] == [
        "stripe"
    ]


def test_a_store_connects_its_stripe_account_and_is_paid_through_it(
    in_store_a, stripe_settings, store_client, store_a, store_owner_client, platform_client,
    celery_eager,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    double = stripe_settings
    services.set_method_settings(data={"enabled_methods": ["stripe"]})
    owner = store_owner_client(store_a)
    connection.set_tenant(store_a)  # the fixture leaves the public schema active
    screen = owner.get("/admin/payments/")
    assert screen.status_code == 200
    assert 'action="/admin/payments/stripe/connect/"' in screen.content.decode()
    start_connect = owner.post("/admin/payments/stripe/connect/")
    assert start_connect.status_code == 302
    authorize = urlsplit(start_connect["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}" == double.url
    assert authorize.path == "/oauth/authorize"
    assert f"client_id={double.connect_client_id}" in authorize.query

    # The owner approves on Stripe's consent page, which sends them back with a code.
    approved = requests.get(f"{double.url}/oauth/authorize/approve?{authorize.query}",
                            allow_redirects=False, timeout=10)  # fmt: skip
    callback = urlsplit(approved.headers["Location"])
    assert callback.path == "/payments/stripe/connect/callback/", "the platform's one URI"
    forwarded = platform_client.get(f"{callback.path}?{callback.query}")
    assert forwarded.status_code == 302
    back = urlsplit(forwarded["Location"])
    assert back.netloc.split(":")[0] == store_a.primary_host
    assert back.path == "/admin/payments/stripe/connect/return/"
    done = owner.get(f"{back.path}?{back.query}")
    assert done.status_code == 302
    saved = credentials.get("stripe")
    account = next(a for a in double.connected if a in saved[CONNECTED_ACCOUNT])
    assert "secret_key" not in saved

    # The code is used once: replaying the answer connects nothing.
    owner.get(f"{back.path}?{back.query}")
    assert credentials.get("stripe") == saved

    payment, action = start()
    assert double.owner[payment.provider_reference] == account
    assert creates(double, payment)[0]["account"] == account
    assert action.data == {
        "publishable_key": double.platform_publishable_key,
        "stripe_account": account,
        "js_url": double.js_url,
    }
    double.pay(payment.provider_reference)
    event = event_of(double, payment.provider_reference, "payment_intent.succeeded")
    assert event["account"] == account
    client = store_client(store_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, double, event).status_code == 200
        foreign = {**event, "id": "evt_foreign", "account": "acct_someone_else"}
        assert deliver(client, double, foreign).status_code == 400
    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED

    # An account id typed into the settings form is never acted on.
    credentials.save("stripe", {CONNECTED_ACCOUNT: "acct_someone_else"})
    from payments.providers.stripe import connected_account

    assert connected_account(credentials.get("stripe")) is None


def test_connect_refused_or_forged_answers_connect_nothing(
    in_store_a, stripe_settings, store_owner_client, store_a, platform_client
):
    owner = store_owner_client(store_a)
    connection.set_tenant(store_a)  # the fixture leaves the public schema active
    denied = owner.get("/admin/payments/stripe/connect/return/?error=access_denied"
                       "&error_description=The+user+denied+your+request")  # fmt: skip
    assert denied.status_code == 302
    forged = owner.get("/admin/payments/stripe/connect/return/?code=ac_x&state=forged")
    assert forged.status_code == 302
    assert credentials.get("stripe") == {}
    assert (
        platform_client.get("/payments/stripe/connect/callback/?code=ac_x&state=forged").status_code
        == 400
    )


def test_stripe_keys_never_reach_logs_pages_or_webhook_answers(
    stripe_store, stripe_double, store_client, store_a, caplog, celery_eager,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """A whole payment (the SDK's own DEBUG logs included), a decline, a refund: neither the
    secret key nor the webhook signing secret appears in a log record or in what the shopper
    and Stripe get back."""
    caplog.set_level(logging.DEBUG)
    client = store_client(store_a)
    payment, _ = start()
    bodies = [client.get(f"/checkout/pay/{payment.token}/").content.decode()]
    intent = stripe_double.pay(payment.provider_reference)
    bodies.append(returned(client, payment, intent).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(stripe_double, intent["id"], "payment_intent.succeeded")
        bodies.append(deliver(client, stripe_double, event).content.decode())
        bodies.append(deliver(client, stripe_double, event, secret="whsec_x").content.decode())
    services.refund(payment=Payment.objects.get(pk=payment.pk), amount=Decimal("1.00"))
    declined, _ = start()
    with pytest.raises(StripeError):
        stripe_double.pay(declined.provider_reference, DECLINED)
    bodies.append(returned(client, declined, stripe_double.intents[declined.provider_reference],
                           "failed").content.decode())  # fmt: skip

    logged = "\n".join(
        f"{record.getMessage()} {record.args!r} {record.__dict__!r}" for record in caplog.records
    )
    assert any(record.name.startswith("stripe") for record in caplog.records), "SDK logs seen"
    for secret in (stripe_double.secret_key, stripe_double.webhook_secret):
        assert secret not in logged
        for body in bodies:
            assert secret not in body


def test_keys_stripe_refuses_fail_the_payment_without_naming_the_key(
    stripe_store, stripe_double, store_client, store_a
):
    credentials.save("stripe", {"secret_key": "sk_test_revoked_key_4242"})
    payment, _ = start()
    assert payment.state == PaymentState.FAILED
    assert payment.message == (
        "Stripe refused this store's keys: card payments are unavailable for now."
    )
    page = store_client(store_a).get(f"/checkout/pay/{payment.token}/").content.decode()
    assert "card payments are unavailable for now" in page
    assert "sk_test" not in page
    assert "revoked" not in page
