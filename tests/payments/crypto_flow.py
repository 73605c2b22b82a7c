"""What the Coinbase and BitPay tests share: a store with the method enabled and configured
as a merchant would (Settings > Payments through the payments' services), an order to pay, the
shopper's clicks on the provider's hosted page (real HTTP to the double), and the provider's
webhooks posted to the store's webhook endpoint through Django's client."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from payments import credentials, services
from tests.orders.factories import make_variant, place


def configure(code: str, double) -> None:
    """The merchant enables ``code`` and saves the double's credentials."""
    credentials.save(code, double.credentials())
    services.set_method_settings(data={"enabled_methods": [code]})


def order_for(code: str, quantity: int = 2):
    """An order of ``quantity`` mugs at 10.00 plus 5.00 shipping (25.00 for two), to pay with
    ``code``."""
    return place([(make_variant(price="10.00"), quantity)], shipping="5.00", payment_method=code)


def start(code: str, order):
    return services.create_payment_for_order(order=order, method=code)


def click(page_url: str, button: str) -> str:
    """The shopper opens the hosted page and presses ``button`` (its form's action): answers
    where the provider sends the shopper back (the redirect's Location)."""
    page = requests.get(page_url, timeout=5)
    assert page.status_code == 200, page.text
    assert f">{button.replace('-', ' ').capitalize()}<" in page.text
    base = urlsplit(page_url)
    action = _form_action(page.text, button)
    answer = requests.post(
        f"{base.scheme}://{base.netloc}{action}", allow_redirects=False, timeout=5
    )
    assert answer.status_code == 303, answer.text
    return answer.headers["Location"]


def _form_action(html: str, button: str) -> str:
    for chunk in html.split("<form ")[1:]:
        action = chunk.split("action='", 1)[1].split("'", 1)[0]
        if action.split("?")[0].rstrip("/").endswith("/" + button):
            return action
    raise AssertionError(f"no {button} button on the page")


def path_of(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def webhook_sender(client, code: str, capture):
    """A sender for the double's ``deliver_pending``: posts each event to the store's webhook
    endpoint, and runs the task it queues after commit (Celery eager)."""

    def send(body: bytes, headers: dict):
        extra = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        with capture(execute=True):
            return client.post(
                f"/payments/webhooks/{code}/",
                data=body,
                content_type=headers.get("Content-Type", "application/json"),
                headers=extra,
            )

    return send


def checkout_on_the_storefront(client, code: str):
    """A shopper's whole checkout on the storefront pages (no JavaScript): a mug at 19.99 in the
    cart, a US address, standard delivery at 5.00 (no sales tax), ``code`` chosen at the payment
    step, the order placed on the review page. Answers the placing's response and the order."""
    from django.http import HttpResponse

    from cart import identify
    from cart.models import Cart
    from orders.models import Order
    from tests.checkout.factories import US_ADDRESS, option, tax_rate, variant, zone

    tax_rate("US", "", "0", "No sales tax")
    standard = option(zone(), "Standard", price="5.00")
    mug = variant("19.99", stock=5)
    added = client.post(
        "/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 1}, content_type="application/json"
    )
    assert added.status_code == 201, added.content
    cart = Cart.objects.get(token=added.json()["token"])
    response = HttpResponse()
    identify.remember_cart(response, cart)
    client.cookies[identify.COOKIE_NAME] = response.cookies[identify.COOKIE_NAME].value

    address = {"email": "ana@example.com", "billing_same_as_shipping": "on"}
    address.update({f"shipping-{key}": value for key, value in US_ADDRESS.items()})
    assert client.post("/checkout/", address).status_code == 302
    assert client.post("/checkout/delivery/", {"delivery_option": standard.pk}).status_code == 302
    assert code.encode() in client.get("/checkout/payment/").content
    assert client.post("/checkout/payment/", {"payment_method": code}).status_code == 302
    cart.refresh_from_db()
    placed = client.post(
        "/checkout/review/", {"expected_total": "24.99", "cart_version": cart.version}
    )
    return placed, Order.objects.latest("pk")


def replay_three_times(send, streams: list, payments: list) -> list:
    """Replay every event of ``streams`` three times, each time in another random order and
    from the same starting point (a savepoint rolled back after each run): answers each run's
    final (state, captured, refunded, flags) per payment, to be compared."""
    import random

    from django.db import transaction

    from payments.models import Payment

    events = [event for stream in streams for event in stream]
    runs = []
    for seed in range(3):
        shuffled = events[:]
        random.Random(seed).shuffle(shuffled)
        with transaction.atomic():
            for body, headers in shuffled:
                assert send(body, headers).status_code == 200
            runs.append(
                [
                    (p.state, p.captured_amount, p.refunded_amount, tuple(p.flags))
                    for p in Payment.objects.filter(pk__in=[p.pk for p in payments]).order_by("pk")
                ]
            )
            transaction.set_rollback(True)
    return runs
