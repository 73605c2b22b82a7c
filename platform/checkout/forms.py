"""The storefront checkout's forms: they only carry what the shopper typed to the services
(checkout.services), which validate it per country; the services' field errors are put back
next to the fields (see checkout.views)."""

from django import forms

from checkout.addresses import MAX_LENGTHS, country_choices
from checkout.models import NOTE_MAX_LENGTH

NEW = "new"
LOCATION = "location-"  # a saved_address choice naming a company location (b2b)


class AddressForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=MAX_LENGTHS["full_name"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    company_name = forms.CharField(
        label="Company (optional)",
        max_length=MAX_LENGTHS["company_name"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    line1 = forms.CharField(
        label="Address",
        max_length=MAX_LENGTHS["line1"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    line2 = forms.CharField(
        label="Apartment, suite (optional)",
        max_length=MAX_LENGTHS["line2"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        label="City",
        max_length=MAX_LENGTHS["city"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    region = forms.CharField(
        label="State, province or region",
        max_length=MAX_LENGTHS["region"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    postal_code = forms.CharField(
        label="ZIP or postal code",
        max_length=MAX_LENGTHS["postal_code"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    country = forms.ChoiceField(
        label="Country", required=False, widget=forms.Select(attrs={"autocomplete": "country"})
    )
    phone = forms.CharField(
        label="Phone (optional)",
        max_length=MAX_LENGTHS["phone"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    def __init__(self, *args, default_country: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "Choose a country"), *country_choices()]
        if default_country and not self.initial.get("country"):
            self.initial["country"] = default_country


class ContactForm(forms.Form):
    email = forms.CharField(
        label="Email",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="Your order's confirmation goes there.",
    )
    saved_address = forms.ChoiceField(
        label="Ship to", required=False, widget=forms.RadioSelect, choices=[(NEW, "A new address")]
    )
    billing_same_as_shipping = forms.BooleanField(
        label="The billing address is the shipping address", required=False, initial=True
    )

    def __init__(self, *args, book=(), locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        # A company member's locations come first: their shipping and billing addresses both.
        choices = [
            (f"{LOCATION}{place.pk}", f"{place.name} ({place.shipping_address.get('city', '')})")
            for place in locations
        ] + [(str(entry.pk), f"{entry.full_name}, {entry.line1}, {entry.city}") for entry in book]
        if choices:
            self.fields["saved_address"].choices = [*choices, (NEW, "A new address (below)")]
        else:
            del self.fields["saved_address"]


class DeliveryForm(forms.Form):
    delivery_option = forms.ChoiceField(label="Delivery", widget=forms.RadioSelect, required=False)

    def __init__(self, *args, options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_option"].choices = [
            (str(option.id), option.name) for option in options
        ]


class PaymentForm(forms.Form):
    payment_method = forms.ChoiceField(label="Payment", widget=forms.RadioSelect, required=False)
    note = forms.CharField(
        label="A note for the shop (optional)",
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    po_number = forms.CharField(
        label="Your PO number (optional)",
        max_length=64,
        required=False,
        help_text="Your company's purchase-order number: shown on the order and its invoice.",
    )

    def __init__(self, *args, methods=(), for_company: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_method"].choices = [(method.code, method.name) for method in methods]
        if not for_company:  # a PO number is a company's (b2b.purchasing)
            del self.fields["po_number"]


class PlaceOrderForm(forms.Form):
    expected_total = forms.DecimalField(max_digits=14, decimal_places=2, widget=forms.HiddenInput)
    cart_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
