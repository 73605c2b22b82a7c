"""Search API input and output."""

from rest_framework import serializers

from catalog.api.serializers import ProductFiltersSerializer
from config.api_input import StoreAmountField
from search.query import MAX_PAGE, SORTS


class SearchParamsSerializer(ProductFiltersSerializer):
    """The text, the shop listing's filters (one definition for both), sort and page."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    sort = serializers.ChoiceField(choices=SORTS, required=False, allow_blank=True, default="")
    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, default=1)


class SuggestParamsSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100)


class HitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="product_id")
    name = serializers.CharField()
    slug = serializers.CharField()
    brand = serializers.CharField()
    price_from = StoreAmountField(max_digits=12, decimal_places=2, source="min_price")
    price_to = StoreAmountField(max_digits=12, decimal_places=2, source="max_price")
    currency = serializers.CharField(help_text="The store's currency (ISO 4217).")
    in_stock = serializers.BooleanField()


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class SearchResultSerializer(serializers.Serializer):
    count = serializers.IntegerField(source="total")
    page = serializers.IntegerField()
    did_you_mean = serializers.CharField(allow_null=True)
    results = HitSerializer(many=True, source="hits")
    facets = serializers.DictField(child=FacetValueSerializer(many=True))


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="product_id")
    text = serializers.CharField()
    slug = serializers.CharField()
