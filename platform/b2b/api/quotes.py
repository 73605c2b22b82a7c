"""B2B quotes, ``/api/v1/b2b/quotes/``.

A company's buyers (PLACE_COMPANY_ORDERS) and its API keys with ``orders:place`` ask for a
quote on their cart, accept an offer (the order, at the quoted prices) or withdraw; its
members and keys with ``orders:read`` read their company's quotes (another's: 404). Staff
who answer quotes (MANAGE_QUOTES) offer prices valid until a date or decline; VIEW_QUOTES
reads every company's.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import MANAGE_QUOTES, PLACE_COMPANY_ORDERS, VIEW_COMPANY, VIEW_QUOTES
from b2b import quotes
from b2b.api.access import CompanyOrStaff, company_of
from b2b.api.invoicing import B2BCompanyRefSerializer, Page
from b2b.models import QuoteStatus
from cart import identify
from idempotency.api import IdempotentCreateMixin
from pricing import buyer_for

CONFLICT = OpenApiResponse(
    description="`illegal_transition`: the quote's state machine has no such move from where it "
    "stands (nothing changed)."
)
READ_SCOPE = "orders:read"
PLACE_SCOPE = "orders:place"

QUOTE_EXAMPLE = {
    "id": 5,
    "status": "offered",
    "company": {"id": 3, "name": "Acme Ltd"},
    "currency": "USD",
    "message": "We order monthly; can you do better on 500 units?",
    "staff_note": "10% off at this volume.",
    "valid_until": "2026-12-31T23:59:59Z",
    "total": "4500.00",
    "order_number": None,
    "created_at": "2026-11-30T09:00:00Z",
    "lines": [
        {"id": 9, "sku": "BOLT-M8", "product_name": "Bolt M8", "variant_label": "",
         "quantity": 500, "list_price": "10.00", "quoted_price": "9.00"},
    ],
}  # fmt: skip


class B2BQuoteLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    product_name = serializers.CharField()
    variant_label = serializers.CharField()
    quantity = serializers.IntegerField()
    list_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    quoted_price = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)


class B2BQuoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=QuoteStatus.choices)
    company = B2BCompanyRefSerializer()
    currency = serializers.CharField()
    message = serializers.CharField()
    staff_note = serializers.CharField()
    valid_until = serializers.DateTimeField(allow_null=True)
    total = serializers.SerializerMethodField()
    order_number = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    lines = B2BQuoteLineSerializer(many=True)

    def get_total(self, quote) -> str | None:
        total = quotes.quote_total(quote)
        return None if total is None else str(total)

    def get_order_number(self, quote) -> int | None:
        return quote.order.number if quote.order_id else None


class B2BQuoteSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=QuoteStatus.choices)
    company = B2BCompanyRefSerializer()
    currency = serializers.CharField()
    valid_until = serializers.DateTimeField(allow_null=True)
    line_count = serializers.IntegerField()
    order_number = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_order_number(self, quote) -> int | None:
        return quote.order.number if quote.order_id else None


class B2BRequestSerializer(serializers.Serializer):
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class B2BOfferSerializer(serializers.Serializer):
    prices = serializers.DictField(
        child=serializers.CharField(allow_blank=True), help_text="{line id: unit price}"
    )
    valid_until = serializers.CharField(help_text="YYYY-MM-DD (its end) or an ISO date-time")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class B2BNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class B2BAcceptSerializer(serializers.Serializer):
    shipping_address = serializers.DictField()
    billing_address = serializers.DictField(required=False)
    delivery_option = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    payment_method = serializers.CharField(max_length=32)
    email = serializers.EmailField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class QuoteApiView(GenericAPIView):
    permission_classes = [CompanyOrStaff]
    staff_permissions: dict = {"GET": VIEW_QUOTES}
    company_permissions: dict = {"GET": VIEW_COMPANY}
    company_key_scopes: dict = {"GET": READ_SCOPE}
    serializer_class = B2BQuoteSerializer

    def quote(self, request: Request, pk):
        quote = quotes.quote_of(pk=pk, company=company_of(request))
        if quote is None:
            raise Http404("No such quote.")
        return quote

    def answer(self, quote, code=status.HTTP_200_OK) -> Response:
        return Response(B2BQuoteSerializer(quotes.quote_of(pk=quote.pk)).data, status=code)


class QuoteListView(IdempotentCreateMixin, QuoteApiView):
    staff_permissions = {"GET": VIEW_QUOTES}
    company_permissions = {"GET": VIEW_COMPANY, "POST": PLACE_COMPANY_ORDERS}
    company_key_scopes = {"GET": READ_SCOPE, "POST": PLACE_SCOPE}
    pagination_class = Page

    @extend_schema(
        tags=["b2b"],
        responses=B2BQuoteSummarySerializer(many=True),
        parameters=[OpenApiParameter("status", str, enum=QuoteStatus.values)],
    )
    def get(self, request: Request) -> Response:
        """Quotes, newest first: the caller's company's, or (staff) every company's."""
        wanted = request.query_params.get("status", "")
        if wanted and wanted not in QuoteStatus.values:
            raise ValidationError({"status": [f"One of {', '.join(QuoteStatus.values)}."]})
        rows = quotes.quotes_of(company=company_of(request), status=wanted)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(B2BQuoteSummarySerializer(page, many=True).data)

    @extend_schema(
        tags=["b2b"],
        request=B2BRequestSerializer,
        responses={201: B2BQuoteSerializer},
        examples=[
            OpenApiExample(
                "Ask for a better price",
                value={"message": "We order monthly; can you do better on 500 units?"},
                request_only=True,
            ),
            OpenApiExample(
                "Requested",
                value={**QUOTE_EXAMPLE, "status": "requested", "staff_note": "",
                       "valid_until": None, "total": None},
                response_only=True,
            ),
        ],
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        """Ask for a quote on the caller's cart (its lines at this moment; the cart is left as
        it is). An empty cart or a line that cannot be bought: 400."""
        body = B2BRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        cart = identify.cart_for_request(request)
        buyer = buyer_for(user=request.user, auth=request.auth)
        quote = quotes.request_quote(
            cart=cart, buyer=buyer, message=body.validated_data.get("message", "")
        )
        return self.answer(quote, status.HTTP_201_CREATED)


class QuoteDetailView(QuoteApiView):
    @extend_schema(
        tags=["b2b"], examples=[OpenApiExample("Offered", value=QUOTE_EXAMPLE, response_only=True)]
    )
    def get(self, request: Request, pk: int) -> Response:
        """One quote with its lines (another company's: 404)."""
        return Response(self.get_serializer(self.quote(request, pk)).data)


class QuoteAcceptView(IdempotentCreateMixin, QuoteApiView):
    staff_permissions = {}
    company_permissions = {"POST": PLACE_COMPANY_ORDERS}
    company_key_scopes = {"POST": PLACE_SCOPE}
    serializer_class = B2BAcceptSerializer

    @extend_schema(
        tags=["b2b"],
        request=B2BAcceptSerializer,
        responses={201: B2BQuoteSerializer, 409: CONFLICT},
        examples=[
            OpenApiExample(
                "Accept and order",
                value={
                    "shipping_address": {"full_name": "Ana Ruiz", "company_name": "Acme Ltd",
                                         "line1": "1 Dock Rd", "city": "Springfield",
                                         "region": "IL", "postal_code": "62701",
                                         "country": "US", "phone": "+15555550100"},
                    "delivery_option": 2,
                    "payment_method": "invoice",
                },
                request_only=True,
            ),
            OpenApiExample("Ordered", value={**QUOTE_EXAMPLE, "status": "ordered",
                                             "order_number": 1042}, response_only=True),
        ],
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        """Accept the offer: the order is placed at the quoted prices (with this address,
        delivery option and payment method, as at checkout). An offer past its validity:
        400 ``quote_expired`` (nothing placed); a quote not offered: 409."""
        quote = self.quote(request, pk)
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        quotes.accept_quote(
            quote=quote,
            buyer=buyer_for(user=request.user, auth=request.auth),
            shipping_address=data["shipping_address"],
            billing_address=data.get("billing_address"),
            delivery_option=data["delivery_option"],
            payment_method=data["payment_method"],
            email=data.get("email", ""),
            note=data.get("note", ""),
        )
        return self.answer(quote, status.HTTP_201_CREATED)


class QuoteWithdrawView(QuoteApiView):
    staff_permissions = {}
    company_permissions = {"POST": PLACE_COMPANY_ORDERS}
    company_key_scopes = {"POST": PLACE_SCOPE}

    @extend_schema(tags=["b2b"], request=None, responses={200: B2BQuoteSerializer, 409: CONFLICT})
    def post(self, request: Request, pk: int) -> Response:
        """Withdraw a requested or offered quote (otherwise 409)."""
        quote = quotes.withdraw_quote(quote=self.quote(request, pk), actor=request.user)
        return self.answer(quote)


class QuoteOfferView(QuoteApiView):
    staff_permissions = {"POST": MANAGE_QUOTES}
    company_permissions = {}
    company_key_scopes = {}
    serializer_class = B2BOfferSerializer

    @extend_schema(
        tags=["b2b"],
        request=B2BOfferSerializer,
        responses={200: B2BQuoteSerializer, 409: CONFLICT},
        examples=[
            OpenApiExample(
                "10% off, valid to the year's end",
                value={"prices": {"9": "9.00"}, "valid_until": "2026-12-31",
                       "note": "10% off at this volume."},
                request_only=True,
            )
        ],
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        """Staff offer a unit price for every line, valid until a date (a requested quote only,
        otherwise 409)."""
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        quote = quotes.offer_quote(
            quote=self.quote(request, pk),
            prices=body.validated_data["prices"],
            valid_until=body.validated_data["valid_until"],
            note=body.validated_data.get("note", ""),
            actor=request.user,
        )
        return self.answer(quote)


class QuoteDeclineView(QuoteApiView):
    staff_permissions = {"POST": MANAGE_QUOTES}
    company_permissions = {}
    company_key_scopes = {}
    serializer_class = B2BNoteSerializer

    @extend_schema(
        tags=["b2b"], request=B2BNoteSerializer, responses={200: B2BQuoteSerializer, 409: CONFLICT}
    )
    def post(self, request: Request, pk: int) -> Response:
        """Staff decline a requested or offered quote (otherwise 409), with a note for the
        buyer."""
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        quote = quotes.decline_quote(
            quote=self.quote(request, pk),
            note=body.validated_data.get("note", ""),
            actor=request.user,
        )
        return self.answer(quote)
