"""Quotes: a company buyer asks for a price on a cart's lines, staff answer with unit prices
valid until a date, the buyer accepts (an order at those prices) or it expires.

Statuses move only through ``b2b.state.QUOTE_TRANSITIONS``; every move is a
:class:`QuoteEvent`. The lines are a snapshot of the cart when asked; ``quoted_price`` is set
by staff only (a client's prices are never read).
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

AMOUNT = {"max_digits": 12, "decimal_places": 2}
MESSAGE_MAX_LENGTH = 2000


class QuoteStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    ORDERED = "ordered", "Ordered"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"


class Quote(models.Model):
    company = models.ForeignKey("accounts.Company", on_delete=models.CASCADE, related_name="quotes")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    status = models.CharField(
        max_length=16, choices=QuoteStatus.choices, default=QuoteStatus.REQUESTED, db_index=True
    )
    # Where the buyer's side of the conversation goes (the requester's, or the key owner's).
    email = models.EmailField(blank=True)
    currency = models.CharField(max_length=3)
    message = models.TextField(blank=True, max_length=MESSAGE_MAX_LENGTH)
    # Staff's answer (with the offer, or why it was declined).
    staff_note = models.TextField(blank=True, max_length=MESSAGE_MAX_LENGTH)
    valid_until = models.DateTimeField(null=True, blank=True, db_index=True)
    # The checkout token of the order placed from it: placing twice makes one order.
    checkout_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.OneToOneField(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="quote"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Quote {self.pk}"

    @property
    def is_priced(self) -> bool:
        return self.status not in (QuoteStatus.REQUESTED, QuoteStatus.DECLINED)


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalog.ProductVariant", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sku = models.CharField(max_length=64)
    product_name = models.CharField(max_length=200)
    variant_label = models.CharField(max_length=200, blank=True)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    # What the buyer's price was when asking (price_for), and staff's price for one unit.
    list_price = models.DecimalField(**AMOUNT)
    quoted_price = models.DecimalField(**AMOUNT, null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="b2b_quote_line_qty_gte_1"),
            models.CheckConstraint(
                condition=Q(quoted_price__isnull=True) | Q(quoted_price__gte=0),
                name="b2b_quote_line_price_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"


class QuoteEvent(models.Model):
    """One move of a quote's status (requested: from ""): who, when, why."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.quote_id} {self.from_status}->{self.to_status}"
