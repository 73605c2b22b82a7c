"""The B2B app's screens in the store admin: one "B2B" menu (b2b/store_admin/).

CONTRIBUTING.md ("Store admin screens") says how; each concern adds its urls and menu items.
The companies' screens are under "Customers" (accounts/wagtail_hooks.py,
b2b/store_admin/companies.py).
"""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from accounts.permissions import (
    VIEW_CUSTOMERS,
    VIEW_INVOICES,
    VIEW_ORDERS,
    VIEW_PRICE_LISTS,
    VIEW_QUOTES,
    has_permission,
)
from accounts.store_admin.customers import CUSTOMER_DETAIL_PANELS_HOOK
from b2b.store_admin import pricing as pricing_screens
from b2b.store_admin.requisitions import add_requisition_lists_panel
from orders.wagtail_hooks import ORDERS_MENU_HOOK
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


@hooks.register("register_admin_urls")
def register_invoice_and_quote_urls():
    from b2b.store_admin import approvals, invoices, quotes

    invoice_urls = [
        path("", invoices.invoice_list, name="index"),
        path("<int:pk>/", invoices.invoice_detail, name="detail"),
        path("<int:pk>/pdf/", invoices.invoice_pdf, name="pdf"),
        path("<int:pk>/payments/", invoices.record_payment, name="payment"),
        path("statements/<int:company_pk>/", invoices.company_statement, name="statement"),
    ]
    quote_urls = [
        path("", quotes.quote_list, name="index"),
        path("<int:pk>/", quotes.quote_detail, name="detail"),
        path("<int:pk>/offer/", quotes.quote_offer, name="offer"),
        path("<int:pk>/decline/", quotes.quote_decline, name="decline"),
    ]
    return [
        path("b2b/approvals/", approvals.approval_list, name="b2b_approvals"),
        path("b2b/invoices/", include((invoice_urls, "b2b_invoices"), namespace="b2b_invoices")),
        path("b2b/quotes/", include((quote_urls, "b2b_quotes"), namespace="b2b_quotes")),
    ]


# Orders awaiting a company's approval, invoices and quotes sit with the orders they belong to
# (the Orders menu).
@hooks.register(ORDERS_MENU_HOOK)
def register_approvals_menu_item() -> MenuItem:
    return PermittedMenuItem(
        "Awaiting approval", "b2b_approvals", permission=VIEW_ORDERS, icon_name="time", order=110
    )


@hooks.register(ORDERS_MENU_HOOK)
def register_invoices_menu_item() -> MenuItem:
    return PermittedMenuItem(
        "Invoices", "b2b_invoices:index", permission=VIEW_INVOICES, icon_name="doc-full", order=120
    )


@hooks.register(ORDERS_MENU_HOOK)
def register_quotes_menu_item() -> MenuItem:
    return PermittedMenuItem(
        "Quotes", "b2b_quotes:index", permission=VIEW_QUOTES, icon_name="openquote", order=130
    )


# Bulk purchasing: a company member's requisition lists on their customer page.
hooks.register(CUSTOMER_DETAIL_PANELS_HOOK, add_requisition_lists_panel)
