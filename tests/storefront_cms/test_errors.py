"""A store's error pages: its own 404 (with a search box) and 500 (which leaks nothing), in its
theme, with DEBUG off; JSON under /api/; the platform's own pages on its host."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from storefront_cms.models import ContentPage
from tenants.models import Tenant
from tests.conftest import HostClient
from tests.storefront_cms.conftest import update_theme

THEMED = 'href="/static/storefront/storefront.css"'
SECRET_DETAIL = "database password is hunter2"


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


def test_a_missing_page_on_a_store_is_its_own_404_with_a_search_box(in_store_a, store_client):
    update_theme(primary_color="#0b6e4f")

    response = store_client(in_store_a).get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert THEMED in page and "--primary:#0b6e4f" in page
    assert "We couldn't find that page" in page
    assert '<form class="site-search" role="search" action="/search/" method="get">' in page
    assert '<span class="brand-name">Store A</span>' in page


def test_an_unknown_api_path_on_a_store_still_answers_json(in_store_a, store_client):
    response = store_client(in_store_a).get("/api/v1/no-such-endpoint/")

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


def test_a_missing_page_on_the_platform_host_is_the_platforms_404(platform_client):
    response = platform_client.get("/no-such-page/")

    assert response.status_code == 404
    assert THEMED not in response.content.decode()


@pytest.fixture
def broken_about_page(monkeypatch):
    def fail(self, request, *args, **kwargs):
        raise RuntimeError(SECRET_DETAIL)

    monkeypatch.setattr(ContentPage, "get_context", fail)


def test_a_server_error_on_a_store_is_its_own_page_and_leaks_nothing(in_store_a, broken_about_page):
    client = HostClient(HTTP_HOST=in_store_a.primary_host, raise_request_exception=False)

    response = client.get("/about/")

    assert response.status_code == 500
    page = response.content.decode()
    assert THEMED in page
    assert "Something went wrong on our side" in page
    assert SECRET_DETAIL not in page
    assert "RuntimeError" not in page and "Traceback" not in page


def test_a_server_error_under_the_api_stays_json(in_store_a, monkeypatch):
    from config import api_error_pages

    connection.set_schema_to_public()
    request = HostClient(HTTP_HOST=in_store_a.primary_host).get("/api/v1/shop/products/")
    assert request.status_code == 200
    fake = type("Request", (), {"path": "/api/v1/shop/products/", "tenant": in_store_a})()

    response = api_error_pages.server_error(fake)

    assert response.status_code == 500
    assert b'"code": "server_error"' in response.content


def test_a_suspended_store_keeps_its_friendly_503_in_its_theme(in_store_a, store_client):
    update_theme(primary_color="#0b6e4f")
    client = store_client(in_store_a)
    client.get("/")  # the theme is in the cache
    connection.set_schema_to_public()
    Tenant.objects.filter(pk=in_store_a.pk).update(status=Tenant.Status.SUSPENDED)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")

    assert response.status_code == 503
    page = response.content.decode()
    assert "Store A is temporarily unavailable" in page
    assert THEMED in page and "--primary:#0b6e4f" in page
    assert not [query for query in queries if "store_a" in query["sql"]]


def test_a_missing_admin_screen_keeps_djangos_page(store_a, store_owner_client):
    response = store_owner_client(store_a).get("/django-admin/no-such-screen/")

    assert response.status_code == 404
    assert THEMED not in response.content.decode()
