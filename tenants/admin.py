from django.contrib import admin

from tenants.models import Domain, Tenant


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class PlatformOnlyAdminMixin:
    """Models of the public schema: visible in the platform's admin, never in a store's."""

    def _at_platform(self, request) -> bool:
        return getattr(request, "tenant", None) is not None and request.tenant.is_public

    def has_module_permission(self, request) -> bool:
        return self._at_platform(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._at_platform(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._at_platform(request) and super().has_change_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return self._at_platform(request) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._at_platform(request) and super().has_delete_permission(request, obj)


@admin.register(Tenant)
class TenantAdmin(PlatformOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "status", "schema_name", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "slug", "domains__domain"]
    readonly_fields = ["schema_name", "created_at", "updated_at"]
    inlines = [DomainInline]
