"""A shopper in a real browser on a store's storefront: browsing, filtering, searching with a
typo, choosing a variant, registering, confirming the email and signing in; the same on a
phone; and another store's storefront never showing any of it.

Store A gets a part of the demo catalog (catalog.demo_catalog: pictures and renditions
included) and the demo's composed home page, content pages and theme (storefront_cms.demo),
written through the services as the merchant's admin would; store B keeps what a new store
starts with, plus the two products every live store has. Each page is checked with axe-core
(no serious or critical violation) and left as a screenshot in tests/e2e/artifacts/, desktop
and phone: look at them.
"""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.browser import artifact, link_in, mail_to
from tests.live_server import PASSWORD, LivePlatform, LiveStore

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# The part of the demo catalog the journey needs: two departments, a brand facet, hoodies to
# search for, a variant out of stock, prints priced by size, a sold-out product.
SLUGS = (
    "everyday-organic-tee",
    "heavyweight-pocket-tee",
    "relaxed-boxy-tee",
    "harbor-fleece-hoodie",
    "midweight-zip-hoodie",
    "summit-heavyweight-hoodie",
    "speckled-stoneware-mug",
    "alpine-morning-print",
    "golden-hour-print",
    "market-canvas-tote",
    "classic-six-panel-cap",
)
HERO = "Made for slow mornings and long weekends"
TIMEOUT_MS = 10_000  # as tests/e2e/conftest.py's contexts


@pytest.fixture(scope="module")
def shop(live_platform: LivePlatform) -> LiveStore:
    """Store A with the demo's catalog (part of it) and storefront, once for this module."""
    from django.utils.text import slugify

    from catalog.demo_catalog import PRODUCTS, seed_demo_catalog
    from catalog.models import Product
    from config.celery import app
    from search.services import reindex_store
    from storefront_cms.demo import compose_demo_storefront

    store = live_platform.store_a
    wanted = tuple(item for item in PRODUCTS if slugify(item.name) in SLUGS)
    # The seed's after-commit work (renditions, indexing) runs here, not queued for a worker
    # of another queue; the search is rebuilt at the end all the same.
    app.conf.task_always_eager = True
    try:
        with live_platform.database(store):
            # Other browser tests seed some of the same demo products into store A.
            seed_demo_catalog(
                products=tuple(
                    item
                    for item in wanted
                    if not Product.objects.filter(slug=slugify(item.name)).exists()
                ),
                if_empty=False,
            )
            compose_demo_storefront(again=True)  # other browser tests compose store A too
            reindex_store()
    finally:
        app.conf.task_always_eager = False
    return store


def _open_menu_if_folded(page: Page) -> None:
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def _check(page: Page, name: str, viewport: str) -> None:
    """A screenshot to look at, and axe's verdict on the page as the shopper sees it."""
    artifact(page, f"{name}-{viewport}")
    assert_accessible(page, name=f"{name} ({viewport})")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_shopper_browses_searches_chooses_a_variant_and_registers(
    live: LivePlatform, shop: LiveStore, browser, viewport: str
):
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-US", timezone_id="UTC")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        _journey(live, shop, page, viewport)
    except Exception:
        artifact(page, f"FAILED-journey-{viewport}")
        raise
    finally:
        context.close()


def _journey(live: LivePlatform, shop: LiveStore, page: Page, viewport: str) -> None:
    # The home page, composed by the merchant: hero, categories, featured products.
    page.goto(f"{shop.url}/")
    expect(page.get_by_role("heading", name=HERO)).to_be_visible()
    expect(page.get_by_role("heading", name="Shop by category")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Everyday Organic Tee")).first).to_be_visible()
    _check(page, "home", viewport)

    # The category menu, then a facet of the listing.
    _open_menu_if_folded(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Apparel").click()
    expect(page).to_have_url(f"{shop.url}/c/apparel/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apparel")
    expect(page.get_by_role("heading", name="6 products")).to_be_visible()
    _check(page, "category", viewport)
    filters = page.locator("details.filters__facets")
    if viewport == "phone":
        # On a phone the products come first: the filters are folded until asked for.
        expect(filters).not_to_have_attribute("open", "")
        filters.locator("summary").click()
    expect(filters).to_have_attribute("open", "")
    page.get_by_role("group", name="Brand").get_by_label(re.compile("Northwind")).check()
    if page.get_by_role("button", name="Apply").is_visible():  # applied at once with JavaScript
        page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"brand=northwind"))
    expect(page.get_by_role("heading", name="3 products")).to_be_visible()
    results = page.get_by_role("region", name="3 products")
    expect(results.get_by_role("link", name="Heavyweight Pocket Tee", exact=True)).to_be_visible()
    expect(results.get_by_text("Everyday Organic Tee")).to_have_count(0)
    artifact(page, f"category-filtered-{viewport}")

    # A search with a typo is corrected.
    search = page.get_by_role("search").first.get_by_role("combobox")
    search.fill("hoddie")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=hoddie"))
    suggestion = page.get_by_role("link", name="hoodie", exact=True)
    expect(suggestion).to_be_visible()
    _check(page, "search-typo", viewport)
    suggestion.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Results for “hoodie”")
    expect(page.get_by_role("heading", name="3 products")).to_be_visible()
    _check(page, "search", viewport)

    # A product, and its variants: stock and price follow the choice.
    page.get_by_role("link", name=re.compile("Summit Heavyweight Hoodie")).first.click()
    expect(page).to_have_url(f"{shop.url}/p/summit-heavyweight-hoodie/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Summit Heavyweight Hoodie")
    expect(page.locator("[data-price]")).to_have_text("$88.00")
    _check(page, "product", viewport)
    picker = page.get_by_role("group", name="Choose an option")
    # Labelled by their options ("Size: XL, Colour: Mustard") or name ("Mustard / XL").
    picker.get_by_label(re.compile(r"Mustard.*XL|XL.*Mustard")).check()
    expect(page.locator("[data-stock]")).to_have_text("Out of stock")
    picker.get_by_label(re.compile(r"Black.*\bM\b|\bM\b.*Black")).check()
    expect(page.locator("[data-stock]")).to_have_text("In stock")
    page.goto(f"{shop.url}/p/alpine-morning-print/")
    expect(page.locator("[data-price]")).to_have_text("$29.00")
    page.get_by_role("group", name="Choose an option").get_by_label(
        re.compile("50 x 70 cm")
    ).check()
    expect(page.locator("[data-price]")).to_have_text("$45.00")
    artifact(page, f"product-variant-{viewport}")

    _register_verify_and_sign_in(live, shop, page, viewport)


def _register_verify_and_sign_in(live: LivePlatform, shop: LiveStore, page: Page, viewport: str):
    email = f"shopper-{viewport}-{secrets.token_hex(4)}@example.com"
    page.goto(f"{shop.url}/")
    page.get_by_role("link", name="Register").click()
    expect(page).to_have_url(f"{shop.url}/accounts/signup/")
    page.get_by_label(re.compile("^Email")).fill(email)
    page.get_by_label(re.compile(r"^Password$|^Password:$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\)")).fill(PASSWORD)
    _check(page, "register", viewport)
    page.get_by_role("button", name=re.compile("Sign up", re.IGNORECASE)).click()
    expect(page).to_have_url(f"{shop.url}/accounts/confirm-email/")

    page.goto(link_in(mail_to(live, email), path="/accounts/confirm-email/"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text(f"You have confirmed {email}.")).to_be_visible()

    if "/accounts/login/" not in page.url:
        page.goto(f"{shop.url}/accounts/login/")
    _check(page, "sign-in", viewport)
    page.get_by_label(re.compile("^Email")).fill(email)
    page.get_by_label(re.compile("^Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.IGNORECASE)).click()

    header = page.get_by_role("banner")
    expect(header.get_by_text(email)).to_be_visible()
    page.goto(f"{shop.url}/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    _check(page, "account", viewport)


def test_another_store_never_shows_this_stores_products_theme_or_pages(
    live: LivePlatform, shop: LiveStore, page: Page
):
    other = live.store_b

    page.goto(f"{other.url}/")
    expect(page.get_by_role("heading", name=HERO)).to_have_count(0)
    expect(page.get_by_text("Everyday Organic Tee")).to_have_count(0)
    expect(page.get_by_text("Free shipping on orders over $75")).to_have_count(0)  # A's theme
    artifact(page, "store-b-home-desktop")
    primary = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--primary').trim()"
    )
    page.goto(f"{shop.url}/")
    assert primary != page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--primary').trim()"
    ), "store B has store A's colours"

    answer = page.goto(f"{other.url}/p/everyday-organic-tee/")
    assert answer is not None and answer.status == 404
    answer = page.goto(f"{other.url}/c/apparel/")
    assert answer is not None and answer.status == 404
    page.goto(f"{other.url}/search/?q=hoodie")
    expect(page.get_by_text("Summit Heavyweight Hoodie")).to_have_count(0)
    expect(page.get_by_role("heading", name="0 products")).to_be_visible()
    page.goto(f"{other.url}/about/")
    expect(page.get_by_text("Fewer, better things")).to_have_count(0)
    artifact(page, "store-b-about-desktop")
