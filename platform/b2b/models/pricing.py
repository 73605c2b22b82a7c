"""B2B prices: customer groups, price lists and their entries, volume breaks.

What a buyer pays is computed from these rows in one place only, ``pricing.price_for`` /
``pricing.prices_for`` (its module docstring states the precedence). The rows are written by
``b2b.pricing_services`` and read by ``b2b.pricing_selectors``; the constraints below keep
every row priceable, whatever path wrote it.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

ZERO = Decimal("0")
HUNDRED = Decimal("100")
# The catalog's price columns hold 12 digits with 2 decimals: a price list's amounts too.
MAX_AMOUNT = Decimal("9999999999.99")
# Quantities are PostgreSQL integers.
MAX_QUANTITY = 2147483647


class CustomerGroup(models.Model):
    """A set of companies priced alike (wholesalers, resellers, schools...).

    A company belongs to any number of groups; a price list assigned to a group applies to
    every company in it."""

    name = models.CharField(max_length=120, unique=True)
    description = models.CharField(max_length=300, blank=True)
    companies = models.ManyToManyField(
        "accounts.Company", blank=True, related_name="customer_groups"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class PriceList(models.Model):
    """Prices for the companies and customer groups it is assigned to, while it is active and
    within its dates (``valid_from`` inclusive, ``valid_until`` exclusive; empty: open)."""

    name = models.CharField(max_length=120)
    # The store sells in one currency (Tenant.currency): the service sets it to the store's.
    currency = models.CharField(max_length=3)
    active = models.BooleanField(default=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    companies = models.ManyToManyField("accounts.Company", blank=True, related_name="price_lists")
    customer_groups = models.ManyToManyField(CustomerGroup, blank=True, related_name="price_lists")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gt=F("valid_from")),
                name="b2b_pricelist_valid_until_after_from",
                violation_error_message="The end of validity must come after its start.",
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="b2b_pricelist_currency_iso",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PriceListEntry(models.Model):
    """One rule of a price list: a fixed unit price or a percentage off, for exactly one of a
    variant, a product, a category (and its subcategories) or a brand; optionally the B2B
    quantity rules of what it targets (a minimum order quantity and an order multiple)."""

    class Kind(models.TextChoices):
        FIXED = "fixed", "Fixed price"
        PERCENT_OFF = "percent_off", "Percentage off"

    class Target(models.TextChoices):
        VARIANT = "variant", "Variant"
        PRODUCT = "product", "Product"
        CATEGORY = "category", "Category"
        BRAND = "brand", "Brand"

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="entries")
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="price_list_entries",
    )
    product = models.ForeignKey(
        "catalog.Product",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="price_list_entries",
    )
    category = models.ForeignKey(
        "catalog.Category",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="price_list_entries",
    )
    brand = models.ForeignKey(
        "catalog.Brand",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="price_list_entries",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Fixed: the unit price; percentage off: the percentage (0 to 100).
    value = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(MAX_AMOUNT)],
    )
    min_quantity = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)],
        help_text="Minimum order quantity for this buyer (empty: the variant's own).",
    )
    order_multiple = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)],
        help_text="Sold only in multiples of this (empty: the variant's own step).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "price list entries"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(variant__isnull=False)
                    & Q(product__isnull=True)
                    & Q(category__isnull=True)
                    & Q(brand__isnull=True)
                )
                | (
                    Q(variant__isnull=True)
                    & Q(product__isnull=False)
                    & Q(category__isnull=True)
                    & Q(brand__isnull=True)
                )
                | (
                    Q(variant__isnull=True)
                    & Q(product__isnull=True)
                    & Q(category__isnull=False)
                    & Q(brand__isnull=True)
                )
                | (
                    Q(variant__isnull=True)
                    & Q(product__isnull=True)
                    & Q(category__isnull=True)
                    & Q(brand__isnull=False)
                ),
                name="b2b_entry_exactly_one_target",
                violation_error_message="An entry targets exactly one variant, product, "
                "category or brand.",
            ),
            # Written as OR, not kind__in: PostgreSQL prints "= ANY (ARRAY[...])" differently once
            # the definition is dumped and replayed, and new stores are replayed copies
            # (tenants.cloning); an OR of equalities reads back the same.
            models.CheckConstraint(
                condition=Q(kind="fixed") | Q(kind="percent_off"), name="b2b_entry_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0) & (Q(kind="fixed") | Q(value__lte=100)),
                name="b2b_entry_value_bounds",
                violation_error_message="A price is at least 0; a percentage is 0 to 100.",
            ),
            models.CheckConstraint(
                condition=(Q(min_quantity__isnull=True) | Q(min_quantity__gte=1))
                & (Q(order_multiple__isnull=True) | Q(order_multiple__gte=1)),
                name="b2b_entry_quantities_gte_1",
            ),
            # One entry per target and list: the list's price for a thing is never ambiguous.
            models.UniqueConstraint(
                fields=["price_list", "variant"],
                condition=Q(variant__isnull=False),
                name="b2b_entry_once_per_variant",
            ),
            models.UniqueConstraint(
                fields=["price_list", "product"],
                condition=Q(product__isnull=False),
                name="b2b_entry_once_per_product",
            ),
            models.UniqueConstraint(
                fields=["price_list", "category"],
                condition=Q(category__isnull=False),
                name="b2b_entry_once_per_category",
            ),
            models.UniqueConstraint(
                fields=["price_list", "brand"],
                condition=Q(brand__isnull=False),
                name="b2b_entry_once_per_brand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.price_list_id}: {self.target} {self.kind} {self.value}"

    @property
    def target(self) -> str:
        for name in ("variant", "product", "category", "brand"):
            if getattr(self, f"{name}_id") is not None:
                return name
        return ""

    @property
    def target_id(self) -> int | None:
        name = self.target
        return getattr(self, f"{name}_id") if name else None


class VolumeBreak(models.Model):
    """A tier of a variant's B2B volume pricing: from ``min_quantity`` units on one line, each
    unit costs ``unit_price``. Without a price list it applies to every B2B buyer; with one,
    to the buyers of that list only."""

    variant = models.ForeignKey(
        "catalog.ProductVariant", on_delete=models.CASCADE, related_name="volume_breaks"
    )
    price_list = models.ForeignKey(
        PriceList,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="volume_breaks",
    )
    min_quantity = models.PositiveIntegerField(
        validators=[MinValueValidator(2), MaxValueValidator(MAX_QUANTITY)]
    )
    unit_price = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(MAX_AMOUNT)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["variant", "min_quantity", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_quantity__gte=2), name="b2b_volume_break_min_quantity_gte_2"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="b2b_volume_break_price_gte_0"
            ),
            models.UniqueConstraint(
                fields=["variant", "price_list", "min_quantity"],
                nulls_distinct=False,
                name="b2b_volume_break_once_per_tier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} from {self.min_quantity}: {self.unit_price}"
