"""The platform's own host in a browser: a merchant opens a store; crawlers are told the rules."""

import re
import secrets

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.e2e.browser import mail_to, screenshot
from tests.live_server import PASSWORD, LivePlatform, purge_live_stores

PLATFORM_ROBOTS = "User-agent: *\nDisallow: /admin/\nDisallow: /api/\nDisallow: /accounts/\n"


@pytest.fixture
def new_subdomain(live: LivePlatform):
    """A free subdomain for a store the test opens, the store purged afterwards (the ``live-``
    prefix has a run that was interrupted purge it at its start)."""
    subdomain = f"live-e2e-{secrets.token_hex(3)}"
    yield subdomain
    from tenants.models import Tenant

    with live.database():
        opened = Tenant.objects.filter(slug=subdomain).values_list("pk", flat=True)
        purge_live_stores(only=list(opened))


def test_merchant_opens_a_store_on_the_signup_page_and_reaches_its_admin(
    live: LivePlatform, page: Page, new_subdomain: str
):
    email = f"merchant-{new_subdomain}@example.com"
    store_url = f"http://{new_subdomain}.{settings.PLATFORM_DOMAIN}:{live.port}/"

    page.goto(f"{live.url}/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open your store")
    page.get_by_label("Store name").fill("Tandem Bicycles")
    page.get_by_label("Address", exact=True).fill(new_subdomain)
    page.get_by_label("Your email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    screenshot(page, "platform-signup-filled")
    page.get_by_role("button", name="Open my store").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Tandem Bicycles is open")
    expect(page.get_by_role("link", name=store_url)).to_have_attribute("href", store_url)
    expect(page.get_by_text(f"We have sent a welcome email to {email}.")).to_be_visible()
    screenshot(page, "platform-signup-done")

    page.get_by_role("link", name="Sign in to your store's admin").click()

    # The store's own sign-in page (allauth's, by email), not Wagtail's username form.
    expect(page).to_have_url(re.compile(re.escape(f"{store_url}accounts/login/?next=") + ".*admin"))
    expect(page.get_by_label("Email")).to_be_visible()
    screenshot(page, "new-store-admin-sign-in")
    assert f"{store_url}admin/" in mail_to(live, email)  # the welcome email, sent by the worker


def test_platform_host_tells_crawlers_what_to_leave_alone(live: LivePlatform, page: Page):
    response = page.goto(f"{live.url}/robots.txt")

    assert response.status == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text() == PLATFORM_ROBOTS
    expect(page.locator("pre")).to_have_text(PLATFORM_ROBOTS)
    screenshot(page, "platform-robots-txt")
