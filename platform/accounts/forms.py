"""Storefront forms of the account pages."""

from django import forms

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


class AccountDeletionForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, strip=False)
