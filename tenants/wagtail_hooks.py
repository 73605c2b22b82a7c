"""The store admin (Wagtail) side of the platform: billing page and suspension notice (which
says how to reach the platform's team: ``PLATFORM_SUPPORT_EMAIL``)."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods
from laces.components import Component
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.permissions import has_permission
from config.api_errors import DomainError
from tenants import billing
from tenants.api.permissions import MANAGE_BILLING
from tenants.limits import plan_in_force, plan_is_in_force
from tenants.models import Plan, Tenant


def _may_manage_billing(request) -> bool:
    return has_permission(request.user, MANAGE_BILLING)


@require_http_methods(["GET", "POST"])
def billing_view(request):
    """The owner's billing page: plan, subscription state, invoices, and subscribe buttons."""
    if not _may_manage_billing(request):
        return render(request, "tenants/wagtail/billing_forbidden.html", status=403)
    tenant = (
        Tenant.objects.select_related("plan", "subscription")
        .prefetch_related("invoices")
        .get(pk=request.tenant.pk)
    )
    if request.method == "POST":
        plan = Plan.objects.filter(code=request.POST.get("plan"), is_public=True).first()
        if plan is None:
            messages.error(request, "Choose one of the offered plans.")
            return redirect("store_billing")
        try:
            url = billing.start_subscription_checkout(
                tenant=tenant,
                plan=plan,
                success_url=request.build_absolute_uri(reverse("store_billing")),
                cancel_url=request.build_absolute_uri(reverse("store_billing")),
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("store_billing")
        return redirect(url)
    problems = billing.configuration_problems()
    return render(
        request,
        "tenants/wagtail/billing.html",
        {
            "store": tenant,
            "plans": Plan.objects.filter(is_public=True),
            "plan_is_active": plan_is_in_force(tenant),
            "plan_in_force": plan_in_force(tenant),
            "plan_notice": billing.plan_notice(tenant),
            # Named in development only; merchants in production are told it is unavailable.
            "billing_problems": problems if settings.DEBUG else [],
            "billing_ready": not problems,
            "subscription": getattr(tenant, "subscription", None),
            "invoices": tenant.invoices.all(),
        },
    )


@hooks.register("register_admin_urls")
def register_billing_url():
    return [path("billing/", billing_view, name="store_billing")]


@hooks.register("register_admin_menu_item")
def register_billing_menu_item():
    return MenuItem("Billing", reverse("store_billing"), icon_name="doc-full", order=900)


class SuspensionNoticePanel(Component):
    """On the admin dashboard of a suspended store: why, and what to do."""

    name = "suspension_notice"
    order = 1
    template_name = "tenants/wagtail/suspension_notice.html"

    def __init__(self, store: Tenant):
        self.store = store

    def get_context_data(self, parent_context=None):
        return {
            "store": self.store,
            "billing_url": reverse("store_billing"),
            "support_email": settings.PLATFORM_SUPPORT_EMAIL,
            "support_subject": f"Suspended store: {self.store.slug}",
        }


@hooks.register("construct_homepage_panels")
def add_suspension_notice(request, panels):
    store = getattr(request, "tenant", None)
    if store is not None and store.status == Tenant.Status.SUSPENDED:
        panels.insert(0, SuspensionNoticePanel(store))
