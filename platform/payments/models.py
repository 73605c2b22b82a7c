"""Payments of a store: one row per attempt to pay an order, its history, and the store's
payment-method settings.

A :class:`Payment` keeps what was asked (``amount``), what was received (``captured_amount``)
and given back (``refunded_amount``) in the order's currency; the order's payment status is
derived from its payments (payments.status). Every change is a :class:`PaymentEvent`. Writes go
through ``payments.services``; provider credentials (issue 15) get a model of their own,
encrypted, never on these rows.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from payments.gateway import PaymentState

AMOUNT = {"max_digits": 12, "decimal_places": 2}
INSTRUCTIONS_MAX_LENGTH = 1000


class Payment(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payments")
    # The provider's code (payments.gateway registry): "cod", later "stripe", "paypal"...
    method = models.CharField(max_length=32)
    # Our own reference, given to providers as the idempotency key and used in return URLs.
    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    state = models.CharField(
        max_length=16, choices=PaymentState.choices, default=PaymentState.PENDING, db_index=True
    )
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(**AMOUNT)  # what this payment is for
    captured_amount = models.DecimalField(**AMOUNT, default=0)  # received
    refunded_amount = models.DecimalField(**AMOUNT, default=0)  # given back
    provider_reference = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payments_amount_gte_0"),
            models.CheckConstraint(
                condition=Q(captured_amount__gte=0), name="payments_captured_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("captured_amount")),
                name="payments_refunded_within_captured",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} payment {self.pk} of order {self.order_id}"

    @property
    def refundable_amount(self):
        return self.captured_amount - self.refunded_amount


class PaymentEvent(models.Model):
    """Something that happened to a payment: created, a provider's answer, marked paid,
    refunded. Who (staff; none for the system or a provider), when, what (``data``)."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        STATE_CHANGED = "state_changed", "State changed"
        PAID = "paid", "Marked paid"
        CAPTURED = "captured", "Captured"
        REFUNDED = "refunded", "Refund recorded"
        FAILED = "failed", "Failed"
        WEBHOOK = "webhook", "Webhook"

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    amount = models.DecimalField(**AMOUNT, null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(blank=True, max_length=2000)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.kind}"


class PaymentMethodSettings(models.Model):
    """The store's payment methods (one row, ``pk`` 1, read through payments.selectors): which
    registered methods it offers, and cash on delivery's fee, maximum and instructions. Amounts
    are in the store's currency."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    enabled_methods = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    cod_fee = models.DecimalField(**AMOUNT, default=0)
    # None: no maximum.
    cod_max_order_value = models.DecimalField(**AMOUNT, null=True, blank=True)
    cod_instructions = models.TextField(blank=True, max_length=INSTRUCTIONS_MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "payment method settings"
        permissions = [("manage_payments", "Manage payment methods")]
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="payments_settings_one_row"),
            models.CheckConstraint(condition=Q(cod_fee__gte=0), name="payments_cod_fee_gte_0"),
            models.CheckConstraint(
                condition=Q(cod_max_order_value__isnull=True) | Q(cod_max_order_value__gt=0),
                name="payments_cod_max_gt_0",
            ),
        ]

    def __str__(self) -> str:
        return "Payment method settings"
