"""A store's sitemap: an index of files of at most 10,000 URLs, each in constant queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import services
from catalog.models import Category
from storefront_cms import sitemap
from tests.catalog.factories import product


def locations(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return re.findall(r"<loc>([^<]+)</loc>", response.content.decode())


def test_robots_txt_points_to_the_stores_sitemap(shop):
    body = shop.get("/robots.txt").content.decode()
    assert "Sitemap: http://store-a.localhost/sitemap.xml" in body
    assert "Disallow: /admin/" in body


def test_the_index_lists_every_file_of_every_section(shop, catalog_a, monkeypatch):
    monkeypatch.setattr(sitemap, "URLS_PER_FILE", 2)
    # Five products a shopper may see (the draft and the businesses-only pack are not).
    assert locations(shop.get("/sitemap.xml")) == [
        "http://store-a.localhost/sitemap-pages-1.xml",
        "http://store-a.localhost/sitemap-categories-1.xml",
        "http://store-a.localhost/sitemap-categories-2.xml",
        "http://store-a.localhost/sitemap-brands-1.xml",
        "http://store-a.localhost/sitemap-products-1.xml",
        "http://store-a.localhost/sitemap-products-2.xml",
        "http://store-a.localhost/sitemap-products-3.xml",
    ]


def test_product_files_page_through_the_visible_products(shop, catalog_a, monkeypatch):
    monkeypatch.setattr(sitemap, "URLS_PER_FILE", 2)
    pages = [locations(shop.get(f"/sitemap-products-{n}.xml")) for n in (1, 2, 3)]
    assert [len(urls) for urls in pages] == [2, 2, 1]
    every = {url.removeprefix("http://store-a.localhost") for urls in pages for url in urls}
    assert every == {
        "/p/trail-runner/",
        "/p/city-loafer/",
        "/p/winter-boot/",
        "/p/brass-desk-lamp/",
        "/p/floor-lamp/",
    }
    assert "<lastmod>" in shop.get("/sitemap-products-1.xml").content.decode()
    assert shop.get("/sitemap-products-4.xml").status_code == 404
    assert shop.get("/sitemap-recipes-1.xml").status_code == 404


def test_categories_are_listed_at_their_full_path_unless_hidden(shop, catalog_a):
    services.update_category(category=Category.objects.get(slug="home"), data={"is_active": False})
    urls = locations(shop.get("/sitemap-categories-1.xml"))
    assert urls == [
        "http://store-a.localhost/c/clothing/",
        "http://store-a.localhost/c/clothing/shoes/",
    ]


def test_brands_and_pages_files(shop, catalog_a):
    assert locations(shop.get("/sitemap-brands-1.xml")) == [
        "http://store-a.localhost/brands/stride/",
        "http://store-a.localhost/brands/lumen/",
    ]
    assert "http://store-a.localhost/" in locations(shop.get("/sitemap-pages-1.xml"))


def test_a_sitemap_file_costs_the_same_queries_whatever_its_size(shop, store_a, settings):
    def queries(url):
        from django.core.cache import cache

        cache.clear()  # measure the work, not the cached file
        with CaptureQueriesContext(connection) as captured:
            assert shop.get(url).status_code == 200
        return len(captured)

    connection.set_tenant(store_a)
    product("Only One")
    one = queries("/sitemap-products-1.xml")
    connection.set_tenant(store_a)
    for number in range(40):
        product(f"Many {number}")
    assert queries("/sitemap-products-1.xml") == one
    assert queries("/sitemap.xml") == queries("/sitemap.xml")


def test_a_changed_catalog_is_in_the_next_sitemap(
    shop, store_a, catalog_a, django_capture_on_commit_callbacks
):
    assert len(locations(shop.get("/sitemap-products-1.xml"))) == 5
    connection.set_tenant(store_a)
    with django_capture_on_commit_callbacks(execute=True):
        product("Fresh Product")
    assert "http://store-a.localhost/p/fresh-product/" in locations(
        shop.get("/sitemap-products-1.xml")
    )


def test_store_b_sitemap_has_none_of_store_a(catalog_a, store_b, store_client):
    other = store_client(store_b)
    assert locations(other.get("/sitemap-products-1.xml")) == []
    assert "store-a" not in other.get("/sitemap.xml").content.decode()


@pytest.mark.parametrize("url", ["/sitemap-products-0.xml", "/sitemap-products-x.xml"])
def test_nonsense_sitemap_files_are_not_found(shop, url):
    assert shop.get(url).status_code == 404
