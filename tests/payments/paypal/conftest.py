"""PayPal fixtures: one local PayPal (tests/doubles/paypal.py) for the session, store A set up
as a merchant would (its REST app's credentials saved, PayPal enabled beside cash on delivery),
and helpers to place an order paid with PayPal and to play PayPal's side (the buyer approving,
PayPal posting its webhooks)."""

from __future__ import annotations

import json

import pytest

from payments import credentials, services
from tests.doubles.paypal import PayPalDouble
from tests.orders.factories import make_variant, place

CODE = "paypal"
WEBHOOK = "/payments/webhooks/paypal/"


@pytest.fixture(scope="session")
def paypal_double():
    with PayPalDouble() as double:
        yield double


@pytest.fixture
def paypal(in_store_a, paypal_double, settings):
    """Store A with PayPal set up against the local PayPal (calls wait 2 s at most)."""
    settings.PAYPAL_API_BASE = paypal_double.url
    settings.PAYPAL_TIMEOUT = 2
    credentials.save(CODE, paypal_double.credentials())
    services.set_method_settings(data={"enabled_methods": ["cod", CODE]})
    paypal_double.default.webhook_url = ""
    paypal_double.reset()
    yield paypal_double
    paypal_double.reset()


def paypal_order(quantity: int = 2, *, price: str = "10.00", shipping: str = "5.00"):
    """An order of ``quantity`` mugs at ``price`` plus ``shipping``, to be paid with PayPal."""
    return place([(make_variant(price=price), quantity)], shipping=shipping, payment_method=CODE)


def paypal_payment(quantity: int = 2, **kwargs):
    """A PayPal order of 25.00 (by default) and its payment started: a PayPal order made."""
    return services.create_payment_for_order(order=paypal_order(quantity, **kwargs)).payment


def local(url: str) -> str:
    """The path and query of one of our absolute URLs (the test client names the host)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def post_event(client, body: bytes, headers: dict):
    """PayPal posting one webhook delivery to the store's endpoint."""
    return client.post(WEBHOOK, data=body, content_type="application/json", headers=headers)


def post_events(client, double, order_id: str, *types: str, times: int = 1) -> list[int]:
    """Every webhook of the PayPal order (or those of ``types``), each ``times`` times, freshly
    signed as PayPal would; the statuses our endpoint answered."""
    statuses = []
    for body, headers in double.event_stream(order_id):
        if types and json.loads(body)["event_type"] not in types:
            continue
        for _ in range(times):
            statuses.append(post_event(client, body, headers).status_code)
    return statuses
