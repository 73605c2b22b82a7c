"""Storefront forms of the account pages."""

from django import forms
from django_countries import countries

from accounts.models import Address, User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "accepts_cart_reminders"]
        labels = {"accepts_cart_reminders": "Email me a reminder when I leave items in my cart"}
        help_texts = {"accepts_cart_reminders": "One email per cart, with a link back to it."}


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = [
            "full_name",
            "company_name",
            "line1",
            "line2",
            "city",
            "region",
            "postal_code",
            "country",
            "phone",
            "is_default_shipping",
            "is_default_billing",
        ]
        labels = {
            "is_default_shipping": "Use as my default shipping address",
            "is_default_billing": "Use as my default billing address",
        }

    # Chosen by name, as at checkout: shoppers do not know ISO 3166 codes.
    country = forms.ChoiceField(
        choices=[("", "Choose a country"), *countries],
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )


class AccountDeletionForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, strip=False)
