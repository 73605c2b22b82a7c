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
    expect(page.locator('[data-step="payments"]')).to_have_attribute("data-state", "to-do")
    expect(page.get_by_role("link", name="6 Pages")).to_be_visible()  # home + 5 content pages
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


def test_the_owner_finds_a_customer_and_manages_the_staff(live: LivePlatform, page: Page):
    store = live.store_a
    customer = store.people["customer"]
    sign_in(page.context, store, "owner")

    page.goto(f"{store.url}/admin/customers/")
    expect(page.get_by_role("heading", level=1, name="Customers")).to_be_visible()
    page.get_by_role("textbox", name="Search term").fill(customer.email)
    row = page.get_by_role("row").filter(has_text=customer.email)
    expect(row).to_have_count(1)
    screenshot(page, "store-admin-customers")

    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Profile")).to_be_visible()
    expect(page.get_by_role("button", name="Deactivate account")).to_be_visible()
    screenshot(page, "store-admin-customer")

    page.goto(f"{store.url}/admin/store/staff/")
    expect(page.locator(f'[data-member="{store.people["support"].email}"]')).to_be_visible()
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("not-an-email")
    screenshot(page, "store-admin-staff")
