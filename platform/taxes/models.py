"""Taxes of a store: tax classes, rates per country and region, and the store's tax settings.

A *tax class* groups products taxed alike ("Standard", "Reduced", "Zero"); exactly one class
is the store's default, which every product without a class of its own belongs to. A *tax rate*
is what a tax authority charges for a class in a country (ISO 3166-1 alpha-2), or in one of its
subdivisions (the ISO 3166-2 code's part after the country: "CA" for US-CA, "BY" for DE-BY),
which overrides the country's rate. The store's *tax settings* (one row) say whether its prices
are entered with tax or without, how taxes are rounded, and whether shipping is taxed.

The calculation lives in taxes.calculations (pure functions); writes in taxes.services.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

RATE_MAX = Decimal("100")


class TaxClass(models.Model):
    """Products taxed alike. ``is_exempt``: never taxed, whatever the rates (shown as exempt
    on invoices, unlike a 0% rate which is a rate)."""

    name = models.CharField(max_length=100)
    is_default = models.BooleanField(default=False)
    is_exempt = models.BooleanField(
        default=False, help_text="Exempt from tax: no rate applies to its products."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "name", "pk"]
        verbose_name_plural = "tax classes"
        constraints = [
            models.UniqueConstraint(Lower("name"), name="taxes_class_name_unique"),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="taxes_one_default_class"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TaxRate(models.Model):
    """The rate of a class in a country, or in one region (subdivision) of it."""

    tax_class = models.ForeignKey(TaxClass, on_delete=models.CASCADE, related_name="rates")
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code, such as FR.")
    region = models.CharField(
        max_length=3,
        blank=True,
        default="",
        help_text="ISO 3166-2 subdivision (CA for California); empty for the whole country.",
    )
    # A percentage: 20.0000 for 20%, 8.8750 for New York City's combined sales tax.
    rate = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(RATE_MAX)],
    )
    name = models.CharField(max_length=100, help_text="Shown on invoices, such as “VAT 20%”.")

    class Meta:
        ordering = ["country", "region", "tax_class_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_class", "country", "region"], name="taxes_rate_unique_place"
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=RATE_MAX), name="taxes_rate_percent"
            ),
            models.CheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"), name="taxes_rate_country_code"
            ),
            models.CheckConstraint(
                condition=Q(region__regex=r"^[A-Z0-9]{0,3}$"), name="taxes_rate_region_code"
            ),
        ]
        indexes = [models.Index(fields=["country", "region"], name="taxes_rate_place")]

    def __str__(self) -> str:
        place = f"{self.country}-{self.region}" if self.region else self.country
        return f"{self.name} ({place})"


class ProductTaxClass(models.Model):
    """A product's tax class, when it is not the store's default one. Kept here rather than on
    the catalog's product so that the catalog knows nothing of taxes."""

    product = models.OneToOneField(
        "catalog.Product", on_delete=models.CASCADE, primary_key=True, related_name="tax_class_link"
    )
    tax_class = models.ForeignKey(TaxClass, on_delete=models.CASCADE, related_name="product_links")

    def __str__(self) -> str:
        return f"{self.product_id}: {self.tax_class_id}"


class TaxSettings(models.Model):
    """The store's tax settings: one row (``pk`` 1), read through taxes.selectors.

    Rounding defaults to per line: each line's tax is rounded, then added up, so the tax an
    invoice prints on every line adds up to its total, as EU invoices show it and as Saleor
    computes it by default. Per total rounds each rate's sum once (fewer cents lost to rounding
    on many small lines, as some US tax engines do); lines then show their share of it.
    """

    class Rounding(models.TextChoices):
        PER_LINE = "per_line", "Per line"
        PER_TOTAL = "per_total", "Per total"

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    prices_entered_with_tax = models.BooleanField(
        default=False,
        help_text="Prices in the catalog include tax (gross, as in the EU); "
        "otherwise tax is added at checkout (net, as in the US).",
    )
    rounding = models.CharField(max_length=10, choices=Rounding.choices, default=Rounding.PER_LINE)
    charge_tax_on_shipping = models.BooleanField(default=True)
    shipping_tax_class = models.ForeignKey(
        TaxClass,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the default class.",
    )
    display_prices_with_tax = models.BooleanField(
        default=False, help_text="The storefront shows prices with tax included."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "tax settings"
        permissions = [("manage_taxes", "Manage tax classes, rates and settings")]
        constraints = [models.CheckConstraint(condition=Q(id=1), name="taxes_settings_one_row")]

    def __str__(self) -> str:
        return "Tax settings"
