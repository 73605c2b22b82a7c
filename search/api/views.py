"""Search API: GET /api/v1/search/ and /api/v1/search/suggest/ (anyone; the buyer's channel)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from config.api_input import check_query_parameters
from pricing import buyer_for, channel_for, price_ranges
from search import selectors
from search.api import serializers


class SearchView(GenericAPIView):
    """Full-text product search with the shop listing's filters, facets and "did you mean"."""

    permission_classes = [AllowAny]
    serializer_class = serializers.SearchResultSerializer

    @extend_schema(
        parameters=[
            serializers.SearchParamsSerializer,
            OpenApiParameter(
                "attr.<code>", str, description="Attribute value(s), comma separated."
            ),
        ]
    )
    def get(self, request: Request) -> Response:
        check_query_parameters(request.query_params)
        params = serializers.SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        filters = {
            key: value for key, value in request.query_params.items() if key.startswith("attr.")
        }
        filters.update({key: data[key] for key in ("category", "brand") if data.get(key)})
        filters.update({k: data[k] for k in ("price_min", "price_max") if data.get(k) is not None})
        filters["in_stock"] = "true" if data["in_stock"] else ""
        buyer = buyer_for(user=request.user, auth=request.auth)
        result = selectors.search_products(
            text=data["q"],
            channel=buyer.channel,
            filters=filters,
            sort=data["sort"],
            page=data["page"],
        )
        # Search documents hold the channel's prices, never a company's: a member's are
        # computed now, for this page's hits only (pricing.price_ranges, constant queries).
        ranges = price_ranges([hit.product_id for hit in result.hits], buyer)
        for hit in result.hits:
            if hit.product_id in ranges:
                hit.min_price, hit.max_price = ranges[hit.product_id]
        return Response(serializers.SearchResultSerializer(result).data)


class SuggestView(GenericAPIView):
    """Autocomplete: products whose name words start with what the shopper typed."""

    permission_classes = [AllowAny]
    serializer_class = serializers.SuggestionSerializer

    @extend_schema(
        parameters=[serializers.SuggestParamsSerializer],
        responses=inline_serializer(
            "Suggestions", fields={"results": serializers.SuggestionSerializer(many=True)}
        ),
    )
    def get(self, request: Request) -> Response:
        params = serializers.SuggestParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        suggestions = selectors.suggest_products(
            prefix=params.validated_data["q"],
            channel=channel_for(user=request.user, auth=request.auth),
        )
        return Response({"results": serializers.SuggestionSerializer(suggestions, many=True).data})
