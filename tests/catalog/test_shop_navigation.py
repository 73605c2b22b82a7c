"""What a storefront builds its menus and landing pages from: categories and brands."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from catalog import services
from catalog.models import Brand, Category

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(store_a):
    connection.set_tenant(store_a)
    return APIClient(HTTP_HOST=store_a.primary_host)


@pytest.fixture
def tree(shop):
    home = services.create_category(name="Home", description="<p>For the home</p>")
    lighting = services.create_category(name="Lighting", parent=home, seo_title="Lamps & lights")
    services.create_category(name="Desk lamps", parent=lighting)
    services.create_category(name="Floor lamps", parent=lighting)
    kitchen = services.create_category(name="Kitchen", parent=home, is_active=False)
    services.create_category(name="Kettles", parent=kitchen)  # hidden with its parent
    services.create_category(name="Garden")
    return {category.slug: category for category in Category.objects.all()}


def test_the_category_tree_shows_active_categories_nested_in_one_query(shop, tree):
    with CaptureQueriesContext(connection) as captured:
        response = shop.get("/api/v1/shop/categories/")
    assert response.status_code == 200
    assert response.json() == [
        {"slug": "garden", "name": "Garden", "children": []},
        {
            "slug": "home",
            "name": "Home",
            "children": [
                {
                    "slug": "lighting",
                    "name": "Lighting",
                    "children": [
                        {"slug": "desk-lamps", "name": "Desk lamps", "children": []},
                        {"slug": "floor-lamps", "name": "Floor lamps", "children": []},
                    ],
                }
            ],
        },
    ]
    assert len([q for q in captured.captured_queries if "catalog_" in q["sql"]]) == 1


def test_a_category_page_has_its_texts_breadcrumb_and_subcategories(shop, tree):
    response = shop.get("/api/v1/shop/categories/lighting/")
    assert response.status_code == 200
    assert response.json() == {
        "slug": "lighting",
        "name": "Lighting",
        "description": "",
        "seo_title": "Lamps & lights",
        "seo_description": "",
        "breadcrumbs": [{"slug": "home", "name": "Home"}],
        "children": [
            {"slug": "desk-lamps", "name": "Desk lamps"},
            {"slug": "floor-lamps", "name": "Floor lamps"},
        ],
    }
    home = shop.get("/api/v1/shop/categories/home/").json()
    assert home["breadcrumbs"] == []
    assert [child["slug"] for child in home["children"]] == ["lighting"]


def test_hidden_and_unknown_categories_are_404(shop, tree):
    assert shop.get("/api/v1/shop/categories/kitchen/").status_code == 404
    assert shop.get("/api/v1/shop/categories/kettles/").status_code == 404  # parent hidden
    missing = shop.get("/api/v1/shop/categories/no-such-thing/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_brands_are_listed_by_name(shop):
    Brand.objects.create(name="Lumen", slug="lumen", description="Lights")
    Brand.objects.create(name="Acme", slug="acme")
    assert shop.get("/api/v1/shop/brands/").json() == [
        {"slug": "acme", "name": "Acme", "description": ""},
        {"slug": "lumen", "name": "Lumen", "description": "Lights"},
    ]


def test_navigation_revalidates_until_a_category_changes(
    shop, tree, django_capture_on_commit_callbacks
):
    first = shop.get("/api/v1/shop/categories/")
    unchanged = shop.get("/api/v1/shop/categories/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304

    with django_capture_on_commit_callbacks(execute=True):
        garden = tree["garden"]
        garden.name = "Garden & patio"
        garden.save()
    changed = shop.get("/api/v1/shop/categories/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed.json()[0]["name"] == "Garden & patio"


def test_another_stores_categories_and_brands_are_invisible(store_a, store_b, tree):
    Brand.objects.create(name="Acme", slug="acme")
    connection.set_tenant(store_b)
    other = APIClient(HTTP_HOST=store_b.primary_host)
    assert other.get("/api/v1/shop/categories/").json() == []
    assert other.get("/api/v1/shop/categories/lighting/").status_code == 404
    assert other.get("/api/v1/shop/brands/").json() == []
