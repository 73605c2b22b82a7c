"""The B2B app's additions to the store admin (each concern adds its own hooks here). The
companies' screens themselves are registered under the "Customers" menu by
accounts/wagtail_hooks.py (b2b/store_admin/companies.py)."""

from wagtail import hooks

from accounts.permissions import VIEW_CUSTOMERS, has_permission
from tenants.store_admin.dashboard import DASHBOARD_FIGURES_HOOK, DashboardFigure


@hooks.register(DASHBOARD_FIGURES_HOOK)
def company_application_figures(request, figures: list) -> None:
    """Business accounts awaiting approval, when there are any, for staff who see companies."""
    if not has_permission(request.user, VIEW_CUSTOMERS):
        return
    from django.urls import reverse

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
