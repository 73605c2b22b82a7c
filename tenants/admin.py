"""The platform admin at the root domain: stores, plans, billing and the audit log.

Every change made here goes through tenants.services and is recorded in the audit log.
"""

import json
from functools import partial

from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from tenants import services
from tenants.errors import IllegalTransition
from tenants.models import AuditLogEntry, Domain, Invoice, Plan, Subscription, Tenant


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


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ["domain", "is_primary", "is_verified", "verified_at"]
    readonly_fields = ["verified_at"]


class SubscriptionInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = Subscription
    fields = [
        "status",
        "current_period_end",
        "grace_ends_at",
        "stripe_customer_id",
        "stripe_subscription_id",
    ]
    readonly_fields = fields
    can_delete = False


class InvoiceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Invoice
    fields = ["number", "status", "amount_due", "amount_paid", "currency", "created"]
    readonly_fields = fields
    extra = 0


@admin.register(Tenant)
class TenantAdmin(PlatformOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "plan",
        "status",
        "billing_state",
        "owner_email",
        "created_at",
    ]
    list_filter = ["status", "plan", "subscription__status"]
    list_select_related = ["plan", "subscription"]
    search_fields = ["name", "slug", "owner_email", "domains__domain"]
    date_hierarchy = "created_at"
    fields = [
        "name",
        "slug",
        "plan",
        "status",
        "suspension_reason",
        "owner_email",
        "plan_is_complimentary",
        "schema_name",
        "created_at",
        "suspended_at",
        "deleted_at",
        "purge_after",
    ]
    readonly_fields = [
        "slug",
        "status",
        "suspension_reason",
        "schema_name",
        "created_at",
        "suspended_at",
        "deleted_at",
        "purge_after",
    ]
    inlines = [DomainInline, SubscriptionInline, InvoiceInline]
    actions = ["suspend", "reactivate", "soft_delete", "export_json"]

    def get_queryset(self, request) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .exclude(status__in=[Tenant.Status.TEMPLATE, Tenant.Status.POOLED])
        )

    def has_add_permission(self, request) -> bool:
        return False  # stores are opened through signup, which provisions them

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deletion is the soft-delete action, with retention

    @admin.display(description="Billing", ordering="subscription__status")
    def billing_state(self, tenant: Tenant) -> str:
        subscription = getattr(tenant, "subscription", None)
        return subscription.get_status_display() if subscription else "—"

    def save_model(self, request, obj: Tenant, form, change: bool) -> None:
        if change and "plan_is_complimentary" in form.changed_data:
            services.set_plan_complimentary(
                tenant=obj, granted=obj.plan_is_complimentary, actor=request.user
            )
        if change and "plan" in form.changed_data:
            new_plan = obj.plan
            obj.plan = Tenant.objects.get(pk=obj.pk).plan
            obj.save()
            services.change_plan(tenant=obj, plan=new_plan, actor=request.user)
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Suspend selected stores")
    def suspend(self, request, queryset: QuerySet) -> None:
        self._transition(
            request,
            queryset,
            partial(services.suspend_store, reason=Tenant.SuspensionReason.PLATFORM),
            done="Suspended",
        )

    @admin.action(description="Reactivate selected stores")
    def reactivate(self, request, queryset: QuerySet) -> None:
        self._transition(request, queryset, services.reactivate_store, done="Reactivated")

    @admin.action(description="Delete selected stores (offline now, data purged after retention)")
    def soft_delete(self, request, queryset: QuerySet) -> None:
        self._transition(request, queryset, services.delete_store, done="Deleted")

    def _transition(self, request, queryset: QuerySet, service, *, done: str) -> None:
        """Apply a lifecycle service to each store; say which ones it did not apply to, why."""
        changed = 0
        for tenant in queryset:
            try:
                service(tenant=tenant, actor=request.user)
            except IllegalTransition as refused:
                self.message_user(request, f"{tenant.name}: {refused.message}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{done} {changed} store(s).")

    @admin.action(description="Export the store's data (JSON)")
    def export_json(self, request, queryset: QuerySet) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Export one store at a time.", messages.ERROR)
            return None
        tenant = queryset.get()
        data = services.export_store_data(tenant=tenant)
        services.audit.record(action="store.exported", tenant=tenant, actor=request.user)
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, indent=1), content_type="application/json"
        )
        stamp = timezone.now().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="{tenant.slug}-{stamp}.json"'
        return response


@admin.register(Plan)
class PlanAdmin(PlatformOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "monthly_price",
        "currency",
        "max_products",
        "max_staff_accounts",
        "max_monthly_orders",
        "is_public",
    ]
    list_editable = ["is_public"]


@admin.register(Invoice)
class InvoiceAdmin(PlatformOnlyAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "store_slug", "status", "amount_due", "amount_paid", "created"]
    list_filter = ["status"]
    search_fields = ["number", "store_slug", "stripe_invoice_id"]


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(PlatformOnlyAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "action", "tenant", "details"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "tenant__slug"]
    list_select_related = ["tenant"]
