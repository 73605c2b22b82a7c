"""The wishlist API, /api/v1/wishlists/: a signed-in person's own lists, and shared links."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.matrix import create_user
from tests.wishlists.catalog_data import buyer, many_variants
from wishlists import services
from wishlists.models import Wishlist, WishlistItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(store_a, shopper, token_client):
    client = token_client(store_a, shopper)
    connection.set_tenant(store_a)
    return client


def test_anonymous_callers_are_told_to_authenticate(store_a):
    client = APIClient(HTTP_HOST=store_a.primary_host)
    response = client.get("/api/v1/wishlists/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert client.post("/api/v1/wishlists/", {"name": "x"}, format="json").status_code == 401


def test_create_list_and_read_a_list(api, shopper, tee):
    created = api.post("/api/v1/wishlists/", {"name": "Birthday"}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["name"] == "Birthday" and body["is_default"] is True and body["items"] == []
    assert body["notify_price_drop"] is False and body["share_url"] is None
    added = api.post(f"/api/v1/wishlists/{body['id']}/items/", {"variant": tee.pk}, format="json")
    assert added.status_code == 201
    [item] = added.json()["items"]
    assert item["sku"] == tee.sku
    assert item["price"] == {"amount": "20.00", "currency": "USD", "compare_at": None}
    assert item["price_when_added"] == "20.00" and item["available"] is True
    again = api.post(f"/api/v1/wishlists/{body['id']}/items/", {"variant": tee.pk}, format="json")
    assert again.status_code == 200 and len(again.json()["items"]) == 1
    listed = api.get("/api/v1/wishlists/").json()
    assert [(row["name"], row["item_count"]) for row in listed] == [("Birthday", 1)]


def test_rename_and_opt_in_and_delete(api, shopper):
    wishlist = services.create_wishlist(user=shopper, name="Ideas")
    response = api.patch(
        f"/api/v1/wishlists/{wishlist.pk}/",
        {"name": "Gift ideas", "notify_price_drop": True},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Gift ideas"
    assert response.json()["notify_price_drop"] is True
    assert response.json()["notify_back_in_stock"] is False
    assert api.delete(f"/api/v1/wishlists/{wishlist.pk}/").status_code == 204
    assert not Wishlist.objects.filter(pk=wishlist.pk).exists()
    assert api.get(f"/api/v1/wishlists/{wishlist.pk}/").status_code == 404


def test_removing_an_item_and_removing_it_again(api, shopper, tee):
    wishlist = services.default_wishlist(user=shopper)
    services.add_item(wishlist=wishlist, variant_id=tee.pk, buyer=buyer(shopper))
    path = f"/api/v1/wishlists/{wishlist.pk}/items/{tee.pk}/"
    assert api.delete(path).status_code == 204
    assert api.delete(path).status_code == 404
    assert not wishlist.items.exists()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"variant"}),
        ({"variant": "abc"}, {"variant"}),
        ({"variant": 0}, {"variant"}),
        ({"variant": 2**63}, {"variant"}),
        ({"variant": 999_999_999}, {"variant"}),
    ],
)
def test_a_bad_item_is_refused_by_field_and_the_list_unchanged(api, shopper, body, fields):
    wishlist = services.default_wishlist(user=shopper)
    response = api.post(f"/api/v1/wishlists/{wishlist.pk}/items/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == fields
    assert not wishlist.items.exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"name": ""}, {"name": "x" * 101}, {"name": ["a"]}, {"name": None}],
)
def test_a_bad_name_is_refused_by_field(api, shopper, body):
    response = api.post("/api/v1/wishlists/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"name"}
    assert not Wishlist.objects.filter(user=shopper).exists()


def test_a_duplicate_name_is_refused_by_field(api, shopper):
    services.create_wishlist(user=shopper, name="Christmas")
    response = api.post("/api/v1/wishlists/", {"name": "christmas"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"name": ["You already have a list of that name."]}


def test_another_person_s_list_is_not_found(api, other_shopper, tee):
    theirs = services.default_wishlist(user=other_shopper)
    services.add_item(wishlist=theirs, variant_id=tee.pk, buyer=buyer(other_shopper))
    base = f"/api/v1/wishlists/{theirs.pk}/"
    assert api.get(base).status_code == 404
    assert api.patch(base, {"name": "Mine"}, format="json").status_code == 404
    assert api.delete(base).status_code == 404
    assert api.post(f"{base}items/", {"variant": tee.pk}, format="json").status_code == 404
    assert api.delete(f"{base}items/{tee.pk}/").status_code == 404
    assert api.post(f"{base}share/", {}, format="json").status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "My wishlist" and theirs.items.count() == 1 and not theirs.is_shared


def test_share_answers_the_link_which_anyone_can_read_until_revoked(api, store_a, shopper, tee):
    wishlist = services.create_wishlist(user=shopper, name="Wedding")
    services.add_item(wishlist=wishlist, variant_id=tee.pk, buyer=buyer(shopper))
    shared = api.post(f"/api/v1/wishlists/{wishlist.pk}/share/", {}, format="json")
    assert shared.status_code == 200
    url = shared.json()["share_url"]
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert url == f"http://{store_a.primary_host}/wishlists/shared/{token}/"
    anonymous = APIClient(HTTP_HOST=store_a.primary_host)
    public = anonymous.get(f"/api/v1/wishlists/shared/{token}/")
    assert public.status_code == 200
    assert public.json()["name"] == "Wedding"
    assert [item["sku"] for item in public.json()["items"]] == [tee.sku]
    assert "user" not in public.json() and "notify_price_drop" not in public.json()
    # Read-only: the shared path takes no writes.
    assert anonymous.post(f"/api/v1/wishlists/shared/{token}/", {}).status_code == 405
    assert anonymous.delete(f"/api/v1/wishlists/shared/{token}/").status_code == 405
    assert api.delete(f"/api/v1/wishlists/{wishlist.pk}/share/").status_code == 204
    assert anonymous.get(f"/api/v1/wishlists/shared/{token}/").status_code == 404
    again = api.post(f"/api/v1/wishlists/{wishlist.pk}/share/", {}, format="json").json()
    assert again["share_url"] != url


def test_regenerating_the_link_ends_the_old_one(api, store_a, shopper):
    wishlist = services.create_wishlist(user=shopper, name="Wedding")
    first = api.post(f"/api/v1/wishlists/{wishlist.pk}/share/", {}, format="json").json()
    same = api.post(f"/api/v1/wishlists/{wishlist.pk}/share/", {}, format="json").json()
    assert same["share_url"] == first["share_url"]
    new = api.post(
        f"/api/v1/wishlists/{wishlist.pk}/share/", {"regenerate": True}, format="json"
    ).json()
    assert new["share_url"] != first["share_url"]
    anonymous = APIClient(HTTP_HOST=store_a.primary_host)
    old_path = first["share_url"].split(store_a.primary_host, 1)[1]
    assert anonymous.get(f"/api/v1{old_path}").status_code == 404


def test_an_unknown_or_overlong_token_is_not_found(store_a):
    anonymous = APIClient(HTTP_HOST=store_a.primary_host)
    assert anonymous.get("/api/v1/wishlists/shared/not-a-token/").status_code == 404
    assert anonymous.get(f"/api/v1/wishlists/shared/{'a' * 300}/").status_code == 404


def test_a_token_of_store_a_means_nothing_at_store_b(store_a, store_b, shopper):
    wishlist = services.share_wishlist(wishlist=services.default_wishlist(user=shopper))
    token = wishlist.share_token
    at_a = APIClient(HTTP_HOST=store_a.primary_host).get(f"/api/v1/wishlists/shared/{token}/")
    at_b = APIClient(HTTP_HOST=store_b.primary_host).get(f"/api/v1/wishlists/shared/{token}/")
    assert (at_a.status_code, at_b.status_code) == (200, 404)


def test_a_list_id_of_store_a_means_nothing_at_store_b(store_a, store_b, shopper, token_client):
    wishlist = services.default_wishlist(user=shopper)
    connection.set_tenant(store_b)
    stranger = create_user("shopper@example.com")  # the same email, another store's person
    client = token_client(store_b, stranger)
    assert client.get(f"/api/v1/wishlists/{wishlist.pk}/").status_code == 404
    assert client.get("/api/v1/wishlists/").json() == []


def test_a_company_buyer_sees_business_prices(store_a, token_client):
    from accounts import services as accounts_services
    from accounts.models import Company, CompanyMembership
    from tests.catalog.factories import product

    connection.set_tenant(store_a)
    person = create_user("buyer@acme.example")
    accounts_services.add_company_member(
        company=Company.objects.create(name="Acme"), user=person, role=CompanyMembership.Role.BUYER
    )
    variant = product(
        "Bulk tee",
        variants=[
            {
                "sku": "BULK-1",
                "price": Decimal("20.00"),
                "b2b_price": Decimal("14.00"),
                "stock_on_hand": 9,
            }
        ],
    ).variants.get()
    client = token_client(store_a, person)
    wishlist = services.default_wishlist(user=person)
    response = client.post(
        f"/api/v1/wishlists/{wishlist.pk}/items/", {"variant": variant.pk}, format="json"
    )
    assert response.status_code == 201
    [item] = response.json()["items"]
    assert item["price"]["amount"] == "14.00" and item["price_when_added"] == "14.00"


@pytest.mark.parametrize("path", ["/api/v1/wishlists/{pk}/", "/api/v1/wishlists/shared/{token}/"])
def test_reading_a_list_costs_the_same_queries_for_1_and_10_items(api, store_a, shopper, path):
    variants = many_variants(10)
    counts = []
    for size in (1, 10):
        wishlist = services.create_wishlist(user=shopper, name=f"Size {size}")
        for variant in variants[:size]:
            services.add_item(wishlist=wishlist, variant_id=variant.pk, buyer=buyer(shopper))
        wishlist = services.share_wishlist(wishlist=wishlist)
        url = path.format(pk=wishlist.pk, token=wishlist.share_token)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(url)
        assert response.status_code == 200
        assert len(response.json()["items"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_listing_lists_costs_the_same_queries_for_1_and_10_lists(api, shopper, tee):
    counts = []
    for total in (1, 10):
        while Wishlist.objects.filter(user=shopper).count() < total:
            wishlist = services.create_wishlist(
                user=shopper, name=f"List {Wishlist.objects.count()}"
            )
            services.add_item(wishlist=wishlist, variant_id=tee.pk, buyer=buyer(shopper))
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/wishlists/")
        assert len(response.json()) == total
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert WishlistItem.objects.count() == 10


def test_the_schema_documents_the_wishlist_endpoints_with_examples(store_a, store_client):
    import yaml

    schema = yaml.safe_load(store_client(store_a).get("/api/schema/").content)
    paths = schema["paths"]
    expected = {
        "/api/v1/wishlists/": {"get", "post"},
        "/api/v1/wishlists/{id}/": {"get", "patch", "delete"},
        "/api/v1/wishlists/{id}/items/": {"post"},
        "/api/v1/wishlists/{id}/items/{variant_id}/": {"delete"},
        "/api/v1/wishlists/{id}/items/{variant_id}/move-to-cart/": {"post"},
        "/api/v1/wishlists/{id}/share/": {"post", "delete"},
        "/api/v1/wishlists/shared/{token}/": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) - {"parameters"} == methods, path
    created = paths["/api/v1/wishlists/"]["post"]
    assert "201" in created["responses"] and "200" not in created["responses"]
    assert created["requestBody"]["content"]["application/json"]["examples"]
    shared = paths["/api/v1/wishlists/shared/{token}/"]["get"]
    assert shared["responses"]["200"]["content"]["application/json"]["examples"]


# Idempotency-Key (CONTRIBUTING.md "Idempotent API writes").


def test_a_replayed_create_or_save_answers_the_same_and_makes_one(api, shopper, tee):
    first = api.post(
        "/api/v1/wishlists/", {"name": "Gifts"}, format="json", HTTP_IDEMPOTENCY_KEY="new-list"
    )
    again = api.post(
        "/api/v1/wishlists/", {"name": "Gifts"}, format="json", HTTP_IDEMPOTENCY_KEY="new-list"
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert Wishlist.objects.filter(user=shopper).count() == 1

    items = f"/api/v1/wishlists/{first.json()['id']}/items/"
    saved = api.post(items, {"variant": tee.pk}, format="json", HTTP_IDEMPOTENCY_KEY="save-tee")
    replay = api.post(items, {"variant": tee.pk}, format="json", HTTP_IDEMPOTENCY_KEY="save-tee")
    assert (saved.status_code, replay.status_code) == (201, 201)
    assert WishlistItem.objects.filter(wishlist__user=shopper).count() == 1


def test_a_key_reused_with_another_body_is_422_and_nothing_is_made(api, shopper):
    assert (
        api.post(
            "/api/v1/wishlists/", {"name": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="k"
        ).status_code
        == 201
    )
    reused = api.post("/api/v1/wishlists/", {"name": "B"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert list(Wishlist.objects.filter(user=shopper).values_list("name", flat=True)) == ["A"]
