"""The forms of the store's settings screens. They keep what was typed and carry the domain
errors of the services next to their fields (``show_domain_error``)."""

from django import forms
from django.core.exceptions import ValidationError

import money
from accounts.models import ApiKey, User
from accounts.services import SOCIAL_CLIENT_ID_MAX_LENGTH, SOCIAL_SECRET_MAX_LENGTH
from config.api_errors import DomainError
from tenants.models import Tenant
from tenants.services import STORE_DETAIL_LIMITS, time_zone_names


def show_domain_error(form: forms.Form, error: DomainError | ValidationError) -> None:
    """Put a service's refusal on the form: each message next to its field, the rest above."""
    if isinstance(error, ValidationError):
        fields = error.message_dict if hasattr(error, "error_dict") else {}
        message = "" if fields else " ".join(error.messages)
    else:
        fields, message = error.fields, error.message
    placed = False
    for name, messages in fields.items():
        target = name if name in form.fields else None
        for text in messages:
            form.add_error(target, text)
            placed = True
    if message and not placed:
        form.add_error(None, message)


class StoreDetailsForm(forms.Form):
    name = forms.CharField(label="Store name", max_length=STORE_DETAIL_LIMITS["name"])
    contact_email = forms.EmailField(
        label="Contact email",
        required=False,
        max_length=254,
        help_text="Where shoppers write to the store.",
    )
    address_line1 = forms.CharField(label="Address line 1", required=False, max_length=200)
    address_line2 = forms.CharField(label="Address line 2", required=False, max_length=200)
    city = forms.CharField(required=False, max_length=100)
    region = forms.CharField(label="State or region", required=False, max_length=100)
    postal_code = forms.CharField(label="Postal code", required=False, max_length=20)
    country = forms.CharField(
        required=False, max_length=2, help_text="Two letters (ISO 3166-1), such as FR or US."
    )
    weight_unit = forms.ChoiceField(label="Weight unit", choices=Tenant.WeightUnit.choices)
    time_zone = forms.ChoiceField(
        label="Time zone", choices=lambda: [(name, name) for name in time_zone_names()]
    )
    currency = forms.ChoiceField(
        label="Currency",
        choices=money.CURRENCY_CHOICES,
        required=False,  # left out: the store keeps its currency
        help_text="Every price of the store is in this currency. Changing it keeps the amounts "
        "as they are (12.00 USD becomes 12.00 EUR: nothing is converted), so review your "
        "prices after a change. It can change only until the store has its first order.",
    )
    # Left empty, the store keeps its delay (the service checks 1..720 as well).
    abandoned_cart_hours = forms.IntegerField(
        label="Abandoned cart after (hours)",
        required=False,
        min_value=1,
        max_value=720,
        help_text="A cart left this long without a change counts as abandoned; shoppers who "
        "asked for it get one reminder email. From 1 to 720 hours (30 days).",
    )

    @classmethod
    def for_store(cls, store: Tenant, data=None, *, currency_locked=()) -> "StoreDetailsForm":
        """The form for ``store``; with ``currency_locked`` (tenants.currency_locks' reasons)
        the currency is shown, fixed, with the reasons."""
        initial = {name: getattr(store, name) for name in cls.base_fields}
        form = cls(data, initial=initial)
        if currency_locked:
            form.fields["currency"].disabled = True
            form.fields["currency"].help_text = " ".join(currency_locked)
        return form

    def details(self) -> dict:
        """What update_store_details takes (the currency has its own service)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "currency"}


STAFF_ROLE_CHOICES = [
    (role.value, role.label) for role in User.StaffRole if role != User.StaffRole.OWNER
]


class StaffInvitationForm(forms.Form):
    email = forms.CharField(label="Email", max_length=254)
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES)


class StaffRoleForm(forms.Form):
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES)


class StoreSecurityForm(forms.Form):
    require_staff_mfa = forms.BooleanField(
        label="Require two-factor authentication for staff",
        required=False,
        help_text="Staff must enrol a TOTP authenticator before they can use the store admin.",
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What uses this key, such as “ERP sync”.")
    scopes = forms.MultipleChoiceField(
        choices=ApiKey.Scope.choices, widget=forms.CheckboxSelectMultiple
    )


class CustomDomainForm(forms.Form):
    domain = forms.CharField(label="Domain", max_length=253, help_text="Such as shop.example.com.")


class SocialLoginForm(forms.Form):
    """A provider's OAuth client. The secret is write-only: never rendered back (not even
    after an error), and left empty on a configured provider it keeps the stored one."""

    client_id = forms.CharField(label="Client ID", max_length=SOCIAL_CLIENT_ID_MAX_LENGTH)
    secret = forms.CharField(
        label="Client secret",
        required=False,
        max_length=SOCIAL_SECRET_MAX_LENGTH,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, configured: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secret"].help_text = (
            "Leave empty to keep the secret already saved. It is never shown again."
            if configured
            else "It is never shown again once saved."
        )
