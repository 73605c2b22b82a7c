"""Requisition lists and saved carts: named lists of variants and quantities a company keeps
for ordering again. Every member of the company sees its lists; the person who made a list
and the company's admins change it (b2b.bulk.requisitions decides, not the model).

A saved cart is the same thing made from a cart (``kind`` SAVED_CART): "save my cart for
later" and "restore it" are "save the cart as a list" and "add the list to the cart".
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class RequisitionList(models.Model):
    class Kind(models.TextChoices):
        REQUISITION = "requisition", "Requisition list"
        SAVED_CART = "saved_cart", "Saved cart"

    company = models.ForeignKey(
        "accounts.Company", on_delete=models.CASCADE, related_name="requisition_lists"
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.REQUISITION)
    # Kept when its maker leaves the company or is erased: the list is the company's.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["company", "-updated_at", "-id"], name="b2b_reqlist_company")
        ]

    def __str__(self) -> str:
        return self.name


class RequisitionListLine(models.Model):
    requisition_list = models.ForeignKey(
        RequisitionList, on_delete=models.CASCADE, related_name="lines"
    )
    # A deleted variant leaves its line, named by what it was, "no longer sold".
    variant = models.ForeignKey(
        "catalog.ProductVariant", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200, blank=True)
    quantity = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["requisition_list", "variant"], name="b2b_reqlist_one_line_per_variant"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="b2b_reqlist_quantity_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"
