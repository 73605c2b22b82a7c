"""Zones and delivery options are checked whole before anything is written: field errors
for the merchant, nothing changed on a refusal."""

from decimal import Decimal

import pytest

from shipping import services
from shipping.errors import ShippingError
from shipping.models import DeliveryOption, DeliveryRateBand, ShippingZone
from tests.shipping.conftest import bands, option, zone

pytestmark = pytest.mark.django_db


def refusal(action) -> dict:
    with pytest.raises(ShippingError) as refused:
        action()
    assert refused.value.status_code == 400
    return refused.value.fields


def test_a_zone_is_stored_cleaned_and_placed_last(in_store_a):
    first = zone("Domestic", ["us", "US", " ca "])
    second = services.create_zone(
        name="  Paris   area ",
        countries=["FR"],
        regions=[" Île-de-France ", "île-de-france", ""],
        postcodes=["75 000 - 75 999", "92*", "sw1", "SW1"],
    )

    assert first.countries == ["US", "CA"]
    assert (second.name, second.regions) == ("Paris area", ["Île-de-France"])
    assert second.postcodes == ["75000-75999", "92*", "SW1"]
    assert (first.position, second.position) == (0, 1)


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"name": " ", "countries": ["US"]}, {"name": ["Give it a name."]}),
        ({"name": "X", "countries": []}, {"countries": ["Choose at least one country."]}),
        (
            {"name": "X", "countries": ["US", "XX"]},
            {"countries": ["“XX” is no country code (ISO 3166-1)."]},
        ),
        (
            {"name": "X", "countries": ["FR"], "postcodes": ["75#"]},
            {
                "postcodes": [
                    "“75#” is no postcode pattern: use letters and digits, a range such as "
                    "75000-75999, or * and ? as wildcards."
                ]
            },
        ),
        (
            {"name": "X", "countries": ["FR"], "postcodes": ["75999-75000"]},
            {"postcodes": ["“75999-75000”: a range goes from the lower end to the higher one."]},
        ),
        (
            {"name": "X", "countries": ["FR"], "rest_of_world": True},
            {"countries": ["The rest of the world zone lists no countries or regions."]},
        ),
        (
            {"name": "X", "countries": ["FR"], "regions": ["r" * 101]},
            {"regions": [f"“{'r' * 20}…” is longer than 100 characters."]},
        ),
        (
            {"name": "X", "countries": ["FR"], "position": 2**31},
            {"position": ["That position is too large."]},
        ),
    ],
)
def test_a_bad_zone_is_refused_field_by_field_and_nothing_is_stored(in_store_a, fields, errors):
    assert refusal(lambda: services.create_zone(**fields)) == errors
    assert not ShippingZone.objects.exists()


def test_a_zone_update_is_checked_merged_with_what_is_stored(in_store_a):
    domestic = zone("Domestic", ["US"], regions=["CA"])

    assert refusal(lambda: services.update_zone(zone=domestic, data={"countries": []})) == {
        "countries": ["Choose at least one country."]
    }
    updated = services.update_zone(zone=domestic, data={"name": "West", "is_active": False})

    assert (updated.name, updated.countries, updated.regions, updated.is_active) == (
        "West",
        ["US"],
        ["CA"],
        False,
    )


def test_deleting_a_zone_deletes_its_options_and_bands(in_store_a):
    domestic = zone()
    option(domestic, "Parcel", kind="weight_bands", bands=bands((0, None, "5")))

    services.delete_zone(zone=domestic)

    assert not DeliveryOption.objects.exists() and not DeliveryRateBand.objects.exists()


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"price": "-1"}, {"price": ["Give an amount, 0 or more."]}),
        ({"price": "5.001"}, {"price": ["Prices in USD have 2 decimals at most."]}),
        ({"price": "1e12"}, {"price": ["That amount is too large."]}),
        ({"price": "NaN"}, {"price": ["Give an amount, 0 or more."]}),
        ({"kind": "teleport"}, {"kind": ["Choose one of: flat_rate, weight_bands, "
                                         "order_value_bands, free, local_pickup."]}),
        (
            {"kind": "local_pickup", "price": "2"},
            {"price": ["Local pickup is free: leave the price at 0."]},
        ),
        (
            {"kind": "free", "free_above": "10"},
            {"free_above": ["Free delivery is always free: leave the threshold empty."]},
        ),
        (
            {"min_delivery_days": 5, "max_delivery_days": 2},
            {"max_delivery_days": ["The latest day comes on or after the earliest."]},
        ),
        (
            {"max_delivery_days": 366},
            {"max_delivery_days": ["Give a number of days from 0 to 365."]},
        ),
        ({"kind": "weight_bands"}, {"bands": ["Give at least one band."]}),
        (
            {"kind": "flat_rate", "bands": bands((0, None, "1"))},
            {"bands": ["Only options by weight or by order value have bands."]},
        ),
        (
            {"kind": "weight_bands", "price": "3", "bands": bands((0, None, "1"))},
            {"price": ["The bands carry the prices: leave the option's price at 0."]},
        ),
    ],
)  # fmt: skip
def test_a_bad_option_is_refused_field_by_field_and_nothing_is_stored(in_store_a, fields, errors):
    domestic = zone()
    option_bands = fields.pop("bands", None)
    data = {"name": "Standard", "kind": "flat_rate", **fields}

    assert (
        refusal(lambda: services.create_option(zone=domestic, data=data, bands=option_bands))
        == errors
    )
    assert not DeliveryOption.objects.exists()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            ((0, 1000, "4"), (1500, None, "8")),
            "Nothing covers 1000g to 1500g: bands follow each other without gaps.",
        ),
        (
            ((0, 2000, "4"), (1000, None, "8")),
            "The band from 0g overlaps the band from 1000g: bands may not overlap.",
        ),
        (
            ((0, None, "4"), (1000, None, "8")),
            "The band from 0g overlaps the band from 1000g: bands may not overlap.",
        ),
        (((0, 1000.5, "4"),), "Band 1, to: give whole grams"),
        (((1000, 1000, "4"),), "Band 1, to: it ends above where it starts"),
        (((0, None, "4.005"),), "Band 1, price: Prices in USD have 2 decimals at most."),
        (((0, None, "-4"),), "Band 1, price: Give an amount, 0 or more."),
    ],
)
def test_weight_bands_are_contiguous_non_overlapping_and_bounded(in_store_a, rows, message):
    domestic = zone()
    data = {"name": "Parcel", "kind": "weight_bands"}

    refused = refusal(lambda: services.create_option(zone=domestic, data=data, bands=bands(*rows)))

    assert refused == {"bands": [message]}
    assert not DeliveryRateBand.objects.exists()


def test_bands_given_in_any_order_are_stored_in_order(in_store_a):
    parcel = option(zone(), "Parcel", kind="weight_bands",
                    bands=bands((1000, None, "9"), (0, 1000, "4")))  # fmt: skip

    assert [(b.from_value, b.to_value, b.price) for b in parcel.bands.all()] == [
        (Decimal(0), Decimal(1000), Decimal("4.00")),
        (Decimal(1000), None, Decimal("9.00")),
    ]


def test_a_zero_decimal_store_refuses_cents_in_prices_and_value_bands(in_store_a):
    in_store_a.currency = "JPY"
    japan = zone("Japan", ["JP"])

    flat = {"name": "Flat", "price": "500.50"}
    assert refusal(lambda: services.create_option(zone=japan, data=flat)) == {
        "price": ["Prices in JPY have 0 decimals at most."]
    }
    by_value = {"name": "By value", "kind": "order_value_bands"}
    assert refusal(
        lambda: services.create_option(zone=japan, data=by_value, bands=bands((0.5, None, "500")))
    ) == {"bands": ["Band 1, from: amounts in JPY have 0 decimals"]}
    assert option(japan, "Flat", price="500").price == Decimal(500)


def test_an_update_replaces_the_bands_or_keeps_them(in_store_a):
    parcel = option(zone(), "Parcel", kind="weight_bands", bands=bands((0, None, "5")))

    services.update_option(option=parcel, data={"name": "Parcel post"})
    assert [b.price for b in parcel.bands.all()] == [Decimal("5.00")]

    services.update_option(option=parcel, data={}, bands=bands((0, 500, "3"), (500, None, "6")))
    assert [b.price for b in parcel.bands.all()] == [Decimal("3.00"), Decimal("6.00")]

    refused = refusal(lambda: services.update_option(option=parcel, data={"kind": "flat_rate"}))
    assert refused == {"bands": ["Only options by weight or by order value have bands."]}
    changed = services.update_option(
        option=parcel, data={"kind": "flat_rate", "price": "4"}, bands=[]
    )
    assert (changed.kind, changed.price, changed.bands.count()) == ("flat_rate", Decimal("4.00"), 0)


def test_the_number_of_options_per_zone_is_bounded(in_store_a, monkeypatch):
    monkeypatch.setattr(services, "MAX_OPTIONS_PER_ZONE", 2)
    domestic = zone()
    option(domestic, "One", price="1")
    option(domestic, "Two", price="2")

    assert refusal(lambda: option(domestic, "Three", price="3")) == {
        "name": ["A zone has at most 2 delivery options."]
    }
