"""A company buyer orders above their spending limit with a PO number and the "invoice /
purchase order" method, in a real browser; the order waits for approval; an approver of the
company signs in, finds it on the approvals page and approves it; the buyer sees it approved.
Screenshots in tests/e2e/artifacts/b2b-approval-*.png: look at them."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import artifact, sign_in
from tests.e2e.checkout_flow import MUG, address_and_delivery, fill_cart
from tests.live_server import LivePlatform, LiveStore

TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def shop(live_platform: LivePlatform) -> LiveStore:
    """Store A with the demo mug, the demo's shipping and taxes, COD and invoice enabled."""
    from django.utils.text import slugify

    from catalog.demo_catalog import PRODUCTS, seed_demo_catalog
    from catalog.models import Product
    from config.celery import app
    from payments import services as payment_services
    from shipping.demo import seed_demo_shipping
    from taxes.demo import set_up_demo_taxes

    store = live_platform.store_a
    wanted = tuple(item for item in PRODUCTS if slugify(item.name) == MUG)
    app.conf.task_always_eager = True
    try:
        with live_platform.database(store):
            seed_demo_catalog(
                products=tuple(
                    item
                    for item in wanted
                    if not Product.objects.filter(slug=slugify(item.name)).exists()
                ),
                if_empty=False,
            )
            seed_demo_shipping()
            set_up_demo_taxes()
            payment_services.set_method_settings(data={"enabled_methods": ["cod", "invoice"]})
    finally:
        app.conf.task_always_eager = False
    yield store
    # Store A is shared by the browser tests: its dashboard expects no payment method set up.
    with live_platform.database(store):
        payment_services.set_method_settings(data={"enabled_methods": []})


def _company(live: LivePlatform, store: LiveStore):
    """A company on net 30 with a credit limit: a buyer with a spending limit of 1.00 and an
    approver, each a fresh person signed in through the API once."""
    from accounts import services
    from accounts.models import Company, CompanyMembership, User

    buyer = live.new_person(store, "customer")
    approver = live.new_person(store, "customer")
    with live.database(store):
        company = services.create_company(
            name=f"Initech {uuid.uuid4().hex[:4]}", admin=User.objects.get(pk=approver.user_id)
        )
        Company.objects.filter(pk=company.pk).update(
            payment_terms=Company.PaymentTerms.NET_30, credit_limit=Decimal("5000.00")
        )
        CompanyMembership.objects.filter(user_id=approver.user_id).update(
            role=CompanyMembership.Role.APPROVER
        )
        services.add_company_member(
            company=company,
            user=User.objects.get(pk=buyer.user_id),
            role=CompanyMembership.Role.BUYER,
        )
        CompanyMembership.objects.filter(user_id=buyer.user_id).update(
            spending_limit=Decimal("1.00")
        )
    return buyer, approver


def test_a_buyer_orders_above_their_limit_and_an_approver_approves(
    live: LivePlatform, shop: LiveStore, browser
):
    buyer, approver = _company(live, shop)
    buying = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    buying.set_default_timeout(TIMEOUT_MS)
    page = buying.new_page()
    approving = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    approving.set_default_timeout(TIMEOUT_MS)
    other = approving.new_page()
    try:
        _journey(live, shop, buyer, approver, buying, page, other)
    except Exception:
        artifact(page, "FAILED-b2b-approval-buyer")
        artifact(other, "FAILED-b2b-approval-approver")
        raise
    finally:
        buying.close()
        approving.close()


def _journey(live, shop, buyer, approver, buying, page: Page, other: Page) -> None:
    sign_in(buying, shop, buyer)
    fill_cart(live, shop, buyer.user_id, quantity=2)

    page.goto(f"{shop.url}/checkout/")
    address_and_delivery(page, buyer.email)

    # Payment: the invoice method is offered to the company's buyer, with a PO number field.
    expect(page).to_have_url(re.compile(r"/checkout/payment/$"))
    page.get_by_label(re.compile("Invoice / purchase order")).check()
    page.get_by_label("Your PO number (optional)").fill("PO-E2E-42")
    artifact(page, "b2b-approval-1-payment")
    page.get_by_role("button", name="Review your order").click()

    expect(page).to_have_url(re.compile(r"/checkout/review/$"))
    expect(page.get_by_text("PO number: PO-E2E-42")).to_be_visible()
    page.get_by_role("button", name=re.compile("Place order")).click()

    # Above the spending limit: placed, awaiting approval.
    expect(page).to_have_url(re.compile(r"/checkout/complete/\d+/$"))
    number = int(re.search(r"/complete/(\d+)/", page.url).group(1))
    expect(page.get_by_test_id("awaiting-approval")).to_be_visible()
    expect(page.get_by_test_id("po-number")).to_have_text("PO-E2E-42")
    artifact(page, "b2b-approval-2-confirmation")
    page.goto(f"{shop.url}/account/orders/{number}/")
    expect(page.get_by_test_id("order-status")).to_have_text("Awaiting approval")

    # The approver finds it on the approvals page and approves it.
    sign_in(other.context, shop, approver)
    other.goto(f"{shop.url}/account/")
    other.get_by_role("link", name="Approvals").click()
    expect(other.get_by_role("heading", name="Orders awaiting your approval")).to_be_visible()
    row = other.locator(f'[data-order="{number}"]')
    expect(row).to_contain_text("PO-E2E-42")
    expect(row).to_contain_text(buyer.email)
    artifact(other, "b2b-approval-3-approvals")
    row.get_by_role("link", name=f"#{number}").click()
    expect(other.get_by_role("heading", name=f"Order #{number}")).to_be_visible()
    other.get_by_label("Note for the buyer (optional)").fill("Within this quarter's budget.")
    artifact(other, "b2b-approval-4-order")
    other.get_by_role("button", name=f"Approve order #{number}").click()
    expect(other.get_by_text(f"Order #{number} approved")).to_be_visible()
    expect(other.get_by_test_id("no-approvals")).to_be_visible()
    artifact(other, "b2b-approval-5-approved")

    # The buyer sees it approved, with who approved it and the note.
    page.reload()
    expect(page.get_by_test_id("order-status")).to_have_text("Pending")
    expect(page.get_by_test_id("po-number")).to_have_text("PO-E2E-42")
    expect(page.get_by_test_id("timeline")).to_contain_text("Approved")
    expect(page.get_by_test_id("timeline")).to_contain_text("Within this quarter's budget.")
    artifact(page, "b2b-approval-6-buyer-order")
