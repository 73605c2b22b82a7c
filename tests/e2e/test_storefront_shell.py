"""The storefront's shell in a browser, on a desktop and on a phone: the composed home page with
the merchant's theme and menus, and the sign-in page in the same theme. Screenshots are taken
of each (tests/e2e/screenshots/storefront-*.png): look at them, this is what shoppers see first."""

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.browser import screenshot
from tests.live_server import LivePlatform, LiveStore

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def compose_storefront(live: LivePlatform, store: LiveStore) -> None:
    """A home page and theme as a merchant would make them (committed: the server sees them)."""
    from catalog.models import Category, Product
    from storefront_cms.models import HomePage
    from tests.storefront_cms.conftest import update_theme

    with live.database(store):
        categories = [
            Category.objects.filter(slug=slug).first() or Category.add_root(name=name, slug=slug)
            for name, slug in (("Lighting", "lighting"), ("Kitchen", "kitchen"), ("Desk", "desk"))
        ]
        products = Product.objects.filter(status="active").order_by("name")
        home = HomePage.objects.get()
        home.body = [
            {
                "type": "hero",
                "value": {
                    "heading": "Good things for everyday rooms",
                    "text": "Lamps, mugs and desk companions, made in small batches.",
                    "image": None,
                    "button_text": "Shop new arrivals",
                    "button_link": "/search/?q=new",
                },
            },
            {
                "type": "featured_products",
                "value": {"heading": "Featured", "products": [p.pk for p in products]},
            },
            {
                "type": "category_grid",
                "value": {"heading": "Shop by category", "categories": [c.pk for c in categories]},
            },
            {
                "type": "promo_strip",
                "value": {"text": "Free returns within 30 days", "link": "/faq/"},
            },
        ]
        home.save_revision().publish()
        update_theme(
            primary_color="#0b6e4f",
            accent_color="#f2c14e",
            announcement_text="Free shipping on orders over $50",
            announcement_link="/shipping-returns/",
            instagram_url="https://instagram.com/example",
        )


@pytest.fixture
def composed_store(live: LivePlatform) -> LiveStore:
    compose_storefront(live, live.store_a)
    return live.store_a


@pytest.mark.parametrize(("device", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_shopper_sees_the_composed_home_page_in_the_store_theme(
    composed_store: LiveStore, page: Page, device: str, viewport: dict
):
    page.set_viewport_size(viewport)
    page.goto(f"{composed_store.url}/")

    expect(page.get_by_role("heading", name="Good things for everyday rooms")).to_be_visible()
    expect(page.get_by_role("link", name="Free shipping on orders over $50")).to_be_visible()
    expect(page.get_by_role("heading", name="Featured")).to_be_visible()
    expect(page.get_by_role("link", name="Lighting").last).to_be_visible()
    expect(page.get_by_role("search").first).to_be_visible()
    background = page.locator(".hero").evaluate("element => getComputedStyle(element).color")
    assert background == "rgb(255, 255, 255)"  # white text on the merchant's green
    screenshot(page, f"storefront-home-{device}")

    if device == "phone":
        menu = page.get_by_role("button", name="Menu")
        nav = page.get_by_role("navigation", name="Main")
        expect(nav).to_be_hidden()
        menu.click()
        expect(nav).to_be_visible()
        expect(menu).to_have_attribute("aria-expanded", "true")
        screenshot(page, "storefront-home-phone-menu")


def test_the_search_box_works_without_javascript(composed_store: LiveStore, browser):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(f"{composed_store.url}/")
        page.get_by_role("searchbox", name="Search products").first.fill("lamp")
        page.get_by_role("button", name="Search").first.click()
        assert page.url.endswith("/search/?q=lamp")
        # Without JavaScript the main menu stays open on a phone-sized window too.
        page.set_viewport_size(PHONE)
        page.goto(f"{composed_store.url}/")
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize(("device", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_shopper_signs_in_on_the_themed_page_and_the_header_says_so(
    live: LivePlatform,
    composed_store: LiveStore,
    context: BrowserContext,
    page: Page,
    device: str,
    viewport: dict,
):
    shopper = live.new_person(composed_store, "customer")
    page.set_viewport_size(viewport)
    page.goto(f"{composed_store.url}/")
    page.get_by_role("link", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")
    expect(page.get_by_role("link", name="Back to the shop")).to_be_visible()
    screenshot(page, f"storefront-sign-in-{device}")

    page.get_by_label("Email:", exact=True).fill(shopper.email)
    page.get_by_label("Password:", exact=True).fill(shopper.password)
    page.get_by_role("button", name="Sign In").click()

    account = page.get_by_role("navigation", name="Your account")
    expect(account.get_by_role("link", name=shopper.email)).to_be_visible()
    expect(account.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(f"{composed_store.url}/account/")
    expect(page.get_by_role("link", name="Continue shopping")).to_be_visible()
    screenshot(page, f"storefront-account-{device}")


# (The live server runs with DEBUG on, so its 404 is Django's technical page: the store's own
# 404 is tested with DEBUG off in tests/storefront_cms/test_errors.py.)
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/", "/about/"])
def test_nothing_overflows_a_360_pixel_phone(composed_store: LiveStore, page: Page, path: str):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{composed_store.url}{path}")

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    assert overflow <= 0
