"""A shopper buys with cash on delivery on a store seeded like the demo (part of the demo
catalog, the demo's delivery, taxes and cash on delivery), in a real browser: the checkout's
pages (address, delivery, payment, review, place), the confirmation, the confirmation email,
the order in their account; then a member of staff, in the store admin in another browser,
finds the order in Orders, fulfils it with the carrier and a tracking number and marks it
delivered, and the shopper sees each step in the order's timeline. Screenshots are left in
tests/e2e/artifacts/checkout-cod-*.png: look at them.

The product goes into the account's cart through cart.services (the storefront's add-to-cart
button is the cart pages' work, not on this branch): everything after it is the browser's.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.browser import artifact, assert_fits_a_phone, mail_to, sign_in
from tests.e2e.checkout_flow import address_and_delivery, fill_cart
from tests.live_server import LivePlatform, LiveStore

TIMEOUT_MS = 10_000
SLUGS = ("speckled-stoneware-mug", "everyday-organic-tee")


@pytest.fixture(scope="module")
def shop(live_platform: LivePlatform) -> LiveStore:
    """Store A with part of the demo catalog, the demo's shipping and taxes, COD enabled."""
    from django.utils.text import slugify

    from catalog.demo_catalog import PRODUCTS, seed_demo_catalog
    from catalog.models import Product
    from config.celery import app
    from payments import services as payment_services
    from shipping.demo import seed_demo_shipping
    from taxes.demo import set_up_demo_taxes

    store = live_platform.store_a
    wanted = tuple(item for item in PRODUCTS if slugify(item.name) in SLUGS)
    app.conf.task_always_eager = True
    try:
        with live_platform.database(store):
            # Other browser tests seed some of the same demo products into store A.
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
            payment_services.set_method_settings(data={"enabled_methods": ["cod"]})
    finally:
        app.conf.task_always_eager = False
    yield store
    # Store A is shared by the browser tests: its dashboard expects no payment method set up.
    with live_platform.database(store):
        payment_services.set_method_settings(data={"enabled_methods": []})


def _find_order(staff: Page, shop: LiveStore, number: int) -> None:
    """From the admin's menu to the order's page: Orders, searched by its number."""
    staff.goto(f"{shop.url}/admin/")
    staff.get_by_role("button", name="Orders").click()  # the Orders menu, then its screen
    staff.get_by_role("link", name="Orders", exact=True).click()
    expect(staff.get_by_role("heading", level=1, name="Orders")).to_be_visible()
    staff.get_by_label("Search").fill(f"#{number}")
    staff.get_by_role("button", name="Filter").click()
    staff.get_by_role("link", name=f"#{number}", exact=True).click()
    expect(staff.get_by_role("heading", name=f"Order #{number}")).to_be_visible()


def test_a_shopper_buys_with_cash_on_delivery_and_follows_the_order(
    live: LivePlatform, shop: LiveStore, browser
):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    back_office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    back_office.set_default_timeout(TIMEOUT_MS)
    staff = back_office.new_page()
    try:
        _journey(live, shop, context, page, staff)
    except Exception:
        artifact(page, "FAILED-checkout-cod")
        artifact(staff, "FAILED-checkout-cod-staff")
        raise
    finally:
        context.close()
        back_office.close()


def _journey(live: LivePlatform, shop: LiveStore, context, page: Page, staff: Page) -> None:
    person = live.new_person(shop, "customer")
    sign_in(context, shop, person)
    product = fill_cart(live, shop, person.user_id, quantity=2)

    # From the cart page to the checkout's contact and address.
    page.goto(f"{shop.url}/cart/")
    page.get_by_role("link", name="Check out").click()
    expect(page.get_by_role("heading", name="Contact and shipping address")).to_be_visible()
    address_and_delivery(page, person.email, screenshots="checkout-cod")

    # Payment: cash on delivery.
    expect(page).to_have_url(re.compile(r"/checkout/payment/$"))
    page.get_by_label(re.compile("Cash on delivery")).check()
    artifact(page, "checkout-cod-3-payment")
    page.get_by_role("button", name="Review your order").click()

    # Review, then place.
    expect(page).to_have_url(re.compile(r"/checkout/review/$"))
    expect(page.get_by_text(product).first).to_be_visible()
    expect(page.get_by_text("California sales tax 7.25%").first).to_be_visible()
    artifact(page, "checkout-cod-4-review")
    page.get_by_role("button", name=re.compile("Place order")).click()

    # The confirmation.
    expect(page).to_have_url(re.compile(r"/checkout/complete/\d+/$"))
    number = int(re.search(r"/complete/(\d+)/", page.url).group(1))
    expect(page.get_by_text(f"#{number}").first).to_be_visible()
    artifact(page, "checkout-cod-5-confirmation")

    # The confirmation email.
    message = mail_to(live, person.email, timeout=30)
    assert f"{number}" in message

    # The order in the account.
    page.goto(f"{shop.url}/account/orders/")
    expect(page.get_by_role("link", name=f"#{number}")).to_be_visible()
    artifact(page, "checkout-cod-6-history")
    page.get_by_role("link", name=f"#{number}").click()
    expect(page.get_by_role("heading", name=f"Order #{number}")).to_be_visible()
    expect(page.get_by_test_id("order-status")).to_have_text("Pending")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Order placed")
    artifact(page, "checkout-cod-7-order")
    assert_accessible(page, name="account order page")
    assert_fits_a_phone(page, "account order page")

    # An order manager finds it in the store admin and sends it with a tracking number.
    sign_in(staff.context, shop, "order_manager")
    _find_order(staff, shop, number)
    expect(staff.locator("[data-status]")).to_have_text("Pending")
    shipment = staff.locator('[data-form="fulfil"]')
    expect(shipment.get_by_label(re.compile(re.escape(product)))).to_have_value("2")
    shipment.get_by_label("Carrier").fill("UPS")
    shipment.get_by_label("Tracking number").fill("1Z999AA10123456784")
    artifact(staff, "checkout-cod-8-staff-order")
    shipment.get_by_role("button", name="Record shipment").click()
    expect(staff.get_by_text(f"Shipment recorded for order #{number}.")).to_be_visible()
    expect(staff.locator("[data-status]")).to_have_text("Shipped")
    expect(staff.locator("[data-fulfilment]")).to_contain_text(
        "by UPS, tracking 1Z999AA10123456784"
    )

    # The shopper sees the parcel and the step.
    page.reload()
    expect(page.get_by_test_id("order-status")).to_have_text("Shipped")
    expect(page.get_by_test_id("tracking-number")).to_have_text("1Z999AA10123456784")
    expect(timeline).to_contain_text("Parcel sent")
    expect(timeline).to_contain_text("with UPS")
    artifact(page, "checkout-cod-9-shipped")

    # Staff mark it delivered (found again from the list), and the shopper sees that too.
    _find_order(staff, shop, number)
    staff.locator('[data-form="deliver"]').get_by_role("button", name="Mark delivered").click()
    expect(staff.get_by_text(f"Order #{number} is delivered.")).to_be_visible()
    expect(staff.locator("[data-status]")).to_have_text("Delivered")
    artifact(staff, "checkout-cod-10-staff-delivered")
    page.reload()
    expect(page.get_by_test_id("order-status")).to_have_text("Delivered")
    expect(timeline).to_contain_text("Delivered")
    artifact(page, "checkout-cod-11-delivered")
