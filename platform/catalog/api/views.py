"""Catalog API: staff CRUD under /api/v1/catalog/, the shopper catalog under /api/v1/shop/.

Views validate input, call one service or selector, and serialize; permissions come from the
one permission layer (accounts.permissions) through ``required_permissions``.
"""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import Http404
from django.utils.http import http_date
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.fields import IntegerField
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import RequiresPermission
from catalog import selectors, services
from catalog.api import serializers
from catalog.catalog_version import catalog_version
from catalog.errors import CatalogError
from catalog.models import Attribute, Brand, Category, Product, ProductType
from catalog.models import ProductVariant as Variant
from config.api_input import check_query_parameters
from config.pagination import BoundedPageSize
from idempotency.api import IdempotentCreateMixin
from pricing import Channel, buyer_for, channel_for, listing_prices, price_scope
from taxes import services as tax_services


def _actor(request: Request) -> str:
    return getattr(request.user, "email", "") or "api"


def _perms(model: str) -> dict:
    return {
        "GET": f"catalog.view_{model}",
        "POST": f"catalog.add_{model}",
        "PATCH": f"catalog.change_{model}",
        "DELETE": f"catalog.delete_{model}",
    }


class StaffPagination(BoundedPageSize, CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-id"


# --- Categories --------------------------------------------------------------------------------


def _category_parents(categories) -> dict:
    paths = {category.path[: -Category.steplen] for category in categories}
    return dict(Category.objects.filter(path__in=paths).values_list("path", "pk"))


class CategoryListView(IdempotentCreateMixin, GenericAPIView):
    permission_classes = [RequiresPermission]
    required_permissions = _perms("category")
    api_key_scopes = {"GET": "catalog:read"}
    serializer_class = serializers.CategorySerializer
    queryset = Category.objects.select_related("image").order_by("path")

    def get(self, request: Request) -> Response:
        categories = list(self.get_queryset())
        context = {"parents": _category_parents(categories)}
        return Response(serializers.CategorySerializer(categories, many=True, context=context).data)

    def post(self, request: Request) -> Response:
        serializer = serializers.CategorySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        parent_id = data.pop("parent_id", None)
        parent = _get(Category, parent_id, field="parent_id") if parent_id else None
        category = services.create_category(parent=parent, **data)
        context = {"parents": _category_parents([category])}
        body = serializers.CategorySerializer(category, context=context).data
        return Response(body, status=status.HTTP_201_CREATED)


class CategoryDetailView(GenericAPIView):
    permission_classes = [RequiresPermission]
    required_permissions = _perms("category")
    serializer_class = serializers.CategorySerializer

    def get(self, request: Request, pk: int) -> Response:
        category = _get(Category, pk)
        context = {"parents": _category_parents([category])}
        return Response(serializers.CategorySerializer(category, context=context).data)

    def patch(self, request: Request, pk: int) -> Response:
        category = _get(Category, pk)
        serializer = serializers.CategorySerializer(category, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("parent_id", None)
        category = services.update_category(category=category, data=data)
        context = {"parents": _category_parents([category])}
        return Response(serializers.CategorySerializer(category, context=context).data)

    def delete(self, request: Request, pk: int) -> Response:
        services.delete_category(category=_get(Category, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CategoryMoveView(GenericAPIView):
    permission_classes = [RequiresPermission]
    required_permissions = {"POST": "catalog.change_category"}
    serializer_class = serializers.CategoryMoveSerializer

    @extend_schema(
        request=serializers.CategoryMoveSerializer, responses=serializers.CategorySerializer
    )
    def post(self, request: Request, pk: int) -> Response:
        category = _get(Category, pk)
        serializer = serializers.CategoryMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        parent_id = serializer.validated_data["parent_id"]
        parent = _get(Category, parent_id, field="parent_id") if parent_id else None
        moved = services.move_category(category=category, parent=parent)
        context = {"parents": _category_parents([moved])}
        return Response(serializers.CategorySerializer(moved, context=context).data)


# --- Simple models: brands, attributes, product types ------------------------------------------


class _ModelListView(IdempotentCreateMixin, GenericAPIView):
    permission_classes = [RequiresPermission]
    pagination_class = StaffPagination
    api_key_scopes = {"GET": "catalog:read"}

    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = self.perform_create(serializer)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)

    def perform_create(self, serializer):
        raise NotImplementedError  # each model's creation is a service


class _ModelDetailView(GenericAPIView):
    permission_classes = [RequiresPermission]

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def patch(self, request: Request, pk: int) -> Response:
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_update(serializer)
        return Response(self.get_serializer(instance).data)

    def perform_update(self, serializer):
        raise NotImplementedError  # each model's change is a service

    def delete(self, request: Request, pk: int) -> Response:
        self.perform_destroy(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_destroy(self, instance) -> None:
        raise NotImplementedError  # each model's deletion is a service


class BrandListView(_ModelListView):
    required_permissions = _perms("brand")
    serializer_class = serializers.BrandSerializer
    queryset = Brand.objects.all()

    def perform_create(self, serializer):
        return services.create_brand(**serializer.validated_data)


class BrandDetailView(_ModelDetailView):
    required_permissions = _perms("brand")
    serializer_class = serializers.BrandSerializer
    queryset = Brand.objects.all()

    def perform_update(self, serializer):
        return services.update_brand(brand=serializer.instance, data=serializer.validated_data)

    def perform_destroy(self, instance) -> None:
        services.delete_brand(brand=instance)


class AttributeListView(_ModelListView):
    required_permissions = _perms("attribute")
    serializer_class = serializers.AttributeSerializer
    queryset = Attribute.objects.prefetch_related("options")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        options = data.pop("options", [])
        return services.create_attribute(data=data, options=options)


class AttributeDetailView(_ModelDetailView):
    required_permissions = _perms("attribute")
    serializer_class = serializers.AttributeSerializer
    queryset = Attribute.objects.prefetch_related("options")

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        options = data.pop("options", None)
        attribute = services.update_attribute(
            attribute=serializer.instance, data=data, options=options
        )
        return self.get_queryset().get(pk=attribute.pk)

    def perform_destroy(self, instance) -> None:
        services.delete_attribute(attribute=instance)


class ProductTypeListView(_ModelListView):
    required_permissions = _perms("producttype")
    serializer_class = serializers.ProductTypeSerializer
    queryset = ProductType.objects.prefetch_related("product_attributes", "variant_attributes")

    def perform_create(self, serializer):
        return services.create_product_type(**serializer.validated_data)


class ProductTypeDetailView(_ModelDetailView):
    required_permissions = _perms("producttype")
    serializer_class = serializers.ProductTypeSerializer
    queryset = ProductType.objects.prefetch_related("product_attributes", "variant_attributes")

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        product_type = services.update_product_type(
            product_type=serializer.instance,
            data=data,
            product_attributes=data.pop("product_attributes", None),
            variant_attributes=data.pop("variant_attributes", None),
        )
        return self.get_queryset().get(pk=product_type.pk)

    def perform_destroy(self, instance) -> None:
        services.delete_product_type(product_type=instance)


# --- Products and variants ---------------------------------------------------------------------


class ProductListView(IdempotentCreateMixin, GenericAPIView):
    """Every product of the store (any status), newest first; POST creates one with variants."""

    permission_classes = [RequiresPermission]
    required_permissions = _perms("product")
    api_key_scopes = {"GET": "catalog:read"}
    serializer_class = serializers.ProductSerializer
    pagination_class = StaffPagination

    def get_queryset(self):
        products = selectors.product_list_for_staff()
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in Product.Status.values:
                choices = ", ".join(Product.Status.values)
                raise ValidationError({"status": [f"Use one of: {choices}."]})
            products = products.filter(status=wanted)
        return products

    def get(self, request: Request) -> Response:
        check_query_parameters(request.query_params)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(serializers.ProductSerializer(page, many=True).data)

    def post(self, request: Request) -> Response:
        serializer = serializers.ProductSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        variants = [dict(variant) for variant in data.pop("variants", [])]
        tax_class = data.pop("tax_class", None)
        with transaction.atomic():  # the product and its tax class, or neither
            product = services.create_product(
                data=data,
                variants=variants,
                categories=data.pop("categories", None),
                attributes=data.pop("attributes", None),
            )
            if tax_class is not None:
                tax_services.set_product_tax_class(product=product, tax_class=tax_class)
        product = selectors.product_detail_for_staff().get(pk=product.pk)
        return Response(serializers.ProductSerializer(product).data, status=status.HTTP_201_CREATED)


class ProductDetailView(GenericAPIView):
    permission_classes = [RequiresPermission]
    required_permissions = _perms("product")
    api_key_scopes = {"GET": "catalog:read"}
    serializer_class = serializers.ProductSerializer

    def get(self, request: Request, pk: int) -> Response:
        product = _get(selectors.product_detail_for_staff(), pk)
        return Response(serializers.ProductSerializer(product).data)

    def patch(self, request: Request, pk: int) -> Response:
        product = _get(Product.objects.all(), pk)
        serializer = serializers.ProductSerializer(product, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        changes_tax_class = "tax_class" in data
        tax_class = data.pop("tax_class", None)
        with transaction.atomic():  # the product and its tax class, or neither
            services.update_product(
                product=product,
                data=data,
                categories=data.pop("categories", None),
                attributes=data.pop("attributes", None),
            )
            if changes_tax_class:
                tax_services.set_product_tax_class(product=product, tax_class=tax_class)
        product = selectors.product_detail_for_staff().get(pk=pk)
        return Response(serializers.ProductSerializer(product).data)

    def delete(self, request: Request, pk: int) -> Response:
        services.delete_product(product=_get(Product.objects.all(), pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class VariantCreateView(IdempotentCreateMixin, GenericAPIView):
    permission_classes = [RequiresPermission]
    required_permissions = {"POST": "catalog.add_productvariant"}
    serializer_class = serializers.VariantSerializer

    @extend_schema(responses={201: serializers.VariantSerializer})
    def post(self, request: Request, pk: int) -> Response:
        product = _get(Product.objects.all(), pk)
        serializer = serializers.VariantSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        variant = services.create_variant(product=product, data=dict(serializer.validated_data))
        return Response(serializers.VariantSerializer(variant).data, status=status.HTTP_201_CREATED)


class VariantDetailView(GenericAPIView):
    permission_classes = [RequiresPermission]
    required_permissions = _perms("productvariant")
    serializer_class = serializers.VariantSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(serializers.VariantSerializer(_get(Variant.objects.all(), pk)).data)

    def patch(self, request: Request, pk: int) -> Response:
        variant = _get(Variant.objects.all(), pk)
        serializer = serializers.VariantSerializer(variant, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        variant = services.update_variant(
            variant=variant, data=dict(serializer.validated_data), actor=_actor(request)
        )
        return Response(serializers.VariantSerializer(variant).data)

    def delete(self, request: Request, pk: int) -> Response:
        services.delete_variant(variant=_get(Variant.objects.all(), pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class VariantBulkUpdateView(GenericAPIView):
    """Update price and/or stock of up to 1,000 variants by SKU, all or nothing."""

    permission_classes = [RequiresPermission]
    required_permissions = {"POST": "catalog.change_productvariant"}
    serializer_class = serializers.BulkVariantSerializer

    @extend_schema(
        responses=inline_serializer(
            "BulkVariantResult", fields={"updated": IntegerField(min_value=0)}
        )
    )
    def post(self, request: Request) -> Response:
        serializer = serializers.BulkVariantSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = [dict(row) for row in serializer.validated_data["rows"]]
        updated = services.bulk_update_variants(rows=rows, actor=_actor(request))
        return Response({"updated": updated})


# --- Shoppers ----------------------------------------------------------------------------------


class ShopPagination(BoundedPageSize, CursorPagination):
    page_size = 24
    max_page_size = 100
    page_size_query_param = "page_size"

    def get_ordering(self, request, queryset, view):
        return queryset.query.order_by

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        # The answer is cached and served to whoever asks for the same listing: its links are
        # relative (never the Host header of the request that filled the cache) and carry the
        # listing's own parameters only.
        query = shop_listing_query(request.query_params)
        query.pop(self.cursor_query_param, None)
        self.base_url = f"{request.path}?{urlencode(query)}" if query else request.path
        return page


# The shop listing's query parameters; any other is ignored, and is no part of the cached
# answer's key (a made-up parameter does not make a new cache entry).
_SHOP_LISTING_PARAMETERS = frozenset(
    {
        "category",
        "brand",
        "price_min",
        "price_max",
        "in_stock",
        "sort",
        "cursor",
        "page_size",
        "updated_since",
    }
)


def shop_listing_query(params) -> dict[str, str]:
    """The shop listing's known parameters in ``params``, normalised, in a stable order.

    Unknown parameters and empty values (which filter nothing) are dropped; lists of slugs are
    sorted and deduplicated; ``in_stock`` is "true" or absent; ``page_size`` is the page size
    the pagination will use, absent for the default. Two query strings asking for the same
    listing give the same dict.
    """
    query = {}
    for name in sorted(params):
        value = str(params.get(name, "")).strip()
        if name == "in_stock":
            value = "true" if value.lower() in {"1", "true", "yes"} else ""
        elif name == "page_size":
            value = _shop_page_size(value)
        elif name == "brand" or name.startswith("attr."):
            value = ",".join(sorted({item.strip() for item in value.split(",") if item.strip()}))
        elif name not in _SHOP_LISTING_PARAMETERS:
            continue
        if value:
            query[name] = value
    return query


def _shop_page_size(value: str) -> str:
    try:
        size = min(int(value), ShopPagination.max_page_size)
    except ValueError:
        return ""
    return str(size) if 0 < size != ShopPagination.page_size else ""


class _Revalidated:
    """ETag and Last-Modified from the store's catalog version: a client revalidating an
    unchanged catalog gets 304 before any catalog query runs.

    The same version keys a cache of the serialized answers (in the store's cache namespace):
    an unchanged catalog answers a repeated listing from Redis, and any committed change, which
    bumps the version, makes every cached answer of the store unreachable at once.
    """

    def revalidate(self, request: Request, key: str) -> tuple[str, float, Response | None]:
        version, changed_at = catalog_version()
        digest = hashlib.sha256(key.encode()).hexdigest()[:20]
        etag = f'W/"{version}-{digest}"'
        if request.headers.get("If-None-Match") == etag:
            return (
                etag,
                changed_at,
                self._with_validators(
                    Response(status=status.HTTP_304_NOT_MODIFIED), etag, changed_at
                ),
            )
        return etag, changed_at, None

    def respond(self, request: Request, key: str, compute) -> Response:
        """304 for an unchanged answer, else the (cached) answer with its validators; 404 when
        ``compute`` finds nothing."""
        etag, changed_at, not_modified = self.revalidate(request, key)
        if not_modified:
            return not_modified
        data = self.cached_answer(etag, compute)
        if data is None:
            raise Http404
        return self._with_validators(Response(data), etag, changed_at)

    def cached_answer(self, etag: str, compute) -> dict:
        """The serialized answer for this version and request, computed once."""
        timeout = settings.CATALOG_ANSWER_CACHE_SECONDS
        if not timeout:
            return compute()
        cache_key = f"catalog:answer:{etag}"
        data = cache.get(cache_key)
        if data is None:
            data = compute()
            cache.set(cache_key, data, timeout)
        return data

    @staticmethod
    def _with_validators(response: Response, etag: str, changed_at: float) -> Response:
        response["ETag"] = etag
        response["Last-Modified"] = http_date(changed_at)
        response["Cache-Control"] = "private, max-age=0, must-revalidate"
        # JSON or the browsable API, by the Accept header: a cache must keep them apart.
        response["Vary"] = "Accept, Authorization, Cookie"
        return response


class ShopProductListView(_Revalidated, GenericAPIView):
    """Active products of the buyer's channel: filters, sorting, cursor pagination."""

    permission_classes = [AllowAny]
    pagination_class = ShopPagination
    serializer_class = serializers.ShopProductListSerializer

    def channel(self) -> Channel:
        return channel_for(user=self.request.user, auth=self.request.auth)

    def listing_filters(self) -> dict:
        """The filters and sort the query asks for; refuses (400) an invalid one, no query."""
        query = self.request.query_params
        check_query_parameters(query)
        attributes = {key: value for key, value in query.items() if key.startswith("attr.")}
        params = serializers.ShopProductListParamsSerializer(data=query)
        if not params.is_valid():
            # Every bad filter at once: those naming unknown things too, as a valid query would.
            errors = dict(params.errors)
            named = {
                key: query[key]
                for key in ("category", "brand")
                if key in query and key not in errors
            }
            try:
                selectors.product_list_for_shoppers(
                    channel=self.channel(), filters={**attributes, **named}
                )
            except CatalogError as error:
                errors.update(error.fields)
            raise ValidationError(errors)
        return {**attributes, **params.validated_data}

    def get_queryset(self):
        filters = self.listing_filters()
        return selectors.product_list_for_shoppers(
            channel=self.channel(), filters=filters, sort=filters.pop("sort")
        )

    @extend_schema(
        parameters=[
            serializers.ShopProductListParamsSerializer,
            OpenApiParameter(
                "attr.<code>", str, description="Attribute value(s), comma separated."
            ),
        ]
    )
    def get(self, request: Request) -> Response:
        buyer = buyer_for(user=request.user, auth=request.auth)
        channel = buyer.channel
        # A bad parameter is refused before any cached answer could be served for it.
        filters = self.listing_filters()
        self.paginator.get_page_size(request)
        sort = filters.pop("sort")
        query = shop_listing_query(request.query_params)  # the cache key: known parameters only

        def compute() -> dict:
            products = selectors.product_list_for_shoppers(
                channel=channel, filters=filters, sort=sort
            )
            page = self.paginate_queryset(products)
            # A company's price lists price the page's variants at once (constant queries).
            prices = listing_prices(page, buyer)
            results = serializers.ShopProductListSerializer(
                page, many=True, context={"channel": channel, "prices": prices}
            ).data
            return self.get_paginated_response(results).data

        # Keyed by what the prices depend on (pricing.price_scope): a company's prices are
        # never served from the cache to a buyer who may not see them.
        return self.respond(request, f"{price_scope(buyer)}?{urlencode(query)}", compute)


class ShopProductDetailView(_Revalidated, GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = serializers.ShopProductDetailSerializer

    def get(self, request: Request, slug: str) -> Response:
        buyer = buyer_for(user=request.user, auth=request.auth)
        channel = buyer.channel

        def compute() -> dict | None:
            product = selectors.product_detail_for_shoppers(channel=channel, slug=slug)
            if product is None:
                return None
            attributes = selectors.product_attribute_values(product)
            context = {
                "channel": channel,
                "attributes": attributes,
                "prices": listing_prices([product], buyer),
            }
            return serializers.ShopProductDetailSerializer(product, context=context).data

        return self.respond(request, f"{price_scope(buyer)}:{slug}", compute)


class _ShopNavigationView(_Revalidated, APIView):
    """Read-only storefront data revalidated like the products (the catalog version moves
    with every category and brand change). Plain data, not querysets: an APIView."""

    permission_classes = [AllowAny]


class ShopCategoryTreeView(_ShopNavigationView):
    """The active categories as a tree, for navigation menus."""

    @extend_schema(responses=serializers.ShopCategoryNodeSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.respond(request, "categories", selectors.category_tree_for_shoppers)


class ShopCategoryDetailView(_ShopNavigationView):
    """A category landing page: texts, breadcrumb and subcategories (its products come from
    ``/api/v1/shop/products/?category=<slug>``)."""

    @extend_schema(responses=serializers.ShopCategorySerializer)
    def get(self, request: Request, slug: str) -> Response:
        return self.respond(
            request, f"category:{slug}", lambda: selectors.category_page_for_shoppers(slug)
        )


class ShopBrandListView(_ShopNavigationView):
    @extend_schema(responses=serializers.ShopBrandSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.respond(request, "brands", selectors.brands_for_shoppers)


def _get(queryset, pk, *, field: str | None = None):
    if isinstance(queryset, type):
        queryset = queryset.objects.all()
    found = queryset.filter(pk=pk).first()
    if found is None:
        if field:
            from django.core.exceptions import ValidationError

            raise ValidationError({field: ["Unknown id."]})
        raise Http404
    return found


# List endpoints answer lists (paginated ones inside "results"), and creations 201 with the
# created object: say so in the OpenAPI schema.
for _list_view in (
    CategoryListView,
    BrandListView,
    AttributeListView,
    ProductTypeListView,
    ProductListView,
    ShopProductListView,
):
    extend_schema_view(get=extend_schema(responses=_list_view.serializer_class(many=True)))(
        _list_view
    )
    if hasattr(_list_view, "post"):
        extend_schema_view(post=extend_schema(responses={201: _list_view.serializer_class}))(
            _list_view
        )
