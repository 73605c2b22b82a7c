"""B2B invoices and statements, ``/api/v1/b2b/invoices/`` and ``/api/v1/b2b/statement/``.

A company's members (VIEW_COMPANY) and its API keys with ``orders:read`` see their own
company's invoices only (another's: 404); staff who read invoices (VIEW_INVOICES) see every
company's, and owners and order managers record payments (MANAGE_ORDER_PAYMENTS, the manual
path cash on delivery uses). Views validate, call one service or selector, serialize.
"""

from datetime import date, timedelta
from types import SimpleNamespace

from django.http import Http404, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Company
from accounts.permissions import MANAGE_ORDER_PAYMENTS, VIEW_COMPANY, VIEW_INVOICES
from b2b import documents, invoicing
from b2b.api.access import CompanyOrStaff, company_of
from b2b.models import InvoiceStatus
from config.pagination import BoundedPageSize
from idempotency.api import IdempotentCreateMixin

READ_SCOPE = "orders:read"
MAX_STATEMENT_DAYS = 3660

INVOICE_EXAMPLE = {
    "id": 12,
    "number": 7,
    "status": "open",
    "company": {"id": 3, "name": "Acme Ltd"},
    "order": {"id": 41, "number": 1041},
    "currency": "USD",
    "amount": "1250.00",
    "outstanding": "1250.00",
    "issued_on": "2026-11-30",
    "due_on": "2026-12-30",
    "payment_terms": "net_30",
    "paid_at": None,
    "pdf_url": "/api/v1/b2b/invoices/12/pdf/",
}


class Page(BoundedPageSize, PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class B2BCompanyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class B2BOrderRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()


class B2BInvoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=InvoiceStatus.choices)
    company = B2BCompanyRefSerializer()
    order = B2BOrderRefSerializer()
    currency = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    outstanding = serializers.SerializerMethodField()
    issued_on = serializers.DateField()
    due_on = serializers.DateField()
    payment_terms = serializers.CharField()
    paid_at = serializers.DateTimeField(allow_null=True)
    pdf_url = serializers.SerializerMethodField()

    def get_outstanding(self, invoice) -> str:
        return str(invoicing.outstanding(invoice))

    def get_pdf_url(self, invoice) -> str:
        return f"/api/v1/b2b/invoices/{invoice.pk}/pdf/"


class B2BInvoicePaymentSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class B2BStatementLineSerializer(serializers.Serializer):
    on = serializers.DateField()
    kind = serializers.CharField(
        help_text="`invoice` (debit), `payment` (credit), `credit` (a refund credited against "
        "the invoice), `refund` (money given back: an overpayment, or paid on a void invoice; "
        "debit), `void` (the invoice's order was cancelled: what was left of it, credited on "
        "the day it was voided)."
    )
    reference = serializers.CharField()
    description = serializers.CharField()
    debit = serializers.DecimalField(max_digits=14, decimal_places=2)
    credit = serializers.DecimalField(max_digits=14, decimal_places=2)
    balance = serializers.DecimalField(max_digits=14, decimal_places=2)


class B2BStatementSerializer(serializers.Serializer):
    company = B2BCompanyRefSerializer()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    currency = serializers.CharField()
    opening_balance = serializers.DecimalField(max_digits=14, decimal_places=2)
    lines = B2BStatementLineSerializer(many=True)
    closing_balance = serializers.DecimalField(max_digits=14, decimal_places=2)


class FormatIsOurs(DefaultContentNegotiation):
    """``format`` names the statement's file (csv, pdf), not one of DRF's renderers: DRF's own
    ``?format=`` override is off here (it would answer 404 for a format it cannot render)."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)


class InvoiceApiView(GenericAPIView):
    permission_classes = [CompanyOrStaff]
    staff_permissions = {"GET": VIEW_INVOICES}
    company_permissions = {"GET": VIEW_COMPANY}
    company_key_scopes = {"GET": READ_SCOPE}
    serializer_class = B2BInvoiceSerializer

    def invoice(self, request: Request, pk):
        invoice = invoicing.invoice_of(pk=pk, company=company_of(request))
        if invoice is None:
            raise Http404("No such invoice.")
        return invoice


class InvoiceListView(InvoiceApiView):
    """Invoices, newest first: the caller's company's, or (staff) every company's. Filter by
    ``status`` (open, paid, overdue, void)."""

    pagination_class = Page

    @extend_schema(
        tags=["b2b"],
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=InvoiceStatus.values),
            OpenApiParameter("company", OpenApiTypes.INT, description="Staff: one company's."),
        ],
        responses=B2BInvoiceSerializer(many=True),
        examples=[OpenApiExample("An open invoice", value=[INVOICE_EXAMPLE], response_only=True)],
    )
    def get(self, request: Request) -> Response:
        wanted = request.query_params.get("status", "")
        if wanted and wanted not in InvoiceStatus.values:
            raise ValidationError({"status": [f"One of {', '.join(InvoiceStatus.values)}."]})
        company = company_of(request) or _company_parameter(request, required=False)
        rows = invoicing.invoices_of(company=company, status=wanted)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(self.get_serializer(page, many=True).data)


class InvoiceDetailView(InvoiceApiView):
    @extend_schema(
        tags=["b2b"],
        examples=[OpenApiExample("An open invoice", value=INVOICE_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, pk: int) -> Response:
        """One invoice (another company's: 404)."""
        return Response(self.get_serializer(self.invoice(request, pk)).data)


class InvoicePdfView(InvoiceApiView):
    @extend_schema(tags=["b2b"], responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> HttpResponse:
        """The invoice as a PDF."""
        invoice = self.invoice(request, pk)
        response = HttpResponse(documents.invoice_pdf(invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="invoice-{invoice.number}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


class InvoicePaymentView(IdempotentCreateMixin, InvoiceApiView):
    """Staff received money for an invoice (default: all that is still due). Recorded on the
    order's "invoice" payment as cash on delivery's "paid" is: the order's payment status
    follows, and the invoice is paid once the order is. A void or paid invoice: 409. Send an
    ``Idempotency-Key``: a retry never counts the money twice."""

    staff_permissions = {"POST": MANAGE_ORDER_PAYMENTS}
    company_permissions = {}
    company_key_scopes = {}
    serializer_class = B2BInvoicePaymentSerializer

    @extend_schema(
        tags=["b2b"],
        request=B2BInvoicePaymentSerializer,
        responses={
            201: B2BInvoiceSerializer,
            409: OpenApiResponse(
                description="`illegal_transition`: the invoice is paid or void (nothing recorded)."
            ),
        },
        examples=[
            OpenApiExample(
                "Bank transfer received",
                value={"amount": "1250.00", "note": "Transfer ref 88812"},
                request_only=True,
            ),
            OpenApiExample(
                "Paid",
                value={**INVOICE_EXAMPLE, "status": "paid", "outstanding": "0.00"},
                response_only=True,
            ),
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        invoice = self.invoice(request, pk)
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        invoice = invoicing.record_invoice_payment(
            invoice=invoice,
            amount=body.validated_data.get("amount"),
            actor=request.user,
            note=body.validated_data.get("note", ""),
        )
        invoice = invoicing.invoice_of(pk=invoice.pk)
        return Response(B2BInvoiceSerializer(invoice).data, status=status.HTTP_201_CREATED)


class StatementView(InvoiceApiView):
    """A company's statement: opening balance, its invoices and payments from ``from`` to
    ``to`` (dates, both included; default: the last 30 days), closing balance. ``format``:
    ``json`` (default), ``csv`` or ``pdf``. Staff name the company (``company``)."""

    serializer_class = B2BStatementSerializer
    content_negotiation_class = FormatIsOurs

    @extend_schema(
        tags=["b2b"],
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "pdf"]),
            OpenApiParameter("company", OpenApiTypes.INT, description="Staff: whose statement."),
        ],
        responses={
            200: B2BStatementSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/pdf"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request):
        date_from, date_to = statement_period(request.query_params)
        kind = request.query_params.get("format", "json")
        if kind not in ("json", "csv", "pdf"):
            raise ValidationError({"format": ["One of json, csv, pdf."]})
        company = company_of(request) or _company_parameter(request, required=True)
        statement = invoicing.statement(company=company, date_from=date_from, date_to=date_to)
        return statement_response(statement, kind) or Response(self.get_serializer(statement).data)


def statement_period(params) -> tuple[date, date]:
    """The ``from`` and ``to`` dates of a request (400 per field when unreadable, reversed or
    more than ten years apart); default: the 30 days up to today."""
    today = timezone.localdate()
    errors = {}
    values = {}
    for name, default in (("from", today - timedelta(days=30)), ("to", today)):
        raw = (params.get(name) or "").strip()
        try:
            values[name] = date.fromisoformat(raw) if raw else default
        except ValueError:
            errors[name] = ["A date: YYYY-MM-DD."]
    if not errors and values["from"] > values["to"]:
        errors["to"] = ["On or after from."]
    if not errors and (values["to"] - values["from"]).days > MAX_STATEMENT_DAYS:
        errors["from"] = ["At most ten years."]
    if errors:
        raise ValidationError(errors)
    return values["from"], values["to"]


def statement_response(statement, kind: str) -> HttpResponse | None:
    """The statement as a CSV or PDF download (None for JSON)."""
    name = f"statement-{statement.date_from}-{statement.date_to}"
    if kind == "csv":
        response = HttpResponse(documents.statement_csv(statement), content_type="text/csv")
    elif kind == "pdf":
        response = HttpResponse(documents.statement_pdf(statement), content_type="application/pdf")
    else:
        return None
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _company_parameter(request: Request, *, required: bool):
    raw = request.query_params.get("company", "")
    if not raw:
        if required:
            raise ValidationError({"company": ["Name the company (its id)."]})
        return None
    try:
        pk = int(raw)
    except ValueError:
        pk = 0
    company = Company.objects.filter(pk=pk).first() if 0 < pk < 2**31 else None
    if company is None:
        raise ValidationError({"company": ["No such company."]})
    return company
