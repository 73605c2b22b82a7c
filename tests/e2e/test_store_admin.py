"""The store admin (Wagtail) in a browser, as the store's staff reach it."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.browser import screenshot, sign_in
from tests.live_server import LivePlatform


def test_store_owner_signs_in_to_the_store_admin_and_sees_the_dashboard(
    live: LivePlatform, page: Page
):
    store = live.store_a
    owner = store.people["owner"]
    outside_requests: list[str] = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(store.url) else outside_requests.append(request.url)
        ),
    )

    page.goto(f"{store.url}/admin/")
    # Staff sign in on the store's own sign-in page (allauth's), by email.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=(/|%2F)admin(/|%2F)$"))
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(owner.password)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{store.url}/admin/")
    # The store's name (tests.live_server names store A "Live store A"), not the platform's.
    expect(page.get_by_role("heading", level=1, name="Live store A")).to_be_visible()
    expect(page).to_have_title("Dashboard - Live store A")
    expect(page.get_by_role("heading", name="Getting started")).to_be_visible()
    expect(page.locator('[data-step="payments"]')).to_contain_text("coming soon")
    expect(page.get_by_role("link", name="1 Page")).to_be_visible()
    screenshot(page, "store-admin-dashboard")
    # Nothing on the page was fetched from another host (no Gravatar, no release check).
    assert outside_requests == []


def test_billing_is_under_the_settings_menu(live: LivePlatform, page: Page):
    store = live.store_a
    sign_in(page.context, store, "owner")

    page.goto(f"{store.url}/admin/")
    page.get_by_role("button", name="Settings").click()

    expect(page.get_by_role("link", name="Billing")).to_be_visible()
    expect(page.get_by_role("link", name="Store details")).to_be_visible()
    expect(page.get_by_role("link", name="Staff")).to_be_visible()
    screenshot(page, "store-admin-settings-menu")
