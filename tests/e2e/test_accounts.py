"""A store's shoppers in a browser: registering, confirming the email, their account page."""

import secrets

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.browser import link_in, mail_to, screenshot, sign_in
from tests.live_server import PASSWORD, LivePlatform


def test_shopper_registers_and_is_asked_to_confirm_their_email(live: LivePlatform, page: Page):
    store = live.store_a
    email = f"shopper-{secrets.token_hex(4)}@example.com"

    page.goto(f"{store.url}/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign Up")
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again):", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    expect(page).to_have_url(f"{store.url}/accounts/confirm-email/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    expect(page.get_by_text(f"Confirmation email sent to {email}.")).to_be_visible()
    expect(page.get_by_text("We have sent an email to you for verification.")).to_be_visible()
    screenshot(page, "shopper-verify-email")

    page.goto(link_in(mail_to(live, email), path="/accounts/confirm-email/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Email Address")
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_text(f"You have confirmed {email}.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")
    screenshot(page, "shopper-email-confirmed")


def test_signed_in_customer_sees_their_account_page(
    live: LivePlatform, context: BrowserContext, page: Page
):
    customer = sign_in(context, live.store_a, live.new_person(live.store_a, "customer"))

    page.goto(f"{live.store_a.url}/account/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text(customer.email, exact=True)).to_be_visible()
    expect(page.get_by_text("No addresses yet.")).to_be_visible()
    screenshot(page, "customer-account")
