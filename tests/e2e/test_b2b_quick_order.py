"""A company buyer's quick order in a real browser: from the header's "Quick order" link, they
type SKU lines, see each line checked as they type (htmx: product, their price, stock, the
reason of a bad line), fix the bad line, add everything to the cart and find the lines there.
Screenshots in tests/e2e/screenshots/b2b-quick-order-*.png: look at them."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import screenshot, sign_in
from tests.live_server import LivePlatform, LiveStore

pytestmark = pytest.mark.e2e


def _two_products(store: LiveStore) -> str:
    """Two products for businesses, made through the owner's API; the tag of their SKUs."""
    tag = secrets.token_hex(3).upper()
    for letter, price, step in (("A", "12.00", 1), ("B", "4.50", 6)):
        answer = store.client("owner").post(
            "/api/v1/catalog/products/",
            json={
                "name": f"Copier paper {letter} {tag}",
                "status": "active",
                "variants": [
                    {
                        "sku": f"QO-{tag}-{letter}",
                        "price": price,
                        "stock_on_hand": 40,
                        "quantity_min": step,
                        "quantity_step": step,
                    }
                ],
            },
        )
        assert answer.status_code == 201, answer.text
    return tag


def test_a_company_buyer_types_skus_sees_them_checked_and_adds_them_to_the_cart(
    live: LivePlatform, page: Page
):
    store = live.store_a
    tag = _two_products(store)
    sign_in(page.context, store, live.new_person(store, "company_buyer"))

    page.goto(f"{store.url}/")
    page.get_by_role("link", name="Quick order").click()
    expect(page.get_by_role("heading", name="Quick order")).to_be_visible()

    box = page.get_by_label("SKU and quantity, one per line")
    box.press_sequentially(f"qo-{tag}-a 3\nQO-{tag}-B 7\nNOPE-{tag} 1", delay=5)
    rows = page.locator("[data-testid=report-row]")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text(f"Copier paper A {tag}")
    expect(rows.nth(0)).to_contain_text("$12.00")
    expect(rows.nth(0)).to_contain_text("Ready")
    expect(rows.nth(1)).to_contain_text("Sold in steps of 6 from 6")
    expect(rows.nth(2)).to_contain_text("No product has this SKU.")
    expect(page.get_by_test_id("quick-order-summary")).to_contain_text("2 to fix")
    screenshot(page, "b2b-quick-order-checked")

    box.fill(f"QO-{tag}-A 3\nQO-{tag}-B, 12")
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("quick-order-summary")).to_contain_text("2 ready")
    expect(page.get_by_test_id("quick-order-summary")).not_to_contain_text("to fix")
    page.get_by_test_id("add-all").click()

    expect(page).to_have_url(f"{store.url}/cart/")
    expect(page.get_by_text("Added 2 lines to your cart from quick order.")).to_be_visible()
    expect(page.get_by_role("link", name=f"Copier paper A {tag}")).to_be_visible()
    expect(page.get_by_role("link", name=f"Copier paper B {tag}")).to_be_visible()
    expect(page.get_by_label(f"Quantity of Copier paper B {tag}")).to_have_value("12")
    screenshot(page, "b2b-quick-order-cart")
