"""The B2B app's screens in the store admin: one "B2B" menu (b2b/store_admin/).

CONTRIBUTING.md ("Store admin screens") says how; each concern adds its urls and menu items.
The companies' screens are under "Customers" (accounts/wagtail_hooks.py,
b2b/store_admin/companies.py).
"""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from accounts.permissions import VIEW_CUSTOMERS, VIEW_PRICE_LISTS, has_permission
from b2b.store_admin import pricing as pricing_screens
from tenants.store_admin.dashboard import DASHBOARD_FIGURES_HOOK, DashboardFigure


@hooks.register("register_admin_urls")
def register_pricing_urls():
    return [
        path("b2b/price-lists/", pricing_screens.price_lists, name="b2b_price_lists"),
        path("b2b/price-lists/<int:pk>/", pricing_screens.price_list, name="b2b_price_list"),
        path(
            "b2b/price-lists/<int:pk>/delete/",
            pricing_screens.price_list_delete,
            name="b2b_price_list_delete",
        ),
        path(
            "b2b/price-lists/<int:pk>/entries/<int:entry_pk>/delete/",
            pricing_screens.entry_delete,
            name="b2b_price_list_entry_delete",
        ),
        path("b2b/customer-groups/", pricing_screens.customer_groups, name="b2b_customer_groups"),
        path(
            "b2b/customer-groups/<int:pk>/",
            pricing_screens.customer_group,
            name="b2b_customer_group",
        ),
        path(
            "b2b/customer-groups/<int:pk>/delete/",
            pricing_screens.customer_group_delete,
            name="b2b_customer_group_delete",
        ),
        path("b2b/volume-breaks/", pricing_screens.volume_breaks, name="b2b_volume_breaks"),
        path(
            "b2b/volume-breaks/<int:pk>/delete/",
            pricing_screens.volume_break_delete,
            name="b2b_volume_break_delete",
        ),
    ]


class PermittedMenuItem(MenuItem):
    """A menu item shown to whoever holds ``permission`` (the same as its screen's)."""

    def __init__(self, label, url_name, *, permission, **kwargs):
        super().__init__(label, reverse(url_name), name=url_name, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return has_permission(request.user, self.permission)


class B2BMenu(SubmenuMenuItem):
    """Shown to whoever sees one of its items."""


def b2b_menu_items() -> list[MenuItem]:
    """The B2B menu's items; each B2B concern adds its own here."""
    return [
        PermittedMenuItem("Price lists", "b2b_price_lists", permission=VIEW_PRICE_LISTS, order=10),
        PermittedMenuItem(
            "Customer groups", "b2b_customer_groups", permission=VIEW_PRICE_LISTS, order=11
        ),
        PermittedMenuItem(
            "Volume breaks", "b2b_volume_breaks", permission=VIEW_PRICE_LISTS, order=12
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_b2b_menu() -> MenuItem:
    return B2BMenu(
        "B2B",
        Menu(items=b2b_menu_items()),
        name="b2b",
        icon_name="tag",
        # After Customers (250).
        order=260,
    )


@hooks.register(DASHBOARD_FIGURES_HOOK)
def company_application_figures(request, figures: list) -> None:
    """Business accounts awaiting approval, when there are any, for staff who see companies."""
    if not has_permission(request.user, VIEW_CUSTOMERS):
        return
    from accounts.models import Company

    waiting = Company.objects.filter(status=Company.Status.PENDING).count()
    if waiting:
        figures.append(
            DashboardFigure(
                label="Company applications",
                value=str(waiting),
                note="awaiting approval",
                url=reverse("companies:index") + "?status=pending",
                attention=True,
            )
        )
