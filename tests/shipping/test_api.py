"""The shipping API: staff zones and options (CRUD through the services, field errors in the
one error shape, nothing changed on a refusal), the public quote, and store isolation."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts import services as accounts_services
from shipping.models import DeliveryOption, ShippingZone
from tests.matrix import make_person
from tests.shipping.conftest import bands, count_queries, option, zone

pytestmark = pytest.mark.django_db

ZONES = "/api/v1/shipping/zones/"
QUOTE = "/api/v1/shipping/options/"


def client_of(store, role=None) -> APIClient:
    connection.set_tenant(store)
    client = APIClient(HTTP_HOST=store.primary_host)
    if role:
        token = accounts_services.issue_auth_token(user=make_person(role)).key
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    connection.set_tenant(store)
    return client


@pytest.fixture
def owner(store_a):
    return client_of(store_a, "owner")


def test_the_owner_creates_a_zone_and_its_options_and_reads_them_back(owner):
    created = owner.post(
        ZONES,
        {"name": "Domestic", "countries": ["US"], "regions": ["CA"], "postcodes": ["90000-96199"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    zone_id = created.json()["id"]
    assert created.json() | {"created_at": None, "updated_at": None} == {
        "id": zone_id,
        "name": "Domestic",
        "countries": ["US"],
        "rest_of_world": False,
        "regions": ["CA"],
        "postcodes": ["90000-96199"],
        "position": 0,
        "is_active": True,
        "options": [],
        "created_at": None,
        "updated_at": None,
    }

    option_created = owner.post(
        f"{ZONES}{zone_id}/options/",
        {
            "name": "Parcel",
            "kind": "weight_bands",
            "min_delivery_days": 2,
            "max_delivery_days": 5,
            "bands": [
                {"from_value": "0", "to_value": "1000", "price": "4.50"},
                {"from_value": "1000", "price": "9"},
            ],
        },
        format="json",
    )
    assert option_created.status_code == 201, option_created.content
    body = option_created.json()
    assert body["bands"] == [
        {"from_value": "0.00", "to_value": "1000.00", "price": "4.50"},
        {"from_value": "1000.00", "to_value": None, "price": "9.00"},
    ]
    assert (body["zone_id"], body["currency"], body["price"], body["free_above"]) == (
        zone_id,
        "USD",
        "0.00",
        None,
    )
    listed = owner.get(ZONES).json()["results"]
    assert [o["name"] for o in listed[0]["options"]] == ["Parcel"]
    assert owner.get(f"{ZONES}{zone_id}/options/").json()[0]["id"] == body["id"]


def test_a_bad_zone_or_option_gets_field_errors_and_changes_nothing(owner, store_a):
    refused = owner.post(ZONES, {"name": "X", "countries": ["ZZ"]}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"countries.0": ['"ZZ" is not a valid choice.']}
    refused = owner.post(ZONES, {"name": "X", "countries": []}, format="json")
    assert refused.json() == {
        "error": {
            "code": "invalid",
            "message": "The shipping zone has invalid fields.",
            "fields": {"countries": ["Choose at least one country."]},
        }
    }
    domestic = zone()
    overlapping = {
        "name": "Parcel",
        "kind": "weight_bands",
        "bands": [
            {"from_value": "0", "to_value": "2000", "price": "4"},
            {"from_value": "1000", "price": "9"},
        ],
    }
    refused = owner.post(f"{ZONES}{domestic.pk}/options/", overlapping, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {
        "bands": ["The band from 0g overlaps the band from 1000g: bands may not overlap."]
    }
    huge = owner.post(
        f"{ZONES}{domestic.pk}/options/", {"name": "X", "price": "1e999"}, format="json"
    )
    assert huge.status_code == 400
    assert list(huge.json()["error"]["fields"]) == ["price"]
    assert ShippingZone.objects.count() == 1
    assert not DeliveryOption.objects.exists()


def test_patch_and_delete_go_through_the_services(owner):
    domestic = zone()
    standard = option(domestic, "Standard", price="5")
    url = f"{ZONES}{domestic.pk}/options/{standard.pk}/"

    changed = owner.patch(url, {"price": "6.50", "free_above": "80"}, format="json")
    assert changed.status_code == 200
    assert (changed.json()["price"], changed.json()["free_above"]) == ("6.50", "80.00")
    refused = owner.patch(url, {"kind": "local_pickup"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {
        "price": ["Local pickup is free: leave the price at 0."],
        "free_above": ["Local pickup is always free: leave the threshold empty."],
    }
    renamed = owner.patch(f"{ZONES}{domestic.pk}/", {"name": "USA"}, format="json")
    assert (renamed.status_code, renamed.json()["name"]) == (200, "USA")

    assert owner.delete(url).status_code == 204
    assert owner.get(url).status_code == 404
    assert owner.delete(f"{ZONES}{domestic.pk}/").status_code == 204
    assert not ShippingZone.objects.exists()


def test_an_option_is_reached_only_through_its_own_zone(owner):
    domestic = zone()
    other = zone("Other", ["FR"])
    standard = option(domestic, "Standard", price="5")

    assert owner.get(f"{ZONES}{other.pk}/options/{standard.pk}/").status_code == 404
    assert owner.delete(f"{ZONES}{other.pk}/options/{standard.pk}/").status_code == 404
    assert DeliveryOption.objects.filter(pk=standard.pk).exists()


def test_the_zone_list_costs_the_same_queries_for_few_and_many_zones(owner):
    option(zone("One", ["US"]), "Standard", kind="weight_bands", bands=bands((0, None, "5")))
    few = count_queries(lambda: owner.get(ZONES))
    for number in range(15):
        more = zone(f"Zone {number}", ["FR"])
        option(more, "A", price="1")
        option(more, "B", kind="weight_bands", bands=bands((0, 10, "1"), (10, None, "2")))

    assert count_queries(lambda: owner.get(ZONES)) == few
    assert len(owner.get(ZONES).json()["results"]) == 16


def test_anyone_gets_a_quote_for_an_address_and_parcel(in_store_a, store_a):
    domestic = zone("United States", ["US"])
    option(domestic, "Standard", price="5", free_above="100", min_delivery_days=3,
           max_delivery_days=5, allows_cash_on_delivery=True)  # fmt: skip
    option(domestic, "Heavy goods", kind="weight_bands", bands=bands((5000, None, "40")))
    anonymous = client_of(store_a)

    answer = anonymous.get(QUOTE, {"country": "US", "postal_code": "94103", "subtotal": "20"})

    assert answer.status_code == 200
    assert answer.json() == {
        "currency": "USD",
        "zone": {"id": domestic.pk, "name": "United States"},
        "options": [
            {
                "id": domestic.options.get(name="Standard").pk,
                "name": "Standard",
                "kind": "flat_rate",
                "price": "5.00",
                "price_display": "$5.00",
                "is_free": False,
                "free_above": "100.00",
                "min_delivery_days": 3,
                "max_delivery_days": 5,
                "allows_cash_on_delivery": True,
            }
        ],
    }
    free = anonymous.get(QUOTE, {"country": "US", "subtotal": "100", "weight_grams": 6000}).json()
    assert [(o["name"], o["price"]) for o in free["options"]] == [
        ("Standard", "0.00"),
        ("Heavy goods", "40.00"),
    ]
    nowhere = anonymous.get(QUOTE, {"country": "FR"}).json()
    assert nowhere == {"currency": "USD", "zone": None, "options": []}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "country"),
        ({"country": "XX"}, "country"),
        ({"country": "US", "weight_grams": "-1"}, "weight_grams"),
        ({"country": "US", "weight_grams": str(2**31)}, "weight_grams"),
        ({"country": "US", "subtotal": "1e999"}, "subtotal"),
        ({"country": "US", "subtotal": "12.345"}, "subtotal"),
        ({"country": "US", "postal_code": "9" * 21}, "postal_code"),
        ({"country": "US", "region": "a\x00b"}, "region"),
    ],
)
def test_a_bad_quote_request_gets_a_field_error(store_a, params, field):
    answer = client_of(store_a).get(QUOTE, params)

    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == [field]


def test_a_zero_decimal_store_quotes_in_whole_yen_and_refuses_cents(store_a):
    store_a.currency = "JPY"
    store_a.save(update_fields=["currency"])
    connection.set_tenant(store_a)
    option(zone("Japan", ["JP"]), "Yamato", price="800", free_above="5000")
    anonymous = client_of(store_a)

    answer = anonymous.get(QUOTE, {"country": "JP", "subtotal": "4999"}).json()

    assert answer["currency"] == "JPY"
    assert [(o["price"], o["price_display"]) for o in answer["options"]] == [("800", "¥800")]
    refused = anonymous.get(QUOTE, {"country": "JP", "subtotal": "4999.5"})
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {
        "subtotal": ["Amounts in JPY have 0 decimals at most."]
    }


def test_a_store_never_sees_or_quotes_another_stores_zones(store_a, store_b):
    connection.set_tenant(store_a)
    domestic = zone("A's domestic", ["US"])
    standard = option(domestic, "A's standard", price="5")
    b_owner = client_of(store_b, "owner")

    assert b_owner.get(ZONES).json()["results"] == []
    assert b_owner.get(f"{ZONES}{domestic.pk}/").status_code == 404
    assert (
        b_owner.patch(f"{ZONES}{domestic.pk}/", {"name": "Taken"}, format="json").status_code == 404
    )
    assert b_owner.delete(f"{ZONES}{domestic.pk}/options/{standard.pk}/").status_code == 404
    assert client_of(store_b).get(QUOTE, {"country": "US"}).json()["options"] == []
    connection.set_tenant(store_a)
    domestic.refresh_from_db()
    assert domestic.name == "A's domestic"
    assert DeliveryOption.objects.filter(pk=standard.pk).exists()
