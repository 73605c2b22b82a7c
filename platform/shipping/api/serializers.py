"""Shipping API bodies: zones and delivery options (staff), and the public quote."""

from django_countries import countries
from rest_framework import serializers

import money
from config.api_input import column_bounds
from shipping.models import DeliveryOption, DeliveryRateBand, ShippingZone
from shipping.services import (
    MAX_BANDS_PER_OPTION,
    MAX_COUNTRIES_PER_ZONE,
    MAX_POSTCODES_PER_ZONE,
    MAX_REGIONS_PER_ZONE,
)

# As heavy as catalog.ProductVariant.weight_grams (a positive integer column) can say.
MAX_PARCEL_GRAMS = 2_147_483_647
COUNTRY_CHOICES = [(code, name) for code, name in countries]


def _amount(model, field_name: str, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(**column_bounds(model, field_name), min_value=0, **kwargs)


def _position(model) -> serializers.IntegerField:
    bounds = column_bounds(model, "position")
    return serializers.IntegerField(min_value=0, max_value=bounds["max_value"], required=False)


class BandSerializer(serializers.Serializer):
    from_value = _amount(
        DeliveryRateBand,
        "from_value",
        help_text="Where the band starts (included): grams for weight bands, an amount in the "
        "store's currency for order-value bands.",
    )
    to_value = _amount(
        DeliveryRateBand,
        "to_value",
        required=False,
        allow_null=True,
        default=None,
        help_text="Where it ends (excluded); null: no upper limit. The next band starts here.",
    )
    price = _amount(DeliveryRateBand, "price")


class DeliveryOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    zone_id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=DeliveryOption.Kind.choices, required=False)
    price = _amount(
        DeliveryOption,
        "price",
        required=False,
        help_text="The flat rate; 0 for the other kinds (bands carry their own prices).",
    )
    free_above = _amount(
        DeliveryOption,
        "free_above",
        required=False,
        allow_null=True,
        help_text="Free for an order subtotal at or above this amount; null: never.",
    )
    currency = serializers.SerializerMethodField()
    min_delivery_days = serializers.IntegerField(
        min_value=0, max_value=365, required=False, allow_null=True
    )
    max_delivery_days = serializers.IntegerField(
        min_value=0, max_value=365, required=False, allow_null=True
    )
    allows_cash_on_delivery = serializers.BooleanField(required=False)
    position = _position(DeliveryOption)
    is_active = serializers.BooleanField(required=False)
    bands = BandSerializer(
        many=True,
        required=False,
        max_length=MAX_BANDS_PER_OPTION,
        help_text="Weight or order-value bands, contiguous and not overlapping. Given, they "
        "replace the option's bands.",
    )

    def get_currency(self, option) -> str:
        return money.store_currency()


class ShippingZoneSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100)
    countries = serializers.ListField(
        child=serializers.ChoiceField(choices=COUNTRY_CHOICES),
        required=False,
        max_length=MAX_COUNTRIES_PER_ZONE,
        help_text="ISO 3166-1 alpha-2 codes.",
    )
    rest_of_world = serializers.BooleanField(
        required=False,
        help_text="Covers every address no other zone covers (then no countries are listed).",
    )
    regions = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        max_length=MAX_REGIONS_PER_ZONE,
        help_text="States or regions (codes or names); empty: the whole countries.",
    )
    postcodes = serializers.ListField(
        child=serializers.CharField(max_length=32),
        required=False,
        max_length=MAX_POSTCODES_PER_ZONE,
        help_text="Prefixes (SW1), ranges (75000-75999) or wildcards (SW1*); empty: all.",
    )
    position = _position(ShippingZone)
    is_active = serializers.BooleanField(required=False)
    options = DeliveryOptionSerializer(many=True, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class QuoteParamsSerializer(serializers.Serializer):
    country = serializers.ChoiceField(choices=COUNTRY_CHOICES, help_text="ISO 3166-1 alpha-2.")
    region = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    weight_grams = serializers.IntegerField(
        min_value=0,
        max_value=MAX_PARCEL_GRAMS,
        required=False,
        default=0,
        help_text="The parcel's total weight in grams.",
    )
    subtotal = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        default=0,
        help_text="The order subtotal, in the store's currency.",
    )

    def validate_subtotal(self, value):
        currency = money.store_currency()
        if not money.fits_currency(value, currency):
            raise serializers.ValidationError(
                f"Amounts in {currency} have {money.minor_units(currency)} decimals at most."
            )
        return value


class OfferedOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=DeliveryOption.Kind.choices)
    price = serializers.SerializerMethodField()
    price_display = serializers.SerializerMethodField()
    is_free = serializers.BooleanField()
    free_above = serializers.SerializerMethodField()
    min_delivery_days = serializers.IntegerField(allow_null=True)
    max_delivery_days = serializers.IntegerField(allow_null=True)
    allows_cash_on_delivery = serializers.BooleanField()

    def get_price(self, offered) -> str:
        return str(offered.price.amount)

    def get_price_display(self, offered) -> str:
        return str(offered.price)

    def get_free_above(self, offered) -> str | None:
        return None if offered.free_above is None else str(offered.free_above.amount)


class QuoteZoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class QuoteSerializer(serializers.Serializer):
    currency = serializers.CharField()
    zone = QuoteZoneSerializer(allow_null=True)
    options = OfferedOptionSerializer(many=True)
