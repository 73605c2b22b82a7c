"""Carts of a store: one per anonymous shopper (a token in a cookie or an API header), one open
cart per account, one per company API key. Lines reference variants; what they cost is never
stored as the truth: ``cart.selectors`` asks ``pricing.price_for`` on every read, and
``unit_price_at_add`` only says what the shopper saw when adding (for the "price changed"
notice).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Cart(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MERGED = "merged", "Merged into an account's cart"
        ORDERED = "ordered", "Ordered"
        EXPIRED = "expired", "Expired"

    # Unguessable (122 random bits): the API's cart token and the storefront cookie's value.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="carts",
    )
    # A company API key's cart (one open per key); it buys for the key's company.
    api_key = models.ForeignKey(
        "accounts.ApiKey",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="carts",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    # Touched by every change of the cart or its lines (what "untouched for N hours" reads).
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    version = models.PositiveIntegerField(default=1)
    abandoned_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Where a reminder goes: the signed-in owner's address (kept in step by the services).
    email = models.EmailField(blank=True)
    # What the last sign-in merge changed ("Only 2 left: ..."), for API readers; cleared by the
    # next change of the cart. The storefront also gets them once as Django messages.
    merge_notices = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "updated_at"], name="cart_status_updated")]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="open") & Q(user__isnull=False),
                name="cart_one_open_cart_per_user",
            ),
            models.UniqueConstraint(
                fields=["api_key"],
                condition=Q(status="open") & Q(api_key__isnull=False),
                name="cart_one_open_cart_per_api_key",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=True) | Q(api_key__isnull=True),
                name="cart_owned_by_a_person_or_a_key",
            ),
        ]

    def __str__(self) -> str:
        return f"Cart {self.pk} ({self.status})"

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and self.api_key_id is None


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    # A deleted variant leaves its line ("No longer available") until the next add, change or
    # removal of a line (cart.services reads such lines with the line it changes).
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        null=True,
        on_delete=models.SET_NULL,
        related_name="cart_lines",
    )
    quantity = models.PositiveIntegerField()
    # What the shopper was shown when adding (or last adding to) the line: the "was" of the
    # price-changed notice. Never what they pay.
    unit_price_at_add = models.DecimalField(max_digits=12, decimal_places=2)
    # Named at add time, so a line whose variant was deleted can still say what it was.
    sku_at_add = models.CharField(max_length=64, blank=True)
    name_at_add = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        # A cart's lines in the order they are shown, read by every cart read (no sort).
        indexes = [models.Index(fields=["cart", "created_at", "id"], name="cart_line_cart_created")]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="cart_one_line_per_variant"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_line_quantity_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku_at_add}"
