"""The platform admin at the root domain: stores, plans, billing and the audit log.

Every change made here goes through tenants.services and is recorded in the audit log, with
the admin's IP address. Taking a store offline (suspending, deleting) or back online asks for
confirmation and a reason on a page of its own first.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from config.api_errors import DomainError
from tenants import audit, services, state
from tenants.models import AuditLogEntry, Domain, Invoice, Plan, Subscription, Tenant
from tenants.state import StoreTransition


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


class DomainFormSet(forms.BaseInlineFormSet):
    """The store's platform subdomain is how its staff and shoppers reach it: the admin may
    add and remove custom domains, never remove or rename that one (a store renames itself
    nowhere; a checkbox would take it offline with no confirmation)."""

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            domain = form.instance
            if domain.pk is None or domain.domain != self.instance.primary_host:
                continue
            initial = form.initial.get("domain")
            if self._should_delete_form(form) or form.cleaned_data.get("domain") != initial:
                raise forms.ValidationError(
                    f"{initial} is the store's own address: it cannot be removed or renamed."
                )


class DomainInline(admin.TabularInline):
    model = Domain
    formset = DomainFormSet
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


class StoreStatusFilter(admin.SimpleListFilter):
    """The store's own state (the list never shows the template or pooled schemas)."""

    title = "store status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        shown = (Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED, Tenant.Status.DELETED)
        return [(status.value, status.label) for status in shown]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        return queryset.filter(status=self.value()) if self.value() else queryset


class BillingStatusFilter(admin.SimpleListFilter):
    """The state of the store's platform subscription, as Stripe last told us."""

    title = "billing status"
    parameter_name = "billing"

    def lookups(self, request, model_admin):
        return Subscription.Status.choices

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        return queryset.filter(subscription__status=self.value()) if self.value() else queryset


class StoreActionForm(forms.Form):
    """The confirmation page's form: why the admin does it (kept in the audit log)."""

    note = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept in the platform's audit log with your name.",
    )

    def __init__(self, *args, note_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = note_required
        self.fields["note"].strip = True


@dataclass(frozen=True)
class StoreAction:
    """A lifecycle action of the store list, confirmed on a page of its own."""

    name: str
    title: str
    button: str
    transition: StoreTransition  # stores it cannot apply to (tenants.state) are left as is
    perform: Callable[..., Tenant]
    done: str
    note_required: bool
    warning: str = ""


STORE_ACTIONS = {
    action.name: action
    for action in (
        StoreAction(
            name="suspend",
            title="Suspend stores",
            button="Suspend",
            transition=StoreTransition.SUSPEND,
            perform=lambda **kwargs: services.suspend_store(
                reason=Tenant.SuspensionReason.PLATFORM, **kwargs
            ),
            done="Suspended",
            note_required=True,
            warning="Shoppers get a “temporarily unavailable” page at once; the store's staff "
            "can still sign in to its admin, which tells them to contact the platform.",
        ),
        StoreAction(
            name="reactivate",
            title="Reactivate stores",
            button="Reactivate",
            transition=StoreTransition.REACTIVATE,
            perform=services.reactivate_store,
            done="Reactivated",
            note_required=False,
            warning="The storefront opens to shoppers again at once.",
        ),
        StoreAction(
            name="soft_delete",
            title="Delete stores",
            button="Delete",
            transition=StoreTransition.DELETE,
            perform=services.delete_store,
            done="Deleted",
            note_required=True,
            warning="The store goes offline at once, for shoppers and staff alike; its data is "
            "purged for good after the retention period.",
        ),
    )
}


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
    list_filter = [StoreStatusFilter, "plan", BillingStatusFilter]
    list_select_related = ["plan", "subscription"]
    search_fields = ["name", "slug", "owner_email", "domains__domain"]
    date_hierarchy = "created_at"
    fields = [
        "name",
        "slug",
        "plan",
        "status",
        "suspension_reason",
        "suspension_note",
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
        "suspension_note",
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

    @admin.display(description="Why it was suspended")
    def suspension_note(self, tenant: Tenant) -> str:
        if tenant.status != Tenant.Status.SUSPENDED:
            return "—"
        entry = tenant.audit_log.filter(action="store.suspended").order_by("-created_at").first()
        if entry is None or not entry.details.get("note"):
            return "—"
        return f"{entry.details['note']} ({entry.actor_label}, {entry.created_at:%Y-%m-%d})"

    def save_model(self, request, obj: Tenant, form, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        previous = Tenant.objects.get(pk=obj.pk)
        new_plan, granted = obj.plan, obj.plan_is_complimentary
        # Changed below by their services, which record them.
        obj.plan, obj.plan_is_complimentary = previous.plan, previous.plan_is_complimentary
        super().save_model(request, obj, form, change)
        by_service = {"plan", "plan_is_complimentary"}
        edited = [name for name in form.changed_data if name not in by_service]
        if edited:
            audit.record(
                action="store.edited",
                tenant=obj,
                actor=request.user,
                changes={
                    name: [str(getattr(previous, name)), str(getattr(obj, name))] for name in edited
                },
            )
        if "plan_is_complimentary" in form.changed_data:
            services.set_plan_complimentary(tenant=obj, granted=granted, actor=request.user)
        if "plan" in form.changed_data:
            services.change_plan(tenant=obj, plan=new_plan, actor=request.user)

    def save_formset(self, request, form, formset, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is not Domain:
            return
        # The store's host names decide who it answers to: every change is recorded.
        record = dict(tenant=form.instance, actor=request.user)
        for domain in formset.new_objects:
            audit.record(action="domain.added", domain=domain.domain, **record)
        for domain, fields in formset.changed_objects:
            audit.record(action="domain.edited", domain=domain.domain, fields=fields, **record)
        for domain in formset.deleted_objects:
            audit.record(action="domain.removed", domain=domain.domain, **record)

    @admin.action(description="Suspend selected stores…")
    def suspend(self, request, queryset: QuerySet) -> TemplateResponse | None:
        return self._confirmed_store_action(request, queryset, STORE_ACTIONS["suspend"])

    @admin.action(description="Reactivate selected stores…")
    def reactivate(self, request, queryset: QuerySet) -> TemplateResponse | None:
        return self._confirmed_store_action(request, queryset, STORE_ACTIONS["reactivate"])

    @admin.action(description="Delete selected stores (offline now, data purged after retention)…")
    def soft_delete(self, request, queryset: QuerySet) -> TemplateResponse | None:
        return self._confirmed_store_action(request, queryset, STORE_ACTIONS["soft_delete"])

    def _confirmed_store_action(
        self, request, queryset: QuerySet, action: StoreAction
    ) -> TemplateResponse | None:
        """First a page that names the stores and asks why; the action runs once it is posted
        back with a valid reason. Stores the action does not apply to are named and left as is."""
        stores = list(queryset.order_by("name"))
        applicable = [store for store in stores if state.can(store, action.transition)]
        if not applicable:
            self.message_user(
                request, f"{action.title}: none of the selected stores qualifies.", messages.ERROR
            )
            return None
        confirmed = request.POST.get("confirmed") == "yes"
        form = StoreActionForm(
            request.POST if confirmed else None, note_required=action.note_required
        )
        if confirmed and form.is_valid():
            self._apply(request, applicable, action, note=form.cleaned_data["note"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": action.title,
            "opts": self.model._meta,
            "action": action,
            "applicable": applicable,
            "left_alone": [store for store in stores if store not in applicable],
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/tenants/tenant/confirm_store_action.html", context)

    def _apply(self, request, stores: list[Tenant], action: StoreAction, *, note: str) -> None:
        changed = 0
        for store in stores:
            try:
                action.perform(tenant=store, actor=request.user, note=note)
            except DomainError as refused:
                self.message_user(request, f"{store.name}: {refused.message}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{action.done} {changed} store(s).")

    @admin.action(description="Export the store's data (JSON)")
    def export_json(self, request, queryset: QuerySet) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Export one store at a time.", messages.ERROR)
            return None
        tenant = queryset.get()
        data = services.export_store_data(tenant=tenant)
        audit.record(
            action="store.exported",
            tenant=tenant,
            actor=request.user,
            via="platform admin",
        )
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

    # A plan's limits and price apply to every store on it: every change is recorded.
    def save_model(self, request, obj: Plan, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            action="plan.changed" if change else "plan.created",
            tenant=None,
            actor=request.user,
            plan=obj.code,
            fields=list(form.changed_data),
        )

    def delete_model(self, request, obj: Plan) -> None:
        code = obj.code
        super().delete_model(request, obj)
        audit.record(
            action="plan.deleted",
            tenant=None,
            actor=request.user,
            plan=code,
        )

    def delete_queryset(self, request, queryset: QuerySet) -> None:
        for plan in queryset:
            self.delete_model(request, plan)


@admin.register(Invoice)
class InvoiceAdmin(PlatformOnlyAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "store_slug", "status", "amount_due", "amount_paid", "created"]
    list_filter = ["status"]
    search_fields = ["number", "store_slug", "stripe_invoice_id"]


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(PlatformOnlyAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "actor_label",
        "ip_address",
        "action",
        "tenant",
        "reason_given",
        "details",
    ]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "tenant__slug", "ip_address"]
    list_select_related = ["tenant"]

    @admin.display(description="Reason")
    def reason_given(self, entry: AuditLogEntry) -> str:
        return entry.details.get("note") or "—"
