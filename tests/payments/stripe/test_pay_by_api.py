"""An API client pays a placed order with Stripe through the payments API, the shopper's part
played against the local double, and the owner refunds part of it by the orders API."""

import pytest
from rest_framework.test import APIClient

from payments.models import Payment
from tests.payments.api_flow import paid_and_refunded, started
from tests.payments.crypto_flow import order_for

pytestmark = pytest.mark.django_db


def test_an_api_client_pays_by_card_with_stripe(stripe_store, stripe_double, store_a):
    from tests.payments.stripe.test_stripe import returned

    order = order_for("stripe")
    client = APIClient(HTTP_HOST=store_a.primary_host)
    body = started(client, order, "stripe")
    assert body["action"]["kind"] == "client_secret"
    payment = Payment.objects.get(token=body["token"])
    intent = stripe_double.intents[payment.provider_reference]
    assert body["action"]["client_secret"] == intent["client_secret"]

    stripe_double.pay(intent["id"])  # what Stripe.js does with the client secret
    assert returned(APIClient(HTTP_HOST=store_a.primary_host), payment, intent).status_code == 302

    paid_and_refunded(client, store_a, order, body)
    assert stripe_double.charges[intent["latest_charge"]]["amount_refunded"] == 450
