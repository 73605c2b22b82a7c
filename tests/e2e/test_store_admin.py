"""The store admin (Wagtail) in a browser, as the store's staff reach it."""

from playwright.sync_api import Page, expect

from tests.e2e.browser import screenshot
from tests.live_server import LivePlatform


def test_store_owner_signs_in_to_the_store_admin_and_sees_the_dashboard(
    live: LivePlatform, page: Page
):
    store = live.store_a
    owner = store.people["owner"]

    page.goto(f"{store.url}/admin/")
    expect(page).to_have_url(f"{store.url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(owner.email)
    page.get_by_label("Password").fill(owner.password)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{store.url}/admin/")
    expect(page.get_by_role("heading", level=2, name=owner.email)).to_be_visible()
    expect(page.get_by_role("link", name="6 Pages")).to_be_visible()  # home + 5 content pages
    expect(page.get_by_role("link", name="Billing")).to_be_visible()
    screenshot(page, "store-admin-dashboard")
