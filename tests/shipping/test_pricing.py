"""What each kind of delivery option costs for a parcel: flat rates, weight and order-value
bands, free above a threshold, free delivery and pickup; in a zero-decimal currency too."""

from decimal import Decimal

import pytest

import money
from shipping import providers, selectors
from shipping.errors import DeliveryOptionUnavailable, TrackingUnavailable
from tests.shipping.conftest import bands, option, parcel, to, zone

pytestmark = pytest.mark.django_db


def prices(address=None, **parcel_fields) -> dict[str, str]:
    offered = selectors.options_for(address=address or to("US"), parcel=parcel(**parcel_fields))
    return {o.name: str(o.price) for o in offered}


def test_a_flat_rate_costs_its_price_and_nothing_at_or_above_its_threshold(in_store_a):
    option(zone(), "Standard", price="5.00", free_above="100.00")

    assert prices(subtotal="99.99") == {"Standard": "$5.00"}
    assert prices(subtotal="100.00") == {"Standard": "$0.00"}
    assert prices(subtotal="250") == {"Standard": "$0.00"}


def test_weight_bands_price_the_band_the_parcel_falls_in_ends_excluded(in_store_a):
    option(
        zone(),
        "Parcel",
        kind="weight_bands",
        bands=bands((0, 1000, "4.50"), (1000, 5000, "9"), (5000, 20000, "19.90")),
    )

    assert prices(weight_grams=0) == {"Parcel": "$4.50"}
    assert prices(weight_grams=999) == {"Parcel": "$4.50"}
    assert prices(weight_grams=1000) == {"Parcel": "$9.00"}
    assert prices(weight_grams=19999) == {"Parcel": "$19.90"}
    assert prices(weight_grams=20000) == {}  # too heavy: not offered


def test_an_open_last_band_takes_any_weight(in_store_a):
    option(zone(), "Freight", kind="weight_bands", bands=bands((2000, None, "50")))

    assert prices(weight_grams=1999) == {}  # lighter than the first band: not offered
    assert prices(weight_grams=2_000_000) == {"Freight": "$50.00"}


def test_order_value_bands_price_by_subtotal_and_a_threshold_makes_them_free(in_store_a):
    option(
        zone(),
        "By value",
        kind="order_value_bands",
        free_above="150",
        bands=bands((0, 50, "8"), (50, None, "4")),
    )

    assert prices(subtotal="49.99") == {"By value": "$8.00"}
    assert prices(subtotal="50") == {"By value": "$4.00"}
    assert prices(subtotal="150") == {"By value": "$0.00"}


def test_free_delivery_and_local_pickup_cost_nothing(in_store_a):
    domestic = zone()
    option(domestic, "Free", kind="free")
    option(domestic, "Pick up at the shop", kind="local_pickup")

    assert prices(weight_grams=90000, subtotal="1") == {
        "Free": "$0.00",
        "Pick up at the shop": "$0.00",
    }


def test_a_zero_decimal_currency_store_prices_in_whole_yen(in_store_a, settings):
    in_store_a.currency = "JPY"
    domestic = zone("Japan", ["JP"])
    option(
        domestic, "Yamato", kind="weight_bands", bands=bands((0, 2000, "800"), (2000, None, "1500"))
    )
    option(domestic, "Flat", price="1200", free_above="10000")

    offered = selectors.options_for(
        address=to("JP"), parcel=parcel(weight_grams=2500, subtotal="9999", currency="JPY")
    )

    assert [(o.name, o.price) for o in offered] == [
        ("Yamato", money.Money(Decimal(1500), "JPY")),
        ("Flat", money.Money(Decimal(1200), "JPY")),
    ]
    assert [str(o.price) for o in offered] == ["¥1,500", "¥1,200"]
    assert offered[1].free_above == money.Money(Decimal(10000), "JPY")


def test_an_offered_option_says_its_estimate_pickup_and_cash_on_delivery(in_store_a):
    domestic = zone()
    option(domestic, "Standard", price="5", min_delivery_days=2, max_delivery_days=4,
           allows_cash_on_delivery=True)  # fmt: skip
    option(domestic, "Pickup", kind="local_pickup", max_delivery_days=1)

    standard, pickup = selectors.options_for(address=to("US"), parcel=parcel())

    assert (standard.min_delivery_days, standard.max_delivery_days) == (2, 4)
    assert standard.allows_cash_on_delivery and not standard.is_pickup
    assert pickup.is_pickup and pickup.is_free and not pickup.allows_cash_on_delivery
    assert standard.zone_name == "Domestic"


def test_checkout_gets_the_chosen_option_priced_or_a_400_when_not_offered_there(in_store_a):
    standard = option(zone(), "Standard", price="5")
    french = option(zone("France", ["FR"]), "Colissimo", price="7")

    chosen = selectors.chosen_option(address=to("US"), parcel=parcel(), option_id=standard.pk)
    assert (chosen.id, str(chosen.price)) == (standard.pk, "$5.00")

    with pytest.raises(DeliveryOptionUnavailable) as refused:
        selectors.chosen_option(address=to("US"), parcel=parcel(), option_id=french.pk)
    assert refused.value.status_code == 400
    assert refused.value.fields == {
        "delivery_option": ["Choose one of the options offered for this address."]
    }


def test_a_parcel_priced_in_another_currency_is_a_programming_error(in_store_a):
    option(zone(), "Standard", price="5")

    with pytest.raises(ValueError, match="EUR"):
        selectors.options_for(address=to("US"), parcel=parcel(currency="EUR"))


def test_the_table_rate_provider_answers_rates_and_cannot_track(in_store_a):
    standard = option(zone(), "Standard", price="5", allows_cash_on_delivery=True)
    shipment = providers.Shipment(destination=to("US"), parcel=parcel())

    provider = providers.get_provider("table")
    assert isinstance(provider, providers.ShippingProvider)
    assert provider.rates(shipment) == [
        providers.Rate(
            provider="table",
            service=str(standard.pk),
            name="Standard",
            price=money.Money(Decimal(5), "USD"),
            allows_cash_on_delivery=True,
        )
    ]
    assert providers.rates_for(shipment) == provider.rates(shipment)
    with pytest.raises(TrackingUnavailable) as refused:
        provider.track("1Z999")
    assert refused.value.status_code == 409


def test_a_carrier_registers_beside_the_table_rates(in_store_a, monkeypatch):
    class Carrier:
        code, name = "test-carrier", "Test carrier"

        def rates(self, shipment):
            return [
                providers.Rate("test-carrier", "ground", "Ground", money.Money(Decimal(7), "USD"))
            ]

        def track(self, tracking_number):
            return providers.TrackingStatus(tracking_number, providers.TrackingState.IN_TRANSIT)

    monkeypatch.setattr(providers, "_PROVIDERS", dict(providers._PROVIDERS))
    providers.register(Carrier())
    option(zone(), "Standard", price="5")

    shipment = providers.Shipment(destination=to("US"), parcel=parcel())
    assert [(r.provider, r.name) for r in providers.rates_for(shipment)] == [
        ("table", "Standard"),
        ("test-carrier", "Ground"),
    ]
    assert providers.get_provider("test-carrier").track("X1").state == "in_transit"
    with pytest.raises(TypeError):
        providers.register(object())
