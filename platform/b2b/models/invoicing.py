"""Invoices of orders paid by "invoice / purchase order", and their history.

One :class:`Invoice` per order (a unique order), issued when the order reaches PENDING
(b2b.invoicing), numbered sequentially per store (:class:`InvoiceNumberCounter`, as orders
are), due ``Company.PaymentTerms(...).days`` after its issue date. Its status moves only through
``b2b.state.INVOICE_TRANSITIONS``; every move is an :class:`InvoiceEvent`.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

AMOUNT = {"max_digits": 12, "decimal_places": 2}


class InvoiceStatus(models.TextChoices):
    OPEN = "open", "Open"
    PAID = "paid", "Paid"
    OVERDUE = "overdue", "Overdue"
    VOID = "void", "Void"


class Invoice(models.Model):
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="invoice")
    company = models.ForeignKey(
        "accounts.Company", on_delete=models.PROTECT, related_name="invoices"
    )
    # Sequential per store from 1 (b2b.invoicing.next_invoice_number), without gaps.
    number = models.PositiveIntegerField(unique=True)
    status = models.CharField(
        max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN, db_index=True
    )
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(**AMOUNT)
    issued_on = models.DateField(db_index=True)
    due_on = models.DateField(db_index=True)
    # The payment terms in force when it was issued (the company's may change later).
    payment_terms = models.CharField(max_length=16)
    paid_at = models.DateTimeField(null=True, blank=True)
    # Set by the one UPDATE that claims the overdue reminder: one email per invoice.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="b2b_invoice_number_gte_1"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="b2b_invoice_amount_gte_0"),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("issued_on")), name="b2b_invoice_due_after_issue"
            ),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.number}"


class InvoiceEvent(models.Model):
    """One move of an invoice's status (issued: from ""), who (staff; none for the system),
    when, why."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.from_status}->{self.to_status}"


class InvoiceNumberCounter(models.Model):
    """The store's last invoice number (one row, id 1), advanced inside the issuing
    transaction (b2b.invoicing.next_invoice_number)."""

    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.last_number)
