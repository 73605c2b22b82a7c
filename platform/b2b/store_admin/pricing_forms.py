"""The forms of the B2B > Price lists, Customer groups and Volume breaks screens. They only check
what was typed; the rules are b2b.pricing.services', whose refusals are put next to the fields
(``tenants.store_admin.forms.show_domain_error``)."""

from django import forms

from accounts.models import Company
from b2b.models import CustomerGroup, PriceList, PriceListEntry
from b2b.models.pricing import MAX_QUANTITY
from b2b.pricing.services import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH


class PriceListForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX_LENGTH, help_text="Such as “Wholesale 2027”.")
    active = forms.BooleanField(required=False, initial=True)
    valid_from = forms.DateTimeField(
        required=False,
        help_text="Empty: from now. YYYY-MM-DD HH:MM, in the store's time zone.",
    )
    valid_until = forms.DateTimeField(required=False, help_text="Empty: no end.")
    company_ids = forms.ModelMultipleChoiceField(
        label="Companies",
        queryset=Company.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    group_ids = forms.ModelMultipleChoiceField(
        label="Customer groups",
        queryset=CustomerGroup.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    @classmethod
    def for_list(cls, price_list: PriceList, data=None) -> "PriceListForm":
        initial = {
            "name": price_list.name,
            "active": price_list.active,
            "valid_from": price_list.valid_from,
            "valid_until": price_list.valid_until,
            "company_ids": list(price_list.companies.all()),
            "group_ids": list(price_list.customer_groups.all()),
        }
        return cls(data, initial=initial)


class EntryForm(forms.Form):
    target = forms.ChoiceField(choices=PriceListEntry.Target.choices)
    reference = forms.CharField(
        max_length=220, help_text="The variant's SKU, or the product's, category's or brand's slug."
    )
    kind = forms.ChoiceField(choices=PriceListEntry.Kind.choices)
    value = forms.DecimalField(
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="Fixed: the unit price. Percentage off: 0 to 100.",
    )
    min_quantity = forms.IntegerField(
        label="Minimum order quantity", min_value=1, max_value=MAX_QUANTITY, required=False
    )
    order_multiple = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY, required=False)


class EntryImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: target, reference, kind, value, min_quantity, order_multiple.",
    )


class CustomerGroupForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX_LENGTH, help_text="Such as “Resellers”.")
    description = forms.CharField(max_length=DESCRIPTION_MAX_LENGTH, required=False)
    company_ids = forms.ModelMultipleChoiceField(
        label="Companies",
        queryset=Company.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class VolumeBreakForm(forms.Form):
    sku = forms.CharField(label="Variant SKU", max_length=64)
    min_quantity = forms.IntegerField(label="From quantity", min_value=2, max_value=MAX_QUANTITY)
    unit_price = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2)
