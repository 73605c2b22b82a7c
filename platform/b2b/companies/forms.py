"""Storefront forms of the company area: they carry what was typed to the services, which
validate it (per country for addresses and tax ids); the services' field errors are put back
next to the fields with :func:`put_errors`."""

from django import forms

from accounts.models import ApiKey, CompanyMembership
from checkout.addresses import country_choices
from checkout.forms import AddressForm  # noqa: F401 - the company area's address fields


class ApplicationForm(forms.Form):
    name = forms.CharField(label="Company name", max_length=200, required=False)
    country = forms.ChoiceField(label="Country of registration", required=False)
    vat_number = forms.CharField(
        label="VAT or tax number",
        max_length=32,
        required=False,
        help_text="EU companies: the VAT number with its country prefix, such as DE136695976.",
    )
    contact_name = forms.CharField(label="Contact name", max_length=200, required=False)
    contact_email = forms.CharField(
        label="Contact email", max_length=254, required=False, widget=forms.EmailInput
    )
    contact_phone = forms.CharField(label="Contact phone (optional)", max_length=32, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "Choose a country"), *country_choices()]


class LocationForm(forms.Form):
    name = forms.CharField(label="Location name", max_length=100, required=False)


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email")
    role = forms.ChoiceField(choices=CompanyMembership.Role.choices, initial="buyer")


class MemberForm(forms.Form):
    role = forms.ChoiceField(choices=CompanyMembership.Role.choices)
    spending_limit = forms.CharField(
        label="Spending limit", required=False, help_text="Empty: no limit."
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100, required=False)
    scopes = forms.MultipleChoiceField(
        choices=ApiKey.Scope.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


def put_errors(errors: dict, forms_by_prefix: dict) -> list[str]:
    """Put a service's field errors (``billing_address.city``) on the forms' fields; answers
    the messages that belong to no field shown."""
    loose = []
    for key, messages in errors.items():
        prefix, _, name = key.partition(".")
        form = forms_by_prefix.get(prefix) if name else forms_by_prefix.get("")
        target = name if name else key
        if form is not None and target in form.fields:
            for message in messages:
                form.add_error(target, message)
        else:
            loose.extend(messages)
    return loose
