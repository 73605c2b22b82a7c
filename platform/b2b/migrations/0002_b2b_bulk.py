"""Requisition lists and saved carts of a company (bulk purchasing)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_company_b2b_terms"),
        ("b2b", "0001_initial"),
        ("catalog", "0007_drop_variant_currency"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RequisitionList",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120)),
                (
                    "kind",
                    models.CharField(
                        choices=[("requisition", "Requisition list"), ("saved_cart", "Saved cart")],
                        default="requisition",
                        max_length=16,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "company",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="requisition_lists",
                        to="accounts.company",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-updated_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="RequisitionListLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sku", models.CharField(max_length=64)),
                ("name", models.CharField(blank=True, max_length=200)),
                ("quantity", models.PositiveIntegerField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "requisition_list",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lines",
                        to="b2b.requisitionlist",
                    ),
                ),
                (
                    "variant",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="catalog.productvariant",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "pk"],
            },
        ),
        migrations.AddIndex(
            model_name="requisitionlist",
            index=models.Index(
                fields=["company", "-updated_at", "-id"], name="b2b_reqlist_company"
            ),
        ),
        migrations.AddConstraint(
            model_name="requisitionlistline",
            constraint=models.UniqueConstraint(
                fields=("requisition_list", "variant"), name="b2b_reqlist_one_line_per_variant"
            ),
        ),
        migrations.AddConstraint(
            model_name="requisitionlistline",
            constraint=models.CheckConstraint(
                condition=models.Q(("quantity__gte", 1)), name="b2b_reqlist_quantity_gte_1"
            ),
        ),
    ]
