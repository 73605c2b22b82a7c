"""Bulk purchasing API under ``/api/v1/b2b/``: quick order (JSON lines or a CSV file), reorder,
requisition lists and saved carts. Thin views: validate, call one service or selector of
``b2b.bulk``, answer.

Who: members of a company (see accounts.permissions: adding to the cart needs
``b2b.place_orders``, i.e. buyers and admins; lists are seen and made by every member) and the
company's API keys (``orders:place`` adds to the key's cart, ``orders:read`` reads lists). A
caller who buys for no company (a B2C shopper, staff) is refused (403). Adding to a cart
(quick order, CSV, reorder, a list to the cart) needs an APPROVED company: the members of a
pending or rejected company buy as consumers (pricing.channel_for), so they are refused with
403 ``company_not_approved`` and the reason.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from accounts.api.permissions import RequiresPermission
from accounts.models import ApiKey
from b2b.api import bulk_serializers as s
from b2b.bulk import lines as parsing
from b2b.bulk import quick_order, reorder, requisitions
from cart import identify
from config.pagination import BoundedPageSize
from idempotency.api import IdempotentCreateMixin
from pricing import buyer_for

PLACE = permissions.PLACE_COMPANY_ORDERS
VIEW = permissions.VIEW_COMPANY
KEY_PLACE = ApiKey.Scope.PLACE_ORDERS.value
KEY_READ = ApiKey.Scope.READ_ORDERS.value
NOT_APPROVED = OpenApiResponse(
    description="`company_not_approved`: your company is pending or was rejected by the store "
    "(you buy as a consumer until it is approved); or `permission_denied` (not a buyer or "
    "admin of a company)."
)


class BulkView(APIView):
    permission_classes = [RequiresPermission]

    def company(self, request: Request, *, buying: bool = False):
        """The company the caller buys for (403 without one). ``buying``: the caller adds to
        a cart at the company's prices, which needs an approved company (403
        ``company_not_approved`` for a pending or rejected one, whose people buy as
        consumers)."""
        if isinstance(request.auth, ApiKey):
            company = request.auth.company
        else:
            company = permissions.company_of(request.user)
        if company is None:
            raise PermissionDenied("Bulk ordering is for members of a company.")
        if buying:
            quick_order.refuse_unless_buying(company)
        return company

    def buyer(self, request: Request):
        return buyer_for(user=request.user, auth=request.auth)

    def person(self, request: Request):
        """The person acting (None for an API key: a key is nobody's own)."""
        return None if isinstance(request.auth, ApiKey) else request.user


def _requested(validated) -> list:
    return parsing.parse_rows((line["sku"], line.get("quantity")) for line in validated)


@extend_schema(tags=["b2b"])
class QuickOrderView(IdempotentCreateMixin, BulkView):
    required_permissions = {"POST": PLACE}
    company_key_scopes = {"POST": KEY_PLACE}

    @extend_schema(
        operation_id="b2b_quick_order",
        summary="Quick order: check SKU lines and add them all to your cart",
        request=s.QuickOrderSerializer,
        responses={
            200: s.ReportSerializer,
            400: OpenApiResponse(
                description="`invalid_lines`: some rows cannot be ordered as asked (each "
                "named in `fields` as `lines.<index>.sku` or `.quantity`); nothing was added."
            ),
            403: NOT_APPROVED,
        },
        examples=[s.QUICK_ORDER_EXAMPLE, s.REPORT_EXAMPLE, s.REFUSED_EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        """Up to 500 lines of `{sku, quantity}`. With `validate_only`, the row-by-row report
        (found, product, your unit price, stock, quantity rules with what your cart holds),
        the cart unchanged. Without it, all lines are added to your cart in one transaction,
        or none (400 `invalid_lines`)."""
        serializer = s.QuickOrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.company(request, buying=True)
        requested = _requested(serializer.validated_data["lines"])
        return _quick_order(request, self, requested, serializer.validated_data["validate_only"])


@extend_schema(tags=["b2b"])
class CsvOrderView(IdempotentCreateMixin, BulkView):
    required_permissions = {"POST": PLACE}
    company_key_scopes = {"POST": KEY_PLACE}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="b2b_quick_order_csv",
        summary="Upload an order as CSV (SKU, quantity): the report, then add all or nothing",
        request={"multipart/form-data": s.CsvOrderSerializer},
        responses={
            200: s.ReportSerializer,
            400: OpenApiResponse(
                description="`malformed_file` (not UTF-8 CSV, over 256 KB, no rows), "
                "`too_many_lines` (over 500), or `invalid_lines` (nothing was added)."
            ),
            403: NOT_APPROVED,
        },
        examples=[s.REPORT_EXAMPLE, s.REFUSED_EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        """Rows are numbered as in the file (a header is row 1)."""
        serializer = s.CsvOrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.company(request, buying=True)
        upload = serializer.validated_data["file"]
        data = upload.read(parsing.MAX_FILE_BYTES + 1)
        requested = parsing.parse_csv(data)
        return _quick_order(request, self, requested, serializer.validated_data["validate_only"])


def _quick_order(request, view: BulkView, requested, validate_only: bool) -> Response:
    owner = identify.owner_of(request)
    buyer = view.buyer(request)
    if validate_only:
        report = quick_order.validate_lines(lines=requested, buyer=buyer, owner=owner)
        return Response(s.report_data(report, added=False))
    report = quick_order.add_quick_order(lines=requested, buyer=buyer, owner=owner)
    return Response(s.report_data(report, added=True))


@extend_schema(tags=["b2b"])
class ReorderView(IdempotentCreateMixin, BulkView):
    required_permissions = {"POST": PLACE}
    company_key_scopes = {"POST": KEY_PLACE}

    @extend_schema(
        operation_id="b2b_order_reorder",
        summary="Reorder: a past order's lines back in your cart at today's prices",
        request=None,
        responses={200: s.ReportSerializer},
        examples=[s.REPORT_EXAMPLE],
    )
    def post(self, request: Request, number: int) -> Response:
        """Your own orders and your company's (a key: its company's). Lines that can still be
        bought as ordered are added; the report says why the others were not (no longer sold,
        not available, out of stock, quantity rules). 404 for any other number."""
        company = self.company(request, buying=True)
        order = reorder.reorderable_order(number=number, user=self.person(request), company=company)
        report = reorder.reorder(
            order=order, buyer=self.buyer(request), owner=identify.owner_of(request)
        )
        return Response(s.report_data(report, added=bool(report.valid)))


class ListPagination(BoundedPageSize, CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-updated_at", "-id")


@extend_schema(tags=["b2b"])
class RequisitionListsView(IdempotentCreateMixin, BulkView):
    required_permissions = {"GET": VIEW, "POST": VIEW}
    company_key_scopes = {"GET": KEY_READ}
    pagination_class = ListPagination

    @extend_schema(
        operation_id="b2b_requisition_lists",
        summary="Your company's requisition lists and saved carts, last changed first",
        responses=s.RequisitionListSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            requisitions.lists_of(company=self.company(request)), request, view=self
        )
        return paginator.get_paginated_response(s.RequisitionListSerializer(page, many=True).data)

    @extend_schema(
        operation_id="b2b_requisition_list_create",
        summary="Make a list: empty, from SKU lines, or from your cart (a saved cart)",
        request=s.CreateListSerializer,
        responses={201: s.RequisitionListDetailSerializer},
        examples=[s.CREATE_LIST_EXAMPLE, s.SAVE_CART_EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        serializer = s.CreateListSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        company = self.company(request)
        if data["from_cart"]:
            made = requisitions.save_cart_as_list(
                company=company,
                user=request.user,
                cart=identify.cart_for_request(request),
                name=data["name"],
                kind=data["kind"],
            )
        else:
            made = requisitions.create_list(
                company=company,
                user=request.user,
                name=data["name"],
                kind=data["kind"],
                lines=_requested(data.get("lines") or []),
            )
        return _detail(request, company, made.pk, status_code=status.HTTP_201_CREATED)


def _detail(request, company, pk, *, status_code=status.HTTP_200_OK) -> Response:
    found = requisitions.list_of(company=company, pk=pk)
    person = None if isinstance(request.auth, ApiKey) else request.user
    found.can_edit = requisitions.can_edit(user=person, requisition_list=found)
    return Response(s.RequisitionListDetailSerializer(found).data, status=status_code)


@extend_schema(tags=["b2b"])
class RequisitionListView(BulkView):
    required_permissions = {"GET": VIEW, "PATCH": VIEW, "DELETE": VIEW}
    company_key_scopes = {"GET": KEY_READ}

    @extend_schema(
        operation_id="b2b_requisition_list",
        summary="One list of your company, with its lines",
        responses=s.RequisitionListDetailSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        return _detail(request, self.company(request), pk)

    @extend_schema(
        operation_id="b2b_requisition_list_rename",
        summary="Rename a list (its maker or a company admin)",
        request=s.RenameListSerializer,
        responses=s.RequisitionListDetailSerializer,
    )
    def patch(self, request: Request, pk: int) -> Response:
        serializer = s.RenameListSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        company = self.company(request)
        found = requisitions.list_of(company=company, pk=pk)
        requisitions.rename_list(
            requisition_list=found, user=request.user, name=serializer.validated_data["name"]
        )
        return _detail(request, company, pk)

    @extend_schema(
        operation_id="b2b_requisition_list_delete",
        summary="Delete a list (its maker or a company admin)",
        responses={204: None},
    )
    def delete(self, request: Request, pk: int) -> Response:
        found = requisitions.list_of(company=self.company(request), pk=pk)
        requisitions.delete_list(requisition_list=found, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["b2b"])
class RequisitionListLinesView(BulkView):
    required_permissions = {"POST": VIEW}

    @extend_schema(
        operation_id="b2b_requisition_list_line_set",
        summary="Put a SKU on a list (its quantity replaced when listed)",
        request=s.ListLineSerializer,
        responses=s.RequisitionListDetailSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        serializer = s.ListLineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        company = self.company(request)
        found = requisitions.list_of(company=company, pk=pk)
        requisitions.set_line(
            requisition_list=found,
            user=request.user,
            sku=serializer.validated_data["sku"],
            quantity=serializer.validated_data["quantity"],
        )
        return _detail(request, company, pk)


@extend_schema(tags=["b2b"])
class RequisitionListLineView(BulkView):
    required_permissions = {"DELETE": VIEW}

    @extend_schema(
        operation_id="b2b_requisition_list_line_remove",
        summary="Remove a line of a list",
        responses=s.RequisitionListDetailSerializer,
    )
    def delete(self, request: Request, pk: int, line_id: int) -> Response:
        company = self.company(request)
        found = requisitions.list_of(company=company, pk=pk)
        requisitions.remove_line(requisition_list=found, user=request.user, line_id=line_id)
        return _detail(request, company, pk)


@extend_schema(tags=["b2b"])
class RequisitionListAddToCartView(IdempotentCreateMixin, BulkView):
    required_permissions = {"POST": PLACE}
    company_key_scopes = {"POST": KEY_PLACE}

    @extend_schema(
        operation_id="b2b_requisition_list_add_to_cart",
        summary="Add a list (or some of its lines) to your cart at today's prices",
        request=s.AddListToCartSerializer,
        responses={200: s.ReportSerializer},
        examples=[s.REPORT_EXAMPLE],
    )
    def post(self, request: Request, pk: int) -> Response:
        """What can be bought as listed is added; the report says why the rest was not."""
        serializer = s.AddListToCartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        found = requisitions.list_of(company=self.company(request, buying=True), pk=pk)
        report = requisitions.add_list_to_cart(
            requisition_list=found,
            buyer=self.buyer(request),
            owner=identify.owner_of(request),
            line_ids=serializer.validated_data.get("lines"),
        )
        return Response(s.report_data(report, added=bool(report.valid)))
