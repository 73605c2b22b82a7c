"""A shopper pays an order on the demo store (store A of the live platform) by card, with
Stripe's Payment Element served by the local Stripe double (tests/doubles/stripe.py: its
Stripe.js, its API, its 3-D Secure page), in a real browser: checkout, the pay page's element,
a card that asks for 3-D Secure, the bank's challenge, the return to the confirmation; Stripe's
webhook reaches the store too and changes nothing more. Screenshots are left in
tests/e2e/artifacts/pay-stripe-*.png: look at them.

The product goes into the account's cart through cart.services (as in the COD browser test);
everything after it is the browser's.
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

TIMEOUT_MS = 15_000
SLUG = "speckled-stoneware-mug"


@pytest.fixture(scope="module")
def shop(live_platform: LivePlatform) -> LiveStore:
    """Store A with a demo product, the demo's shipping and taxes, and Stripe set up with the
    double's keys (given back at the end: store A is shared by the browser tests)."""
    from django.utils.text import slugify

    from catalog.demo_catalog import PRODUCTS, seed_demo_catalog
    from catalog.models import Product
    from config.celery import app
    from payments import credentials
    from payments import services as payment_services
    from shipping.demo import seed_demo_shipping
    from taxes.demo import set_up_demo_taxes

    store = live_platform.store_a
    double = live_platform.doubles["stripe"]
    wanted = tuple(item for item in PRODUCTS if slugify(item.name) == SLUG)
    app.conf.task_always_eager = True
    try:
        with live_platform.database(store):
            seed_demo_catalog(
                products=tuple(
                    item
                    for item in wanted
                    if not Product.objects.filter(slug=slugify(item.name)).exists()
                ),
                if_empty=False,
            )
            seed_demo_shipping()
            set_up_demo_taxes()
            credentials.save("stripe", double.credentials())
            payment_services.set_method_settings(data={"enabled_methods": ["cod", "stripe"]})
    finally:
        app.conf.task_always_eager = False
    endpoint = double.add_endpoint(
        f"{live_platform.server_url}/payments/webhooks/stripe/", headers={"Host": store.host}
    )
    yield store
    double.endpoints.remove(endpoint)
    with live_platform.database(store):
        payment_services.set_method_settings(data={"enabled_methods": []})
        credentials.forget("stripe")


def test_a_shopper_pays_by_card_with_3d_secure_through_the_payment_element(
    live: LivePlatform, shop: LiveStore, browser
):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        _journey(live, shop, context, page)
    except Exception:
        artifact(page, "FAILED-pay-stripe")
        raise
    finally:
        context.close()


def _journey(live: LivePlatform, shop: LiveStore, context, page: Page) -> None:
    from orders.models import Order, PaymentStatus
    from payments.models import Payment, ProviderEvent

    double = live.doubles["stripe"]
    person = live.new_person(shop, "customer")
    sign_in(context, shop, person)
    fill_cart(live, shop, person.user_id, slug=SLUG)

    page.goto(f"{shop.url}/checkout/")
    address_and_delivery(page, person.email)

    expect(page).to_have_url(re.compile(r"/checkout/payment/$"))
    page.get_by_label(re.compile(r"Card \(Stripe\)")).check()
    artifact(page, "pay-stripe-1-method")
    page.get_by_role("button", name="Review your order").click()
    expect(page).to_have_url(re.compile(r"/checkout/review/$"))
    page.get_by_role("button", name=re.compile("Place order")).click()

    # The pay page: the Payment Element, from the double's Stripe.js.
    expect(page).to_have_url(re.compile(r"/checkout/pay/[0-9a-f-]+/$"))
    element = page.get_by_test_id("payment-element")
    expect(element).to_be_visible()
    pay = page.get_by_role("button", name=re.compile(r"^Pay \$"))
    expect(pay).to_be_enabled()
    expect(page.locator("#stripe-payment-message")).to_be_hidden()  # nothing to say yet
    page.get_by_label("Card number").fill("4000 0027 6000 3184")
    page.get_by_label("Expiration").fill("12 / 34")
    page.get_by_label("CVC").fill("123")
    artifact(page, "pay-stripe-2-element")
    pay.click()

    # The bank's 3-D Secure challenge (the double's page), then back to the store.
    expect(page.get_by_role("heading", name="3D Secure 2 Test Page")).to_be_visible()
    artifact(page, "pay-stripe-3-challenge")
    page.get_by_role("button", name="Complete authentication").click()

    expect(page).to_have_url(re.compile(r"/checkout/complete/\d+/$"))
    number = int(re.search(r"/complete/(\d+)/", page.url).group(1))
    expect(page.get_by_text(f"#{number}").first).to_be_visible()
    artifact(page, "pay-stripe-4-confirmation")

    with live.database(shop):
        order = Order.objects.get(number=number)
        payment = Payment.objects.get(order=order, method="stripe")
        assert payment.state == "succeeded"
        assert payment.captured_amount == order.total > Decimal(0)
        assert order.payment_status == PaymentStatus.PAID
        intent = double.intents[payment.provider_reference]
        assert intent["status"] == "succeeded"
        assert intent["amount_received"] == int(order.total * 100)

    # Stripe's webhook reached the store and was applied by the live worker: nothing counted
    # twice.
    double.wait_for_deliveries()
    deadline = time.monotonic() + 30
    while True:
        with live.database(shop):
            statuses = set(
                ProviderEvent.objects.filter(
                    payment=payment, kind="payment_intent.succeeded"
                ).values_list("status", flat=True)
            )
            captured = payment.events.filter(kind="captured").count()
        if statuses == {"applied"} or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert statuses == {"applied"}
    assert captured == 1
