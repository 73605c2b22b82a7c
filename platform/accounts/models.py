"""People who sign in, and what they own: addresses, business accounts, API keys.

Users are per store: every model here lives in every store's schema, and the platform's own
admins live in the public schema.
"""

import hashlib
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class User(AbstractUser):
    """A person with an account at one store (or a platform admin, in the public schema).

    Email is how people sign in, so it is unique without regard to case. An erased account
    (GDPR) keeps its row, anonymised and inactive, so the merchant's orders keep a customer.
    """

    class StaffRole(models.TextChoices):
        OWNER = "owner", "Store owner"
        CATALOG_MANAGER = "catalog_manager", "Catalog manager"
        ORDER_MANAGER = "order_manager", "Order manager"
        SUPPORT = "support", "Support (read-only)"

    email = models.EmailField("email address")
    # Set for the store's staff only; shoppers and B2B buyers have none.
    staff_role = models.CharField(max_length=32, choices=StaffRole.choices, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    # Opt-in: one reminder email about a cart left for the store's abandoned-cart delay.
    accepts_cart_reminders = models.BooleanField(
        default=False, help_text="Send me a reminder when I leave items in my cart."
    )
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def clean(self) -> None:
        super().clean()
        if self.staff_role and self.pk and CompanyMembership.objects.filter(user=self).exists():
            raise ValidationError(
                {"staff_role": "A member of a company cannot join the store's staff."}
            )


class Address(models.Model):
    """One entry of a customer's address book. At most one is the default for shipping and
    one for billing (the same address may be both)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses"
    )
    full_name = models.CharField(max_length=200)
    company_name = models.CharField(max_length=200, blank=True)
    line1 = models.CharField("address line 1", max_length=200)
    line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField("state or region", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code")
    phone = models.CharField(max_length=32, blank=True)
    is_default_shipping = models.BooleanField(default=False)
    is_default_billing = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_default_shipping=True),
                name="accounts_address_one_default_shipping",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_default_billing=True),
                name="accounts_address_one_default_billing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.line1}, {self.city}"


class Company(models.Model):
    """A business account (B2B): several people buy on its behalf.

    A company applies from the storefront (``PENDING``) and buys once the store's staff approve
    it; companies the staff create themselves start approved. Its payment terms give the
    invoices' due dates, its credit limit bounds its open balance, and with
    ``requires_approval`` every order of its buyers waits for an approver.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    class PaymentTerms(models.TextChoices):
        PREPAID = "prepaid", "Prepaid"
        NET_15 = "net_15", "Net 15"
        NET_30 = "net_30", "Net 30"
        NET_60 = "net_60", "Net 60"

        @property
        def days(self) -> int:
            """Days from invoice to due date (0 for prepaid)."""
            return {"prepaid": 0, "net_15": 15, "net_30": 30, "net_60": 60}[self.value]

    name = models.CharField(max_length=200)
    vat_number = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.APPROVED)
    payment_terms = models.CharField(
        max_length=16, choices=PaymentTerms.choices, default=PaymentTerms.PREPAID
    )
    # Empty: no credit (prepaid only, or no limit enforced when terms are prepaid).
    credit_limit = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    requires_approval = models.BooleanField(
        default=False, help_text="Every order of the company's buyers waits for an approver."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name


class CompanyMembership(models.Model):
    """A person's role in a company. A person belongs to at most one company per store, and
    the store's staff belong to none (a company buys from the store; its staff sell)."""

    class Role(models.TextChoices):
        BUYER = "buyer", "Buyer"
        APPROVER = "approver", "Approver"
        ADMIN = "admin", "Company admin"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_membership"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.BUYER)
    # An order above it (in the store's currency) waits for an approver; empty: no limit.
    spending_limit = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()} at {self.company})"

    def clean(self) -> None:
        if self.user_id and self.user.staff_role:
            raise ValidationError({"user": "The store's staff cannot join a company."})


class CompanyInvitation(models.Model):
    """An invitation to join a company, emailed with a link only its recipient holds.

    Only a SHA-256 digest of the link's secret is stored. The invited person accepts it while
    signed in with the invited email; an invitation is used once and expires.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(
        max_length=16,
        choices=CompanyMembership.Role.choices,
        default=CompanyMembership.Role.BUYER,
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} to {self.company}"


class ApiKey(models.Model):
    """A secret for machine-to-machine access (B2B integrations), limited to its scopes.

    Only a SHA-256 digest of the secret is stored: the key is 256 random bits, so a fast
    digest cannot be brute-forced, and lets every request find its key by an indexed lookup.
    """

    class Scope(models.TextChoices):
        READ_CATALOG = "catalog:read", "Read the catalog"
        PLACE_ORDERS = "orders:place", "Place orders"
        READ_ORDERS = "orders:read", "Read orders"

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = ArrayField(models.CharField(max_length=32, choices=Scope.choices))
    # A company's key acts for that company; a key without one is the store's own integration.
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="api_keys"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


def digest_secret(secret: str) -> str:
    """The SHA-256 digest under which a random secret (API key, token, invitation) is stored.

    A fast digest is enough: the secrets are 256 random bits, not guessable passwords, and an
    indexed lookup by digest finds each one.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


def password_fingerprint(user) -> str:
    """A digest of ``user``'s current password hash: it changes whenever the password does."""
    return hashlib.sha256(user.password.encode()).hexdigest()


class AuthToken(models.Model):
    """A person's API sign-in token (``Authorization: Token <key>``), one per login.

    Only a SHA-256 digest of the key is stored (as for API keys: the key is 256 random bits),
    so a leak of the database, an export or an admin screen reveals no usable token. A token
    holds only under the password it was issued with, as Django's sessions do: whatever changes
    the password (the API, the account pages, a reset link, the Django admin, ``manage.py
    changepassword``) ends every token issued before.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="auth_tokens"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    password_fingerprint = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API sign-in token"

    def __str__(self) -> str:
        return f"API sign-in token of {self.user}"

    @property
    def is_valid(self) -> bool:
        """Whether the person is active and their password unchanged since the token was issued."""
        return self.user.is_active and self.password_fingerprint == password_fingerprint(self.user)


class StoreSecurity(models.Model):
    """The store's identity policy, set by its owner. One row per store schema."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    require_staff_mfa = models.BooleanField(
        "require two-factor authentication for staff",
        default=False,
        help_text="Staff must enrol a TOTP authenticator before they can use the store admin.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "store security settings"
        verbose_name_plural = "store security settings"

    def __str__(self) -> str:
        return "Store security settings"

    @classmethod
    def current(cls) -> "StoreSecurity":
        return cls.objects.get_or_create(singleton=True)[0]
