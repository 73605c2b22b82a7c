"""A shopper's cart in a real browser: adding two variants from the storefront (htmx: the
header's mini-cart follows in place), changing a quantity on the cart page, then signing in to
an account that already held a line and finding the carts merged, told what changed. The same
adding without JavaScript. Each page is checked with axe-core and left as a screenshot in
tests/e2e/screenshots/: look at them."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.browser import screenshot
from tests.live_server import PASSWORD, LivePlatform, LiveStore

pytestmark = pytest.mark.e2e


def _shirt(store: LiveStore) -> tuple[str, str]:
    """A shirt in two sizes, made through the owner's API: its slug and the tag of its SKUs."""
    tag = secrets.token_hex(3).upper()
    answer = store.client("owner").post(
        "/api/v1/catalog/products/",
        json={
            "name": f"Harbor Shirt {tag}",
            "status": "active",
            "variants": [
                {
                    "sku": f"HS-{tag}-M",
                    "price": "40.00",
                    "stock_on_hand": 8,
                    "options": {"size": "M"},
                },
                {
                    "sku": f"HS-{tag}-L",
                    "price": "42.00",
                    "stock_on_hand": 8,
                    "options": {"size": "L"},
                },
            ],
        },
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["slug"], tag


def _account_with_a_line(live: LivePlatform, store: LiveStore, sku: str, quantity: int):
    """A customer whose account's cart already holds ``quantity`` of ``sku``."""
    person = live.new_person(store, "customer")
    with live.database(store):
        from accounts.models import User
        from cart import services
        from catalog.models import ProductVariant
        from pricing import buyer_for

        user = User.objects.get(pk=person.user_id)
        cart = services.open_cart_for_user(user=user)
        variant = ProductVariant.objects.get(sku=sku)
        services.add_line(
            cart=cart, variant_id=variant.pk, quantity=quantity, buyer=buyer_for(user=user)
        )
    return person


def _mini_cart_count(page: Page):
    return page.locator("#mini-cart .mini-cart__count")


def test_a_shopper_adds_two_variants_changes_a_quantity_and_signs_in_to_a_merged_cart(
    live: LivePlatform, page: Page
):
    store = live.store_a
    slug, tag = _shirt(store)
    person = _account_with_a_line(live, store, f"HS-{tag}-L", 7)  # of the 8 in stock

    page.goto(f"{store.url}/p/{slug}/")
    expect(_mini_cart_count(page)).to_have_count(0)
    form = page.locator("form[data-add-to-cart]")
    page.get_by_role("radio", name="Size: M").check()
    form.get_by_label("Quantity").fill("2")
    form.get_by_role("button", name="Add to cart").click()
    expect(form.locator("[data-cart-feedback]")).to_contain_text(
        f"Added 2 of Harbor Shirt {tag} (M)"
    )
    expect(_mini_cart_count(page)).to_have_attribute("data-cart-count", "2")
    assert page.url.startswith(f"{store.url}/p/{slug}/")  # no page load: htmx

    page.get_by_role("radio", name="Size: L").check()
    expect(form.locator("input[name=sku]")).to_have_value(f"HS-{tag}-L")
    expect(form.locator("[data-cart-feedback]")).to_have_text("")
    form.get_by_role("button", name="Add to cart").click()
    expect(_mini_cart_count(page)).to_have_attribute("data-cart-count", "3")
    expect(form.locator("[data-cart-feedback]")).to_contain_text("(L)")
    screenshot(page, "cart-product-added")
    assert_accessible(page, name="product page with the add-to-cart form")

    # With the one already in the cart, 8 more is more than the stock: said beside the form,
    # nothing added (beyond the input's max, the browser itself stops the form).
    form.get_by_label("Quantity").fill("8")
    form.get_by_role("button", name="Add to cart").click()
    expect(form.locator(".feedback--error")).to_have_text(re.compile("Only 8 left"))
    expect(form.get_by_label("Quantity")).to_have_attribute("aria-invalid", "true")
    expect(_mini_cart_count(page)).to_have_attribute("data-cart-count", "3")

    page.locator("#mini-cart").click()
    expect(page).to_have_url(f"{store.url}/cart/")
    lines = page.locator(".cart-line")
    expect(lines).to_have_count(2)
    large = lines.filter(has=page.locator(".cart-line__variant", has_text=re.compile("^L$")))
    large.get_by_label(re.compile("^Quantity")).fill("2")
    large.get_by_role("button", name=re.compile("^Update")).click()
    expect(page.locator("#cart-status")).to_have_text(f"Harbor Shirt {tag}: quantity updated to 2.")
    expect(_mini_cart_count(page)).to_have_attribute("data-cart-count", "4")
    expect(page.locator(".cart-summary__subtotal strong")).to_have_text("$164.00")
    screenshot(page, "cart-page")
    assert_accessible(page, name="cart page")

    # Signing in from the cart: the account's 7 L and the visitor's 2 make more than the 8 in
    # stock; the shopper is told, once.
    page.locator(".cart-summary").get_by_role("link", name="sign in").click()
    page.get_by_label(re.compile("^Email")).fill(person.email)
    page.get_by_label(re.compile("^Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.IGNORECASE)).click()
    expect(page).to_have_url(f"{store.url}/cart/")
    expect(lines).to_have_count(2)
    quantities = {
        lines.nth(index).locator(".cart-line__variant").inner_text(): lines.nth(index)
        .locator("input[name=quantity]")
        .input_value()
        for index in range(2)
    }
    assert quantities == {"M": "2", "L": "8"}
    expect(_mini_cart_count(page)).to_have_attribute("data-cart-count", "10")
    expect(page.locator(".account-link")).to_contain_text(person.email)
    notice = f"Harbor Shirt {tag} (HS-{tag}-L): only 8 left; your cart has 8 instead of 9."
    expect(page.locator(".message--warning")).to_have_text(notice)
    expect(page.locator(".cart-notices")).to_have_count(0)  # not said twice on the page
    screenshot(page, "cart-merged-after-sign-in")
    assert_accessible(page, name="cart page after sign-in")
    page.goto(f"{store.url}/")
    expect(page.locator(".message--warning")).to_have_count(0)


def test_adding_works_without_javascript(live: LivePlatform, browser):
    store = live.store_a
    slug, tag = _shirt(store)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{store.url}/p/{slug}/")
        page.get_by_role("radio", name="Size: L").check()
        page.get_by_role("button", name="Show this option").click()
        expect(page.locator("form[data-add-to-cart] input[name=sku]")).to_have_value(f"HS-{tag}-L")
        page.locator("form[data-add-to-cart]").get_by_label("Quantity").fill("3")
        page.get_by_role("button", name="Add to cart").click()
        expect(page).to_have_url(f"{store.url}/cart/")
        expect(page.locator(".message--success")).to_contain_text(
            f"Added 3 of Harbor Shirt {tag} (L)"
        )
        expect(page.locator("#mini-cart .mini-cart__count")).to_have_attribute(
            "data-cart-count", "3"
        )
        page.get_by_label(re.compile("^Quantity")).fill("1")
        page.get_by_role("button", name=re.compile("^Update")).click()
        expect(page.locator(".message--success")).to_contain_text("quantity updated to 1")
        screenshot(page, "cart-page-phone-no-js")
        page.get_by_role("button", name=re.compile("^Remove")).click()
        expect(page.get_by_text("Your cart is empty.")).to_be_visible()
        screenshot(page, "cart-empty-phone-no-js")
    finally:
        context.close()


def test_a_listing_card_adds_a_single_variant_product_in_place(live: LivePlatform, page: Page):
    store = live.store_a
    shirt_slug, tag = _shirt(store)
    answer = store.client("owner").post(
        "/api/v1/catalog/products/",
        json={
            "name": f"Harbor Mug {tag}",
            "status": "active",
            "variants": [{"sku": f"HM-{tag}", "price": "12.00", "stock_on_hand": 5}],
        },
    )
    assert answer.status_code == 201, answer.text
    page.goto(f"{store.url}/search/?q={tag}")  # indexed by the live Celery worker
    for _ in range(20):
        if page.locator(".product-card").count() == 2:
            break
        page.wait_for_timeout(250)
        page.reload()
    mug = page.locator(".product-card").filter(has_text=f"Harbor Mug {tag}")
    shirt = page.locator(".product-card").filter(has_text=f"Harbor Shirt {tag}")
    expect(
        shirt.get_by_role("link", name=f"Choose options for Harbor Shirt {tag}")
    ).to_have_attribute("href", f"/p/{shirt_slug}/")
    mug.get_by_role("button", name=re.compile(f"^Add to cart ?: Harbor Mug {tag}$")).click()
    expect(mug.locator("[data-cart-feedback]")).to_contain_text(f"Added Harbor Mug {tag}")
    expect(_mini_cart_count(page)).to_have_attribute("data-cart-count", "1")
    screenshot(page, "cart-listing-card-added")
    assert_accessible(page, name="search results with add-to-cart buttons")
