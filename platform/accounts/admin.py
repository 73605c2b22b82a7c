"""The store's Django admin for accounts. What each staff member may see or change here is
decided by their role (accounts.permissions, through ``user.has_perm``)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts import services
from accounts.models import Address, ApiKey, Company, CompanyMembership, StoreSecurity, User


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


@admin.register(StoreSecurity)
class StoreSecurityAdmin(admin.ModelAdmin):
    list_display = ["__str__", "require_staff_mfa", "updated_at"]

    def has_add_permission(self, request) -> bool:
        # One row per store: the owner creates it once, then changes it.
        return super().has_add_permission(request) and not StoreSecurity.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
