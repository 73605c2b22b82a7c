"""Fixtures for the storefront's pages: a store's schema, its home page, theme and images; a small
catalog in store A (categories, brands, attributes, variants, channels), indexed for the search,
and clients of the storefront's host."""

import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.db import connection
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.models import Site

from catalog import services as catalog
from search import services as search
from storefront_cms.models import ContentPage, HomePage, ThemeSettings
from tests.catalog.factories import attribute, product


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded images and their renditions go to a fresh directory per test."""
    settings.MEDIA_ROOT = tmp_path
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    return tmp_path


@pytest.fixture
def in_store_a(store_a):
    connection.set_tenant(store_a)
    return store_a


@pytest.fixture
def in_store_b(store_b):
    connection.set_tenant(store_b)
    return store_b


def home_page() -> HomePage:
    return HomePage.objects.get()


def content_page(slug: str) -> ContentPage:
    return ContentPage.objects.get(slug=slug)


def set_home_body(blocks: list[dict]) -> HomePage:
    """Publish the current store's home page with this body (raw JSON, as contract 7 says)."""
    home = home_page()
    home.body = blocks
    home.save_revision().publish()
    return home


def theme() -> ThemeSettings:
    return ThemeSettings.for_site(Site.objects.get(is_default_site=True))


def update_theme(**fields) -> ThemeSettings:
    settings = theme()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return settings


def wagtail_image(title: str = "Picture", size=(1600, 900), colour=(40, 90, 160)):
    output = io.BytesIO()
    PillowImage.new("RGB", size, color=colour).save(output, "JPEG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(output, name=f"{title.lower().replace(' ', '-')}.jpg")
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Cached pages live in Redis, which outlives the test transactions.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shop(store_a, store_client):
    """An anonymous shopper's client of store A (the test goes on in store A's schema)."""
    connection.set_tenant(store_a)
    return store_client(store_a)


@pytest.fixture
def catalog_a(store_a):
    """Shoes and lamps in store A: a category tree, two brands, colours, a multi-variant
    product, one out of stock, one for businesses only, one draft."""
    connection.set_tenant(store_a)
    clothing = catalog.create_category(name="Clothing")
    shoes = catalog.create_category(name="Shoes", parent=clothing)
    home = catalog.create_category(name="Home")
    lighting = catalog.create_category(name="Lighting", parent=home)
    attribute("colour", "choice", ["Black", "White", "Red"])
    made = {
        "runner": product(
            "Trail Runner",
            categories=[shoes],
            brand_name="Stride",
            description="<p>Light <b>trail</b> shoes.<script>alert(1)</script></p>",
            seo_title="Trail Runner shoes",
            seo_description="Grippy trail shoes for wet rock.",
            variants=[
                {
                    "sku": "RUN-40",
                    "price": Decimal("80.00"),
                    "stock_on_hand": 0,
                    "options": {"size": "40"},
                },
                {
                    "sku": "RUN-42",
                    "price": Decimal("90.00"),
                    "b2b_price": Decimal("60.00"),
                    "stock_on_hand": 3,
                    "options": {"size": "42"},
                },
            ],
        ),
        "loafer": product("City Loafer", price="120", categories=[shoes], brand_name="Stride"),
        "boot": product("Winter Boot", price="150", categories=[shoes], stock=0),
        "lamp": product("Brass Desk Lamp", price="45", categories=[lighting], brand_name="Lumen"),
        "floor": product("Floor Lamp", price="140", categories=[lighting], brand_name="Lumen"),
        "trade": product(
            "Trade Lamp Pack",
            categories=[lighting],
            brand_name="Lumen",
            visible_b2c=False,
            variants=[{"sku": "TRADE-1", "price": Decimal("20"), "b2b_price": Decimal("12")}],
        ),
        "draft": product("Draft Lamp", status="draft", categories=[lighting]),
    }
    catalog.set_attribute_values(owner=made["lamp"], values={"colour": "black"})
    catalog.set_attribute_values(owner=made["floor"], values={"colour": "white"})
    search.reindex_store()
    return made
