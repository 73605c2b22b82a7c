"""The store admin's dashboard: today's figures and the "getting started" checklist.

Both are open to later areas through two Wagtail hooks, called like Wagtail's own
``construct_homepage_panels``:

- ``construct_dashboard_figures`` — ``fn(request, figures)`` appends :class:`DashboardFigure`
  rows (the orders issue adds "Orders today" and "Revenue today" there);
- ``construct_getting_started_steps`` — ``fn(request, steps)`` replaces a "coming soon"
  :class:`GettingStartedStep` by its live one (same ``key``: ``payments``, ``delivery``) or
  appends new steps.

Each figure or step says itself whether the person may see it (their role), so the panels
never show what a role may not read.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component

from accounts.permissions import has_permission

DASHBOARD_FIGURES_HOOK = "construct_dashboard_figures"
GETTING_STARTED_HOOK = "construct_getting_started_steps"

# How many recent imports the dashboard lists.
RECENT_IMPORTS = 3


@dataclass(frozen=True)
class DashboardFigure:
    """One figure of the day: "Products 12", "Low stock 3 variants" (``note``), with a link."""

    label: str
    value: str
    note: str = ""
    url: str = ""
    # Figures needing attention (low stock, a failed import) stand out.
    attention: bool = False


@dataclass(frozen=True)
class GettingStartedStep:
    """One step of setting a new store up. ``done`` is None while its area does not exist yet
    ("coming soon": shown greyed, counted neither done nor to do)."""

    key: str
    label: str
    done: bool | None
    url: str = ""
    help: str = ""

    @property
    def coming_soon(self) -> bool:
        return self.done is None


@dataclass
class RecentImport:
    label: str
    status: str
    failed: bool
    when: object = field(default=None)


def _url(name: str, *args) -> str:
    """The URL of a screen another area may not have registered yet (then no link)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- Figures -----------------------------------------------------------------------------------


def catalog_figures(request, figures: list[DashboardFigure]) -> None:
    """Products and low-stock variants, for the roles that read the catalog (two queries)."""
    if not has_permission(request.user, "catalog.view_product"):
        return
    from catalog.models import Product, ProductVariant

    counts = Product.objects.aggregate(
        total=_count("pk", ~Q(status=Product.Status.ARCHIVED)),
        active=_count("pk", Q(status=Product.Status.ACTIVE)),
    )
    figures.append(
        DashboardFigure(
            label="Products",
            value=str(counts["total"]),
            note=f"{counts['active']} on sale",
            url=_url("products:index"),
        )
    )
    available = F("stock_on_hand") - F("stock_reserved")
    stock = (
        ProductVariant.objects.filter(product__status=Product.Status.ACTIVE)
        .exclude(stock_policy=ProductVariant.StockPolicy.BACKORDER)
        .annotate(available=available)
        .aggregate(
            out=_count("pk", Q(available__lte=0)),
            low=_count(
                "pk",
                Q(available__gt=0, low_stock_threshold__gt=0)
                & Q(available__lte=F("low_stock_threshold")),
            ),
        )
    )
    figures.append(
        DashboardFigure(
            label="Low stock",
            value=str(stock["low"]),
            note=f"variants at or under their threshold; {stock['out']} out of stock",
            url=_url("inventory:index"),
            attention=bool(stock["low"] or stock["out"]),
        )
    )


def _count(field_name: str, condition: Q) -> Count:
    return Count(field_name, filter=condition)


def recent_imports(request) -> list[RecentImport]:
    """The last few catalog imports (one query), for the roles that read them."""
    if not has_permission(request.user, "catalog.view_importjob"):
        return []
    from catalog.models import ImportJob

    jobs = ImportJob.objects.only(
        "pk", "status", "dry_run", "created_at", "total_rows", "format"
    ).order_by("-created_at", "-pk")[:RECENT_IMPORTS]
    return [
        RecentImport(
            label=f"{job.get_format_display()} import, {job.total_rows} rows"
            + (" (dry run)" if job.dry_run else ""),
            status=job.get_status_display(),
            failed=job.status == ImportJob.Status.FAILED,
            when=job.created_at,
        )
        for job in jobs
    ]


def dashboard_figures(request) -> list[DashboardFigure]:
    figures: list[DashboardFigure] = []
    for hook in hooks.get_hooks(DASHBOARD_FIGURES_HOOK):
        hook(request, figures)
    return figures


class TodayPanel(Component):
    """Today's figures: what every area registered, and the recent imports."""

    name = "store_today"
    order = 10
    template_name = "tenants/store_admin/dashboard_today.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        return {
            "today": timezone.localdate(),
            "figures": dashboard_figures(self.request),
            "imports": recent_imports(self.request),
        }


# --- Getting started ---------------------------------------------------------------------------


def _exists(app_label: str, model_name: str) -> bool | None:
    """Whether a row exists (None when the model does not exist yet: coming soon)."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    return model._default_manager.exists()


def _theme_is_set() -> bool | None:
    try:
        theme_model = apps.get_model("storefront_cms", "ThemeSettings")
    except LookupError:
        return None
    field_names = {model_field.name for model_field in theme_model._meta.get_fields()}
    if "logo" in field_names:
        return theme_model.objects.filter(logo__isnull=False).exists()
    return theme_model.objects.exists()


def default_steps() -> list[GettingStartedStep]:
    """The steps every store goes through, each ticked from the store's own data."""
    return [
        GettingStartedStep(
            key="product",
            label="Add a product",
            done=_exists("catalog", "Product"),
            url=_url("products:index"),
            help="With its variants, prices and stock.",
        ),
        GettingStartedStep(
            key="image",
            label="Upload a product image",
            done=_exists("catalog", "ProductImage"),
            url=_url("products:index"),
        ),
        GettingStartedStep(
            key="theme",
            label="Set your storefront's theme",
            done=_theme_is_set(),
            url=_url("wagtailsettings:edit", "storefront_cms", "themesettings"),
            help="Your logo and colours.",
        ),
        # Payments and delivery arrive with their issues, which replace these two steps
        # (same key) through construct_getting_started_steps.
        GettingStartedStep(key="payments", label="Set up payments", done=None),
        GettingStartedStep(key="delivery", label="Set up delivery", done=None),
    ]


def getting_started_steps(request) -> list[GettingStartedStep]:
    steps = default_steps()
    for hook in hooks.get_hooks(GETTING_STARTED_HOOK):
        hook(request, steps)
    return steps


class GettingStartedPanel(Component):
    """The checklist of a new store: each step ticked when done, later areas greyed."""

    name = "getting_started"
    order = 20
    template_name = "tenants/store_admin/dashboard_getting_started.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        steps = getting_started_steps(self.request)
        available = [step for step in steps if not step.coming_soon]
        done = [step for step in available if step.done]
        return {"steps": steps, "done_count": len(done), "available_count": len(available)}


def add_dashboard_panels(request, panels: list) -> None:
    """construct_homepage_panels: the store's panels first (a platform host has none)."""
    store = getattr(request, "tenant", None)
    if store is None or store.schema_name == "public":
        return
    panels.append(TodayPanel(request))
    panels.append(GettingStartedPanel(request))
