"""Forms of the shipping screens. They validate what was typed and never save: the views hand
``cleaned_data`` to shipping.services, whose refusals come back next to the fields."""

from django import forms
from django_countries import countries

from shipping.models import MAX_DELIVERY_DAYS, DeliveryOption
from shipping.services import MAX_BANDS_PER_OPTION

LIST_HELP = "One per line, or separated by commas."


def _lines(value: str) -> list[str]:
    return [part.strip() for line in value.splitlines() for part in line.split(",") if part.strip()]


def _amount(label: str, *, required=False, help_text="") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=help_text,
    )


class ZoneForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="Such as “Domestic” or “Europe”.")
    countries = forms.MultipleChoiceField(
        choices=lambda: list(countries),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text="Hold Ctrl (⌘ on a Mac) to choose several.",
    )
    rest_of_world = forms.BooleanField(
        label="Rest of the world",
        required=False,
        help_text="Covers every address no other zone covers (choose no country then).",
    )
    regions = forms.CharField(
        label="States or regions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only these (codes or names, such as CA or California). " + LIST_HELP,
    )
    postcodes = forms.CharField(
        label="Postcodes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only these: prefixes (SW1), ranges (75000-75999) or wildcards (SW1*). "
        + LIST_HELP,
    )
    position = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=2_147_483_647,
        help_text="Zones placed first win between equally specific zones. Empty: last.",
    )
    is_active = forms.BooleanField(label="Active", required=False, initial=True)

    @classmethod
    def for_zone(cls, zone, data=None) -> "ZoneForm":
        if zone is None:
            return cls(data)
        initial = {
            "name": zone.name,
            "countries": zone.countries,
            "rest_of_world": zone.rest_of_world,
            "regions": "\n".join(zone.regions),
            "postcodes": "\n".join(zone.postcodes),
            "position": zone.position,
            "is_active": zone.is_active,
        }
        return cls(data, initial=initial)

    def zone_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["regions"] = _lines(data["regions"])
        data["postcodes"] = _lines(data["postcodes"])
        return data


class OptionForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What shoppers choose, such as “Standard”.")
    kind = forms.ChoiceField(choices=DeliveryOption.Kind.choices, widget=forms.RadioSelect)
    price = _amount("Price", help_text="For a flat rate. The other kinds leave it at 0.")
    free_above = _amount(
        "Free from",
        help_text="Free for orders of this subtotal or more. Empty: never free.",
    )
    min_delivery_days = forms.IntegerField(
        label="Delivered in at least (days)",
        required=False,
        min_value=0,
        max_value=MAX_DELIVERY_DAYS,
    )
    max_delivery_days = forms.IntegerField(
        label="Delivered in at most (days)",
        required=False,
        min_value=0,
        max_value=MAX_DELIVERY_DAYS,
    )
    allows_cash_on_delivery = forms.BooleanField(
        label="Cash on delivery", required=False, help_text="Shoppers may pay on delivery."
    )
    position = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=2_147_483_647,
        help_text="Options are offered in this order. Empty: last.",
    )
    is_active = forms.BooleanField(label="Active", required=False, initial=True)

    @classmethod
    def for_option(cls, option, data=None) -> "OptionForm":
        if option is None:
            return cls(data, initial={"kind": DeliveryOption.Kind.FLAT_RATE, "price": "0"})
        initial = {name: getattr(option, name) for name in cls.base_fields}
        return cls(data, initial=initial)

    def option_data(self) -> dict:
        data = dict(self.cleaned_data)
        if data["price"] is None:
            data["price"] = 0
        return data


class BandForm(forms.Form):
    """One band; a row left empty is no band."""

    from_value = _amount("From")
    to_value = _amount("Up to")
    price = _amount("Price")

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return all(data.get(name) is None for name in ("from_value", "to_value", "price"))


class BaseBandFormSet(forms.BaseFormSet):
    def bands(self) -> list[dict]:
        return [
            {name: form.cleaned_data.get(name) for name in ("from_value", "to_value", "price")}
            for form in self.forms
            if not form.is_blank and not self._should_delete_form(form)
        ]


BandFormSet = forms.formset_factory(
    BandForm,
    formset=BaseBandFormSet,
    extra=3,
    can_delete=True,
    max_num=MAX_BANDS_PER_OPTION,
    absolute_max=MAX_BANDS_PER_OPTION,
    validate_max=True,
)


def band_formset(option=None, data=None) -> BaseBandFormSet:
    if data is not None:
        return BandFormSet(data, prefix="bands")
    initial = [
        {"from_value": band.from_value, "to_value": band.to_value, "price": band.price}
        for band in (option.bands.all() if option is not None else [])
    ]
    return BandFormSet(initial=initial, prefix="bands")
