"""The orders' place in the store admin: the dashboard's figures of the day."""

from wagtail import hooks

from accounts.permissions import has_permission
from tenants.store_admin.dashboard import DASHBOARD_FIGURES_HOOK, DashboardFigure, _url


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
