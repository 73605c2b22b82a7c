"""The orders' place in the store admin: the Orders screens (orders/store_admin/, under the
"Orders" menu through its ``register_orders_menu_item`` hook, first at order 100) and the
dashboard's figures of the day, and a customer's orders on their page; Settings >
Notifications (where the store's new-order and quote emails go) and its getting-started
step."""

from django.urls import include, path
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.permissions import CHANGE_STORE_DETAILS, has_permission
from accounts.store_admin.customers import CUSTOMER_DETAIL_PANELS_HOOK
from orders.store_admin.customer_orders import add_customer_orders_panel
from tenants.store_admin.dashboard import (
    DASHBOARD_FIGURES_HOOK,
    GETTING_STARTED_HOOK,
    DashboardFigure,
    GettingStartedStep,
    _url,
)
from tenants.wagtail_hooks import StoreSettingsMenuItem


@hooks.register(DASHBOARD_FIGURES_HOOK)
def order_figures(request, figures: list) -> None:
    """Orders today, revenue today and orders to fulfil, for the roles that read orders."""
    if not has_permission(request.user, "orders.view_order"):
        return
    import money
    from orders.selectors import dashboard_figures

    counts = dashboard_figures()
    currency = money.store_currency()
    url = _url("orders:index")
    figures.append(DashboardFigure(label="Orders today", value=str(counts["today"]), url=url))
    figures.append(
        DashboardFigure(
            label="Revenue today",
            value=money.format_money(counts["revenue"], currency),
            note="orders placed today, not cancelled",
            url=url,
        )
    )
    figures.append(
        DashboardFigure(
            label="To fulfil",
            value=str(counts["to_fulfil"]),
            note="pending or processing orders not yet shipped",
            url=url,
            attention=bool(counts["to_fulfil"]),
        )
    )


ORDERS_MENU_HOOK = "register_orders_menu_item"

# A customer's page lists their latest orders and links to the Orders list filtered to them.
hooks.register(CUSTOMER_DETAIL_PANELS_HOOK, add_customer_orders_panel)


@hooks.register("register_admin_urls")
def register_order_urls():
    from orders.store_admin import export, screens

    urls = [
        path("", screens.order_list, name="index"),
        path("export.csv", export.export_csv, name="export"),
        path("<int:pk>/", screens.order_detail, name="detail"),
        path("<int:pk>/start/", screens.start_processing, name="start"),
        path("<int:pk>/fulfil/", screens.fulfil, name="fulfil"),
        path("<int:pk>/deliver/", screens.deliver, name="deliver"),
        path("<int:pk>/cancel/", screens.cancel, name="cancel"),
        path("<int:pk>/edit/", screens.edit, name="edit"),
        path("<int:pk>/notes/", screens.add_note, name="note"),
        path("<int:pk>/payments/<int:payment_pk>/mark-paid/", screens.mark_paid, name="mark_paid"),
        path("<int:pk>/payments/<int:payment_pk>/capture/", screens.capture, name="capture"),
        path("<int:pk>/payments/<int:payment_pk>/refunds/", screens.refund, name="refund"),
    ]
    return [path("orders/", include((urls, "orders"), namespace="orders"))]


class OrdersMenuItem(MenuItem):
    """Shown to whoever may read orders."""

    def is_shown(self, request):
        return has_permission(request.user, "orders.view_order")


@hooks.register(ORDERS_MENU_HOOK)
def register_orders_menu_item() -> MenuItem:
    return OrdersMenuItem(
        "Orders", "/admin/orders/", name="orders-list", icon_name="list-ul", order=100
    )


@hooks.register("register_admin_urls")
def register_notification_urls():
    from orders.store_admin import notifications

    return [
        path(
            "notifications/",
            notifications.notification_settings,
            name="orders_notifications",
        )
    ]


@hooks.register("register_settings_menu_item")
def register_notifications_menu_item():
    # After Payments (18), before Taxes (30).
    return StoreSettingsMenuItem(
        "Notifications",
        "orders_notifications",
        permission=CHANGE_STORE_DETAILS,
        icon_name="mail",
        order=19,
    )


@hooks.register(GETTING_STARTED_HOOK)
def notifications_step(request, steps: list[GettingStartedStep]) -> None:
    """ "Get new-order emails": done while the store's emails have an address to go to."""
    from orders.selectors import staff_notification_email

    may_change = has_permission(request.user, CHANGE_STORE_DETAILS)
    steps.append(
        GettingStartedStep(
            key="notifications",
            label="Get new-order emails",
            done=bool(staff_notification_email()),
            url=_url("orders_notifications") if may_change else "",
            help="Where the store hears of new orders and quote requests.",
        )
    )
