from django import forms

import money
from tenants.models import Plan


class SignupForm(forms.Form):
    store_name = forms.CharField(label="Store name", max_length=100)
    subdomain = forms.CharField(
        label="Address",
        max_length=63,
        help_text="Lowercase letters, digits and hyphens; 3 to 63 characters.",
    )
    owner_email = forms.EmailField(label="Your email")
    owner_password = forms.CharField(label="Password", widget=forms.PasswordInput)
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.filter(is_public=True),
        to_field_name="code",
        empty_label=None,
    )
    currency = forms.ChoiceField(
        label="Currency",
        choices=money.CURRENCY_CHOICES,
        initial=money.DEFAULT_CURRENCY,
        required=False,  # left out: US dollars, as in the API
        help_text="What your prices are in. You can change it until your first order.",
    )
