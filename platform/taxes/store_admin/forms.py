"""The forms of the Settings > Taxes screens. They only check what was typed; the rules (ISO
codes, the one default class, unique places) are the services', whose refusals are put next to
the fields (``tenants.store_admin.forms.show_domain_error``)."""

from django import forms

from taxes.models import TaxClass, TaxSettings
from taxes.services import NAME_MAX_LENGTH


class TaxSettingsForm(forms.Form):
    prices_entered_with_tax = forms.BooleanField(
        label="Prices are entered with tax",
        required=False,
        help_text="On: catalog prices include tax (gross, as in the EU) and tax is extracted "
        "at checkout. Off: tax is added at checkout (net, as in the US).",
    )
    rounding = forms.ChoiceField(
        label="Round tax",
        choices=TaxSettings.Rounding.choices,
        widget=forms.RadioSelect,
        help_text="Per line (recommended): each line's tax is rounded, so the lines of an "
        "invoice add up to its total. Per total: each rate's tax is rounded once on its sum.",
    )
    charge_tax_on_shipping = forms.BooleanField(label="Charge tax on shipping", required=False)
    shipping_tax_class = forms.ModelChoiceField(
        label="Tax class of shipping",
        queryset=TaxClass.objects.all(),
        required=False,
        empty_label="The default class",
    )
    display_prices_with_tax = forms.BooleanField(
        label="Show prices with tax on the storefront", required=False
    )

    @classmethod
    def for_settings(cls, settings: TaxSettings, data=None) -> "TaxSettingsForm":
        initial = {name: getattr(settings, name) for name in cls.base_fields}
        return cls(data, initial=initial)


class TaxClassForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX_LENGTH, help_text="Such as “Reduced” or “Zero”.")
    is_default = forms.BooleanField(
        label="Default class",
        required=False,
        help_text="Products without a class of their own are taxed by the default class.",
    )
    is_exempt = forms.BooleanField(
        label="Exempt from tax",
        required=False,
        help_text="Its products are never taxed, whatever the rates.",
    )


class TaxRateForm(forms.Form):
    tax_class = forms.ModelChoiceField(
        label="Tax class", queryset=TaxClass.objects.all(), empty_label=None
    )
    country = forms.CharField(
        max_length=2, help_text="Two letters (ISO 3166-1), such as FR, DE or US."
    )
    region = forms.CharField(
        label="State or region",
        max_length=6,
        required=False,
        help_text="Its ISO 3166-2 code, such as CA for California; empty for the whole country. "
        "A region's rate replaces its country's there.",
    )
    rate = forms.DecimalField(
        label="Rate (%)",
        max_digits=7,
        decimal_places=4,
        min_value=0,
        max_value=100,
        help_text="Such as 20 or 8.875.",
    )
    name = forms.CharField(
        max_length=NAME_MAX_LENGTH, help_text="Shown on invoices, such as “VAT 20%”."
    )


class RateFilterForm(forms.Form):
    tax_class = forms.ModelChoiceField(
        queryset=TaxClass.objects.all(), required=False, empty_label="All classes"
    )
    country = forms.CharField(max_length=2, required=False)
