"""GET /api/v1/search/ and /api/v1/search/suggest/: anyone, the buyer's channel, one error shape."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts import services as accounts_services
from accounts.models import User


@pytest.fixture(autouse=True)
def _postgres_backend(settings):
    settings.SEARCH_BACKEND = "postgres"


@pytest.fixture
def shop(store_a):
    return APIClient(HTTP_HOST=store_a.primary_host)


def test_search_answers_hits_total_facets_and_did_you_mean(corpus, shop):
    response = shop.get("/api/v1/search/", {"q": "iphnoe"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["did_you_mean"] == "iphone"
    assert [hit["name"] for hit in body["results"]] == ["Apple iPhone 15", "Leather Case"]
    first = body["results"][0]
    assert first["slug"] == "apple-iphone-15" and first["price_from"] == "999.00"
    assert {f["value"]: f["count"] for f in body["facets"]["brand"]} == {"apple": 2}
    assert set(body["facets"]) >= {"category", "brand", "price", "attr.colour"}


def test_search_filters_sort_and_pages(corpus, shop):
    params = {"category": "home", "attr.colour": "black,white", "sort": "-price"}
    body = shop.get("/api/v1/search/", params).json()
    assert [hit["name"] for hit in body["results"]] == ["Floor Lamp", "Brass Desk Lamp"]
    body = shop.get("/api/v1/search/", {"price_max": "50", "in_stock": "true"}).json()
    assert {hit["name"] for hit in body["results"]} == {"Leather Case", "Steel Kettle"}
    assert shop.get("/api/v1/search/", {"page": 2}).json()["results"] == []


def facet_counts(body) -> dict[str, dict[str, int]]:
    return {
        kind: {f["value"]: f["count"] for f in values} for kind, values in body["facets"].items()
    }


def test_a_chosen_brand_still_lists_the_other_brands_with_their_counts(corpus, shop):
    body = shop.get("/api/v1/search/", {"brand": "acme"}).json()
    assert [hit["name"] for hit in body["results"]] == ["Steel Kettle"]
    assert body["count"] == 1
    facets = facet_counts(body)
    assert facets["brand"] == {"apple": 2, "lumen": 2, "google": 1, "acme": 1}
    assert facets["category"] == {"home": 1}


def test_another_filter_still_narrows_the_brand_counts(corpus, shop):
    body = shop.get("/api/v1/search/", {"brand": "acme", "category": "home"}).json()
    assert [hit["name"] for hit in body["results"]] == ["Steel Kettle"]
    assert body["count"] == 1
    # Only the brands of the Home category: the phones' brands are gone.
    assert facet_counts(body)["brand"] == {"lumen": 2, "acme": 1}


def test_a_chosen_colour_still_lists_the_other_colours(corpus, shop):
    body = shop.get("/api/v1/search/", {"attr.colour": "white", "category": "home"}).json()
    assert [hit["name"] for hit in body["results"]] == ["Floor Lamp"]
    assert body["count"] == 1
    facets = facet_counts(body)
    # The lamps' colours (the black iPhone is not in Home); brands count the white lamp only.
    assert facets["attr.colour"] == {"black": 1, "white": 1}
    assert facets["brand"] == {"lumen": 1}


def test_bad_parameters_get_field_errors(corpus, shop):
    response = shop.get(
        "/api/v1/search/",
        {"price_min": "cheap", "sort": "random", "page": "0", "attr.size": "m"},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"price_min", "sort", "page"}
    response = shop.get("/api/v1/search/", {"category": "nope", "attr.size": "m"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"category", "attr.size"}


def test_suggest(corpus, shop):
    response = shop.get("/api/v1/search/suggest/", {"q": "lam"})
    assert response.status_code == 200
    assert [s["text"] for s in response.json()["results"]] == ["Floor Lamp", "Brass Desk Lamp"]
    missing = shop.get("/api/v1/search/suggest/")
    assert missing.status_code == 400
    assert set(missing.json()["error"]["fields"]) == {"q"}


def test_b2b_buyers_search_the_b2b_channel(corpus, store_a, shop):
    assert shop.get("/api/v1/search/", {"q": "charger"}).json()["count"] == 0
    connection.set_tenant(store_a)
    buyer = User.objects.create_user("buyer@co.test", "buyer@co.test", "Correct-horse-42")
    accounts_services.create_company(name="Co Ltd", admin=buyer)
    client = APIClient(HTTP_HOST=store_a.primary_host)
    client.force_authenticate(buyer)
    body = client.get("/api/v1/search/", {"q": "charger"}).json()
    assert [(h["name"], h["price_from"]) for h in body["results"]] == [
        ("Trade Phone Charger Pack", "12.00")
    ]
    suggested = client.get("/api/v1/search/suggest/", {"q": "trad"}).json()["results"]
    assert [s["text"] for s in suggested] == ["Trade Phone Charger Pack"]


def test_store_b_sees_none_of_store_a(corpus, store_b):
    client = APIClient(HTTP_HOST=store_b.primary_host)
    assert client.get("/api/v1/search/", {"q": "iphone"}).json()["count"] == 0
    assert client.get("/api/v1/search/suggest/", {"q": "iph"}).json()["results"] == []
