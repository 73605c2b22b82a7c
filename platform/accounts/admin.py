"""The store's Django admin for accounts. What each staff member may see or change here is
decided by their role (accounts.permissions, through ``user.has_perm``).

Secrets are never readable in any admin, by any role (the owner's and platform admins' ``*``
included): the models that hold them are not in the admin at all (see SECRET_BEARING_MODELS),
and an OAuth client's secret is write-only.
"""

# allauth's admin modules are imported here first, so that the registrations below replace
# theirs (the admin's autodiscovery does not import a module twice).
import allauth.account.admin
import allauth.mfa.admin
import allauth.socialaccount.admin  # noqa: F401
from allauth.account.models import EmailConfirmation
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialApp, SocialToken
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts import services
from accounts.models import Address, ApiKey, Company, CompanyMembership, StoreSecurity, User
from config.api_errors import DomainError

# Models whose rows are secrets (TOTP secrets and recovery codes, OAuth tokens, email
# confirmation keys) or stand for them (sign-in tokens, invitations: digests only, never
# registered). The API manages them; no admin shows them.
SECRET_BEARING_MODELS = (Authenticator, SocialToken, EmailConfirmation)
for _model in SECRET_BEARING_MODELS:
    admin.site.unregister(_model)
admin.site.unregister(SocialApp)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["email", "first_name", "last_name", "staff_role", "is_active"]
    list_filter = ["staff_role", "is_active"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Store", {"fields": ["staff_role", "phone"]}),
    )


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["full_name", "city", "country", "user"]
    search_fields = ["full_name", "user__email"]
    raw_id_fields = ["user"]


class MembershipInline(admin.TabularInline):
    model = CompanyMembership
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "vat_number"]
    inlines = [MembershipInline]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued through the API (the secret is shown once); here they are revoked."""

    list_display = ["name", "prefix", "company", "scopes", "last_used_at", "revoked_at"]
    readonly_fields = [
        "name",
        "prefix",
        "scopes",
        "company",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked keys stay, for the record

    @admin.action(description="Revoke the selected keys", permissions=["change"])
    def revoke(self, request, queryset):
        for api_key in queryset:
            services.revoke_api_key(api_key=api_key)


class SocialAppForm(forms.ModelForm):
    """An OAuth client: its secret can be entered or replaced, never read back."""

    secret = forms.CharField(
        label="Client secret",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Leave empty to keep the secret already saved. It is never shown again.",
    )

    class Meta:
        model = SocialApp
        fields = ["provider", "name", "client_id", "secret"]

    def __init__(self, *args, **kwargs) -> None:
        from allauth.socialaccount import providers

        super().__init__(*args, **kwargs)
        self.fields["provider"] = forms.ChoiceField(choices=providers.registry.as_choices())
        self.initial.pop("secret", None)
        if not (self.instance.pk and self.instance.secret):
            self.fields["secret"].required = True

    def clean_secret(self) -> str:
        return self.cleaned_data["secret"] or self.instance.secret


@admin.register(SocialApp)
class SocialAppAdmin(admin.ModelAdmin):
    form = SocialAppForm
    list_display = ["name", "provider", "client_id"]


class StoreSecurityForm(forms.ModelForm):
    """Validated by the same service as the API: an owner without TOTP cannot require it."""

    class Meta:
        model = StoreSecurity
        fields = ["require_staff_mfa"]

    def __init__(self, *args, by: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.by = by

    def clean(self):
        cleaned = super().clean()
        try:
            services.check_store_security(
                by=self.by, require_staff_mfa=cleaned.get("require_staff_mfa", False)
            )
        except DomainError as error:
            for field, messages in (error.fields or {"__all__": [error.message]}).items():
                self.add_error(None if field == "__all__" else field, messages)
        return cleaned


@admin.register(StoreSecurity)
class StoreSecurityAdmin(admin.ModelAdmin):
    list_display = ["__str__", "require_staff_mfa", "updated_at"]
    form = StoreSecurityForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class BoundToRequest(form):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, by=request.user, **form_kwargs)

        return BoundToRequest

    def save_model(self, request, obj, form, change) -> None:
        policy = services.set_store_security(
            by=request.user, require_staff_mfa=form.cleaned_data["require_staff_mfa"]
        )
        obj.pk, obj.updated_at = policy.pk, policy.updated_at  # the admin links to the row

    def has_add_permission(self, request) -> bool:
        # One row per store: the owner creates it once, then changes it.
        return super().has_add_permission(request) and not StoreSecurity.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
