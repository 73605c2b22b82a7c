"""Taxes API input and output. Input is checked for shape here (lengths, types, bounds from
the columns); the rules (ISO codes, the one default class, unique places) are the services'."""

from decimal import Decimal

from rest_framework import serializers

from taxes.models import TaxClass, TaxRate, TaxSettings
from taxes.services import NAME_MAX_LENGTH


class TaxClassSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=NAME_MAX_LENGTH)
    is_default = serializers.BooleanField(
        required=False,
        help_text="The class of every product without one. Setting it on a class takes it "
        "off the previous default; it cannot be taken off the default class itself.",
    )
    is_exempt = serializers.BooleanField(
        required=False, help_text="Never taxed: its products carry no tax anywhere."
    )
    rate_count = serializers.SerializerMethodField()
    product_count = serializers.SerializerMethodField()

    class Meta:
        model = TaxClass
        fields = ["id", "name", "is_default", "is_exempt", "rate_count", "product_count"]

    # Annotated by taxes.selectors.tax_class_list, which every answer is read through.
    def get_rate_count(self, tax_class: TaxClass) -> int:
        return tax_class.rate_count

    def get_product_count(self, tax_class: TaxClass) -> int:
        return tax_class.product_count


class TaxRateSerializer(serializers.ModelSerializer):
    tax_class = serializers.PrimaryKeyRelatedField(queryset=TaxClass.objects.all())
    country = serializers.CharField(
        max_length=2, min_length=2, help_text="ISO 3166-1 alpha-2 code, such as FR or US."
    )
    region = serializers.CharField(
        max_length=6,
        required=False,
        allow_blank=True,
        help_text="ISO 3166-2 subdivision code (CA, or US-CA); empty for the whole country. "
        "A region's rate overrides its country's there.",
    )
    rate = serializers.DecimalField(
        max_digits=7,
        decimal_places=4,
        min_value=Decimal(0),
        max_value=Decimal(100),
        help_text="Percent: 20 for 20%, 8.875 for 8.875%.",
    )
    name = serializers.CharField(max_length=NAME_MAX_LENGTH, help_text="Shown on invoices.")

    class Meta:
        model = TaxRate
        fields = ["id", "tax_class", "country", "region", "rate", "name"]
        validators = []  # the unique place is the service's refusal, as a field error


class TaxRateFiltersSerializer(serializers.Serializer):
    tax_class = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    country = serializers.CharField(required=False, max_length=2, min_length=2)


class TaxSettingsSerializer(serializers.ModelSerializer):
    prices_entered_with_tax = serializers.BooleanField(
        required=False,
        help_text="Catalog prices include tax (gross, as in the EU): tax is extracted at "
        "checkout. Otherwise (net, as in the US) tax is added.",
    )
    rounding = serializers.ChoiceField(
        choices=TaxSettings.Rounding.choices,
        required=False,
        help_text="per_line (default): each line's tax is rounded and the lines add up to the "
        "total, as invoices show it. per_total: each rate's tax is rounded once on its sum.",
    )
    charge_tax_on_shipping = serializers.BooleanField(required=False)
    shipping_tax_class = serializers.PrimaryKeyRelatedField(
        queryset=TaxClass.objects.all(),
        allow_null=True,
        required=False,
        help_text="The class shipping is taxed by; null: the default class.",
    )
    display_prices_with_tax = serializers.BooleanField(
        required=False, help_text="The storefront shows prices with tax included."
    )

    class Meta:
        model = TaxSettings
        fields = [
            "prices_entered_with_tax",
            "rounding",
            "charge_tax_on_shipping",
            "shipping_tax_class",
            "display_prices_with_tax",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
