"""API keys for B2B integrations: issued once, stored hashed, scoped, revocable."""

import hashlib

import pytest
from django.db import connection
from django.utils import timezone

from accounts import services
from accounts.models import ApiKey

from .conftest import make_person, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def probes(settings):
    settings.ROOT_URLCONF = "tests.accounts.probe_urls"


def _issue(client, *scopes, name="ERP"):
    return client.post("/api/v1/auth/api-keys/", {"name": name, "scopes": scopes}, format="json")


def test_owner_issues_a_store_key_whose_secret_is_shown_once_and_stored_hashed(
    in_store_a, api_client
):
    owner = make_person("owner")
    client = api_client(in_store_a, token=token_for(owner))
    response = _issue(client, "catalog:read")
    assert response.status_code == 201
    secret = response.json()["secret"]
    assert secret.startswith("mk_")

    listed = client.get("/api/v1/auth/api-keys/").json()
    assert [key["name"] for key in listed] == ["ERP"]
    assert "secret" not in listed[0]
    stored = ApiKey.objects.get()
    assert stored.company is None
    assert secret not in {stored.digest, stored.prefix}
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()


def test_company_admin_issues_keys_for_their_company_only(in_store_a, api_client):
    make_person("owner")
    store_key = services.create_api_key(
        name="Store ERP", scopes=["catalog:read"], created_by=make_person("support")
    )
    company_admin = make_person("company_admin")
    client = api_client(in_store_a, token=token_for(company_admin))
    issued = _issue(client, "orders:place", "orders:read", name="Acme purchasing")
    assert issued.status_code == 201
    assert ApiKey.objects.get(pk=issued.json()["id"]).company.name == "Acme Ltd"
    listed = client.get("/api/v1/auth/api-keys/").json()
    assert [key["name"] for key in listed] == ["Acme purchasing"]
    # The store's own key is not theirs to see or revoke: not found.
    assert client.delete(f"/api/v1/auth/api-keys/{store_key.api_key.pk}/").status_code == 404


def test_unknown_scopes_are_refused_with_a_field_error(in_store_a, api_client):
    client = api_client(in_store_a, token=token_for(make_person("owner")))
    response = _issue(client, "orders:delete")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "scopes.0": ['"orders:delete" is not a valid choice.']
    }


def test_a_key_reaches_only_what_its_scopes_allow(in_store_a, api_client, probes):
    issued = services.create_api_key(
        name="Catalog feed", scopes=["catalog:read"], created_by=make_person("owner")
    )
    client = api_client(in_store_a, api_key=issued.secret)
    assert client.get("/api/v1/probe/catalog/").status_code == 200
    assert client.get("/api/v1/probe/orders/").status_code == 403
    assert client.post("/api/v1/probe/orders/").status_code == 403
    # Keys never reach the person's own account or the key management, whoever issued them.
    assert client.get("/api/v1/auth/user/").status_code == 403
    assert client.get("/api/v1/auth/api-keys/").status_code == 403
    assert client.get("/api/v1/auth/api-keys/current/").json()["scopes"] == ["catalog:read"]


def test_an_ordering_key_places_and_reads_orders(in_store_a, api_client, probes):
    issued = services.create_api_key(
        name="Acme",
        scopes=["orders:place", "orders:read"],
        created_by=make_person("company_admin"),
    )
    client = api_client(in_store_a, api_key=issued.secret)
    assert client.post("/api/v1/probe/orders/").status_code == 201
    assert client.get("/api/v1/probe/orders/").status_code == 200
    assert client.get("/api/v1/probe/catalog/").status_code == 403


def test_using_a_key_records_when(in_store_a, api_client):
    issued = services.create_api_key(
        name="ERP", scopes=["catalog:read"], created_by=make_person("owner")
    )
    assert issued.api_key.last_used_at is None
    before = timezone.now()
    api_client(in_store_a, api_key=issued.secret).get("/api/v1/auth/api-keys/current/")
    issued.api_key.refresh_from_db()
    assert issued.api_key.last_used_at >= before


def test_a_revoked_key_authenticates_nothing(in_store_a, api_client):
    owner = make_person("owner")
    issued = services.create_api_key(name="ERP", scopes=["catalog:read"], created_by=owner)
    owner_client = api_client(in_store_a, token=token_for(owner))
    assert owner_client.delete(f"/api/v1/auth/api-keys/{issued.api_key.pk}/").status_code == 204
    response = api_client(in_store_a, api_key=issued.secret).get("/api/v1/auth/api-keys/current/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid or revoked API key."
    assert owner_client.get("/api/v1/auth/api-keys/").json()[0]["revoked_at"] is not None


def test_a_store_a_key_is_unknown_at_store_b(store_a, store_b, api_client):
    connection.set_tenant(store_a)
    issued = services.create_api_key(
        name="ERP", scopes=["catalog:read"], created_by=make_person("owner")
    )
    response = api_client(store_b, api_key=issued.secret).get("/api/v1/auth/api-keys/current/")
    assert response.status_code == 401


def test_a_garbled_key_header_is_a_401(in_store_a, api_client):
    client = api_client(in_store_a)
    client.credentials(HTTP_AUTHORIZATION="Api-Key")
    assert client.get("/api/v1/auth/api-keys/current/").status_code == 401


def test_the_owner_revokes_keys_in_the_store_admin(in_store_a, store_client, api_client):
    owner = make_person("owner")
    issued = services.create_api_key(name="ERP", scopes=["catalog:read"], created_by=owner)
    browser = store_client(in_store_a)
    browser.force_login(owner)
    response = browser.post(
        "/django-admin/accounts/apikey/",
        {"action": "revoke", "_selected_action": [issued.api_key.pk]},
    )
    assert response.status_code == 302
    issued.api_key.refresh_from_db()
    assert issued.api_key.revoked_at is not None
    check = api_client(in_store_a, api_key=issued.secret).get("/api/v1/auth/api-keys/current/")
    assert check.status_code == 401


def test_another_stores_key_is_not_found_not_forbidden(store_a, store_b, api_client):
    connection.set_tenant(store_a)
    theirs = services.create_api_key(
        name="A's ERP", scopes=["catalog:read"], created_by=make_person("owner")
    )
    connection.set_tenant(store_b)
    ApiKey.objects.filter(pk=theirs.api_key.pk).delete()  # no row of B shares the id
    owner_b = make_person("owner")
    client = api_client(store_b, token=token_for(owner_b))
    assert client.get(f"/api/v1/auth/api-keys/{theirs.api_key.pk}/").status_code == 404
    assert client.delete(f"/api/v1/auth/api-keys/{theirs.api_key.pk}/").status_code == 404
    connection.set_tenant(store_a)
    assert ApiKey.objects.get(pk=theirs.api_key.pk).revoked_at is None


def _company_key(*scopes):
    company_admin = make_person("company_admin")
    return services.create_api_key(
        name="Acme purchasing",
        scopes=list(scopes),
        created_by=company_admin,
        company=company_admin.company_membership.company,
    )


def test_a_company_key_never_reads_the_staff_catalog(in_store_a, api_client, probes):
    from tests.catalog.factories import make_product

    make_product()
    company_key = _company_key("catalog:read", "orders:read", "orders:place")
    client = api_client(in_store_a, api_key=company_key.secret)
    for staff_path in (
        "/api/v1/catalog/products/",
        "/api/v1/catalog/categories/",
        "/api/v1/catalog/brands/",
        "/api/v1/probe/catalog/",
    ):
        response = client.get(staff_path)
        assert response.status_code == 403, staff_path
        assert response.json()["error"]["code"] == "permission_denied"
    # What the company may see as a buyer: the shop catalog, its orders.
    assert client.get("/api/v1/shop/products/").status_code == 200
    assert client.get("/api/v1/probe/orders/").status_code == 200
    assert client.post("/api/v1/probe/orders/").status_code == 201


def test_a_store_key_reads_the_staff_catalog(in_store_a, api_client, probes):
    store_key = services.create_api_key(
        name="Feed", scopes=["catalog:read"], created_by=make_person("owner")
    )
    client = api_client(in_store_a, api_key=store_key.secret)
    assert client.get("/api/v1/catalog/products/").status_code == 200
    assert client.get("/api/v1/probe/catalog/").status_code == 200


def test_a_company_key_is_still_limited_by_its_scopes(in_store_a, api_client, probes):
    company_key = _company_key("orders:read")
    client = api_client(in_store_a, api_key=company_key.secret)
    assert client.get("/api/v1/probe/orders/").status_code == 200
    assert client.post("/api/v1/probe/orders/").status_code == 403
