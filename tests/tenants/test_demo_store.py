"""`make run`'s demo store: provisioned once, with a catalog a merchant would be proud of."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from wagtail.images import get_image_model
from wagtail.models import Revision

from catalog.demo_catalog import PRODUCTS
from catalog.images import RENDITIONS
from catalog.models import Brand, Category, Product, ProductImage, ProductVariant
from orders.models import OrderSettings
from storefront_cms.models import ContentPage, HomePage
from tenants.models import Tenant


@pytest.fixture
def media_root(settings, tmp_path):
    # The pictures drawn by the seed go to a folder of this test, not the developer's demo.
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def fresh_demo_cache():
    # The demo's schema name is the same in every run and its rows' ids too (the test's
    # transaction is rolled back), so Redis may remember renditions of an earlier run's
    # pictures under the same keys: forget the demo schema's keys, and only those.
    with schema_context("demo"):
        cache.delete_pattern("*")


def _store_state() -> dict:
    return {
        "products": sorted(Product.objects.values_list("slug", "updated_at")),
        "variants": ProductVariant.objects.count(),
        "images": sorted(ProductImage.objects.values_list("image", flat=True)),
        "categories": Category.objects.count(),
        "revisions": Revision.objects.count(),
        "pictures": get_image_model().objects.count(),
    }


def test_demo_store_is_created_once_with_a_catalog_a_merchant_would_show(
    db, media_root, fresh_demo_cache
):
    # One test (the seed draws and renders about 60 pictures): created, then left as it is.
    call_command("create_demo_store")
    demo = Tenant.objects.get(slug="demo")
    connection.set_tenant(demo)
    before = _store_state()
    connection.set_schema_to_public()

    call_command("create_demo_store")  # a second run leaves it as it is

    assert demo.plan.code == "pro"
    connection.set_tenant(demo)
    assert _store_state() == before
    assert Product.objects.count() == len(PRODUCTS) >= 24
    # Its new-order emails go to its owner (Settings > Notifications).
    assert OrderSettings.objects.get(pk=1).notify_staff_email == "owner@example.com"
    connection.set_schema_to_public()

    client = Client(HTTP_HOST="demo.localhost")
    listing = client.get("/api/v1/shop/products/")
    assert listing.status_code == 200
    assert listing.json()["results"]
    found = client.get("/api/v1/search/", {"q": "hoodie"})
    assert found.status_code == 200
    assert found.json()["count"] == 5
    # A typo is corrected, as the storefront's "did you mean" shows it.
    typo = client.get("/api/v1/search/", {"q": "hoddie"})
    assert typo.status_code == 200
    assert typo.json()["did_you_mean"] == "hoodie"

    connection.set_tenant(demo)
    _assert_catalog_looks_like_a_real_shop()
    _assert_home_page_is_composed()
    _assert_content_pages_are_written()
    connection.set_schema_to_public()

    home = client.get("/")
    assert home.status_code == 200
    html = home.content.decode()
    assert "Made for slow mornings and long weekends" in html
    assert "Everyday Organic Tee" in html  # a featured product's card
    assert "Shop by category" in html and "Hoodies" in html
    assert 'alt="Hoodies"' in html  # the category card's picture
    about = client.get("/about/")
    assert about.status_code == 200
    assert "Fewer, better things" in about.content.decode()


def _assert_catalog_looks_like_a_real_shop() -> None:
    tree = {
        category.name: sorted(child.name for child in category.get_children())
        for category in Category.get_root_nodes()
    }
    assert tree == {
        "Accessories": ["Bags", "Caps"],
        "Apparel": ["Hoodies", "T-shirts"],
        "Homeware": ["Mugs", "Posters"],
    }
    assert Brand.objects.count() >= 5
    # Every category has its own picture (a Wagtail image), its card renditions made.
    pictures = {category.name: category.image for category in Category.objects.all()}
    assert None not in pictures.values()
    assert len({image.pk for image in pictures.values()}) == len(pictures) == 9
    for image in pictures.values():
        assert (image.width, image.height) == (960, 720)
        specs = set(image.renditions.values_list("filter_spec", flat=True))
        assert {"fill-480x360", "fill-960x720"} <= specs

    tee = Product.objects.get(slug="everyday-organic-tee")
    assert tee.brand.name == "Harbor & Pine"
    assert tee.description.count("<p>") >= 3
    assert {tuple(sorted(v.options)) for v in tee.variants.all()} == {("colour", "size")}
    assert {v.options["colour"] for v in tee.variants.all()} == {"Navy", "White", "Sage"}
    assert {value.attribute.code for value in tee.attribute_values.all()} == {"material", "fit"}
    assert tee.attribute_tokens  # the facets have something to count

    # Stock a shopper notices: some variants running low, one product sold out.
    assert ProductVariant.objects.filter(stock_on_hand__gt=0, stock_on_hand__lte=5).count() >= 3
    sold_out = Product.objects.filter(in_stock=False)
    assert list(sold_out.values_list("name", flat=True)) == ["Golden Hour Print"]
    assert Product.objects.exclude(variants__compare_at_price=None).exists()  # some on sale

    # Every product has a picture per colour, a JPEG of 1200x1200 with alt text, and its
    # renditions are there already (the storefront shows them without waiting for a worker).
    assert not Product.objects.filter(images=None).exists()
    for image in ProductImage.objects.all():
        assert (image.width, image.height) == (1200, 1200)
        assert image.alt_text
        assert set(image.renditions) == {
            *RENDITIONS,
            *(f"{name}_webp" for name in RENDITIONS),
        }
        assert image.image.storage.exists(image.renditions["medium_webp"])
    assert tee.images.count() == 3
    listing = Product.objects.get(pk=tee.pk).listing
    assert listing["images"][0]["renditions"]["thumbnail"]


def _assert_home_page_is_composed() -> None:
    home = HomePage.objects.get()
    assert home.live and not home.has_unpublished_changes
    blocks = [block.block_type for block in home.body]
    assert blocks[:4] == ["hero", "promo_strip", "category_grid", "featured_products"]
    assert {"image_text", "rich_text"} <= set(blocks)
    hero = home.body[0].value
    assert hero["image"] is not None and hero["image"].width == 1600
    assert hero["button_link"] == "/c/apparel/"
    grid = next(block.value for block in home.body if block.block_type == "category_grid")
    assert [category.name for category in grid["categories"]] == [
        "T-shirts", "Hoodies", "Mugs", "Posters", "Bags", "Caps"
    ]  # fmt: skip
    featured = next(block.value for block in home.body if block.block_type == "featured_products")
    assert len(featured["products"]) == 8
    assert all(product.images.exists() for product in featured["products"])
    # The pictures' renditions are made, so the first visitor does not wait for them.
    assert hero["image"].renditions.count() >= 2


def _assert_content_pages_are_written() -> None:
    pages = {page.slug: page for page in ContentPage.objects.live()}
    assert {"about", "faq", "shipping-returns", "privacy", "terms"} <= set(pages)
    for page in pages.values():
        text = "".join(str(block.value) for block in page.body)
        assert len(text) > 400, page.slug  # paragraphs, not a placeholder line
        assert "replace this text" not in text
        assert page.search_description
        assert page.latest_revision is not None
