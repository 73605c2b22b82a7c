"""Settings > Shipping in a browser: the owner adds a zone, a delivery option priced by weight
bands, and sees the zone offered by the public quote."""

from playwright.sync_api import Page, expect

from tests.e2e.browser import screenshot, sign_in
from tests.live_server import LivePlatform


def test_the_owner_sets_up_delivery_by_weight_and_the_quote_offers_it(
    live: LivePlatform, page: Page
):
    store = live.store_a
    sign_in(page.context, store, "owner")

    page.goto(f"{store.url}/admin/")
    page.get_by_role("button", name="Settings").click()
    page.get_by_role("link", name="Shipping", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Shipping")).to_be_visible()
    page.get_by_role("link", name="Add a zone").click()

    page.get_by_label("Name").fill("Iceland by weight")
    page.get_by_label("Countries").select_option("IS")
    page.get_by_label("Postcodes").fill("101-199")
    page.get_by_role("button", name="Add zone").click()
    expect(page.get_by_text("now add its delivery options")).to_be_visible()

    page.get_by_role("link", name="Add a delivery option").click()
    page.get_by_label("Name").fill("Pósturinn")
    page.get_by_label("By weight").check()
    page.get_by_label("From of band 1").fill("0")
    page.get_by_label("Up to of band 1").fill("2000")
    page.get_by_label("Price of band 1").fill("12")
    page.get_by_label("From of band 2").fill("1500")
    page.get_by_label("Price of band 2").fill("20")
    page.get_by_role("button", name="Add delivery option").click()
    # Overlapping bands are refused above the bands, with the rows kept.
    expect(page.get_by_text("bands may not overlap")).to_be_visible()
    expect(page.get_by_label("From of band 2")).to_have_value("1500")
    screenshot(page, "store-admin-shipping-option-refused")

    page.get_by_label("From of band 2").fill("2000")
    page.get_by_role("button", name="Add delivery option").click()
    row = page.locator('[data-option="Pósturinn"]')
    expect(row).to_contain_text("2000.00\u2013…: 20.00")
    screenshot(page, "store-admin-shipping-zone")

    page.goto(f"{store.url}/admin/shipping/")
    expect(page.locator('[data-zone="Iceland by weight"]')).to_contain_text("Pósturinn")
    screenshot(page, "store-admin-shipping")

    query = "?country=IS&postal_code=105&weight_grams=2500&subtotal=10"
    quote = store.client().get(f"/api/v1/shipping/options/{query}").json()
    assert quote["zone"]["name"] == "Iceland by weight"
    assert [(o["name"], o["price"]) for o in quote["options"]] == [("Pósturinn", "20.00")]
