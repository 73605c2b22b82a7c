"""The form of Settings > Payments. It only checks what was typed; the rules (known methods,
amounts that fit the store's currency) are the service's, whose refusals are put next to the
fields (``tenants.store_admin.forms.show_domain_error``)."""

from django import forms

from payments import gateway
from payments.models import INSTRUCTIONS_MAX_LENGTH, PaymentMethodSettings


class PaymentSettingsForm(forms.Form):
    enabled_methods = forms.MultipleChoiceField(
        label="Payment methods offered",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What shoppers may choose at checkout.",
    )
    cod_fee = forms.DecimalField(
        label="Cash on delivery fee",
        required=False,
        help_text="Added to the order when the shopper pays on delivery; empty or 0: no fee.",
    )
    cod_max_order_value = forms.DecimalField(
        label="Cash on delivery up to",
        required=False,
        help_text="Orders above this total are not offered cash on delivery; empty: any total.",
    )
    cod_instructions = forms.CharField(
        label="Cash on delivery instructions",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=INSTRUCTIONS_MAX_LENGTH,
        required=False,
        help_text="Shown to the shopper at checkout, such as “Exact change, please.”",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enabled_methods"].choices = gateway.choices()

    @classmethod
    def for_settings(cls, settings: PaymentMethodSettings, data=None) -> "PaymentSettingsForm":
        initial = {name: getattr(settings, name) for name in cls.base_fields}
        return cls(data, initial=initial)


class CredentialsForm(forms.Form):
    """One provider's credentials, from its ``credential_fields``. Secret fields are never
    filled in (``render_value=False``): empty keeps the saved value; the screen says which are
    saved, never what they hold."""

    def __init__(self, provider, *args, saved: set[str] | None = None, options=None, **kwargs):
        kwargs.setdefault("prefix", provider.code)
        super().__init__(*args, **kwargs)
        self.provider = provider
        saved = saved or set()
        options = options or {}
        for spec in provider.credential_fields:
            if spec.secret:
                field = forms.CharField(
                    label=spec.label,
                    required=False,
                    max_length=4000,
                    strip=True,
                    widget=forms.PasswordInput(
                        render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}
                    ),
                    help_text=(
                        ("Saved — leave empty to keep it. " if spec.name in saved else "")
                        + spec.help
                    ).strip(),
                )
            elif spec.choices:
                field = forms.ChoiceField(
                    label=spec.label,
                    required=False,
                    choices=[("", "—"), *spec.choices],
                    initial=options.get(spec.name, ""),
                    help_text=spec.help,
                )
            else:
                field = forms.CharField(
                    label=spec.label,
                    required=False,
                    max_length=4000,
                    initial=options.get(spec.name, ""),
                    help_text=spec.help,
                )
            field.saved = spec.name in saved
            field.secret = spec.secret
            self.fields[spec.name] = field
