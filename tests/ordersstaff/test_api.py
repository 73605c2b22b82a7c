"""The staff order API: filters, detail, actions through orders.actions / payments.services,
illegal transitions as 409 ``illegal_transition``, bounded input, store isolation."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts import services as accounts_services
from orders.models import Order
from payments import services as payment_services
from tests.matrix import make_person
from tests.orders.factories import make_variant, place

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"


def client_of(store, role) -> APIClient:
    connection.set_tenant(store)
    client = APIClient(HTTP_HOST=store.primary_host)
    token = accounts_services.issue_auth_token(user=make_person(role)).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    connection.set_tenant(store)
    return client


@pytest.fixture
def manager(store_a):
    return client_of(store_a, "order_manager")


def test_the_list_filters_and_counts_constant_queries(manager):
    variant = make_variant(price="10.00", stock=100)
    ada = place([(variant, 1)], email="ada@example.com")

    def get(query=""):
        with CaptureQueriesContext(connection) as queries:
            response = manager.get(ORDERS + query)
        assert response.status_code == 200, response.content
        return [row["number"] for row in response.json()["results"]], len(queries)

    numbers, few = get()
    assert numbers == [ada.number]
    for _ in range(5):
        place([(variant, 1)], email="bob@example.com")
    numbers, many = get()
    assert (len(numbers), many) == (6, few)
    assert get("?q=ada@")[0] == [ada.number]
    assert get(f"?q={ada.number}")[0] == [ada.number]
    assert get("?status=cancelled")[0] == []
    refused = manager.get(ORDERS + "?status=nope&placed_from=2026-02-01&placed_to=2026-01-01")
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {"status"}


def test_fulfil_then_deliver_and_illegal_transition_is_409(manager):
    order = place([(make_variant(price="10.00"), 2)])
    line = order.lines.get()
    url = f"{ORDERS}{order.pk}/"

    early = manager.post(url + "deliver/", {}, format="json")
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "illegal_transition"

    too_many = manager.post(
        url + "fulfilments/", {"lines": [{"line": line.pk, "quantity": 3}]}, format="json"
    )
    assert too_many.status_code == 400
    assert f"lines.{line.pk}" in too_many.json()["error"]["fields"]

    shipped = manager.post(
        url + "fulfilments/",
        {"lines": [{"line": line.pk, "quantity": 2}], "carrier": "UPS", "tracking_number": "1Z"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="ship-1",
    )
    assert shipped.status_code == 201, shipped.content
    assert shipped.json()["status"] == "shipped"
    assert shipped.json()["fulfilments"][0]["tracking_number"] == "1Z"
    replay = manager.post(
        url + "fulfilments/",
        {"lines": [{"line": line.pk, "quantity": 2}], "carrier": "UPS", "tracking_number": "1Z"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="ship-1",
    )
    assert (replay.status_code, replay["Idempotent-Replayed"]) == (201, "true")
    assert order.fulfilments.count() == 1

    delivered = manager.post(url + "deliver/", {"note": "signed"}, format="json")
    assert (delivered.status_code, delivered.json()["status"]) == (200, "delivered")
    cancel = manager.post(url + "cancel/", {}, format="json")
    assert cancel.status_code == 409


def test_refund_bounded_by_what_was_received(manager):
    order = place([(make_variant(price="10.00"), 2)])
    payment_services.set_method_settings(data={"enabled_methods": ["cod"]})
    payment = payment_services.create_payment_for_order(order=order).payment
    url = f"{ORDERS}{order.pk}/"

    payment_services.mark_paid(payment=payment, amount="20")
    too_much = manager.post(
        url + "refunds/", {"payment": payment.pk, "amount": "20.01"}, format="json"
    )
    assert too_much.status_code == 400
    assert "amount" in too_much.json()["error"]["fields"]
    refund = manager.post(url + "refunds/", {"payment": payment.pk, "amount": "5"}, format="json")
    assert refund.status_code == 201
    assert Decimal(refund.json()["amount_refunded"]) == Decimal("5.00")
    huge = manager.post(url + "refunds/", {"payment": payment.pk, "amount": "1e40"}, format="json")
    assert huge.status_code == 400


def test_an_order_of_store_b_is_404_at_store_a(store_a, store_b):
    connection.set_tenant(store_b)
    foreign = place([(make_variant(price="3.00"), 1)])
    client = client_of(store_a, "owner")

    assert client.get(f"{ORDERS}{foreign.pk}/").status_code == 404
    assert (
        client.post(f"{ORDERS}{foreign.pk}/notes/", {"note": "x"}, format="json").status_code == 404
    )
    connection.set_tenant(store_b)
    assert Order.objects.get().events.filter(kind="note").count() == 0
