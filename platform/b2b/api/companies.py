"""The company accounts API under /api/v1/b2b/.

Staff (``/b2b/companies/``): the store's companies with a status filter and cursor pagination,
one company, its terms changed, approval and rejection with a note. Read with VIEW_CUSTOMERS
(owner, order manager, support); changed with MANAGE_COMPANIES (owner, order manager).

Shoppers: ``/b2b/applications/`` (a signed-in customer applies; 201 with the pending company),
``/b2b/company/locations/`` (the company's locations: members read, the company's admin
changes; a company key with ``orders:place`` reads them, to ship to them) and
``/b2b/company/members/<id>/`` (the company's admin changes a role or spending limit, or
removes a member). Views validate the shape, call one service or selector and serialise; the
services validate every field and answer all errors at once.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import permissions
from accounts.api.permissions import RequiresPermission
from accounts.models import ApiKey, Company, CompanyMembership
from b2b.companies import selectors, services
from config.api_input import check_query_parameters
from config.pagination import BoundedPageSize
from idempotency.api import IdempotentCreateMixin

# --- Serialisers ---------------------------------------------------------------------------------


class CompanyAddressSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    company_name = serializers.CharField(required=False, allow_blank=True)
    line1 = serializers.CharField()
    line2 = serializers.CharField(required=False, allow_blank=True)
    city = serializers.CharField(required=False, allow_blank=True)
    region = serializers.CharField(required=False, allow_blank=True)
    postal_code = serializers.CharField(required=False, allow_blank=True)
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code")
    phone = serializers.CharField(required=False, allow_blank=True)


class LocationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100)
    shipping_address = CompanyAddressSerializer()
    billing_address = CompanyAddressSerializer()


class ContactSerializer(serializers.Serializer):
    contact_name = serializers.CharField()
    contact_email = serializers.EmailField()
    contact_phone = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField()


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    role = serializers.ChoiceField(choices=CompanyMembership.Role.choices)
    spending_limit = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, required=False
    )


class StatusChangeSerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    by = serializers.EmailField(source="by.email", default=None)
    created_at = serializers.DateTimeField()


class B2BCompanySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    vat_number = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Company.Status.choices, read_only=True)
    payment_terms = serializers.ChoiceField(choices=Company.PaymentTerms.choices)
    credit_limit = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    requires_approval = serializers.BooleanField()
    member_count = serializers.IntegerField(read_only=True, default=None)
    contact = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(ContactSerializer(allow_null=True))
    def get_contact(self, company) -> dict | None:
        application = getattr(company, "application", None)
        return ContactSerializer(application).data if application is not None else None


class B2BCompanyDetailSerializer(B2BCompanySerializer):
    members = MemberSerializer(source="memberships.all", many=True, read_only=True)
    locations = LocationSerializer(source="locations.all", many=True, read_only=True)
    status_changes = StatusChangeSerializer(source="status_changes.all", many=True, read_only=True)


class TermsSerializer(serializers.Serializer):
    """For the schema: the service checks each field (400 per field)."""

    name = serializers.CharField(required=False)
    payment_terms = serializers.ChoiceField(choices=Company.PaymentTerms.choices, required=False)
    credit_limit = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, required=False
    )
    requires_approval = serializers.BooleanField(required=False)


class CompanyDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, help_text="Required to reject: emailed to the applicant."
    )


class ApplicationSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The company's legal name.")
    vat_number = serializers.CharField(
        help_text="VAT number (EU, checked with its country prefix) or the country's tax number."
    )
    country = serializers.CharField(
        required=False, help_text="Where the company is registered; defaults to the billing one."
    )
    billing_address = CompanyAddressSerializer()
    shipping_address = CompanyAddressSerializer()
    contact_name = serializers.CharField()
    contact_email = serializers.EmailField()
    contact_phone = serializers.CharField(required=False, allow_blank=True)


def _body(request: Request) -> dict:
    if not isinstance(request.data, dict):
        raise serializers.ValidationError({"non_field_errors": ["Send a JSON object."]})
    return request.data


def _picked(data: dict, names) -> dict:
    return {name: data[name] for name in names if name in data}


ADDRESS_EXAMPLE = {
    "full_name": "Receiving, Acme GmbH",
    "line1": "Friedrichstraße 68",
    "city": "Berlin",
    "postal_code": "10117",
    "country": "DE",
}


# --- Staff ---------------------------------------------------------------------------------------


class CompanyPagination(BoundedPageSize, CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = ("-created_at", "-id")


def _company(pk: int) -> Company:
    company = selectors.company_detail(pk=pk)
    if company is None:
        raise Http404
    return company


@extend_schema(
    tags=["b2b companies"],
    parameters=[
        OpenApiParameter("status", enum=Company.Status.values, description="Only this status.")
    ],
    responses=B2BCompanySerializer(many=True),
)
class StaffCompanyListView(GenericAPIView):
    """The store's companies, newest first (cursor pagination); ``?status=pending`` lists the
    applications waiting for a decision."""

    permission_classes = [RequiresPermission]
    required_permissions = {"GET": permissions.VIEW_CUSTOMERS}
    serializer_class = B2BCompanySerializer
    pagination_class = CompanyPagination

    def get(self, request: Request) -> Response:
        check_query_parameters(request.query_params)
        wanted = request.query_params.get("status") or None
        if wanted is not None and wanted not in Company.Status.values:
            raise serializers.ValidationError(
                {"status": ["Choose one of: " + ", ".join(Company.Status.values) + "."]}
            )
        page = self.paginate_queryset(selectors.company_list(status=wanted))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(tags=["b2b companies"])
class StaffCompanyDetailView(GenericAPIView):
    """One company with its contact, members, locations and status history; PATCH changes its
    name, payment terms, credit limit (null: none) and whether its orders need approval."""

    permission_classes = [RequiresPermission]
    required_permissions = {
        "GET": permissions.VIEW_CUSTOMERS,
        "PATCH": permissions.MANAGE_COMPANIES,
    }
    serializer_class = B2BCompanyDetailSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(_company(pk)).data)

    @extend_schema(
        request=TermsSerializer,
        examples=[
            OpenApiExample(
                "Net 30 with a credit limit",
                value={"payment_terms": "net_30", "credit_limit": "25000.00"},
                request_only=True,
            )
        ],
    )
    def patch(self, request: Request, pk: int) -> Response:
        company = _company(pk)
        fields = _picked(_body(request), TermsSerializer().fields)
        services.update_company_terms(company=company, by=request.user, **fields)
        return Response(self.get_serializer(_company(pk)).data)


class _DecisionView(GenericAPIView):
    permission_classes = [RequiresPermission]
    required_permissions = {"POST": permissions.MANAGE_COMPANIES}
    serializer_class = B2BCompanyDetailSerializer
    decide = None

    def post(self, request: Request, pk: int) -> Response:
        company = _company(pk)
        note = _body(request).get("note", "")
        type(self).decide(company=company, by=request.user, note=note)
        return Response(self.get_serializer(_company(pk)).data)


@extend_schema(
    tags=["b2b companies"],
    request=CompanyDecisionSerializer,
    responses={200: B2BCompanyDetailSerializer},
    examples=[
        OpenApiExample("Approve", value={"note": "VAT number checked in VIES."}, request_only=True)
    ],
)
class StaffCompanyApproveView(_DecisionView):
    """Approve a pending (or rejected) company: its members buy as a business from now on; the
    applicant is emailed. 409 ``illegal_transition`` when it is approved already."""

    decide = services.approve_company


@extend_schema(
    tags=["b2b companies"],
    request=CompanyDecisionSerializer,
    responses={200: B2BCompanyDetailSerializer},
    examples=[
        OpenApiExample(
            "Reject",
            value={"note": "We sell to registered retailers only."},
            request_only=True,
        )
    ],
)
class StaffCompanyRejectView(_DecisionView):
    """Reject a pending company with a note (required), emailed to the applicant. 409
    ``illegal_transition`` unless it is pending."""

    decide = services.reject_company


# --- Shoppers ------------------------------------------------------------------------------------


@extend_schema(
    tags=["b2b company"],
    request=ApplicationSerializer,
    responses={201: B2BCompanySerializer},
    examples=[
        OpenApiExample(
            "A German wholesaler applies",
            value={
                "name": "Acme GmbH",
                "vat_number": "DE136695976",
                "billing_address": ADDRESS_EXAMPLE,
                "shipping_address": ADDRESS_EXAMPLE,
                "contact_name": "Ana Weber",
                "contact_email": "ana@acme.example",
                "contact_phone": "+49 30 1234567",
            },
            request_only=True,
        )
    ],
)
class ApplicationView(IdempotentCreateMixin, GenericAPIView):
    """Apply for a business account: the company is pending, you are its admin, and you buy as
    a consumer until the store approves it (you are emailed either way). 409
    ``already_member`` for a member of a company; 403 for the store's staff."""

    permission_classes = [RequiresPermission]
    required_permissions = {"POST": None}
    serializer_class = B2BCompanySerializer

    def post(self, request: Request) -> Response:
        data = _body(request)
        fields = _picked(data, ApplicationSerializer().fields)
        for name in ApplicationSerializer().fields:
            fields.setdefault(name, "" if not name.endswith("_address") else {})
        company = services.apply_for_company(user=request.user, **fields)
        body = self.get_serializer(selectors.company_list().get(pk=company.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


def _own_company(request: Request) -> Company:
    if isinstance(request.auth, ApiKey):
        company = request.auth.company
    else:
        company = permissions.company_of(request.user)
    if company is None:
        raise Http404("You do not belong to a company.")
    return company


LOCATION_EXAMPLE = OpenApiExample(
    "A warehouse",
    value={
        "name": "Warehouse Hamburg",
        "shipping_address": {**ADDRESS_EXAMPLE, "city": "Hamburg", "postal_code": "20095"},
        "billing_address": ADDRESS_EXAMPLE,
    },
    request_only=True,
)


@extend_schema(tags=["b2b company"])
class LocationListView(IdempotentCreateMixin, GenericAPIView):
    """Your company's locations (a shipping and a billing address each, offered at checkout
    to every member); the company's admin adds them."""

    permission_classes = [RequiresPermission]
    required_permissions = {"GET": permissions.VIEW_COMPANY, "POST": permissions.MANAGE_COMPANY}
    company_key_scopes = {"GET": ApiKey.Scope.PLACE_ORDERS.value}
    serializer_class = LocationSerializer

    @extend_schema(responses=LocationSerializer(many=True))
    def get(self, request: Request) -> Response:
        locations = selectors.company_locations(company=_own_company(request))
        return Response(self.get_serializer(locations, many=True).data)

    @extend_schema(examples=[LOCATION_EXAMPLE], responses={201: LocationSerializer})
    def post(self, request: Request) -> Response:
        fields = _location_fields(_body(request), partial=False)
        location = services.save_location(company=_own_company(request), **fields)
        return Response(self.get_serializer(location).data, status=status.HTTP_201_CREATED)


def _location_fields(data: dict, *, partial: bool, location=None) -> dict:
    fields = {}
    for name in ("name", "shipping_address", "billing_address"):
        if name in data:
            fields[name] = data[name]
        elif partial and location is not None:
            fields[name] = getattr(location, name)
        else:
            fields[name] = "" if name == "name" else {}
    return fields


@extend_schema(tags=["b2b company"])
class LocationDetailView(GenericAPIView):
    """One location of your company; the company's admin changes or removes it."""

    permission_classes = [RequiresPermission]
    required_permissions = {
        "GET": permissions.VIEW_COMPANY,
        "PATCH": permissions.MANAGE_COMPANY,
        "DELETE": permissions.MANAGE_COMPANY,
    }
    company_key_scopes = {"GET": ApiKey.Scope.PLACE_ORDERS.value}
    serializer_class = LocationSerializer

    def _location(self, request, pk):
        location = selectors.company_locations(company=_own_company(request)).filter(pk=pk).first()
        if location is None:
            raise Http404
        return location

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self._location(request, pk)).data)

    @extend_schema(examples=[LOCATION_EXAMPLE])
    def patch(self, request: Request, pk: int) -> Response:
        location = self._location(request, pk)
        fields = _location_fields(_body(request), partial=True, location=location)
        location = services.save_location(company=location.company, location=location, **fields)
        return Response(self.get_serializer(location).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.delete_location(location=self._location(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["b2b company"])
class MemberDetailView(GenericAPIView):
    """One member of your company: the company's admin changes their role or spending limit
    (null: none; an order above it waits for an approver) or removes them. A company keeps at
    least one admin (409 ``last_company_admin``)."""

    permission_classes = [RequiresPermission]
    required_permissions = {
        "GET": permissions.VIEW_COMPANY,
        "PATCH": permissions.MANAGE_COMPANY,
        "DELETE": permissions.MANAGE_COMPANY,
    }
    serializer_class = MemberSerializer

    def _member(self, request, pk):
        members = selectors.company_members(company=_own_company(request))
        member = members.filter(pk=pk).first()
        if member is None:
            raise Http404
        return member

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self._member(request, pk)).data)

    @extend_schema(
        examples=[
            OpenApiExample(
                "A buyer up to 2,000",
                value={"role": "buyer", "spending_limit": "2000.00"},
                request_only=True,
            )
        ]
    )
    def patch(self, request: Request, pk: int) -> Response:
        member = self._member(request, pk)
        fields = _picked(_body(request), ("role", "spending_limit"))
        services.update_member(membership=member, **fields)
        return Response(self.get_serializer(member).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.remove_member(membership=self._member(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
