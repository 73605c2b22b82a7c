"""An API client pays a placed order with BitPay through the payments API, the shopper's part
played against the local double, and the owner refunds part of it by the orders API."""

import pytest
from rest_framework.test import APIClient

from payments.models import Refund
from tests.payments.api_flow import paid_and_refunded, started
from tests.payments.crypto_flow import click, order_for, path_of

pytestmark = pytest.mark.django_db


def test_an_api_client_pays_on_the_hosted_page(bitpay, store_a, store_client):
    order = order_for("bitpay")
    client = APIClient(HTTP_HOST=store_a.primary_host)
    body = started(client, order, "bitpay")
    assert body["action"]["kind"] == "redirect"

    back = click(body["action"]["url"], "pay")
    assert store_client(store_a).get(path_of(back)).status_code == 302

    payment = paid_and_refunded(client, store_a, order, body)
    # BitPay's POS token cannot refund: recorded, made in BitPay's dashboard.
    assert Refund.objects.get(payment=payment).moved_money is False
