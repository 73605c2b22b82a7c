"""B2B pricing: customer groups, price lists, their entries and volume breaks (b2b-pricing)."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_company_b2b_terms"),
        ("b2b", "0001_initial"),
        ("catalog", "0007_drop_variant_currency"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomerGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120, unique=True)),
                ("description", models.CharField(blank=True, max_length=300)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "companies",
                    models.ManyToManyField(
                        blank=True, related_name="customer_groups", to="accounts.company"
                    ),
                ),
            ],
            options={
                "ordering": ["name", "pk"],
            },
        ),
        migrations.CreateModel(
            name="PriceList",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120)),
                ("currency", models.CharField(max_length=3)),
                ("active", models.BooleanField(default=True)),
                ("valid_from", models.DateTimeField(blank=True, null=True)),
                ("valid_until", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                (
                    "companies",
                    models.ManyToManyField(
                        blank=True, related_name="price_lists", to="accounts.company"
                    ),
                ),
                (
                    "customer_groups",
                    models.ManyToManyField(
                        blank=True, related_name="price_lists", to="b2b.customergroup"
                    ),
                ),
            ],
            options={
                "ordering": ["name", "pk"],
            },
        ),
        migrations.CreateModel(
            name="PriceListEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("fixed", "Fixed price"), ("percent_off", "Percentage off")],
                        max_length=16,
                    ),
                ),
                (
                    "value",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=12,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999.99")),
                        ],
                    ),
                ),
                (
                    "min_quantity",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Minimum order quantity for this buyer (empty: the variant's own).",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(2147483647),
                        ],
                    ),
                ),
                (
                    "order_multiple",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Sold only in multiples of this (empty: the variant's own step).",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(2147483647),
                        ],
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "brand",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="price_list_entries",
                        to="catalog.brand",
                    ),
                ),
                (
                    "category",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="price_list_entries",
                        to="catalog.category",
                    ),
                ),
                (
                    "price_list",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="entries",
                        to="b2b.pricelist",
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="price_list_entries",
                        to="catalog.product",
                    ),
                ),
                (
                    "variant",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="price_list_entries",
                        to="catalog.productvariant",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "price list entries",
                "ordering": ["pk"],
            },
        ),
        migrations.CreateModel(
            name="VolumeBreak",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "min_quantity",
                    models.PositiveIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(2),
                            django.core.validators.MaxValueValidator(2147483647),
                        ]
                    ),
                ),
                (
                    "unit_price",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=12,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("9999999999.99")),
                        ],
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "price_list",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="volume_breaks",
                        to="b2b.pricelist",
                    ),
                ),
                (
                    "variant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="volume_breaks",
                        to="catalog.productvariant",
                    ),
                ),
            ],
            options={
                "ordering": ["variant", "min_quantity", "pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="pricelist",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_from__isnull", True),
                    ("valid_until__isnull", True),
                    ("valid_until__gt", models.F("valid_from")),
                    _connector="OR",
                ),
                name="b2b_pricelist_valid_until_after_from",
                violation_error_message="The end of validity must come after its start.",
            ),
        ),
        migrations.AddConstraint(
            model_name="pricelist",
            constraint=models.CheckConstraint(
                condition=models.Q(("currency__regex", "^[A-Z]{3}$")),
                name="b2b_pricelist_currency_iso",
            ),
        ),
        migrations.AddConstraint(
            model_name="pricelistentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("variant__isnull", False),
                        ("product__isnull", True),
                        ("category__isnull", True),
                        ("brand__isnull", True),
                    ),
                    models.Q(
                        ("variant__isnull", True),
                        ("product__isnull", False),
                        ("category__isnull", True),
                        ("brand__isnull", True),
                    ),
                    models.Q(
                        ("variant__isnull", True),
                        ("product__isnull", True),
                        ("category__isnull", False),
                        ("brand__isnull", True),
                    ),
                    models.Q(
                        ("variant__isnull", True),
                        ("product__isnull", True),
                        ("category__isnull", True),
                        ("brand__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="b2b_entry_exactly_one_target",
                violation_error_message="An entry targets exactly one variant, product, category or brand.",
            ),
        ),
        migrations.AddConstraint(
            model_name="pricelistentry",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["fixed", "percent_off"])),
                name="b2b_entry_kind_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="pricelistentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("value__gte", 0),
                    models.Q(("kind", "fixed"), ("value__lte", 100), _connector="OR"),
                ),
                name="b2b_entry_value_bounds",
                violation_error_message="A price is at least 0; a percentage is 0 to 100.",
            ),
        ),
        migrations.AddConstraint(
            model_name="pricelistentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("min_quantity__isnull", True), ("min_quantity__gte", 1), _connector="OR"
                    ),
                    models.Q(
                        ("order_multiple__isnull", True),
                        ("order_multiple__gte", 1),
                        _connector="OR",
                    ),
                ),
                name="b2b_entry_quantities_gte_1",
            ),
        ),
        migrations.AddConstraint(
            model_name="pricelistentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("variant__isnull", False)),
                fields=("price_list", "variant"),
                name="b2b_entry_once_per_variant",
            ),
        ),
        migrations.AddConstraint(
            model_name="pricelistentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("product__isnull", False)),
                fields=("price_list", "product"),
                name="b2b_entry_once_per_product",
            ),
        ),
        migrations.AddConstraint(
            model_name="pricelistentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("category__isnull", False)),
                fields=("price_list", "category"),
                name="b2b_entry_once_per_category",
            ),
        ),
        migrations.AddConstraint(
            model_name="pricelistentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("brand__isnull", False)),
                fields=("price_list", "brand"),
                name="b2b_entry_once_per_brand",
            ),
        ),
        migrations.AddConstraint(
            model_name="volumebreak",
            constraint=models.CheckConstraint(
                condition=models.Q(("min_quantity__gte", 2)),
                name="b2b_volume_break_min_quantity_gte_2",
            ),
        ),
        migrations.AddConstraint(
            model_name="volumebreak",
            constraint=models.CheckConstraint(
                condition=models.Q(("unit_price__gte", 0)), name="b2b_volume_break_price_gte_0"
            ),
        ),
        migrations.AddConstraint(
            model_name="volumebreak",
            constraint=models.UniqueConstraint(
                fields=("variant", "price_list", "min_quantity"),
                name="b2b_volume_break_once_per_tier",
                nulls_distinct=False,
            ),
        ),
    ]
