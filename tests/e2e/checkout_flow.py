"""What the checkout browser tests share: a signed-in shopper's cart filled on the live store,
and the checkout's first two steps (contact and a new US address, then the standard delivery)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.browser import artifact
from tests.live_server import LivePlatform, LiveStore

MUG = "speckled-stoneware-mug"  # a demo product store A has


def fill_cart(
    live: LivePlatform, store: LiveStore, user_id: int, *, slug: str = MUG, quantity: int = 1
) -> str:
    """``quantity`` of the first variant of ``slug`` with that much stock in the person's cart;
    returns the product's name."""
    from accounts.models import User
    from cart import services as cart_services
    from catalog.models import ProductVariant
    from pricing import Buyer

    with live.database(store):
        user = User.objects.get(pk=user_id)
        variant = (
            ProductVariant.objects.filter(product__slug=slug, stock_on_hand__gte=quantity)
            .select_related("product")
            .order_by("pk")
            .first()
        )
        cart = cart_services.open_cart_for_user(user=user)
        cart_services.add_line(
            cart=cart, variant_id=variant.pk, quantity=quantity, buyer=Buyer(user=user)
        )
        return variant.product.name


def address_and_delivery(page: Page, email: str, *, screenshots: str = "") -> None:
    """On the checkout's first page: the email (unless known), a new San Francisco address,
    then the standard delivery; leaves the shopper on the payment step. With ``screenshots``,
    each step is kept as ``<screenshots>-1-address`` and ``<screenshots>-2-delivery``."""
    field = page.get_by_label("Email")
    if not field.input_value():
        field.fill(email)
    new_address = page.get_by_label("A new address")
    if new_address.count():
        new_address.check()
    for name, value in (
        ("full_name", "Ada Lovelace"),
        ("line1", "1 Market St"),
        ("city", "San Francisco"),
        ("region", "CA"),
        ("postal_code", "94105"),
    ):
        page.locator(f'[name="shipping-{name}"]').fill(value)
    page.locator('[name="shipping-country"]').select_option("US")
    # The billing fields show only while the billing address differs.
    same = page.get_by_label("The billing address is the shipping address")
    billing = page.locator(".checkout-billing")
    expect(same).to_be_checked()
    expect(billing).to_be_hidden()
    same.uncheck()
    expect(billing).to_be_visible()
    same.check()
    expect(billing).to_be_hidden()
    if screenshots:
        artifact(page, f"{screenshots}-1-address")
    page.get_by_role("button", name="Continue to delivery").click()

    expect(page).to_have_url(re.compile(r"/checkout/delivery/$"))
    page.get_by_label(re.compile("Standard")).check()
    if screenshots:
        artifact(page, f"{screenshots}-2-delivery")
    page.get_by_role("button", name="Continue to payment").click()
