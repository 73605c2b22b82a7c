from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

import money
from tenants import billing, currency_locks, domains, limits
from tenants.models import Domain, DomainCertificate, Invoice, Plan, Subscription, Tenant


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = [
            "code",
            "name",
            "monthly_price",
            "currency",
            "max_products",
            "max_staff_accounts",
            "max_monthly_orders",
        ]


class SignupSerializer(serializers.Serializer):
    store_name = serializers.CharField(max_length=100)
    subdomain = serializers.CharField(max_length=63)
    owner_email = serializers.EmailField()
    owner_password = serializers.CharField(write_only=True, style={"input_type": "password"})
    plan = serializers.SlugField(required=False, default="free")
    currency = serializers.ChoiceField(
        choices=money.CURRENCY_CHOICES,
        required=False,
        default=money.DEFAULT_CURRENCY,
        help_text="The currency the store sells in (ISO 4217); changeable until it has orders.",
    )


class SignupResultSerializer(serializers.ModelSerializer):
    store_url = serializers.CharField(source="url")
    admin_url = serializers.SerializerMethodField()
    plan = serializers.CharField(source="plan.code")

    class Meta:
        model = Tenant
        fields = ["name", "slug", "store_url", "admin_url", "plan", "currency", "created_at"]

    def get_admin_url(self, tenant: Tenant) -> str:
        return f"{tenant.url}admin/"


class AvailabilitySerializer(serializers.Serializer):
    subdomain = serializers.CharField(allow_null=True)
    available = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True)


class InvoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invoice
        fields = [
            "number",
            "status",
            "currency",
            "amount_due",
            "amount_paid",
            "hosted_invoice_url",
            "invoice_pdf",
            "period_start",
            "period_end",
            "created",
        ]


class SubscriptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subscription
        fields = ["status", "current_period_end", "grace_ends_at"]


class BillingSerializer(serializers.ModelSerializer):
    """The store's plan, and the plan whose limits apply (the Free plan's while a paid plan is
    not paid for)."""

    plan = PlanSerializer()
    plan_is_active = serializers.SerializerMethodField()
    plan_in_force = serializers.SerializerMethodField()
    notice = serializers.SerializerMethodField()
    subscription = SubscriptionSerializer()
    invoices = InvoiceSerializer(many=True)

    class Meta:
        model = Tenant
        fields = [
            "status",
            "suspension_reason",
            "plan",
            "plan_is_active",
            "plan_in_force",
            "notice",
            "subscription",
            "invoices",
        ]

    def get_plan_is_active(self, tenant: Tenant) -> bool:
        return limits.plan_is_in_force(tenant)

    @extend_schema_field(PlanSerializer(allow_null=True))
    def get_plan_in_force(self, tenant: Tenant) -> dict | None:
        plan = limits.plan_in_force(tenant)
        return PlanSerializer(plan).data if plan else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_notice(self, tenant: Tenant) -> str | None:
        return billing.plan_notice(tenant)


class CheckoutSerializer(serializers.Serializer):
    plan = serializers.SlugField()


class CheckoutResultSerializer(serializers.Serializer):
    checkout_url = serializers.URLField()


class DomainClaimSerializer(serializers.Serializer):
    # The host name's own rules (and whether it is free) are tenants.domains' to check.
    domain = serializers.CharField(max_length=253)


class DnsRecordSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    value = serializers.CharField()


class DomainCertificateSerializer(serializers.ModelSerializer):
    """The domain's HTTPS certificate (tenants.certificates): publish validation_records."""

    validation_records = DnsRecordSerializer(many=True, read_only=True)

    class Meta:
        model = DomainCertificate
        fields = ["status", "validation_records", "failure_reason"]
        read_only_fields = fields


class DomainSerializer(serializers.ModelSerializer):
    txt_record_name = serializers.CharField(read_only=True)
    txt_record_value = serializers.CharField(read_only=True)
    claim_expires_at = serializers.SerializerMethodField()
    certificate = serializers.SerializerMethodField()

    class Meta:
        model = Domain
        fields = [
            "id",
            "domain",
            "is_primary",
            "is_verified",
            "verified_at",
            "txt_record_name",
            "txt_record_value",
            "claim_expires_at",
            "certificate",
        ]
        read_only_fields = ["is_primary", "is_verified", "verified_at"]

    @extend_schema_field(DomainCertificateSerializer(allow_null=True))
    def get_certificate(self, domain: Domain):
        """The HTTPS certificate of a verified custom domain (null: none requested)."""
        certificate = getattr(domain, "certificate", None) if domain.pk else None
        return DomainCertificateSerializer(certificate).data if certificate else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_claim_expires_at(self, domain: Domain):
        """When an unverified claim lapses unless verified; null once verified."""
        expires = domains.claim_expires_at(domain)
        return serializers.DateTimeField().to_representation(expires) if expires else None


class StoreCurrencySerializer(serializers.Serializer):
    currency = serializers.CharField(help_text="ISO 4217 code of every price of the store.")
    name = serializers.SerializerMethodField()
    decimals = serializers.SerializerMethodField(help_text="Its minor units (0 for JPY).")
    changeable = serializers.SerializerMethodField()
    locked_because = serializers.SerializerMethodField(
        help_text="Why it cannot change any more (the store has orders); empty while it can."
    )

    def get_name(self, tenant: Tenant) -> str:
        return money.CURRENCIES.get(tenant.currency, (2, tenant.currency, ""))[1]

    def get_decimals(self, tenant: Tenant) -> int:
        return money.minor_units(tenant.currency)

    def get_changeable(self, tenant: Tenant) -> bool:
        return not self._reasons(tenant)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_locked_because(self, tenant: Tenant) -> list[str]:
        return self._reasons(tenant)

    def _reasons(self, tenant: Tenant) -> list[str]:
        if not hasattr(self, "_locked"):
            self._locked = currency_locks.reasons_locked(tenant)
        return self._locked


class StoreCurrencyChangeSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(
        choices=money.CURRENCY_CHOICES, help_text="ISO 4217 code, one of the offered currencies."
    )
