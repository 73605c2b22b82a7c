"""The B2B app's place in the store admin (each concern registers its screens here)."""

from django.urls import include, path
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.permissions import VIEW_INVOICES, VIEW_QUOTES, has_permission
from orders.wagtail_hooks import ORDERS_MENU_HOOK


@hooks.register("register_admin_urls")
def register_invoice_and_quote_urls():
    from b2b.store_admin import invoices, quotes

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
        path("b2b/invoices/", include((invoice_urls, "b2b_invoices"), namespace="b2b_invoices")),
        path("b2b/quotes/", include((quote_urls, "b2b_quotes"), namespace="b2b_quotes")),
    ]


class PermissionMenuItem(MenuItem):
    """Shown to whoever may open its screen."""

    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return has_permission(request.user, self.permission)


@hooks.register(ORDERS_MENU_HOOK)
def register_invoices_menu_item() -> MenuItem:
    return PermissionMenuItem(
        "Invoices",
        "/admin/b2b/invoices/",
        permission=VIEW_INVOICES,
        icon_name="doc-full",
        order=120,
    )


@hooks.register(ORDERS_MENU_HOOK)
def register_quotes_menu_item() -> MenuItem:
    return PermissionMenuItem(
        "Quotes", "/admin/b2b/quotes/", permission=VIEW_QUOTES, icon_name="openquote", order=130
    )
