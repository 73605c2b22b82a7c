"""`make run`'s demo store: provisioned once, with a catalog a merchant would be proud of."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from catalog.demo_catalog import PRODUCTS
from catalog.images import RENDITIONS
from catalog.models import Brand, Category, Product, ProductImage, ProductVariant
from tenants.models import Tenant


@pytest.fixture
def media_root(settings, tmp_path):
    # The pictures drawn by the seed go to a folder of this test, not the developer's demo.
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _catalog_state() -> dict:
    return {
        "products": sorted(Product.objects.values_list("slug", "updated_at")),
        "variants": ProductVariant.objects.count(),
        "images": sorted(ProductImage.objects.values_list("image", flat=True)),
        "categories": Category.objects.count(),
    }


def test_demo_store_is_created_once_with_a_catalog_a_merchant_would_show(db, media_root):
    # One test (the seed draws and renders about 60 pictures): created, then left as it is.
    call_command("create_demo_store")
    demo = Tenant.objects.get(slug="demo")
    connection.set_tenant(demo)
    before = _catalog_state()
    connection.set_schema_to_public()

    call_command("create_demo_store")  # a second run leaves it as it is

    assert demo.plan.code == "pro"
    connection.set_tenant(demo)
    assert _catalog_state() == before
    assert Product.objects.count() == len(PRODUCTS) >= 24
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
