"""The catalog pages' few lines of JavaScript, in a real browser: the variant picker updates the
product page in place, and the header's search box suggests products in a listbox."""

import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import screenshot
from tests.live_server import LivePlatform, LiveStore

pytestmark = pytest.mark.e2e


def _boots(store: LiveStore) -> tuple[str, str]:
    """A product with two sizes, one out of stock, made through the owner's API: its slug and
    the tag of its SKUs."""
    tag = secrets.token_hex(3).upper()
    name = f"Zephyr Boot {tag}"
    answer = store.client("owner").post(
        "/api/v1/catalog/products/",
        json={
            "name": name,
            "status": "active",
            "variants": [
                {"sku": f"ZB-{tag}-40", "price": "80.00", "options": {"size": "40"}},
                {
                    "sku": f"ZB-{tag}-42",
                    "price": "90.00",
                    "stock_on_hand": 3,
                    "options": {"size": "42"},
                },
            ],
        },
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["slug"], tag


def test_picking_a_variant_updates_price_stock_and_sku_in_place(live: LivePlatform, page: Page):
    store = live.store_a
    slug, tag = _boots(store)
    page.goto(f"{store.url}/p/{slug}/")
    price, stock, sku = (
        page.locator("[data-price]"),
        page.locator("[data-stock]"),
        page.locator("[data-sku]"),
    )
    expect(price).to_have_text("$90.00")
    expect(stock).to_have_text("In stock")
    # With the script, choosing is enough: the no-script button is hidden.
    expect(page.get_by_role("button", name="Show this option")).to_be_hidden()

    page.get_by_role("radio", name="Size: 40").check()
    expect(price).to_have_text("$80.00")
    expect(stock).to_have_text("Out of stock")
    expect(sku).to_have_text(f"ZB-{tag}-40")
    expect(page).to_have_url(f"{store.url}/p/{slug}/?variant=ZB-{tag}-40")
    screenshot(page, "catalog-product-variant-picked")


def test_the_header_search_box_suggests_products(live: LivePlatform, page: Page):
    store = live.store_a
    slug, tag = _boots(store)  # indexed by the live Celery worker
    page.goto(f"{store.url}/search/")
    box = page.locator("#site-search-q")
    box.fill("zephy")
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    option = listbox.get_by_role("option").filter(has_text=tag)
    expect(option).to_have_count(1)
    screenshot(page, "catalog-search-suggestions")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-1")
    option.get_by_role("link").click()
    expect(page).to_have_url(f"{store.url}/p/{slug}/")
