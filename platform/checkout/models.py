"""A checkout: the resumable way from one cart to one order.

One checkout per cart (``cart`` is one-to-one), found again by its unguessable ``token``: the
API's ``/api/v1/checkout/<token>/`` and the storefront's pages (which find it from the
browser's cart, so a reload or, for a signed-in shopper, another device resumes it). What the
shopper gave is kept here; what it costs is never stored: ``checkout.calculations.totals``
prices it afresh on every read. The order placed from it carries ``Order.checkout_token`` (the
orders app's unique column, which makes placing idempotent): no foreign key from here.

Addresses are JSON dicts already validated by ``checkout.addresses.validate_address`` (keys
full_name, company_name, line1, line2, city, region, postal_code, country, phone).
"""

import uuid

from django.conf import settings
from django.db import models

NOTE_MAX_LENGTH = 1000
PAYMENT_METHOD_MAX_LENGTH = 32


class Checkout(models.Model):
    # Unguessable (122 random bits): the API's and the pages' name for the checkout.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cart = models.OneToOneField("cart.Cart", on_delete=models.CASCADE, related_name="checkout")
    # The signed-in shopper who started it (their cart's owner); None for anonymous carts.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checkouts",
    )
    email = models.EmailField(blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    billing_same_as_shipping = models.BooleanField(default=True)
    delivery_option = models.ForeignKey(
        "shipping.DeliveryOption",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payment_method = models.CharField(max_length=PAYMENT_METHOD_MAX_LENGTH, blank=True)
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)
    # A company buyer's purchase-order number, copied to the order (b2b.purchasing).
    po_number = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"Checkout {self.token}"

    @property
    def billing(self) -> dict:
        """The billing address in force: the shipping address when they are the same."""
        return self.shipping_address if self.billing_same_as_shipping else self.billing_address
