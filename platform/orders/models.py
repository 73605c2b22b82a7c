"""Orders of a store: what was bought, frozen at purchase, and everything that happened to it.

An order is a snapshot: its lines keep the name, SKU, prices and taxes of the moment it was
placed, its addresses and delivery option are copied, so later changes to the catalog, the
address book or the delivery options never change an order. Statuses move only through
``orders.state`` (one transition table); every move is an :class:`OrderEvent`. Writes go
through ``orders.actions``.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from pricing import Channel

AMOUNT = {"max_digits": 12, "decimal_places": 2}
PO_NUMBER_MAX_LENGTH = 64


class OrderStatus(models.TextChoices):
    # A company buyer's order above their spending limit (or of a company that approves every
    # order) waits for one of the company's approvers before the store sees it (b2b.approvals).
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    PENDING = "pending", "Pending"
    PROCESSING = "processing", "Processing"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", "Unpaid"
    PARTIALLY_PAID = "partially_paid", "Partially paid"
    PAID = "paid", "Paid"
    OVERPAID = "overpaid", "Overpaid"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"


class FulfilmentStatus(models.TextChoices):
    UNFULFILLED = "unfulfilled", "Unfulfilled"
    PARTIALLY_FULFILLED = "partially_fulfilled", "Partially fulfilled"
    FULFILLED = "fulfilled", "Fulfilled"


class Order(models.Model):
    # Human-friendly, sequential per store from 1001 (orders.numbers); unique in the store.
    number = models.PositiveIntegerField(unique=True)
    # The checkout this order was placed from: placing the same checkout again returns this
    # order (orders.actions.place_order is idempotent per token).
    checkout_token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    status = models.CharField(
        max_length=24, choices=OrderStatus.choices, default=OrderStatus.PENDING, db_index=True
    )
    payment_status = models.CharField(
        max_length=24, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID, db_index=True
    )
    fulfilment_status = models.CharField(
        max_length=24,
        choices=FulfilmentStatus.choices,
        default=FulfilmentStatus.UNFULFILLED,
        db_index=True,
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.B2C)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    company = models.ForeignKey(
        "accounts.Company",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    email = models.EmailField(blank=True)
    # Snapshots: {full_name, company_name, line1, line2, city, region, postal_code, country,
    # phone} (checkout.addresses' keys).
    shipping_address = models.JSONField(default=dict, blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    delivery_option_id = models.PositiveIntegerField(null=True, blank=True)
    delivery_option_name = models.CharField(max_length=200, blank=True)
    delivery_option_data = models.JSONField(default=dict, blank=True)
    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(**AMOUNT, default=0)
    discount = models.DecimalField(**AMOUNT, default=0)
    shipping = models.DecimalField(**AMOUNT, default=0)
    shipping_tax = models.DecimalField(**AMOUNT, default=0)
    tax = models.DecimalField(**AMOUNT, default=0)
    total = models.DecimalField(**AMOUNT, default=0)
    # Per-rate totals for the invoice: [{"rate": "7.25", "net": "...", "tax": "..."}].
    tax_rates = models.JSONField(default=list, blank=True)
    # Bookkeeping of money received and given back (kept in step by the payments app; what
    # record_refund is bounded by).
    amount_paid = models.DecimalField(**AMOUNT, default=0)
    amount_refunded = models.DecimalField(**AMOUNT, default=0)
    payment_method = models.CharField(max_length=32, blank=True)
    # The company's purchase-order number (b2b.purchasing): unique within the company when
    # given, so an accounts payable department can match the invoice to its own order.
    po_number = models.CharField("PO number", max_length=PO_NUMBER_MAX_LENGTH, blank=True)
    # The store's prices were entered tax included when the order was placed (for recomputing
    # the totals of an edit the same way).
    prices_include_tax = models.BooleanField(default=False)
    note = models.TextField(blank=True, max_length=2000)
    placed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the person's account was erased: the order keeps its amounts only.
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="orders_number_gte_1"),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=F("amount_paid")),
                name="orders_refunded_lte_paid",
            ),
            models.UniqueConstraint(
                fields=["company", "po_number"],
                condition=~Q(po_number="") & Q(company__isnull=False),
                name="orders_po_number_unique_per_company",
            ),
        ]

    def __str__(self) -> str:
        return f"Order #{self.number}"


class OrderLine(models.Model):
    """One line as bought: frozen, except for edits before fulfilment (recorded as events)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_lines",
    )
    sku = models.CharField(max_length=64)
    product_name = models.CharField(max_length=200)
    variant_label = models.CharField(max_length=200, blank=True)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(**AMOUNT)
    net = models.DecimalField(**AMOUNT)
    tax = models.DecimalField(**AMOUNT)
    gross = models.DecimalField(**AMOUNT)
    tax_rate = models.DecimalField(max_digits=7, decimal_places=4, default=0)
    weight_grams = models.PositiveIntegerField(null=True, blank=True)
    quantity_fulfilled = models.PositiveIntegerField(default=0)
    # How many units of this line hold stock reserved on the variant (DENY policy at
    # placement); shipping or cancelling gives them back to stock_reserved.
    quantity_reserved = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_line_quantity_gte_1"),
            models.CheckConstraint(
                condition=Q(quantity_fulfilled__lte=F("quantity")),
                name="orders_line_fulfilled_lte_quantity",
            ),
            models.CheckConstraint(
                condition=Q(quantity_reserved__lte=F("quantity")),
                name="orders_line_reserved_lte_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"

    @property
    def quantity_to_fulfil(self) -> int:
        return self.quantity - self.quantity_fulfilled


class OrderEvent(models.Model):
    """Something that happened to an order: a transition (from/to), a note, a fulfilment,
    an edit, a refund, an email sent. Who (a staff or shopper account; none for the system),
    when, and what (``data``)."""

    class Kind(models.TextChoices):
        PLACED = "placed", "Placed"
        STATUS_CHANGED = "status_changed", "Status changed"
        PAYMENT_STATUS_CHANGED = "payment_status_changed", "Payment status changed"
        FULFILMENT_STATUS_CHANGED = "fulfilment_status_changed", "Fulfilment status changed"
        FULFILLED = "fulfilled", "Fulfilment shipped"
        DELIVERED = "delivered", "Delivered"
        NOTE = "note", "Note"
        EDITED = "edited", "Edited"
        PAYMENT = "payment", "Payment recorded"
        REFUND = "refund", "Refund recorded"
        EMAIL_SENT = "email_sent", "Email sent"
        ANONYMISED = "anonymised", "Anonymised"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
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
        return f"{self.order_id} {self.kind} {self.from_status}->{self.to_status}"


class Fulfilment(models.Model):
    """One parcel sent: some quantities of some lines, with carrier and tracking number."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="fulfilments")
    carrier = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    shipped_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["shipped_at", "pk"]

    def __str__(self) -> str:
        return f"Fulfilment {self.pk} of order {self.order_id}"


class FulfilmentLine(models.Model):
    fulfilment = models.ForeignKey(Fulfilment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.CASCADE, related_name="fulfilment_lines"
    )
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="orders_fulfilment_line_quantity_gte_1"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of line {self.order_line_id}"


class StockReservation(models.Model):
    """Stock held for a checkout that is not an order yet (two-phase flows: reserve, then pay,
    then place). Counted in the variant's ``stock_reserved``; ``place_order`` of the same
    checkout token takes it over, and ``release_expired_reservations`` gives back what was
    never ordered once ``expires_at`` has passed."""

    variant = models.ForeignKey(
        "catalog.ProductVariant", on_delete=models.CASCADE, related_name="reservations"
    )
    checkout_token = models.UUIDField(db_index=True)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkout_token", "variant"], name="orders_one_reservation_per_variant"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="orders_reservation_quantity_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of {self.variant_id} for {self.checkout_token}"


class OrderNumberCounter(models.Model):
    """The store's last order number (one row, id 1); advanced by one UPDATE ... RETURNING
    inside the placing transaction (orders.numbers), so numbers have no gaps."""

    last_number = models.PositiveIntegerField(default=1000)

    def __str__(self) -> str:
        return str(self.last_number)


class OrderEmail(models.Model):
    """An order email sent (or being sent): one per order and kind, so a task delivered twice
    sends one email."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", "Order confirmation"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"
        STAFF_NEW_ORDER = "staff_new_order", "New order (to staff)"
        # b2b.approvals: to each approver (key: their user id), to the buyer once decided.
        APPROVAL_REQUESTED = "approval_requested", "Approval requested (to approvers)"
        APPROVED = "approved", "Approved (to the buyer)"
        REJECTED = "rejected", "Rejected (to the buyer)"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    # Several emails of one kind (a second parcel, a second refund) differ by ``key``.
    key = models.CharField(max_length=64, blank=True, default="")
    recipient = models.EmailField(blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "kind", "key"], name="orders_email_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} of order {self.order_id}"


class OrderSettings(models.Model):
    """The store's order settings (one row, id 1): where new-order emails to staff go."""

    notify_staff_email = models.EmailField(
        blank=True, help_text="Sent an email for every new order; empty sends none."
    )

    def __str__(self) -> str:
        return "Order settings"

    @classmethod
    def load(cls) -> "OrderSettings":
        return cls.objects.get_or_create(pk=1)[0]
