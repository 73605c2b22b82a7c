"""Stores (tenants), their host names, plans, billing and the platform's audit log.

Everything here lives in the public schema.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

import money

# The plan every store may use without paying, and whose limits apply while a paid plan is not.
FREE_PLAN_CODE = "free"


def platform_url(host: str | None = None) -> str:
    """The public URL of the platform (or of ``host``, one of its stores), ending in "/"."""
    port = f":{settings.PLATFORM_URL_PORT}" if settings.PLATFORM_URL_PORT else ""
    return f"{settings.PLATFORM_URL_SCHEME}://{host or settings.PLATFORM_DOMAIN}{port}/"


class Plan(models.Model):
    """What a store pays for and what it may use. Edited by platform admins."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    monthly_price = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="USD")
    # The Stripe Price of the subscription; empty for a free plan (nothing to subscribe to).
    stripe_price_id = models.CharField(max_length=255, blank=True)
    # Limits; None means unlimited.
    max_products = models.PositiveIntegerField(null=True, blank=True)
    max_staff_accounts = models.PositiveIntegerField(null=True, blank=True)
    max_monthly_orders = models.PositiveIntegerField(null=True, blank=True)
    is_public = models.BooleanField(default=True, help_text="Offered at signup.")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "monthly_price"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_free(self) -> bool:
        return not self.monthly_price

    def limit_for(self, resource: str) -> int | None:
        return getattr(self, f"max_{resource}")


class Tenant(TenantMixin):
    """A merchant's store, with its own PostgreSQL schema.

    Besides live stores, two kinds of rows exist that no host routes to: the *template* schema
    every store is cloned from, and the *pooled* schemas cloned ahead of time for signups
    (tenants.pool). ``migrate_schemas`` keeps both in step with the migrations like any store.
    """

    class Status(models.TextChoices):
        TEMPLATE = "template", "Template"
        POOLED = "pooled", "Ready in the pool"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        DELETED = "deleted", "Deleted"

    # The stores hosts route to (a suspended one answers its staff and a notice).
    LIVE_STATUSES = (Status.ACTIVE, Status.SUSPENDED)

    class SuspensionReason(models.TextChoices):
        BILLING = "billing", "Unpaid subscription"
        PLATFORM = "platform", "Suspended by the platform"

    class WeightUnit(models.TextChoices):
        GRAM = "g", "Grams (g)"
        KILOGRAM = "kg", "Kilograms (kg)"
        OUNCE = "oz", "Ounces (oz)"
        POUND = "lb", "Pounds (lb)"

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=63, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, related_name="stores")
    owner_email = models.EmailField(blank=True)
    # Store details, set by the owner in the store admin (tenants.services.update_store_details).
    contact_email = models.EmailField(
        blank=True, help_text="Where shoppers write to the store; shown on the storefront."
    )
    address_line1 = models.CharField("address line 1", max_length=200, blank=True)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField("state or region", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code")
    weight_unit = models.CharField(
        max_length=2, choices=WeightUnit.choices, default=WeightUnit.KILOGRAM
    )
    time_zone = models.CharField(
        max_length=64, default="UTC", help_text="An IANA time zone, such as Europe/Paris."
    )
    # Every price of the store is in this currency (chosen at signup; changeable until the
    # store has orders). Amounts are rounded by the money module.
    currency = models.CharField(
        max_length=3, choices=money.CURRENCY_CHOICES, default=money.DEFAULT_CURRENCY
    )
    # A cart untouched this long is abandoned (reminder emails to shoppers who opted in).
    abandoned_cart_hours = models.PositiveSmallIntegerField(
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text="Hours without a change after which a cart counts as abandoned (1 to 720).",
    )
    plan_is_complimentary = models.BooleanField(
        default=False,
        help_text="The platform grants this store its plan without a subscription "
        "(demo stores, partners). Otherwise a paid plan's limits apply only while it is paid.",
    )
    suspension_reason = models.CharField(
        max_length=16, choices=SuspensionReason.choices, blank=True
    )
    suspended_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # When a deleted store's schema is dropped for good.
    purge_after = models.DateTimeField(null=True, blank=True)
    # Set when the welcome email is handed to the mail server: a task delivered twice sends one.
    welcome_email_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Schemas are created explicitly by tenants.services (cloned from the template, never
    # migrated from zero) and dropped by the retention task, never implicitly on save/delete.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"

    @property
    def is_template(self) -> bool:
        return self.status == self.Status.TEMPLATE

    @property
    def is_public(self) -> bool:
        return self.schema_name == "public"

    @property
    def primary_host(self) -> str:
        return f"{self.slug}.{settings.PLATFORM_DOMAIN}"

    @property
    def url(self) -> str:
        return platform_url(self.primary_host)


def live_stores(slug: str | None = None):
    """The live stores (all, or the one with this slug), by slug."""
    stores = Tenant.objects.filter(status__in=Tenant.LIVE_STATUSES).exclude(schema_name="public")
    if slug:
        stores = stores.filter(slug=slug)
    return stores.order_by("slug")


def _verification_token() -> str:
    return secrets.token_urlsafe(24)


class Domain(DomainMixin):
    """A host name that serves a store: its platform subdomain, or a custom domain.

    A custom domain serves the store only once verified (a DNS TXT record holding the token).
    Until then it is a *claim*: several stores may claim one host name (each with its own
    token), the first to verify gets it, and claims expire (tenants.domains). So the host name
    is unique among verified domains only.
    """

    domain = models.CharField(max_length=253, db_index=True)
    is_verified = models.BooleanField(default=True)
    verification_token = models.CharField(max_length=64, default=_verification_token)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["domain"],
                condition=models.Q(is_verified=True),
                name="tenants_domain_verified_unique",
            ),
            models.UniqueConstraint(fields=["tenant", "domain"], name="tenants_domain_per_store"),
        ]

    def __str__(self) -> str:
        return self.domain

    @property
    def txt_record_name(self) -> str:
        return f"_mercato-challenge.{self.domain}"

    @property
    def txt_record_value(self) -> str:
        return f"mercato-verification={self.verification_token}"


class DomainCertificate(models.Model):
    """The HTTPS certificate of a verified custom domain (tenants.certificates).

    Requested from ACM once the domain is verified; the merchant publishes the CNAME record ACM
    asks for (``validation_records``); once issued it is attached to the load balancer's HTTPS
    listener, and from then the domain serves over HTTPS. When the domain is removed the row
    stays (``domain`` null) until the certificate is detached and deleted. Status changes go
    through tenants.state.apply_certificate (one transition table, each one audited).
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        PENDING_VALIDATION = "pending_validation", "Waiting for DNS validation"
        ISSUED = "issued", "Issued"
        ATTACHED = "attached", "Active"
        FAILED = "failed", "Failed"
        RELEASED = "released", "Released"

    # SET_NULL, not CASCADE: a purged store's certificates must still be detached and deleted
    # (tenants.tasks.refresh_domain_certificates releases rows left without a domain).
    tenant = models.ForeignKey(
        Tenant, null=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    domain = models.OneToOneField(
        Domain, null=True, blank=True, on_delete=models.SET_NULL, related_name="certificate"
    )
    hostname = models.CharField(max_length=253)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.REQUESTED)
    certificate_arn = models.CharField(max_length=2048, blank=True)
    # [{"name": ..., "type": "CNAME", "value": ...}]: what the merchant publishes.
    validation_records = models.JSONField(default=list, blank=True)
    failure_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status"], name="tenants_cert_status_idx")]

    def __str__(self) -> str:
        return f"{self.hostname} ({self.status})"


class Subscription(models.Model):
    """A store's platform subscription, as Stripe Billing last told us."""

    class Status(models.TextChoices):
        NONE = "none", "Not subscribed"
        INCOMPLETE = "incomplete", "Incomplete"
        TRIALING = "trialing", "Trialing"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Past due"
        UNPAID = "unpaid", "Unpaid"
        CANCELED = "canceled", "Canceled"

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="subscription")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NONE)
    stripe_customer_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True, db_index=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    # Set when a payment fails: the store stays open until then, and is suspended after.
    grace_ends_at = models.DateTimeField(null=True, blank=True)
    # Creation time (Stripe's, in seconds) of the last subscription event applied; older
    # events arriving late are ignored.
    last_event_created = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.tenant.slug}: {self.status}"


class Invoice(models.Model):
    """A platform invoice for a store, mirrored from Stripe."""

    # Kept for the books when a deleted store is purged.
    tenant = models.ForeignKey(
        Tenant, null=True, on_delete=models.SET_NULL, related_name="invoices"
    )
    store_slug = models.CharField(max_length=63)
    stripe_invoice_id = models.CharField(max_length=255, unique=True)
    number = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16)
    currency = models.CharField(max_length=3)
    amount_due = models.DecimalField(max_digits=12, decimal_places=2)
    amount_paid = models.DecimalField(max_digits=12, decimal_places=2)
    hosted_invoice_url = models.URLField(max_length=500, blank=True)
    invoice_pdf = models.URLField(max_length=500, blank=True)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.number or self.stripe_invoice_id


class StripeEvent(models.Model):
    """A Stripe webhook event already processed: each is applied exactly once."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=64)
    created = models.BigIntegerField()
    processed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class AuditLogEntry(models.Model):
    """Something a platform admin (or the platform itself) did to a store."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(max_length=255, help_text="Who, kept if the user is deleted.")
    action = models.CharField(max_length=64, db_index=True)
    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_log"
    )
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(
        "IP address",
        null=True,
        blank=True,
        help_text="The client's address (config.client_ip); empty for the platform's own tasks.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "audit log entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"
