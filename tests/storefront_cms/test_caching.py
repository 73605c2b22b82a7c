"""The anonymous page cache: a repeated page costs no SQL, a change is seen at once, and
nobody's own page is served to anyone else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from accounts.models import User
from catalog import services
from catalog.catalog_version import bump_catalog_version
from catalog.models import ProductVariant
from search import services as search
from storefront_cms.caching import HEADER
from tests.catalog.factories import product
from tests.storefront_cms.catalog_data import make_catalog


@pytest.fixture
def catalog_a(store_a):
    return make_catalog(store_a)


@pytest.fixture
def shop(store_a, store_client):
    """An anonymous shopper's client of store A (the test goes on in store A's schema)."""
    connection.set_tenant(store_a)
    return store_client(store_a)


PAGES = ["/", "/c/clothing/", "/p/trail-runner/", "/search/?q=lamp", "/brands/lumen/"]


@pytest.mark.parametrize("url", PAGES)
def test_the_second_anonymous_view_is_served_from_the_cache_without_sql(shop, catalog_a, url):
    first = shop.get(url)
    assert first.status_code == 200
    assert first[HEADER] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = shop.get(url)
    assert second[HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert not [q for q in queries.captured_queries if not q["sql"].startswith("SET ")][1:], (
        "only the store's routing may query"
    )
    assert "Cookie" in second["Vary"]


def test_tracking_parameters_share_the_page_and_others_do_not(shop, catalog_a):
    shop.get("/c/clothing/")
    assert shop.get("/c/clothing/?utm_source=mail&gclid=1")[HEADER] == "hit"
    assert shop.get("/c/clothing/?sort=price")[HEADER] == "miss"


def test_a_catalog_change_is_seen_at_once(
    shop, store_a, catalog_a, django_capture_on_commit_callbacks
):
    assert b"$90.00" in shop.get("/p/trail-runner/").content
    assert shop.get("/p/trail-runner/")[HEADER] == "hit"
    connection.set_tenant(store_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_variant(
            variant=ProductVariant.objects.get(sku="RUN-42"), data={"price": "95.00"}
        )
    changed = shop.get("/p/trail-runner/")
    assert changed[HEADER] == "miss"
    assert b"$95.00" in changed.content and b"$90.00" not in changed.content


def test_search_results_follow_the_indexing_that_comes_after_the_catalog_change(
    shop, store_a, catalog_a, django_capture_on_commit_callbacks
):
    """The catalog's version is bumped when the catalog commits; the search documents follow
    later (a Celery task). A results page rendered in between is not kept past the indexing:
    the product appears, with its card's "Add to cart", on the next view."""
    connection.set_tenant(store_a)
    with django_capture_on_commit_callbacks(execute=False):  # the indexing task is still queued
        mug = product("Harbor Mug", price="12.00", stock=5)
    bump_catalog_version()  # what the catalog's commit does at once
    before = shop.get("/search/?q=harbor")
    assert before[HEADER] == "miss"
    assert b"Harbor Mug" not in before.content
    assert shop.get("/search/?q=harbor")[HEADER] == "hit"

    connection.set_tenant(store_a)
    with django_capture_on_commit_callbacks(execute=True):  # the task runs
        search.index_products(product_ids=[mug.pk])
    after = shop.get("/search/?q=harbor")
    assert after[HEADER] == "miss"
    assert b"Harbor Mug" in after.content
    assert b'Add to cart<span class="visually-hidden">: Harbor Mug</span>' in after.content


def test_a_published_page_change_is_seen_at_once(
    shop, store_a, catalog_a, django_capture_on_commit_callbacks
):
    shop.get("/")
    assert shop.get("/")[HEADER] == "hit"
    connection.set_tenant(store_a)
    home = Page.objects.get(depth=2).specific
    home.title = "Renamed"
    with django_capture_on_commit_callbacks(execute=True):
        home.save_revision().publish()
    assert shop.get("/")[HEADER] == "miss"


@pytest.fixture
def signed_in(store_a, store_client):
    connection.set_tenant(store_a)
    shopper = User.objects.create_user("ann@example.com", "ann@example.com", "Correct-horse-42")
    client = store_client(store_a)
    client.force_login(shopper)
    return client


def test_a_signed_in_shopper_is_never_served_the_anonymous_page(shop, signed_in, catalog_a):
    shop.get("/p/trail-runner/")
    assert shop.get("/p/trail-runner/")[HEADER] == "hit"
    response = signed_in.get("/p/trail-runner/")
    assert response.status_code == 200
    assert response[HEADER] == "bypass"
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_a_signed_in_shoppers_page_is_never_kept_for_others(shop, signed_in, catalog_a):
    signed_in.get("/c/clothing/")
    signed_in.get("/c/clothing/")
    assert shop.get("/c/clothing/")[HEADER] == "miss"


def test_a_pending_message_is_never_cached(shop, catalog_a):
    shop.cookies["messages"] = "something"
    response = shop.get("/p/trail-runner/")
    assert response[HEADER] == "bypass"


def test_not_found_pages_are_not_kept(shop, catalog_a):
    assert shop.get("/p/nothing-here/").status_code == 404
    assert shop.get("/p/nothing-here/")[HEADER] != "hit"


def test_the_cache_can_be_turned_off(shop, catalog_a, settings):
    settings.STOREFRONT_PAGE_CACHE_SECONDS = 0
    shop.get("/c/clothing/")
    assert HEADER not in shop.get("/c/clothing/")


def test_store_b_is_never_served_store_a_pages(shop, catalog_a, store_b, store_client):
    assert shop.get("/p/trail-runner/").status_code == 200
    assert shop.get("/search/?q=lamp")[HEADER] == "miss"
    other = store_client(store_b)
    assert other.get("/p/trail-runner/").status_code == 404
    results = other.get("/search/?q=lamp")
    assert results[HEADER] == "miss"
    assert b"Brass Desk Lamp" not in results.content
