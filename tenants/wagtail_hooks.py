"""The store admin (Wagtail) side of the store itself: its dashboard, and everything under
Wagtail's one Settings menu (store details, staff, security, API keys, domains, billing,
social login); the suspension notice (which says how to reach the platform's team:
``PLATFORM_SUPPORT_EMAIL``).

The screens live in tenants/store_admin/; CONTRIBUTING.md ("Store admin screens") says how.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods
from laces.components import Component
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.permissions import (
    ADD_API_KEYS,
    CHANGE_STORE_DETAILS,
    CHANGE_STORE_SECURITY,
    CONFIGURE_SOCIAL_LOGIN,
    MANAGE_STAFF,
    has_permission,
)
from config.api_errors import DomainError
from tenants import billing
from tenants.api.permissions import MANAGE_BILLING, MANAGE_DOMAINS
from tenants.limits import plan_in_force, plan_is_in_force
from tenants.models import Plan, Tenant
from tenants.store_admin import (
    api_keys,
    dashboard,
    domains,
    security,
    social_login,
    staff,
    store_details,
)


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
def register_store_settings_urls():
    return [
        path("billing/", billing_view, name="store_billing"),
        path("store/details/", store_details.store_details, name="store_details"),
        path("store/staff/", staff.staff, name="store_staff"),
        path("store/staff/<int:pk>/role/", staff.change_role, name="store_staff_role"),
        path("store/staff/<int:pk>/remove/", staff.remove, name="store_staff_remove"),
        path("store/security/", security.security, name="store_security"),
        path("store/api-keys/", api_keys.api_keys, name="store_api_keys"),
        path("store/api-keys/<int:pk>/revoke/", api_keys.revoke, name="store_api_key_revoke"),
        path("store/domains/", domains.domain_list, name="store_domains"),
        path("store/domains/<int:pk>/verify/", domains.verify, name="store_domain_verify"),
        path(
            "store/domains/<int:pk>/certificate/retry/",
            domains.retry_certificate,
            name="store_domain_certificate_retry",
        ),
        path("store/domains/<int:pk>/remove/", domains.remove, name="store_domain_remove"),
        path("store/social-login/", social_login.social_login, name="store_social_login"),
        path(
            "store/social-login/<str:provider>/",
            social_login.configure,
            name="store_social_login_configure",
        ),
        path(
            "store/social-login/<str:provider>/remove/",
            social_login.remove,
            name="store_social_login_remove",
        ),
    ]


class StoreSettingsMenuItem(MenuItem):
    """An item of the Settings menu, shown to whoever holds its ``permission``."""

    def __init__(self, label, url_name, *, permission, **kwargs):
        super().__init__(label, reverse(url_name), name=url_name, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        store = getattr(request, "tenant", None)
        if store is None or store.schema_name == "public":
            return False
        return has_permission(request.user, self.permission)


# The store's own settings come first in the Settings menu (Wagtail's start at 100), in the
# order a new merchant goes through them; the storefront theme (a site setting) follows them.
STORE_SETTINGS = (
    ("Store details", "store_details", CHANGE_STORE_DETAILS, "site"),
    ("Staff", "store_staff", MANAGE_STAFF, "group"),
    ("Security", "store_security", CHANGE_STORE_SECURITY, "lock"),
    ("API keys", "store_api_keys", ADD_API_KEYS, "key"),
    ("Domains", "store_domains", MANAGE_DOMAINS, "link"),
    ("Billing", "store_billing", MANAGE_BILLING, "doc-full"),
    ("Social login", "store_social_login", CONFIGURE_SOCIAL_LOGIN, "user"),
)


def _settings_menu_item(position: int):
    label, url_name, permission, icon = STORE_SETTINGS[position]
    return StoreSettingsMenuItem(
        label, url_name, permission=permission, icon_name=icon, order=10 + position
    )


for _position in range(len(STORE_SETTINGS)):
    hooks.register("register_settings_menu_item", lambda p=_position: _settings_menu_item(p))


# Wagtail's own user and group screens edit accounts directly, around the staff services
# (roles, plan limits, the owner's protection): the Staff screen replaces them.
_REPLACED_SETTINGS = {"users", "groups"}


@hooks.register("construct_settings_menu")
def hide_replaced_settings(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name not in _REPLACED_SETTINGS]


hooks.register("construct_homepage_panels", dashboard.add_dashboard_panels)
hooks.register(dashboard.DASHBOARD_FIGURES_HOOK, dashboard.catalog_figures)


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
