"""B2B pricing API (staff) under /api/v1/b2b/: price lists, their entries (and a CSV import),
customer groups and volume breaks.

Catalog managers and the owner manage them (``b2b.manage_pricelists``); support reads them
(``b2b.view_pricelist``). Views check the input's shape, call one service or selector, and
serialize; the rules are the services' (b2b.pricing.services), refused field by field. What a
buyer pays from these rows: ``pricing.price_for`` (and the shop catalog API shows it).
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.permissions import RequiresPermission
from accounts.permissions import MANAGE_PRICE_LISTS, VIEW_PRICE_LISTS
from b2b.models import PriceListEntry
from b2b.models.pricing import MAX_QUANTITY
from b2b.pricing import selectors, services
from config.api_input import check_query_parameters
from config.pagination import BoundedPageSize
from idempotency.api import IdempotentCreateMixin

PERMISSIONS = {"GET": VIEW_PRICE_LISTS, "POST": MANAGE_PRICE_LISTS, "PATCH": MANAGE_PRICE_LISTS}
DETAIL_PERMISSIONS = {**PERMISSIONS, "DELETE": MANAGE_PRICE_LISTS}
ID = {"min_value": 1, "max_value": MAX_QUANTITY}


class PricingPagination(BoundedPageSize, CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "id"


def _get(queryset, pk):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# --- Serializers -------------------------------------------------------------------------------


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class PriceListSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=services.NAME_MAX_LENGTH)
    currency = serializers.CharField(read_only=True, help_text="The store's currency.")
    active = serializers.BooleanField(required=False, default=True)
    valid_from = serializers.DateTimeField(required=False, allow_null=True, default=None)
    valid_until = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Exclusive; empty: open."
    )
    company_ids = serializers.ListField(
        child=serializers.IntegerField(**ID), required=False, default=list, max_length=1000
    )
    group_ids = serializers.ListField(
        child=serializers.IntegerField(**ID), required=False, default=list, max_length=1000
    )
    companies = NamedSerializer(many=True, read_only=True)
    customer_groups = NamedSerializer(many=True, read_only=True)
    entry_count = serializers.IntegerField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, price_list) -> dict:
        return {
            "id": price_list.pk,
            "name": price_list.name,
            "currency": price_list.currency,
            "active": price_list.active,
            "valid_from": _time(price_list.valid_from),
            "valid_until": _time(price_list.valid_until),
            "companies": [{"id": c.pk, "name": c.name} for c in price_list.companies.all()],
            "customer_groups": [
                {"id": g.pk, "name": g.name} for g in price_list.customer_groups.all()
            ],
            "entry_count": getattr(price_list, "entry_count", 0),
            "updated_at": _time(price_list.updated_at),
        }


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    target = serializers.ChoiceField(choices=PriceListEntry.Target.choices)
    target_id = serializers.IntegerField(**ID)
    target_label = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=PriceListEntry.Kind.choices)
    value = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text="Fixed: the unit price; percent_off: 0 to 100.",
    )
    min_quantity = serializers.IntegerField(required=False, allow_null=True, default=None, **ID)
    order_multiple = serializers.IntegerField(required=False, allow_null=True, default=None, **ID)

    def to_representation(self, entry) -> dict:
        return {
            "id": entry.pk,
            "target": entry.target,
            "target_id": entry.target_id,
            "target_label": selectors.target_label(entry),
            "kind": entry.kind,
            "value": str(entry.value),
            "min_quantity": entry.min_quantity,
            "order_multiple": entry.order_multiple,
        }


class EntryChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PriceListEntry.Kind.choices, required=False)
    value = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    min_quantity = serializers.IntegerField(required=False, allow_null=True, **ID)
    order_multiple = serializers.IntegerField(required=False, allow_null=True, **ID)


class EntryImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV: target,reference,kind,value[,min_quantity,order_multiple]; reference "
        "is a variant's SKU or a product's, category's or brand's slug."
    )


class CustomerGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=services.NAME_MAX_LENGTH)
    description = serializers.CharField(
        max_length=services.DESCRIPTION_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    company_ids = serializers.ListField(
        child=serializers.IntegerField(**ID), required=False, default=list, max_length=10000
    )
    companies = NamedSerializer(many=True, read_only=True)
    price_lists = NamedSerializer(many=True, read_only=True)

    def to_representation(self, group) -> dict:
        return {
            "id": group.pk,
            "name": group.name,
            "description": group.description,
            "companies": [{"id": c.pk, "name": c.name} for c in group.companies.all()],
            "price_lists": [{"id": p.pk, "name": p.name} for p in group.price_lists.all()],
        }


class VolumeBreakSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    variant_id = serializers.IntegerField(**ID)
    sku = serializers.CharField(read_only=True)
    price_list_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Empty: every B2B buyer.", **ID
    )
    min_quantity = serializers.IntegerField(min_value=2, max_value=MAX_QUANTITY)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)

    def to_representation(self, tier) -> dict:
        return {
            "id": tier.pk,
            "variant_id": tier.variant_id,
            "sku": tier.variant.sku,
            "price_list_id": tier.price_list_id,
            "min_quantity": tier.min_quantity,
            "unit_price": str(tier.unit_price),
        }


class VolumeBreakFiltersSerializer(serializers.Serializer):
    variant = serializers.IntegerField(required=False, **ID)


def _time(value):
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


# --- Price lists -------------------------------------------------------------------------------

PRICE_LIST_EXAMPLE = OpenApiExample(
    "Wholesale prices for two companies and a group, from January",
    value={
        "name": "Wholesale 2027",
        "active": True,
        "valid_from": "2027-01-01T00:00:00Z",
        "valid_until": None,
        "company_ids": [3, 7],
        "group_ids": [1],
    },
    request_only=True,
)


@extend_schema(tags=["b2b"])
@extend_schema_view(
    get=extend_schema(responses=PriceListSerializer(many=True)),
    post=extend_schema(examples=[PRICE_LIST_EXAMPLE], responses={201: PriceListSerializer}),
)
class PriceListListView(IdempotentCreateMixin, GenericAPIView):
    """The store's B2B price lists; POST adds one (in the store's currency)."""

    permission_classes = [RequiresPermission]
    required_permissions = PERMISSIONS
    serializer_class = PriceListSerializer
    pagination_class = PricingPagination

    def get(self, request: Request) -> Response:
        check_query_parameters(request.query_params)
        page = self.paginate_queryset(selectors.price_list_list())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        price_list = services.create_price_list(**serializer.validated_data)
        body = self.get_serializer(_get(selectors.price_list_list(), price_list.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(tags=["b2b"])
@extend_schema_view(
    patch=extend_schema(
        examples=[
            OpenApiExample(
                "End it at the end of the year",
                value={"valid_until": "2028-01-01T00:00:00Z"},
                request_only=True,
            )
        ]
    ),
    delete=extend_schema(responses={204: None}),
)
class PriceListDetailView(GenericAPIView):
    """One price list. Deleting it deletes its entries and volume breaks."""

    permission_classes = [RequiresPermission]
    required_permissions = DETAIL_PERMISSIONS
    serializer_class = PriceListSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(_get(selectors.price_list_list(), pk)).data)

    def patch(self, request: Request, pk: int) -> Response:
        price_list = _get(selectors.price_list_list(), pk)
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_price_list(price_list=price_list, **serializer.validated_data)
        return Response(self.get_serializer(_get(selectors.price_list_list(), pk)).data)

    def delete(self, request: Request, pk: int) -> Response:
        services.delete_price_list(price_list=_get(selectors.price_list_list(), pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Entries -----------------------------------------------------------------------------------

ENTRY_EXAMPLES = [
    OpenApiExample(
        "A fixed price for one variant, by the case of 6",
        value={
            "target": "variant",
            "target_id": 42,
            "kind": "fixed",
            "value": "8.50",
            "min_quantity": 12,
            "order_multiple": 6,
        },
        request_only=True,
    ),
    OpenApiExample(
        "15% off a brand",
        value={"target": "brand", "target_id": 3, "kind": "percent_off", "value": "15"},
        request_only=True,
    ),
]


@extend_schema(tags=["b2b"])
@extend_schema_view(
    get=extend_schema(responses=EntrySerializer(many=True)),
    post=extend_schema(examples=ENTRY_EXAMPLES, responses={201: EntrySerializer}),
)
class EntryListView(IdempotentCreateMixin, GenericAPIView):
    """The entries of a price list; POST adds one (one entry per target and list)."""

    permission_classes = [RequiresPermission]
    required_permissions = PERMISSIONS
    serializer_class = EntrySerializer
    pagination_class = PricingPagination

    def get(self, request: Request, pk: int) -> Response:
        check_query_parameters(request.query_params)
        price_list = _get(selectors.price_list_list(), pk)
        page = self.paginate_queryset(selectors.entry_list(price_list))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def post(self, request: Request, pk: int) -> Response:
        price_list = _get(selectors.price_list_list(), pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.add_entry(price_list=price_list, **serializer.validated_data)
        body = self.get_serializer(_get(selectors.entry_list(price_list), entry.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(tags=["b2b"])
@extend_schema_view(
    patch=extend_schema(
        request=EntryChangeSerializer,
        examples=[OpenApiExample("20% off", value={"value": "20"}, request_only=True)],
    ),
    delete=extend_schema(responses={204: None}),
)
class EntryDetailView(GenericAPIView):
    """One entry of a price list (its target stays; delete and add to change it)."""

    permission_classes = [RequiresPermission]
    required_permissions = DETAIL_PERMISSIONS
    serializer_class = EntrySerializer

    def _entry(self, pk: int, entry_pk: int):
        return _get(selectors.entry_list(_get(selectors.price_list_list(), pk)), entry_pk)

    def get(self, request: Request, pk: int, entry_pk: int) -> Response:
        return Response(self.get_serializer(self._entry(pk, entry_pk)).data)

    def patch(self, request: Request, pk: int, entry_pk: int) -> Response:
        entry = self._entry(pk, entry_pk)
        changes = EntryChangeSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        services.update_entry(entry=entry, **changes.validated_data)
        return Response(self.get_serializer(self._entry(pk, entry_pk)).data)

    def delete(self, request: Request, pk: int, entry_pk: int) -> Response:
        services.remove_entry(entry=self._entry(pk, entry_pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["b2b"],
    request={"multipart/form-data": EntryImportSerializer},
    responses={200: {"type": "object", "properties": {"imported": {"type": "integer"}}}},
)
class EntryImportView(GenericAPIView):
    """Add or update a price list's entries from a CSV file, all rows or none (each bad row
    named in ``fields.rows``). Not a creation answered 201: importing again updates."""

    permission_classes = [RequiresPermission]
    required_permissions = {"POST": MANAGE_PRICE_LISTS}
    serializer_class = EntryImportSerializer
    parser_classes = [MultiPartParser, FormParser]

    def post(self, request: Request, pk: int) -> Response:
        price_list = _get(selectors.price_list_list(), pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise serializers.ValidationError({"file": ["At most 5 MB."]})
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise serializers.ValidationError({"file": ["Not UTF-8 text."]}) from error
        imported = services.import_entries(price_list=price_list, text=text)
        return Response({"imported": imported})


# --- Customer groups ---------------------------------------------------------------------------


@extend_schema(tags=["b2b"])
@extend_schema_view(
    get=extend_schema(responses=CustomerGroupSerializer(many=True)),
    post=extend_schema(
        examples=[
            OpenApiExample(
                "Resellers",
                value={"name": "Resellers", "description": "", "company_ids": [3, 7]},
                request_only=True,
            )
        ],
        responses={201: CustomerGroupSerializer},
    ),
)
class CustomerGroupListView(IdempotentCreateMixin, GenericAPIView):
    """Customer groups (companies priced alike); POST adds one."""

    permission_classes = [RequiresPermission]
    required_permissions = PERMISSIONS
    serializer_class = CustomerGroupSerializer
    pagination_class = PricingPagination

    def get(self, request: Request) -> Response:
        check_query_parameters(request.query_params)
        page = self.paginate_queryset(selectors.customer_group_list())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = services.create_customer_group(**serializer.validated_data)
        body = self.get_serializer(_get(selectors.customer_group_list(), group.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(tags=["b2b"])
@extend_schema_view(delete=extend_schema(responses={204: None}))
class CustomerGroupDetailView(GenericAPIView):
    """One customer group; deleting it takes its price lists from its companies."""

    permission_classes = [RequiresPermission]
    required_permissions = DETAIL_PERMISSIONS
    serializer_class = CustomerGroupSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(_get(selectors.customer_group_list(), pk)).data)

    def patch(self, request: Request, pk: int) -> Response:
        group = _get(selectors.customer_group_list(), pk)
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_customer_group(group=group, **serializer.validated_data)
        return Response(self.get_serializer(_get(selectors.customer_group_list(), pk)).data)

    def delete(self, request: Request, pk: int) -> Response:
        services.delete_customer_group(group=_get(selectors.customer_group_list(), pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Volume breaks -----------------------------------------------------------------------------


@extend_schema(tags=["b2b"])
@extend_schema_view(
    get=extend_schema(
        parameters=[VolumeBreakFiltersSerializer], responses=VolumeBreakSerializer(many=True)
    ),
    post=extend_schema(
        examples=[
            OpenApiExample(
                "From 50 units, 7.90 each, for every B2B buyer",
                value={"variant_id": 42, "min_quantity": 50, "unit_price": "7.90"},
                request_only=True,
            )
        ],
        responses={201: VolumeBreakSerializer},
    ),
)
class VolumeBreakListView(IdempotentCreateMixin, GenericAPIView):
    """Volume breaks (``?variant=`` filters them); POST adds a tier."""

    permission_classes = [RequiresPermission]
    required_permissions = PERMISSIONS
    serializer_class = VolumeBreakSerializer
    pagination_class = PricingPagination

    def get(self, request: Request) -> Response:
        check_query_parameters(request.query_params)
        filters = VolumeBreakFiltersSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        breaks = selectors.volume_break_list(variant_id=filters.validated_data.get("variant"))
        page = self.paginate_queryset(breaks)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def post(self, request: Request) -> Response:
        from b2b.models import PriceList
        from catalog.models import ProductVariant

        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        variant = ProductVariant.objects.filter(pk=data["variant_id"]).first()
        if variant is None:
            raise serializers.ValidationError({"variant_id": ["Unknown variant."]})
        price_list = None
        if data.get("price_list_id") is not None:
            price_list = PriceList.objects.filter(pk=data["price_list_id"]).first()
            if price_list is None:
                raise serializers.ValidationError({"price_list_id": ["Unknown price list."]})
        tier = services.add_volume_break(
            variant=variant,
            price_list=price_list,
            min_quantity=data["min_quantity"],
            unit_price=data["unit_price"],
        )
        body = self.get_serializer(_get(selectors.volume_break_list(), tier.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(tags=["b2b"])
@extend_schema_view(delete=extend_schema(responses={204: None}))
class VolumeBreakDetailView(GenericAPIView):
    """One tier of volume pricing."""

    permission_classes = [RequiresPermission]
    required_permissions = {"GET": VIEW_PRICE_LISTS, "DELETE": MANAGE_PRICE_LISTS}
    serializer_class = VolumeBreakSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(_get(selectors.volume_break_list(), pk)).data)

    def delete(self, request: Request, pk: int) -> Response:
        services.remove_volume_break(tier=_get(selectors.volume_break_list(), pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
