"""The payments core with an online provider (the example provider): credentials encrypted
and offered only when configured, the webhook endpoint (verified first, each event once,
applied by Celery, late events never moving a payment back), the pay page's return, cancel and
retry with the order intact, refunds as rows, reconciliation of a provider that timed out, and
the mismatch report's flags."""

import json
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.db import connection

import money
from orders.models import Order, OrderStatus, PaymentStatus
from payments import credentials, gateway, selectors, services
from payments.errors import InvalidAmount, PaymentError
from payments.gateway import PaymentState
from payments.models import Payment, PaymentEvent, ProviderAccount, ProviderEvent, Refund
from tests.payments.conftest import EXAMPLE_SECRETS
from tests.payments.example_provider import (
    CODE,
    HOSTED,
    LEDGER,
    SIGNATURE_HEADER,
    shopper_is_declined,
    shopper_pays,
    sign,
    webhook_body,
)
from tests.payments.factories import cod_order

pytestmark = pytest.mark.django_db

WEBHOOK = f"/payments/webhooks/{CODE}/"


def online_payment(quantity: int = 2) -> Payment:
    """An order of 25.00 placed to be paid with the example provider, its payment started."""
    order = cod_order(quantity)
    Order.objects.filter(pk=order.pk).update(payment_method=CODE)
    order.refresh_from_db()
    return services.create_payment_for_order(order=order).payment


def post_webhook(client, body: bytes, *, secret: str = EXAMPLE_SECRETS["webhook_secret"]):
    return client.post(
        WEBHOOK,
        data=body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: sign(body, secret)},
    )


# --- Credentials -------------------------------------------------------------------------------


def test_credentials_are_encrypted_at_rest_and_an_empty_secret_keeps_the_saved_one(example):
    row = ProviderAccount.objects.get(code=CODE)
    assert EXAMPLE_SECRETS["api_key"] not in row.secrets
    assert row.options == {"account_name": "Store A"}
    assert row.saved_fields == ["account_name", "api_key", "webhook_secret"]
    assert credentials.get(CODE) == {**EXAMPLE_SECRETS, "account_name": "Store A"}

    credentials.save(CODE, {"api_key": "", "webhook_secret": "", "capture": "manual"})
    assert credentials.get(CODE) == {
        **EXAMPLE_SECRETS,
        "account_name": "Store A",
        "capture": "manual",
    }

    with pytest.raises(PaymentError) as refused:
        credentials.save(CODE, {"capture": "sometimes", "colour": "red"})
    assert refused.value.fields == {
        "capture": ["Choose one of the options offered."],
        "colour": ["Not a setting of ExamplePay."],
    }
    assert credentials.get(CODE)["capture"] == "manual"


def test_keys_rotate_the_first_encrypts_every_one_decrypts(example, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    credentials.forget(CODE)
    settings.MERCATO_ENCRYPTION_KEYS = old
    credentials.save(CODE, {**EXAMPLE_SECRETS, "api_key": "sk_rotated_1"})
    settings.MERCATO_ENCRYPTION_KEYS = f"{new},{old}"
    assert credentials.get(CODE)["api_key"] == "sk_rotated_1"  # the old key still decrypts
    assert credentials.rotate() == 1
    settings.MERCATO_ENCRYPTION_KEYS = new  # the old key dropped
    assert credentials.get(CODE)["api_key"] == "sk_rotated_1"


def test_a_provider_is_offered_only_when_enabled_and_configured(example):
    total = money.Money(Decimal("25.00"), "USD")
    assert [m.code for m in selectors.methods_for_checkout(total=total, delivery_option=None)] == [
        CODE
    ]
    credentials.forget(CODE)
    assert selectors.methods_for_checkout(total=total, delivery_option=None) == []
    with pytest.raises(PaymentError) as refused:
        credentials.save(CODE, {"api_key": "sk_only"})
    assert refused.value.fields == {"webhook_secret": ["Required."]}
    assert not ProviderAccount.objects.filter(code=CODE).exists()


def test_without_keys_and_without_debug_credentials_refuse_to_work(example, settings):
    from payments.errors import EncryptionKeysMissing

    settings.MERCATO_ENCRYPTION_KEYS = ""
    settings.DEBUG = False
    settings.MERCATO_ENCRYPTION_DEVELOPMENT_KEY = False
    with pytest.raises(EncryptionKeysMissing):
        credentials.get(CODE)


# --- Webhooks ----------------------------------------------------------------------------------


def test_a_bad_signature_is_refused_and_nothing_is_stored(
    example, store_client, store_a, celery_eager, django_capture_on_commit_callbacks
):
    payment = online_payment()
    shopper_pays(payment.provider_reference)
    body = webhook_body("evt_1", payment.provider_reference, state="succeeded", captured="25.00")
    client = store_client(store_a)
    with django_capture_on_commit_callbacks(execute=True):
        refused = post_webhook(client, body, secret="whsec_wrong")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "webhook_rejected"
    assert not ProviderEvent.objects.exists()
    payment.refresh_from_db()
    assert payment.state == PaymentState.ACTION_REQUIRED


def test_the_same_webhook_three_times_is_processed_once_and_a_late_pending_changes_nothing(
    example, store_client, store_a, celery_eager, django_capture_on_commit_callbacks
):
    payment = online_payment()
    shopper_pays(payment.provider_reference)
    client = store_client(store_a)
    body = webhook_body("evt_paid", payment.provider_reference, state="succeeded", captured="25")
    answers = []
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(post_webhook(client, body))
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json()["duplicate"] for a in answers] == [False, True, True]
    late = webhook_body("evt_old", payment.provider_reference, state="pending", captured="0")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, late).status_code == 200

    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.captured_amount == Decimal("25.00")
    assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURED).count() == 1
    assert payment.order.payment_status == PaymentStatus.PAID
    assert list(ProviderEvent.objects.values_list("event_id", "status")) == [
        ("evt_paid", "applied"),
        ("evt_old", "applied"),
    ]


def test_a_refetch_webhook_is_not_trusted_the_provider_is_asked(
    example, store_client, store_a, celery_eager, django_capture_on_commit_callbacks
):
    payment = online_payment()
    # The body claims success; the provider's own record still says the shopper has to act.
    body = webhook_body(
        "evt_claim", payment.provider_reference, state="succeeded", captured="25", refetch=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(store_client(store_a), body).status_code == 200
    payment.refresh_from_db()
    assert payment.state == PaymentState.ACTION_REQUIRED
    assert payment.captured_amount == 0


def test_a_webhook_for_no_payment_waits_and_reconciliation_applies_it_later(
    example, store_client, store_a, celery_eager, django_capture_on_commit_callbacks
):
    payment = online_payment()
    Payment.objects.filter(pk=payment.pk).update(provider_reference="")
    shopper_pays("ex_" + payment.token.hex)
    body = webhook_body("evt_early", "ex_" + payment.token.hex, state="succeeded", captured="25")
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(store_client(store_a), body)
    assert ProviderEvent.objects.get().status == ProviderEvent.Status.UNMATCHED

    Payment.objects.filter(pk=payment.pk).update(provider_reference="ex_" + payment.token.hex)
    counts = services.reconcile(older_than_minutes=-1)
    assert counts["events_retried"] == 1
    assert ProviderEvent.objects.get().status == ProviderEvent.Status.APPLIED
    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED


# --- Pay pages: return, cancel, retry -----------------------------------------------------------


def test_the_shopper_pays_on_the_provider_and_returns_to_the_confirmation(
    example, store_client, store_a
):
    payment = online_payment()
    assert payment.state == PaymentState.ACTION_REQUIRED
    client = store_client(store_a)
    page = client.get(f"/checkout/pay/{payment.token}/")
    assert page.status_code == 200
    assert f'href="{HOSTED}{payment.provider_reference}' in page.content.decode()

    shopper_pays(payment.provider_reference)
    back = client.get(f"/checkout/pay/{payment.token}/return/?session=abc")
    assert back.status_code == 302
    assert back["Location"] == f"/checkout/complete/{payment.order.number}/"
    assert client.get(back["Location"]).status_code == 200
    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.order.payment_status == PaymentStatus.PAID


def test_a_cancel_keeps_the_order_and_the_shopper_retries_with_the_same_method(
    example, store_client, store_a
):
    payment = online_payment()
    client = store_client(store_a)
    page = client.get(f"/checkout/pay/{payment.token}/cancel/")
    assert page.status_code == 200
    assert "You cancelled the payment: nothing was charged." in page.content.decode()
    assert 'name="payment_method" value="example"' in page.content.decode()
    payment.refresh_from_db()
    assert payment.state == PaymentState.CANCELLED
    order = Order.objects.get(pk=payment.order_id)
    assert order.status == OrderStatus.PENDING
    assert order.payment_status == PaymentStatus.UNPAID

    again = client.post(f"/checkout/pay/{payment.token}/retry/", {"payment_method": CODE})
    assert again.status_code == 302
    retried = Payment.objects.filter(order=order).exclude(pk=payment.pk).get()
    assert again["Location"].startswith(f"{HOSTED}{retried.provider_reference}")
    assert retried.state == PaymentState.ACTION_REQUIRED


def test_a_declined_payment_says_so_and_offers_another_way(example, store_client, store_a):
    payment = online_payment()
    shopper_is_declined(payment.provider_reference, "Insufficient funds.")
    page = store_client(store_a).get(f"/checkout/pay/{payment.token}/return/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "The payment did not go through: nothing was charged." in text
    assert "Insufficient funds." in text
    payment.refresh_from_db()
    assert payment.state == PaymentState.FAILED


def test_a_provider_timeout_leaves_the_order_pending_and_reconciliation_fixes_it(
    example, store_client, store_a
):
    LEDGER.down = True
    payment = online_payment()
    assert payment.state == PaymentState.PENDING
    assert payment.provider_reference == ""
    page = store_client(store_a).get(f"/checkout/pay/{payment.token}/")
    assert "The payment provider did not answer." in page.content.decode()

    LEDGER.down = False
    services.reconcile(older_than_minutes=-1)  # creates it at the provider (same token)
    payment.refresh_from_db()
    assert payment.state == PaymentState.ACTION_REQUIRED
    shopper_pays(payment.provider_reference)
    counts = services.reconcile(older_than_minutes=-1)
    assert counts["changed"] == 1
    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.order.payment_status == PaymentStatus.PAID


# --- Refunds, flags ----------------------------------------------------------------------------


def test_refunds_are_rows_never_above_what_was_captured_and_webhook_totals_reconcile(
    example, store_client, store_a, celery_eager, django_capture_on_commit_callbacks
):
    payment = online_payment()
    shopper_pays(payment.provider_reference)
    services.confirm_return(payment=payment)
    first = services.refund(payment=payment, amount="10.00", reason="Broken mug")
    assert (first.amount, first.state, first.source, first.note) == (
        Decimal("10.00"),
        "succeeded",
        "staff",
        "Broken mug",
    )
    with pytest.raises(InvalidAmount):
        services.refund(payment=payment, amount="15.01")

    # The merchant refunds 5 more in the provider's dashboard; its webhook gives the total.
    body = webhook_body("evt_refund", payment.provider_reference, refunded="15.00")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            post_webhook(store_client(store_a), body)
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("15.00")
    assert list(Refund.objects.values_list("amount", "source")) == [
        (Decimal("10.00"), "staff"),
        (Decimal("5.00"), "provider"),
    ]
    assert payment.order.payment_status == PaymentStatus.PARTIALLY_REFUNDED


def test_flags_are_recorded_for_staff_and_listed_as_mismatches(example):
    payment = online_payment()
    shopper_pays(payment.provider_reference, "20.00", flags=("underpaid",))
    services.confirm_return(payment=payment)
    payment.refresh_from_db()
    assert payment.flags == ["underpaid"]
    assert payment.events.filter(kind=PaymentEvent.Kind.FLAGGED).count() == 1
    assert list(selectors.mismatches()) == [payment]
    assert json.loads(json.dumps(payment.events.last().data))["source"] == "return"
    assert connection.schema_name == "store_a"
    assert gateway.get(CODE).is_configured()


def test_a_refund_told_before_its_capture_waits_and_is_applied_once_the_capture_is_known(
    example, store_client, store_a, celery_eager, django_capture_on_commit_callbacks
):
    payment = online_payment()
    client = store_client(store_a)
    refund = webhook_body("evt_ref", payment.provider_reference, refunded="5.00")
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, refund)
    assert ProviderEvent.objects.get(event_id="evt_ref").status == ProviderEvent.Status.WAITING

    shopper_pays(payment.provider_reference)
    paid = webhook_body("evt_pay", payment.provider_reference, state="succeeded", captured="25")
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, paid)
    services.reconcile(older_than_minutes=-1)
    payment.refresh_from_db()
    assert (payment.captured_amount, payment.refunded_amount) == (Decimal("25.00"), Decimal("5"))
    assert ProviderEvent.objects.get(event_id="evt_ref").status == ProviderEvent.Status.APPLIED
    assert payment.order.payment_status == PaymentStatus.PARTIALLY_REFUNDED
