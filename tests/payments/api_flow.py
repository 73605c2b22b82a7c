"""What the pay-by-API tests of each provider share: an API client starts paying a placed order
(`POST /api/v1/payments/start/`), polls it (`GET /api/v1/payments/<token>/`), and the owner
refunds part of it by the orders API (`POST /api/v1/orders/<id>/refunds/`)."""

from decimal import Decimal

from rest_framework.test import APIClient

from accounts import services as accounts_services
from payments.models import Payment
from tests.matrix import make_person

START = "/api/v1/payments/start/"


def owner_client(store) -> APIClient:
    owner = APIClient(HTTP_HOST=store.primary_host)
    key = accounts_services.issue_auth_token(user=make_person("owner")).key
    owner.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return owner


def started(client: APIClient, order, method: str) -> dict:
    answer = client.post(
        START, {"checkout_token": str(order.checkout_token), "method": method}, format="json"
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["method"], body["state"], body["amount"]) == (method, "action_required", "25.00")
    return body


def paid_and_refunded(client, store, order, body) -> Payment:
    polled = client.get(f"/api/v1/payments/{body['token']}/").json()
    assert (polled["state"], polled["captured_amount"]) == ("succeeded", "25.00")
    payment = Payment.objects.get(token=body["token"])
    refunded = owner_client(store).post(
        f"/api/v1/orders/{order.pk}/refunds/",
        {"payment": payment.pk, "amount": "4.50", "note": "Late delivery"},
        format="json",
    )
    assert refunded.status_code == 201, refunded.content
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("4.50")
    return payment
