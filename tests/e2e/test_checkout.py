"""A shopper checks out in a real browser with cash on delivery on a store with the demo's
delivery (shipping.demo) and taxes (taxes.demo): contact and address, delivery, payment,
review, place the order, the confirmation. Each page is checked with axe-core and left as a
screenshot in tests/e2e/artifacts/. (The cart comes from the cart API and the cart cookie the
storefront's cart pages set; the whole journey from the product page is ordersshopper's test.)
"""

from __future__ import annotations

import pytest
from django.core import signing
from playwright.sync_api import Page, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.browser import artifact, assert_fits_a_phone
from tests.live_server import LivePlatform, LiveStore


@pytest.fixture
def delivering_store(live_platform: LivePlatform):
    from payments import services as payment_services
    from shipping.demo import seed_demo_shipping
    from taxes.demo import set_up_demo_taxes

    store = live_platform.store_a
    with live_platform.database(store):
        seed_demo_shipping()
        set_up_demo_taxes()
        payment_services.set_method_settings(data={"enabled_methods": ["cod"]})
    yield store
    # Store A is shared by the browser tests: its dashboard expects no payment method set up.
    with live_platform.database(store):
        payment_services.set_method_settings(data={"enabled_methods": []})


def _cart_cookie(store: LiveStore) -> dict:
    from cart import identify

    variant = store.products["mug"]["variants"][0]["id"]
    answer = store.client().post("/api/v1/cart/lines/", json={"variant": variant, "quantity": 2})
    assert answer.status_code == 201, answer.text
    token = answer.json()["token"]
    signed = signing.get_cookie_signer(salt=identify.COOKIE_NAME + identify._COOKIE_SALT).sign(
        token
    )
    return {"name": identify.COOKIE_NAME, "value": signed, "url": store.url}


def _check(page: Page, name: str) -> None:
    artifact(page, f"checkout-{name}")
    assert_accessible(page, name=f"checkout {name}")
    assert_fits_a_phone(page, f"checkout {name}")


def test_a_shopper_buys_with_cash_on_delivery(page: Page, delivering_store: LiveStore):
    store = delivering_store
    page.context.add_cookies([_cart_cookie(store)])

    page.goto(f"{store.url}/checkout/")
    expect(page.get_by_role("heading", name="Contact and shipping address")).to_be_visible()
    _check(page, "address")
    page.get_by_label("Email").fill("shopper@example.com")
    page.locator("#id_shipping-full_name").fill("Ana Lopez")
    page.locator("#id_shipping-line1").fill("1 Market St")
    page.locator("#id_shipping-city").fill("San Francisco")
    page.locator("#id_shipping-region").fill("CA")
    page.locator("#id_shipping-postal_code").fill("12")  # wrong: refused by its field
    page.locator("#id_shipping-country").select_option("US")
    page.get_by_role("button", name="Continue to delivery").click()
    expect(page.get_by_text("Enter a valid ZIP code")).to_be_visible()
    _check(page, "address-refused")
    page.locator("#id_shipping-postal_code").fill("94105")
    page.get_by_role("button", name="Continue to delivery").click()

    expect(page.get_by_role("heading", name="Delivery")).to_be_visible()
    _check(page, "delivery")
    page.get_by_label("Standard").check()
    page.get_by_role("button", name="Continue to payment").click()

    expect(page.get_by_role("heading", name="Payment")).to_be_visible()
    _check(page, "payment")
    page.get_by_label("Cash on delivery").check()
    page.get_by_role("button", name="Review your order").click()

    expect(page.get_by_role("heading", name="Review your order")).to_be_visible()
    expect(page.get_by_text("California sales tax 7.25%")).to_be_visible()
    _check(page, "review")
    page.get_by_role("button", name="Place order").click()

    expect(page.get_by_role("heading", name="Thank you for your order")).to_be_visible()
    expect(page.get_by_text("Your order number is")).to_be_visible()
    _check(page, "complete")
