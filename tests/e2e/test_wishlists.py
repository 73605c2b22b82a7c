"""A shopper's wishlist in a real browser: "Add to wishlist" on a product page (signed in, and
signed out: sign in and come back), the list in the account area, its shared page, and "Move
to cart". Each page is checked with axe-core and left as a screenshot in
tests/e2e/screenshots/."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.browser import screenshot, sign_in
from tests.live_server import PASSWORD, LivePlatform


def _lamp(live: LivePlatform) -> dict:
    return live.store_a.products["lamp"]


def test_shopper_saves_a_product_sees_it_in_their_list_and_moves_it_to_the_cart(
    live: LivePlatform, context: BrowserContext, page: Page
):
    store = live.store_a
    sign_in(context, store, live.new_person(store, "customer"))
    lamp = _lamp(live)

    page.goto(f"{store.url}/p/{lamp['slug']}/")
    page.get_by_role("button", name="Add to wishlist").click()
    expect(page.get_by_text(f"{lamp['name']} was saved to “My wishlist”.")).to_be_visible()
    screenshot(page, "wishlist-product-saved")

    page.goto(f"{store.url}/account/")
    page.get_by_role("navigation", name="Account pages").get_by_role(
        "link", name="Wishlists"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your wishlists")
    assert_accessible(page, name="wishlist index")
    page.get_by_role("link", name="My wishlist").click()
    row = page.locator("[data-wishlist-item]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(lamp["name"])
    expect(row).to_contain_text("$30.00")
    expect(row).to_contain_text("In stock")
    assert_accessible(page, name="wishlist")
    screenshot(page, "wishlist-list")

    page.get_by_role("button", name="Share by link").click()
    link = page.get_by_label("Link to this list").input_value()
    shared = context.new_page()
    shared.goto(link)
    expect(shared.get_by_role("heading", level=1)).to_have_text("My wishlist")
    expect(shared.locator("main")).to_contain_text(lamp["name"])
    expect(shared.locator("main form")).to_have_count(0)
    assert_accessible(shared, name="shared wishlist")
    screenshot(shared, "wishlist-shared")
    shared.close()

    row = page.locator("[data-wishlist-item]")
    row.get_by_role("button", name="Move to cart").click()
    expect(page.get_by_text("The item was moved to your cart.")).to_be_visible()
    expect(page.locator("[data-wishlist-item]")).to_have_count(0)
    screenshot(page, "wishlist-moved-to-cart")


def test_a_signed_out_shopper_signs_in_and_comes_back_to_save(live: LivePlatform, page: Page):
    store = live.store_a
    person = live.new_person(store, "customer")
    lamp = _lamp(live)

    page.goto(f"{store.url}/p/{lamp['slug']}/")
    page.get_by_role("button", name="Add to wishlist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Add to wishlist")
    assert_accessible(page, name="wishlist confirm")
    screenshot(page, "wishlist-confirm-after-sign-in")
    page.locator("main").get_by_role("button", name="Add to wishlist").click()
    expect(page.get_by_text(f"{lamp['name']} was saved to “My wishlist”.")).to_be_visible()
    expect(page).to_have_url(f"{store.url}/p/{lamp['slug']}/?variant={lamp['variants'][0]['sku']}")
