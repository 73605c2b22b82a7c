"""The payments API: the owner sets the methods (field errors in the one error shape, nothing
changed on a refusal), checkout asks what is offered, staff mark a COD payment paid (exact,
partial, over) and record refunds bounded by what was received, with Idempotency-Key; an
order's payments of store A mean nothing at store B."""

from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts import services as accounts_services
from orders.models import PaymentStatus
from payments import gateway, services
from payments.models import Payment, PaymentEvent, PaymentMethodSettings
from tests.matrix import make_person
from tests.payments.factories import cod_payment
from tests.shipping.conftest import count_queries, option, zone

# Every registered method, as the refusal lists them (more are added by each provider).
KNOWN = ", ".join(sorted(code for code, _ in gateway.choices()))

pytestmark = pytest.mark.django_db

METHODS = "/api/v1/payments/methods/"
OFFERED = "/api/v1/payments/methods/offered/"


def client_of(store, role=None) -> APIClient:
    connection.set_tenant(store)
    client = APIClient(HTTP_HOST=store.primary_host)
    if role:
        token = accounts_services.issue_auth_token(user=make_person(role)).key
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    connection.set_tenant(store)
    return client


@pytest.fixture
def owner(store_a):
    return client_of(store_a, "owner")


def payment_url(payment, action="") -> str:
    return f"/api/v1/orders/{payment.order_id}/payments/{payment.pk}/{action}"


def test_the_owner_enables_cash_on_delivery_and_reads_it_back(owner):
    fresh = owner.get(METHODS)
    assert fresh.status_code == 200
    assert fresh.json() == {
        "enabled_methods": [],
        "cod_fee": "0.00",
        "cod_max_order_value": None,
        "cod_instructions": "",
        "currency": "USD",
        "available_methods": [{"code": c, "name": n} for c, n in gateway.choices()],
        "updated_at": None,
    }

    saved = owner.patch(
        METHODS,
        {"enabled_methods": ["cod"], "cod_fee": "2.5", "cod_max_order_value": "500"},
        format="json",
    )

    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert (body["enabled_methods"], body["cod_fee"], body["cod_max_order_value"]) == (
        ["cod"],
        "2.50",
        "500.00",
    )
    assert owner.get(METHODS).json()["cod_fee"] == "2.50"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"enabled_methods": ["barter"]}, {"enabled_methods": [
            f"Unknown method(s): barter. Known: {KNOWN}."]}),
        ({"cod_fee": "-1"}, {"cod_fee": ["Ensure this value is greater than or equal to 0."]}),
        ({"cod_fee": "1.234"}, {"cod_fee": [
            "Ensure that there are no more than 2 decimal places."]}),
        ({"cod_fee": "1e10"}, {"cod_fee": [
            "Ensure that there are no more than 10 digits before the decimal point."]}),
        ({"cod_max_order_value": "0"}, {"cod_max_order_value": [
            "Must be more than 0. Empty: no maximum."]}),
        ({"cod_instructions": "x" * 1001}, {"cod_instructions": [
            "Ensure this field has no more than 1000 characters."]}),
        ({"enabled_methods": "cod"}, {"enabled_methods": [
            'Expected a list of items but got type "str".']}),
    ],
)  # fmt: skip
def test_bad_settings_are_refused_field_by_field_and_nothing_changes(owner, body, fields):
    refused = owner.patch(METHODS, body, format="json")

    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == fields
    assert not PaymentMethodSettings.objects.exists()


def test_checkout_asks_what_is_offered_for_a_total_and_a_delivery_option(store_a):
    connection.set_tenant(store_a)
    domestic = zone("Domestic", ["US"])
    courier = option(domestic, "Courier", price="5", allows_cash_on_delivery=True)
    post = option(domestic, "Post", price="3")
    services.set_method_settings(
        data={"enabled_methods": ["cod"], "cod_fee": "2", "cod_max_order_value": "100"}
    )
    client = client_of(store_a)

    offered = client.get(OFFERED, {"total": "40", "delivery_option": courier.pk})
    assert offered.status_code == 200
    assert offered.json() == {
        "currency": "USD",
        "methods": [
            {
                "code": "cod",
                "name": "Cash on delivery",
                "fee": "2.00",
                "fee_display": "$2.00",
                "instructions": "",
                "action_kind": "none",
            }
        ],
    }
    assert client.get(OFFERED, {"total": "40", "delivery_option": post.pk}).json()["methods"] == []
    assert (
        client.get(OFFERED, {"total": "100.01", "delivery_option": courier.pk}).json()["methods"]
        == []
    )
    assert client.get(OFFERED, {"total": "40"}).json()["methods"] == []
    assert client.get(OFFERED, {"total": "40", "delivery_option": 999999}).json()["methods"] == []

    refused = client.get(OFFERED, {"total": "lots"})
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"total": ["A valid number is required."]}
    assert client.get(OFFERED).json()["error"]["fields"] == {"total": ["This field is required."]}


@pytest.fixture
def payment(store_a):
    connection.set_tenant(store_a)
    services.set_method_settings(data={"enabled_methods": ["cod"]})
    return cod_payment(2)  # 25.00 due


def test_an_order_manager_marks_a_cod_payment_paid_in_two_goes(store_a, payment):
    staff = client_of(store_a, "order_manager")

    partial = staff.post(
        payment_url(payment, "mark-paid/"), {"amount": "20", "note": "No change"}, format="json"
    )

    assert partial.status_code == 200, partial.content
    body = partial.json()
    assert (body["state"], body["captured_amount"], body["refundable_amount"]) == (
        "succeeded",
        "20.00",
        "20.00",
    )
    paid = body["events"][-1]
    assert (paid["kind"], paid["amount"], paid["actor"], paid["note"]) == (
        "paid",
        "20.00",
        "order_manager@example.com",
        "No change",
    )
    assert paid["data"]["outcome"] == "partial"
    payment.order.refresh_from_db()
    assert payment.order.payment_status == PaymentStatus.PARTIALLY_PAID

    staff.post(payment_url(payment, "mark-paid/"), {"amount": "10"}, format="json")
    payment.order.refresh_from_db()
    assert payment.order.payment_status == PaymentStatus.OVERPAID


def test_a_retry_with_the_same_idempotency_key_counts_the_money_once(owner, payment):
    url = payment_url(payment, "mark-paid/")
    first = owner.post(url, {"amount": "25"}, format="json", HTTP_IDEMPOTENCY_KEY="cash-1")
    again = owner.post(url, {"amount": "25"}, format="json", HTTP_IDEMPOTENCY_KEY="cash-1")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again["Idempotent-Replayed"] == "true"
    payment.refresh_from_db()
    assert payment.captured_amount == Decimal("25.00")
    assert payment.events.filter(kind=PaymentEvent.Kind.PAID).count() == 1


def test_refunds_have_one_path_and_are_rows_up_to_what_was_received(owner, payment):
    services.mark_paid(payment=payment, amount="25")
    refunds = f"/api/v1/orders/{payment.order_id}/refunds/"

    refunded = owner.post(
        refunds, {"payment": payment.pk, "amount": "10", "note": "Broken"}, format="json"
    )
    assert refunded.status_code == 201, refunded.content
    body = owner.get(payment_url(payment)).json()
    assert (body["refunded_amount"], body["refundable_amount"]) == ("10.00", "15.00")
    assert [(r["amount"], r["source"], r["reason"], r["state"]) for r in body["refunds"]] == [
        ("10.00", "staff", "Broken", "succeeded")
    ]

    too_much = owner.post(refunds, {"payment": payment.pk, "amount": "15.01"}, format="json")
    assert too_much.status_code == 400
    assert too_much.json()["error"] == {
        "code": "invalid_amount",
        "message": "This refund is more than what is left to refund.",
        "fields": {"amount": ["At most $15.00 (what was received and not refunded yet)."]},
    }
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("10.00")
    payment.order.refresh_from_db()
    assert payment.order.payment_status == PaymentStatus.PARTIALLY_REFUNDED
    # The second path is gone: one way to refund.
    assert owner.post(payment_url(payment, "refunds/"), {"amount": "1"}).status_code == 404


@pytest.mark.parametrize(
    ("amount", "fields"),
    [
        ("0", {"amount": ["Must be more than 0."]}),
        ("-3", {"amount": ["Ensure this value is greater than or equal to 0."]}),
        ("1.005", {"amount": ["Ensure that there are no more than 2 decimal places."]}),
        (
            "99999999999",
            {"amount": ["Ensure that there are no more than 10 digits before the decimal point."]},
        ),
        ("", {"amount": ["A valid number is required."]}),
    ],
)
def test_a_bad_amount_is_a_field_error_and_nothing_changes(owner, payment, amount, fields):
    refused = owner.post(payment_url(payment, "mark-paid/"), {"amount": amount}, format="json")

    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == fields
    payment.refresh_from_db()
    assert (payment.state, payment.captured_amount) == ("pending", 0)


def test_the_payments_of_an_order_list_in_constant_queries(owner, payment):
    url = f"/api/v1/orders/{payment.order_id}/payments/"
    listed = owner.get(url)
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()] == [payment.pk]

    few = count_queries(lambda: owner.get(url))
    for _ in range(5):
        services.mark_paid(payment=payment, amount="1")
    assert count_queries(lambda: owner.get(url)) == few


def test_a_payment_of_store_a_means_nothing_at_store_b(store_b, payment):
    other_owner = client_of(store_b, "owner")

    assert other_owner.get(payment_url(payment)).status_code == 404
    refused = other_owner.post(payment_url(payment, "mark-paid/"), {"amount": "25"}, format="json")
    assert refused.status_code == 404
    assert other_owner.get(METHODS).json()["enabled_methods"] == []
    connection.set_tenant(store_b)
    assert not Payment.objects.exists()
