"""A business applies in a real browser: the company area's application form (no JavaScript
needed), a bad VAT number refused next to its field, then the pending company's overview.
Left as screenshots in tests/e2e/screenshots/."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.browser import screenshot, sign_in
from tests.live_server import LivePlatform


def test_a_customer_applies_for_a_business_account(
    live: LivePlatform, context: BrowserContext, page: Page
):
    store = live.store_a
    sign_in(context, store, live.new_person(store, "customer"))

    page.goto(f"{store.url}/account/")
    page.get_by_role("navigation", name="Account pages").get_by_role("link", name="Company").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply for a business account")
    page.get_by_label("Company name").fill("Acme GmbH")
    page.get_by_label("Country of registration").select_option("DE")
    page.get_by_label("VAT or tax number").fill("DE136695977")
    page.get_by_label("Contact name").fill("Ana Weber")
    page.get_by_label("Contact email").fill("ana@acme.example")
    billing = {"full_name": "Ana Weber", "line1": "Friedrichstraße 68", "city": "Berlin",
               "postal_code": "10117"}  # fmt: skip
    for name, value in billing.items():
        page.locator(f"[name=billing-{name}]").fill(value)
    page.locator("[name=billing-country]").select_option("DE")
    page.get_by_label("The shipping address is the billing address").check()
    page.get_by_role("button", name="Send the application").click()

    expect(page.get_by_text("not a valid DE VAT number")).to_be_visible()
    screenshot(page, "b2b-company-application-refused")
    page.get_by_label("VAT or tax number").fill("DE136695976")
    page.get_by_label("The shipping address is the billing address").check()
    page.get_by_role("button", name="Send the application").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Acme GmbH")
    expect(page.get_by_text("Awaiting approval")).to_be_visible()
    expect(page.get_by_role("navigation", name="Company area")).to_be_visible()
    screenshot(page, "b2b-company-overview")
