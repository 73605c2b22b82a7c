"""Shipping zones and the delivery options offered in them (table rates).

A *zone* is where a store delivers: countries (ISO 3166-1 alpha-2, named by django-countries),
optionally narrowed to regions (subdivision codes or names, as addresses carry them) and to
postcode patterns. Each zone offers *delivery options*: a flat rate, weight bands, order-value
bands, free delivery or local pickup, with a delivery estimate. Prices are in the store's
currency (``money.store_currency()``) and fit its minor units (shipping.services checks).

Which zone an address falls in, and what each option costs, is shipping.selectors'.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

ZERO = 0
MAX_DELIVERY_DAYS = 365


class ShippingZone(models.Model):
    name = models.CharField(max_length=100)
    countries = ArrayField(
        models.CharField(max_length=2),
        default=list,
        blank=True,
        help_text="ISO 3166-1 alpha-2 codes, such as US or FR.",
    )
    # Every country no other zone covers (the least specific match of all).
    rest_of_world = models.BooleanField(default=False)
    regions = ArrayField(
        models.CharField(max_length=100),
        default=list,
        blank=True,
        help_text="States or regions (codes or names, such as CA or California); empty: all.",
    )
    postcodes = ArrayField(
        models.CharField(max_length=32),
        default=list,
        blank=True,
        help_text="Prefixes (SW1), ranges (75000-75999) or wildcards (SW1*); empty: all.",
    )
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [GinIndex(fields=["countries"], name="shipping_zone_countries_gin")]
        constraints = [
            models.CheckConstraint(
                condition=Q(rest_of_world=True) | ~Q(countries=[]),
                name="shipping_zone_has_countries",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DeliveryOption(models.Model):
    class Kind(models.TextChoices):
        FLAT_RATE = "flat_rate", "Flat rate"
        WEIGHT_BANDS = "weight_bands", "By weight"
        ORDER_VALUE_BANDS = "order_value_bands", "By order value"
        FREE = "free", "Free delivery"
        LOCAL_PICKUP = "local_pickup", "Local pickup"

    BANDED_KINDS = (Kind.WEIGHT_BANDS, Kind.ORDER_VALUE_BANDS)
    # Kinds that always cost nothing (their price is 0 and no threshold applies).
    FREE_KINDS = (Kind.FREE, Kind.LOCAL_PICKUP)

    zone = models.ForeignKey(ShippingZone, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FLAT_RATE)
    # The flat rate (the bands carry their own prices; free kinds cost 0).
    price = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(ZERO)]
    )
    # Free for an order subtotal at or above this amount (none: never free).
    free_above = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    min_delivery_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_DELIVERY_DAYS)]
    )
    max_delivery_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_DELIVERY_DAYS)]
    )
    allows_cash_on_delivery = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="shipping_option_price_gte_0"),
            models.CheckConstraint(
                condition=Q(free_above__isnull=True) | Q(free_above__gte=0),
                name="shipping_option_free_above_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(min_delivery_days__isnull=True)
                | Q(max_delivery_days__isnull=True)
                | Q(min_delivery_days__lte=models.F("max_delivery_days")),
                name="shipping_option_days_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DeliveryRateBand(models.Model):
    """One band of a banded option: parcels from ``from_value`` (included) up to ``to_value``
    (excluded; none: no upper limit) cost ``price``. Grams for weight bands, the store's
    currency for order-value bands. An option's bands are contiguous and never overlap."""

    option = models.ForeignKey(DeliveryOption, on_delete=models.CASCADE, related_name="bands")
    from_value = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    to_value = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    price = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )

    class Meta:
        ordering = ["from_value", "id"]
        constraints = [
            models.UniqueConstraint(fields=["option", "from_value"], name="shipping_band_unique"),
            models.CheckConstraint(condition=Q(from_value__gte=0), name="shipping_band_from_gte_0"),
            models.CheckConstraint(condition=Q(price__gte=0), name="shipping_band_price_gte_0"),
            models.CheckConstraint(
                condition=Q(to_value__isnull=True) | Q(to_value__gt=models.F("from_value")),
                name="shipping_band_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        upper = "and above" if self.to_value is None else f"to {self.to_value}"
        return f"{self.from_value} {upper}: {self.price}"
