"""Requests are routed to a store by host name; hosts that are no store get clear answers."""

from django.db import connection

from tenants.models import Tenant


def test_root_domain_serves_the_platform_home(platform_client, store_a):
    response = platform_client.get("/")
    assert response.status_code == 200
    assert b"Mercato" in response.content
    assert store_a.name.encode() in response.content


def test_store_subdomain_serves_the_store_home_page(store_client, store_a, store_b):
    response = store_client(store_a).get("/")
    assert response.status_code == 200
    assert b"Welcome to Store A" in response.content
    assert b"Store B" not in response.content


def test_requests_one_after_another_each_see_only_their_own_host(
    store_client, platform_client, store_a, store_b, settings
):
    """The connection keeps the previous request's schema until routing picks the next: store
    A, B, A again, the platform and an unknown host, in turn on one connection."""
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for client, expected, absent in [
        (store_client(store_a), b"Welcome to Store A", b"Store B"),
        (store_client(store_b), b"Welcome to Store B", b"Store A"),
        (store_client(store_a), b"Welcome to Store A", b"Store B"),
    ]:
        response = client.get("/")
        assert response.status_code == 200
        assert expected in response.content
        assert absent not in response.content
    assert b"Platform administration" in platform_client.get("/").content
    assert connection.schema_name == "public"
    lost = Client(HTTP_HOST=f"no-such-store.{settings.PLATFORM_DOMAIN}").get("/")
    assert lost.status_code == 404
    assert connection.schema_name == "public"

    # A plain client leaves the connection as the request did, as a server's does.
    shopper = Client(HTTP_HOST=store_a.primary_host)
    shopper.get("/api/v1/shop/products/")
    with CaptureQueriesContext(connection) as again:
        shopper.get("/api/v1/shop/products/")
    # A second request to the same store sets no search path: it is already the store's.
    assert not [q for q in again.captured_queries if q["sql"].startswith("SET search_path")]
    assert connection.schema_name == store_a.schema_name


def test_store_host_is_case_insensitive(store_a):
    from django.test import Client

    response = Client(HTTP_HOST=store_a.primary_host.upper()).get("/")
    assert response.status_code == 200
    assert b"Store A" in response.content


def test_unknown_store_gets_a_helpful_404_page(settings, db):
    from django.test import Client

    response = Client(HTTP_HOST=f"no-such-store.{settings.PLATFORM_DOMAIN}").get("/")
    assert response.status_code == 404
    assert b"There is no store at" in response.content
    assert b"Open your own store" in response.content


def test_malformed_host_gets_400(db):
    from django.test import Client

    for host in ("bad_host..localhost", "exa mple", "shop.localhost:port"):
        response = Client(HTTP_HOST=host).get("/")
        assert response.status_code == 400, host
        assert b"not one we serve" in response.content


def test_a_foreign_host_that_is_no_store_gets_404(db):
    from django.test import Client

    response = Client(HTTP_HOST="evil.example.com").get("/")
    assert response.status_code == 404
    assert b"There is no store at" in response.content


def test_template_schema_is_never_served(settings, db):
    from django.test import Client

    template = Tenant.objects.get(status=Tenant.Status.TEMPLATE)
    assert not template.domains.exists()
    response = Client(HTTP_HOST=f"{template.slug}.{settings.PLATFORM_DOMAIN}").get("/")
    assert response.status_code == 404


def test_suspended_store_answers_503_and_keeps_its_data(store_client, store_a):
    Tenant.objects.filter(pk=store_a.pk).update(status=Tenant.Status.SUSPENDED)
    response = store_client(store_a).get("/")
    assert response.status_code == 503
    assert b"temporarily unavailable" in response.content

    Tenant.objects.filter(pk=store_a.pk).update(status=Tenant.Status.ACTIVE)
    assert store_client(store_a).get("/").status_code == 200


def test_platform_admin_lists_stores_but_store_admin_cannot_see_them(
    platform_client, store_client, store_a, two_factor_login
):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    connection.set_schema_to_public()
    admin = User.objects.create_superuser("root", "root@example.com", "Platform-pass-1")
    two_factor_login(platform_client, admin)
    response = platform_client.get("/admin/tenants/tenant/")
    assert response.status_code == 200
    assert b"Store A" in response.content

    connection.set_tenant(store_a)
    owner = User.objects.create_superuser("owner", "owner@example.com", "Store-pass-1")
    client = store_client(store_a)
    client.force_login(owner)
    assert client.get("/django-admin/tenants/tenant/").status_code in (403, 404)


# --- Paths no route claims, and the files every host is asked for ------------------------------


def test_unmatched_paths_on_the_platform_host_are_404_pages(platform_client):
    # Wagtail's redirects live in store schemas only: the platform must not look for them.
    for path in ("/nope", "/wp-login.php", "/static-nothing/x.png"):
        response = platform_client.get(path)
        assert response.status_code == 404, path


def test_store_redirects_set_up_by_the_merchant_still_apply(store_client, store_a):
    from wagtail.contrib.redirects.models import Redirect

    connection.set_tenant(store_a)
    Redirect.objects.create(old_path="/old-catalogue", redirect_link="/shop/", is_permanent=True)
    connection.set_schema_to_public()

    response = store_client(store_a).get("/old-catalogue")
    assert response.status_code == 301
    assert response["Location"] == "/shop/"


def test_both_hosts_serve_a_favicon_from_static(platform_client, store_client, store_a):
    from django.contrib.staticfiles import finders
    from PIL import Image

    for client in (platform_client, store_client(store_a)):
        response = client.get("/favicon.ico")
        assert response.status_code == 302
        assert response["Location"].startswith("/static/favicon")
        assert response["Location"].endswith(".ico")
    with Image.open(finders.find("favicon.ico")) as icon:
        assert icon.format == "ICO"


def test_pages_name_the_static_favicon(platform_client, store_client, store_a):
    assert b'rel="icon" href="/static/favicon' in platform_client.get("/signup/").content
    assert b'rel="icon" href="/static/favicon' in store_client(store_a).get("/").content


def test_platform_robots_txt_keeps_crawlers_out_of_admin_and_api(platform_client):
    response = platform_client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /admin/", "Disallow: /api/", "Disallow: /accounts/"} <= set(lines)


def test_store_robots_txt_keeps_crawlers_out_of_admins_api_and_accounts(store_client, store_a):
    response = store_client(store_a).get("/robots.txt")
    assert response.status_code == 200
    lines = set(response.content.decode().splitlines())
    for path in ("/admin/", "/django-admin/", "/api/", "/accounts/", "/account/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines  # the storefront stays crawlable
