"""Everything under /api/ answers in the API's one JSON error shape, on both hosts, and each
host documents (and serves) its own API only."""

import pytest
import yaml
from django.test import Client, RequestFactory

from config.api_error_pages import csrf_failure, server_error

pytestmark = pytest.mark.django_db

PLATFORM_PATHS = {
    "/api/platform/plans/",
    "/api/platform/signup/",
    "/api/platform/signup/availability/",
    "/api/platform/stripe/webhook/",
}


def assert_json_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == code


def test_platform_schema_documents_only_the_platform_api(platform_client):
    response = platform_client.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert set(schema["paths"]) == PLATFORM_PATHS
    assert schema["info"]["title"] == "Mercato platform API"


def test_store_schema_documents_no_platform_operation(store_a, store_client):
    schema = yaml.safe_load(store_client(store_a).get("/api/schema/").content)

    assert schema["paths"]
    assert not [path for path in schema["paths"] if not path.startswith("/api/v1/")]


def test_store_paths_answer_a_json_404_on_the_platform_host(platform_client):
    response = platform_client.get("/api/v1/catalog/products/")

    assert_json_error(response, 404, "not_found")


def test_an_api_path_no_route_claims_answers_a_json_404(store_a, store_client):
    response = store_client(store_a).get("/api/v1/no-such-thing/")

    assert_json_error(response, 404, "not_found")


def test_an_id_the_route_refuses_answers_a_json_404(store_a, store_owner_client):
    response = store_owner_client(store_a).get("/api/v1/catalog/products/not-an-id/")

    assert_json_error(response, 404, "not_found")


def test_a_post_to_an_unmatched_api_path_is_a_json_404_not_a_csrf_page(store_a):
    client = Client(HTTP_HOST=store_a.primary_host, enforce_csrf_checks=True)

    response = client.post("/api/v1/catalog/products/not-an-id/", {"name": "Lamp"})

    assert_json_error(response, 404, "not_found")


def test_a_session_caller_without_csrf_token_gets_the_json_error_shape(store_a):
    from django.db import connection

    from catalog.models import Brand
    from tests.matrix import make_person

    connection.set_tenant(store_a)
    owner = make_person("owner")
    client = Client(HTTP_HOST=store_a.primary_host, enforce_csrf_checks=True)
    client.force_login(owner)

    response = client.post(
        "/api/v1/catalog/brands/", {"name": "Acme", "slug": "acme"}, content_type="application/json"
    )

    assert_json_error(response, 403, "permission_denied")
    assert "CSRF" in response.json()["error"]["message"]
    assert not Brand.objects.filter(name="Acme").exists()


def test_a_token_call_with_a_stale_session_cookie_is_not_refused_for_csrf(store_a):
    from django.db import connection

    from catalog.models import Brand
    from tests.matrix import PASSWORD, make_person

    connection.set_tenant(store_a)
    owner = make_person("owner")
    login = Client(HTTP_HOST=store_a.primary_host).post(
        "/api/v1/auth/login/",
        {"email": owner.email, "password": PASSWORD},
        content_type="application/json",
    )
    token = login.json()["key"]
    client = Client(HTTP_HOST=store_a.primary_host, enforce_csrf_checks=True)
    client.force_login(owner)  # a browser session of the same person, no CSRF token sent

    response = client.post(
        "/api/v1/catalog/brands/",
        {"name": "Acme", "slug": "acme"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )

    assert response.status_code == 201, response.content
    assert Brand.objects.filter(name="Acme").exists()


def test_django_csrf_refusals_under_api_are_json_and_html_elsewhere():
    factory = RequestFactory()

    api = csrf_failure(factory.post("/api/v1/anything/"), reason="CSRF cookie not set.")
    page = csrf_failure(factory.post("/accounts/login/"), reason="CSRF cookie not set.")

    assert api.status_code == 403
    assert api["Content-Type"] == "application/json"
    assert b'"csrf_failed"' in api.content
    assert page.status_code == 403
    assert page["Content-Type"].startswith("text/html")


def test_a_server_error_under_api_is_json_and_html_elsewhere():
    factory = RequestFactory()

    api = server_error(factory.get("/api/v1/anything/"))
    page = server_error(factory.get("/"))

    assert api.status_code == 500
    assert api["Content-Type"] == "application/json"
    assert b'"server_error"' in api.content
    assert page.status_code == 500
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("page_size", ["abc", "0", "-3", "201", "1.5"])
def test_a_page_size_out_of_bounds_is_refused(store_a, store_owner_client, page_size):
    response = store_owner_client(store_a).get(f"/api/v1/catalog/brands/?page_size={page_size}")

    assert_json_error(response, 400, "invalid")
    assert "page_size" in response.json()["error"]["fields"]


def test_a_page_size_within_bounds_is_used(store_a, store_owner_client):
    from django.db import connection

    from catalog.models import Brand

    connection.set_tenant(store_a)
    Brand.objects.bulk_create([Brand(name=f"Brand {n}", slug=f"brand-{n}") for n in range(3)])

    response = store_owner_client(store_a).get("/api/v1/catalog/brands/?page_size=2")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


def test_the_shop_refuses_an_invalid_page_size(store_a, store_client):
    response = store_client(store_a).get("/api/v1/shop/products/?page_size=many")

    assert_json_error(response, 400, "invalid")


def test_a_custom_domain_that_is_not_text_is_refused(store_a, store_owner_client):
    response = store_owner_client(store_a).post(
        "/api/v1/store/domains/", {"domain": {"host": "x"}}, content_type="application/json"
    )

    assert_json_error(response, 400, "invalid")
    assert "domain" in response.json()["error"]["fields"]


def test_an_unknown_host_answers_a_json_404_under_api(settings):
    client = Client(HTTP_HOST=f"no-such-store.{settings.PLATFORM_DOMAIN}")

    assert_json_error(client.get("/api/v1/shop/products/"), 404, "store_not_found")
    assert client.get("/").status_code == 404
    assert client.get("/")["Content-Type"].startswith("text/html")


def test_a_suspended_store_answers_a_json_503_under_api(store_a, store_client):
    from tenants.models import Tenant

    Tenant.objects.filter(pk=store_a.pk).update(status=Tenant.Status.SUSPENDED)

    response = store_client(store_a).get("/api/v1/shop/products/")

    assert_json_error(response, 503, "store_suspended")
