"""Wishlists: a shopper's saved variants, in named lists, shareable by a revocable link.

Every account has at most one default list (created on first use) and up to
:data:`MAX_LISTS_PER_ACCOUNT` lists of :data:`MAX_ITEMS_PER_LIST` items each. A list is shared
by a random token (``share_token``, set while shared, replaced when shared again); the link is
``/wishlists/shared/<token>/`` of the store, so it means nothing at another store.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

MAX_LISTS_PER_ACCOUNT = 50
MAX_ITEMS_PER_LIST = 500
NAME_MAX_LENGTH = 100
DEFAULT_LIST_NAME = "My wishlist"


class Wishlist(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlists"
    )
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    is_default = models.BooleanField(default=False)
    # Set while the list is shared (secrets.token_urlsafe), None otherwise; never exported.
    share_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    notify_price_drop = models.BooleanField(default=False)
    notify_back_in_stock = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_default=True),
                name="wishlists_one_default_per_user",
            ),
            models.UniqueConstraint("user", Lower("name"), name="wishlists_name_unique_per_user"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return bool(self.share_token)


class WishlistItem(models.Model):
    wishlist = models.ForeignKey(Wishlist, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey(
        "catalog.ProductVariant", on_delete=models.CASCADE, related_name="wishlist_items"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    # What the shopper paid-to-be when adding it (price_for, their channel), the reference of
    # price-drop emails; the last price an email announced, below which the next must fall.
    price_when_added = models.DecimalField(max_digits=12, decimal_places=2)
    last_notified_price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Whether the variant could be bought when last seen: a back-in-stock email goes out when
    # it turns from False to True.
    was_available = models.BooleanField(default=True)

    class Meta:
        ordering = ["-added_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["wishlist", "variant"], name="wishlists_item_once_per_list"
            )
        ]

    def __str__(self) -> str:
        return f"{self.wishlist_id}:{self.variant_id}"


class WishlistEmail(models.Model):
    """One notification email sent (or being sent): at most one per person, product, kind
    and day, which the unique constraint guarantees whatever the number of deliveries."""

    class Kind(models.TextChoices):
        PRICE_DROP = "price_drop", "Price drop"
        BACK_IN_STOCK = "back_in_stock", "Back in stock"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist_emails"
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="wishlist_emails"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "product", "kind", "date"],
                name="wishlists_email_once_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.product_id} to {self.user_id} on {self.date}"
