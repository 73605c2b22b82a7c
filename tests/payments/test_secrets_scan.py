"""Saved provider secrets never leave the store's encrypted row: a scan of every log record
(any logger, DEBUG and up) and of every body a merchant, a shopper or a provider gets — the
payments API, the shopper's payment API, the pay page, Settings > Payments after saving, the
webhook answers, the store export — finds none of them."""

import json
import logging

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts import services as accounts_services
from accounts.models import User
from orders.models import Order
from payments import services
from tenants.export import export_store_data
from tests.catalog.store_admin_clients import admin_client
from tests.payments.conftest import EXAMPLE_SECRETS
from tests.payments.example_provider import (
    CODE,
    SIGNATURE_HEADER,
    shopper_pays,
    sign,
    webhook_body,
)
from tests.payments.factories import cod_order

pytestmark = pytest.mark.django_db

NEW_SECRETS = {"api_key": "sk_example_ROTATED_93ab1", "webhook_secret": "whsec_example_ROT_55c"}


def test_no_saved_secret_is_ever_logged_returned_shown_or_exported(
    example, store_a, store_client, caplog, celery_eager, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    bodies: list[str] = []

    # The owner saves new secrets on Settings > Payments, then opens it again.
    admin = admin_client(store_a, "owner")
    saved = admin.post(
        f"/admin/payments/credentials/{CODE}/",
        {f"{CODE}-{name}": value for name, value in NEW_SECRETS.items()},
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    screen = admin.get("/admin/payments/")
    assert screen.status_code == 200
    bodies.append(screen.content.decode())
    assert "Saved — leave empty to keep it." in bodies[-1]
    # A refused save (an unknown capture mode) shows the form again, still without secrets.
    refused = admin.post(f"/admin/payments/credentials/{CODE}/", {f"{CODE}-capture": "never"})
    assert refused.status_code == 400
    bodies.append(refused.content.decode())

    # A shopper pays through the API and the pay page; the provider's webhooks come in.
    connection.set_tenant(store_a)
    order = cod_order(2)
    Order.objects.filter(pk=order.pk).update(payment_method=CODE)
    shopper = APIClient(HTTP_HOST=store_a.primary_host)
    started = shopper.post(
        "/api/v1/payments/start/", {"checkout_token": str(order.checkout_token)}, format="json"
    )
    assert started.status_code == 201, started.content
    bodies.append(started.content.decode())
    token = started.json()["token"]
    bodies.append(shopper.get(f"/api/v1/payments/{token}/").content.decode())
    browser = store_client(store_a)
    bodies.append(browser.get(f"/checkout/pay/{token}/").content.decode())
    connection.set_tenant(store_a)
    payment = order.payments.get()
    shopper_pays(payment.provider_reference)
    body = webhook_body("evt_scan", payment.provider_reference, state="succeeded", captured="25")
    for secret in (NEW_SECRETS["webhook_secret"], "whsec_wrong"):
        with django_capture_on_commit_callbacks(execute=True):
            answer = browser.post(
                f"/payments/webhooks/{CODE}/",
                data=body,
                content_type="application/json",
                headers={SIGNATURE_HEADER: sign(body, secret)},
            )
        bodies.append(answer.content.decode())
    connection.set_tenant(store_a)
    services.refund(payment=payment, amount="5.00", reason="scan")

    # Staff read the order's payments; the merchant exports the store.
    staff = APIClient(HTTP_HOST=store_a.primary_host)
    connection.set_tenant(store_a)
    owner = User.objects.get(email="owner@example.com")  # admin_client made them
    key = accounts_services.issue_auth_token(user=owner).key
    staff.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    for path in (
        f"/api/v1/orders/{order.pk}/payments/",
        "/api/v1/payments/methods/",
        "/api/v1/payments/methods/offered/?total=25",
    ):
        answer = staff.get(path)
        assert answer.status_code == 200, path
        bodies.append(answer.content.decode())
    connection.set_schema_to_public()
    bodies.append(json.dumps(export_store_data(tenant=store_a), default=str))

    logged = "\n".join(
        f"{record.getMessage()} {record.args!r} {getattr(record, '__dict__', {})!r}"
        for record in caplog.records
    )
    secrets = [*EXAMPLE_SECRETS.values(), *NEW_SECRETS.values()]
    for secret in secrets:
        assert secret not in logged, f"{secret} was logged"
        for number, text in enumerate(bodies):
            assert secret not in text, f"{secret} is in body #{number}"
    assert len(bodies) == 11
