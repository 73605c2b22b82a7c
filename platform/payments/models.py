"""Payments of a store: one row per attempt to pay an order, its history, and the store's
payment-method settings.

A :class:`Payment` keeps what was asked (``amount``), what was received (``captured_amount``)
and given back (``refunded_amount``) in the order's currency; the order's payment status is
derived from its payments (payments.status). Every change is a :class:`PaymentEvent`, every
refund a :class:`Refund`, every provider webhook a :class:`ProviderEvent` (processed once).
Writes go through ``payments.services``; provider credentials live in :class:`ProviderAccount`,
encrypted (payments.credentials), never on these rows.
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
    # Where the shopper was sent (a provider's hosted page), shown again on the pay page.
    action_url = models.URLField(max_length=2000, blank=True)
    # Raised by the provider for staff (gateway.FLAGS): underpaid, overpaid, late, disputed.
    flags = ArrayField(models.CharField(max_length=16), default=list, blank=True)
    # The last message of the provider (why it failed), shown to the shopper on the pay page.
    message = models.CharField(max_length=500, blank=True)
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


class HistoryEntry(models.Model):
    """What every history row shares (payments' events and refunds; orders' events may adopt
    it): who did it (staff; none for the system or a provider), a note, details (``data``, never
    a secret), when."""

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
        abstract = True
        ordering = ["created_at", "pk"]


class PaymentEvent(HistoryEntry):
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
        FLAGGED = "flagged", "Flagged for staff"

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    amount = models.DecimalField(**AMOUNT, null=True, blank=True)

    class Meta(HistoryEntry.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.payment_id} {self.kind}"


class Refund(HistoryEntry):
    """Money given back from one payment: by staff (through the provider, or, cash on
    delivery, recorded only) or told by the provider's webhook (a refund made in its
    dashboard). ``amount`` is what this refund gave back; the payment's ``refunded_amount`` is
    the sum of the succeeded ones."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Source(models.TextChoices):
        STAFF = "staff", "Staff"
        PROVIDER = "provider", "Provider (webhook or reconciliation)"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(**AMOUNT)
    currency = models.CharField(max_length=3)
    state = models.CharField(max_length=16, choices=State.choices, default=State.SUCCEEDED)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.STAFF)
    provider_reference = models.CharField(max_length=255, blank=True, db_index=True)
    moved_money = models.BooleanField(default=True)  # False: COD, the store gave cash back

    class Meta(HistoryEntry.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_amount_gt_0")
        ]

    def __str__(self) -> str:
        return f"refund {self.pk} of payment {self.payment_id}"

    @property
    def reason(self) -> str:
        return self.note


class ProviderEvent(models.Model):
    """A provider's webhook, verified and kept (its raw body), processed exactly once: the
    unique (provider, event_id) makes a repeat a no-op. Generalises tenants' StripeEvent to
    every provider of every store (in the store's schema)."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"  # stored, the task queued
        APPLIED = "applied", "Applied"
        UNMATCHED = "unmatched", "No payment of ours"
        WAITING = "waiting", "Waiting for an earlier event"  # a refund before its capture
        FAILED = "failed", "Failed"

    provider = models.CharField(max_length=32)
    event_id = models.CharField(max_length=255)
    kind = models.CharField(max_length=100, blank=True)
    provider_reference = models.CharField(max_length=255, blank=True, db_index=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="provider_events"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    body = models.TextField(blank=True)  # the raw body as received (never a secret of ours)
    result = models.JSONField(default=dict, blank=True)  # the verified WebhookResult
    error = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="payments_provider_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.kind} {self.event_id}"


class ProviderAccount(models.Model):
    """A store's credentials for one provider (one row per method code): ``secrets`` is a
    Fernet token of the secret fields (payments.credentials; never logged, returned, exported
    or shown again), ``options`` the non-secret settings, ``saved_fields`` the names saved (to
    tell "configured" without decrypting)."""

    code = models.CharField(max_length=32, unique=True)
    secrets = models.TextField(blank=True)
    options = models.JSONField(default=dict, blank=True)
    saved_fields = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.code} credentials"

    def __repr__(self) -> str:
        return f"<ProviderAccount {self.code}>"


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
