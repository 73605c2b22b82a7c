"""Platform API at the root domain (/api/platform/) and the store's own billing, domains and
currency (/api/v1/billing/, /api/v1/store/): validate, call one service, respond."""

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import fields, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import RequiresPermission
from accounts.models import ApiKey
from accounts.permissions import CHANGE_STORE_DETAILS
from idempotency.api import IdempotentCreateMixin
from tenants import audit, billing, domains, services, subdomains
from tenants.api import serializers
from tenants.api.permissions import EXPORT_STORE, MANAGE_BILLING, MANAGE_DOMAINS
from tenants.api.throttles import SignupThrottle
from tenants.errors import DomainNotVerified
from tenants.models import Domain, Plan, Tenant

BILLING_UNAVAILABLE = OpenApiResponse(description="Billing is not configured on this platform.")


class PlanListView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=serializers.PlanSerializer(many=True))
    def get(self, request: Request) -> Response:
        plans = Plan.objects.filter(is_public=True)
        return Response(serializers.PlanSerializer(plans, many=True).data)


class SubdomainAvailabilityView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        parameters=[OpenApiParameter("subdomain", str, required=True)],
        responses=serializers.AvailabilitySerializer,
    )
    def get(self, request: Request) -> Response:
        slug, reason = subdomains.check_availability(request.query_params.get("subdomain", ""))
        return Response({"subdomain": slug, "available": reason is None, "reason": reason})


class SignupView(APIView):
    """Open a store. The store is live at ``store_url`` when the response returns."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [SignupThrottle]

    @extend_schema(
        request=serializers.SignupSerializer, responses={201: serializers.SignupResultSerializer}
    )
    def post(self, request: Request) -> Response:
        serializer = serializers.SignupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        tenant = services.sign_up_store(
            store_name=data["store_name"],
            subdomain=data["subdomain"],
            owner_email=data["owner_email"],
            owner_password=data["owner_password"],
            plan_code=data["plan"],
            currency=data["currency"],
        )
        return Response(
            serializers.SignupResultSerializer(tenant).data, status=status.HTTP_201_CREATED
        )


class StripeWebhookView(APIView):
    """Stripe Billing events; authenticated by Stripe's signature, not by a user."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "WebhookReceipt",
                fields={"received": fields.BooleanField(), "outcome": fields.CharField()},
            ),
            503: BILLING_UNAVAILABLE,
        },
    )
    def post(self, request: Request) -> Response:
        outcome = billing.receive_webhook(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
        return Response({"received": True, "outcome": outcome})


class BillingView(APIView):
    """The store's plan, subscription state and invoices."""

    permission_classes = [RequiresPermission]
    required_permissions = {"GET": MANAGE_BILLING}

    @extend_schema(responses=serializers.BillingSerializer)
    def get(self, request: Request) -> Response:
        tenant = (
            Tenant.objects.select_related("plan", "subscription")
            .prefetch_related("invoices")
            .get(pk=request.tenant.pk)
        )
        return Response(serializers.BillingSerializer(tenant).data)


class BillingCheckoutView(IdempotentCreateMixin, APIView):
    """Start paying for a plan: returns a Stripe Checkout URL to send the merchant to."""

    permission_classes = [RequiresPermission]
    required_permissions = {"POST": MANAGE_BILLING}

    @extend_schema(
        request=serializers.CheckoutSerializer,
        responses={200: serializers.CheckoutResultSerializer, 503: BILLING_UNAVAILABLE},
    )
    def post(self, request: Request) -> Response:
        serializer = serializers.CheckoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = Plan.objects.filter(code=serializer.validated_data["plan"], is_public=True).first()
        if plan is None:
            raise ValidationError({"plan": ["Choose one of the offered plans."]})
        base = request.tenant.url
        url = billing.start_subscription_checkout(
            tenant=request.tenant,
            plan=plan,
            success_url=f"{base}admin/?billing=success",
            cancel_url=f"{base}admin/?billing=cancelled",
        )
        return Response({"checkout_url": url})


class StoreExportView(APIView):
    """Everything the store holds, as one JSON document (secrets left out); each export is in
    the platform's audit log (who, with which key if one was used, from where)."""

    permission_classes = [RequiresPermission]
    required_permissions = {"GET": EXPORT_STORE}

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> JsonResponse:
        data = services.export_store_data(tenant=request.tenant)
        key = request.auth if isinstance(request.auth, ApiKey) else None
        audit.record(
            action="store.exported",
            tenant=request.tenant,
            actor_label=f"{request.user.email} (store {request.user.staff_role or 'staff'})",
            via="api",
            api_key=key.prefix if key else None,
        )
        response = JsonResponse(data)
        stamp = timezone.now().strftime("%Y%m%d")
        response["Content-Disposition"] = (
            f'attachment; filename="{request.tenant.slug}-export-{stamp}.json"'
        )
        return response


class DomainListView(IdempotentCreateMixin, APIView):
    """The store's domains; POST adds a custom domain (unverified until its TXT record)."""

    permission_classes = [RequiresPermission]
    required_permissions = {"GET": MANAGE_DOMAINS, "POST": MANAGE_DOMAINS}

    @extend_schema(responses=serializers.DomainSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = (
            Domain.objects.filter(tenant=request.tenant)
            .select_related("certificate")
            .exclude(pk__in=domains.expired_claims().values("pk"))
            .order_by("-is_primary", "domain")
        )
        return Response(serializers.DomainSerializer(rows, many=True).data)

    @extend_schema(
        request=serializers.DomainClaimSerializer, responses={201: serializers.DomainSerializer}
    )
    def post(self, request: Request) -> Response:
        claim = serializers.DomainClaimSerializer(data=request.data)
        claim.is_valid(raise_exception=True)
        domain = domains.add_custom_domain(
            tenant=request.tenant,
            hostname=claim.validated_data["domain"],
            actor_label=f"{request.user.email} (store owner)",
        )
        return Response(serializers.DomainSerializer(domain).data, status=status.HTTP_201_CREATED)


class DomainVerifyView(APIView):
    """Check the DNS TXT record of a custom domain; it serves the store once verified."""

    permission_classes = [RequiresPermission]
    required_permissions = {"POST": MANAGE_DOMAINS}
    resolver = None  # the public DNS; set by tests to a resolver double

    @extend_schema(request=None, responses=serializers.DomainSerializer)
    def post(self, request: Request, pk: int) -> Response:
        domain = Domain.objects.filter(tenant=request.tenant, pk=pk).first()
        if domain is None:
            raise Http404
        if not domains.verify_custom_domain(domain=domain, resolver=self.resolver):
            raise DomainNotVerified(
                f"No TXT record {domain.txt_record_value!r} found at {domain.txt_record_name} "
                "yet. DNS changes can take a while to appear."
            )
        return Response(serializers.DomainSerializer(domain).data)


class StoreCurrencyView(APIView):
    """The currency the store sells in. PATCH changes it while the store has no orders (409
    ``currency_locked`` once it has); prices keep their amounts, nothing is converted."""

    permission_classes = [RequiresPermission]
    required_permissions = {"GET": CHANGE_STORE_DETAILS, "PATCH": CHANGE_STORE_DETAILS}

    @extend_schema(responses=serializers.StoreCurrencySerializer)
    def get(self, request: Request) -> Response:
        tenant = Tenant.objects.get(pk=request.tenant.pk)
        return Response(serializers.StoreCurrencySerializer(tenant).data)

    @extend_schema(
        request=serializers.StoreCurrencyChangeSerializer,
        responses={
            200: serializers.StoreCurrencySerializer,
            409: OpenApiResponse(description="The store has orders: its currency is fixed."),
        },
    )
    def patch(self, request: Request) -> Response:
        change = serializers.StoreCurrencyChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        tenant = services.set_store_currency(
            request.tenant,
            change.validated_data["currency"],
            actor_label=f"{request.user.email} (store {request.user.staff_role or 'staff'})",
        )
        return Response(serializers.StoreCurrencySerializer(tenant).data)
