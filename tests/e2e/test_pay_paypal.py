"""A shopper pays an order on the demo store with PayPal, in a real browser: the checkout's
pages, "Place order" sends them to PayPal's approval page (the local PayPal of
tests/doubles/paypal.py, started with the live platform, which calls it as PayPal:
``PAYPAL_API_BASE``), "Pay now" brings them back to the store's confirmation, and the order
is paid. PayPal's webhooks
reach the live platform meanwhile (verified by PayPal's verify call, applied by the Celery
worker): the return and the webhook race, and the payment is captured and recorded once.
Screenshots are left in tests/e2e/artifacts/pay-paypal-*.png: look at them.

The product goes into the account's cart through cart.services (as in the cash-on-delivery
journey): everything after it is the browser's.
"""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import artifact, sign_in
from tests.e2e.checkout_flow import address_and_delivery, fill_cart
from tests.live_server import LivePlatform, LiveStore

TIMEOUT_MS = 10_000
SLUG = "speckled-stoneware-mug"


@pytest.fixture(scope="module")
def paypal_shop(live_platform: LivePlatform):
    """Store A with the demo's mug, shipping and taxes, and PayPal set up (its REST app's
    credentials and webhook saved, PayPal enabled beside cash on delivery); given back as it
    was found."""
    from django.utils.text import slugify

    from catalog.demo_catalog import PRODUCTS, seed_demo_catalog
    from catalog.models import Product
    from config.celery import app
    from payments import credentials, selectors
    from payments import services as payment_services
    from shipping.demo import seed_demo_shipping
    from taxes.demo import set_up_demo_taxes

    store = live_platform.store_a
    paypal = live_platform.doubles["paypal"]  # started with the platform: PAYPAL_API_BASE
    app.conf.task_always_eager = True
    try:
        with live_platform.database(store):
            # Other browser tests seed some of the same demo products into store A.
            seed_demo_catalog(
                products=tuple(
                    item
                    for item in PRODUCTS
                    if slugify(item.name) == SLUG and not Product.objects.filter(slug=SLUG).exists()
                ),
                if_empty=False,
            )
            seed_demo_shipping()
            set_up_demo_taxes()
            enabled = list(selectors.method_settings().enabled_methods)
            credentials.save("paypal", paypal.credentials())
            payment_services.set_method_settings(data={"enabled_methods": ["cod", "paypal"]})
    finally:
        app.conf.task_always_eager = False
    paypal.default.webhook_url = f"{store.url}/payments/webhooks/paypal/"
    yield store, paypal
    paypal.default.webhook_url = ""
    with live_platform.database(store):
        payment_services.set_method_settings(data={"enabled_methods": enabled})
        credentials.forget("paypal")


def _payment(live: LivePlatform, store: LiveStore, number: int):
    from orders.models import Order
    from payments.models import Payment, PaymentEvent, ProviderEvent

    with live.database(store):
        order = Order.objects.get(number=number)
        payment = Payment.objects.get(order=order)
        events = list(
            ProviderEvent.objects.filter(provider_reference=payment.provider_reference)
            .values_list("kind", "status")
            .order_by("pk")
        )
        captured = payment.events.filter(kind=PaymentEvent.Kind.CAPTURED).count()
        return order, payment, events, captured


def test_a_shopper_pays_with_paypal_through_the_redirect(live: LivePlatform, paypal_shop, browser):
    shop, paypal = paypal_shop
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        _journey(live, shop, paypal, context, page)
    except Exception:
        artifact(page, "FAILED-pay-paypal")
        raise
    finally:
        context.close()


def _journey(live: LivePlatform, shop: LiveStore, paypal, context, page: Page) -> None:
    person = live.new_person(shop, "customer")
    sign_in(context, shop, person)
    product = fill_cart(live, shop, person.user_id, slug=SLUG, quantity=2)

    page.goto(f"{shop.url}/checkout/")
    expect(page.get_by_role("heading", name="Contact and shipping address")).to_be_visible()
    address_and_delivery(page, person.email)

    # Payment: PayPal, beside cash on delivery.
    expect(page).to_have_url(re.compile(r"/checkout/payment/$"))
    page.get_by_label(re.compile("PayPal")).check()
    artifact(page, "pay-paypal-1-method")
    page.get_by_role("button", name="Review your order").click()

    expect(page).to_have_url(re.compile(r"/checkout/review/$"))
    expect(page.get_by_text(product).first).to_be_visible()
    page.get_by_role("button", name=re.compile("Place order")).click()

    # PayPal's approval page (the local PayPal), for the order's total.
    expect(page).to_have_url(re.compile(rf"^{re.escape(paypal.url)}/checkoutnow\?token=\w+$"))
    order_id = page.url.rsplit("=", 1)[1]
    made = paypal.orders[order_id]
    expect(page.get_by_role("heading", name="Pay with PayPal")).to_be_visible()
    expect(page.get_by_text(f"{made.amount:.2f} USD")).to_be_visible()
    artifact(page, "pay-paypal-2-approve")
    page.get_by_role("button", name="Pay now").click()

    # Back on the store: the confirmation.
    expect(page).to_have_url(re.compile(rf"^{re.escape(shop.url)}/checkout/complete/\d+/$"))
    number = int(re.search(r"/complete/(\d+)/", page.url).group(1))
    expect(page.get_by_text(f"#{number}").first).to_be_visible()
    artifact(page, "pay-paypal-3-confirmation")

    # Paid once: PayPal captured the order once, and the store recorded one capture of the
    # order's total, whether the return or the webhook's work came first.
    deadline = time.monotonic() + 30
    while True:
        order, payment, events, captured = _payment(live, shop, number)
        applied = [kind for kind, status in events if status == "applied"]
        if {"CHECKOUT.ORDER.APPROVED", "PAYMENT.CAPTURE.COMPLETED"} <= set(applied):
            break
        assert time.monotonic() < deadline, f"PayPal's webhooks were not applied: {events}"
        time.sleep(0.5)
    assert payment.provider_reference == order_id
    assert (payment.state, payment.captured_amount) == ("succeeded", order.total)
    assert made.amount == Decimal(order.total)
    assert (order.payment_status, order.amount_paid) == ("paid", order.total)
    assert captured == 1
    assert len(made.captures) == 1
    sent = {event["id"] for event in paypal.events[order_id]}
    assert {status for event_id, status in paypal.deliveries if event_id in sent} == {200}
