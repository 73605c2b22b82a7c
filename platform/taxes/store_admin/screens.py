"""Settings > Taxes: the store's tax settings, tax classes and tax rates.

Staff who may read taxes (VIEW_TAXES: owner, catalog and order managers, support) open the
settings and the lists; only the owner (MANAGE_TAXES) opens the forms and writes, each write a
call of one taxes service whose refusal is shown next to its field with what was typed kept
(400). Deletions ask for confirmation on a page of their own and are audited (the service).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import MANAGE_TAXES, VIEW_TAXES, has_permission
from catalog.store_admin.service_views import paginated
from config.api_errors import DomainError
from taxes import selectors, services
from taxes.models import TaxClass, TaxRate
from taxes.store_admin.forms import RateFilterForm, TaxClassForm, TaxRateForm, TaxSettingsForm
from tenants.store_admin.access import refuse, requires_permission
from tenants.store_admin.forms import show_domain_error

TEMPLATES = "taxes/store_admin/"
TITLE = "Taxes"
READ_REASON = "The store's owner, catalog and order managers and support see its taxes."
WRITE_REASON = "Only the store's owner changes its taxes."
RATES_PER_PAGE = 50

reads = requires_permission(VIEW_TAXES, title=TITLE, reason=READ_REASON)
writes = requires_permission(MANAGE_TAXES, title=TITLE, reason=WRITE_REASON)


def _render(request, template: str, context: dict, *, status: int = 200):
    context = {**context, "may_manage": has_permission(request.user, MANAGE_TAXES)}
    return render(request, TEMPLATES + template, context, status=status)


def _may_write(request):
    """A POST by someone who may only read: the 403 page (a GET shows the screen)."""
    if request.method == "POST" and not has_permission(request.user, MANAGE_TAXES):
        return refuse(request, title=TITLE, reason=WRITE_REASON)
    return None


# --- Settings ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@reads
def tax_settings(request):
    refused = _may_write(request)
    if refused:
        return refused
    current = selectors.tax_settings()
    form = TaxSettingsForm.for_settings(current, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_tax_settings(data=form.cleaned_data)
            except DomainError as error:
                show_domain_error(form, error)
            else:
                messages.success(request, "The tax settings are saved.")
                return redirect("taxes_settings")
        return _render(request, "settings.html", {"form": form}, status=400)
    if not has_permission(request.user, MANAGE_TAXES):
        for field in form.fields.values():
            field.disabled = True
    return _render(request, "settings.html", {"form": form, "settings": current})


# --- Classes -----------------------------------------------------------------------------------


def _class_or_404(pk: int) -> TaxClass:
    found = selectors.tax_class_list().filter(pk=pk).first()
    if found is None:
        raise Http404("No such tax class.")
    return found


@require_http_methods(["GET", "POST"])
@reads
def tax_classes(request):
    """The classes, and (for the owner) the form adding one."""
    refused = _may_write(request)
    if refused:
        return refused
    form = TaxClassForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                tax_class = services.create_tax_class(**form.cleaned_data)
            except DomainError as error:
                show_domain_error(form, error)
            else:
                messages.success(request, f"The tax class “{tax_class.name}” is added.")
                return redirect("taxes_classes")
        status = 400
    classes = list(selectors.tax_class_list())
    return _render(request, "classes.html", {"classes": classes, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@writes
def tax_class_edit(request, pk: int):
    tax_class = _class_or_404(pk)
    initial = {"name": tax_class.name, "is_default": tax_class.is_default,
               "is_exempt": tax_class.is_exempt}  # fmt: skip
    if request.method == "GET":
        return _render(
            request,
            "class_form.html",
            {"form": TaxClassForm(initial=initial), "tax_class": tax_class},
        )
    form = TaxClassForm(request.POST, initial=initial)
    if form.is_valid():
        try:
            services.update_tax_class(tax_class=tax_class, data=form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"The tax class “{form.cleaned_data['name']}” is saved.")
            return redirect("taxes_classes")
    return _render(request, "class_form.html", {"form": form, "tax_class": tax_class}, status=400)


@require_http_methods(["GET", "POST"])
@writes
def tax_class_delete(request, pk: int):
    tax_class = _class_or_404(pk)
    if request.method == "POST":
        try:
            products = services.delete_tax_class(tax_class=tax_class, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("taxes_classes")
        moved = f" {products} product(s) are back in the default class." if products else ""
        messages.success(request, f"The tax class “{tax_class.name}” is deleted.{moved}")
        return redirect("taxes_classes")
    return _render(request, "confirm_delete.html", {"object": tax_class, "kind": "tax class",
                   "consequence": _class_deletion_consequence(tax_class)})  # fmt: skip


def _class_deletion_consequence(tax_class: TaxClass) -> str:
    return (
        f"Its {tax_class.rate_count} rate(s) are deleted too, and its "
        f"{tax_class.product_count} product(s) are taxed by the default class."
    )


# --- Rates -------------------------------------------------------------------------------------


def _rate_or_404(pk: int) -> TaxRate:
    found = TaxRate.objects.select_related("tax_class").filter(pk=pk).first()
    if found is None:
        raise Http404("No such tax rate.")
    return found


@require_GET
@reads
def tax_rates(request):
    """The rates by country and region, filtered by class and country, a page at a time."""
    filters = RateFilterForm(request.GET or None)
    tax_class_id, country = None, ""
    if filters.is_valid():
        chosen = filters.cleaned_data.get("tax_class")
        tax_class_id = chosen.pk if chosen else None
        country = filters.cleaned_data.get("country", "")
    rates = selectors.tax_rate_list(tax_class_id=tax_class_id, country=country)
    context = {"filters": filters, **paginated(rates, request, per_page=RATES_PER_PAGE)}
    return _render(request, "rates.html", context)


@require_http_methods(["GET", "POST"])
@writes
def tax_rate_add(request):
    if request.method == "GET":
        initial = {"tax_class": selectors.default_tax_class()}
        return _render(request, "rate_form.html", {"form": TaxRateForm(initial=initial)})
    form = TaxRateForm(request.POST)
    if form.is_valid():
        try:
            rate = services.create_tax_rate(**form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"The tax rate “{rate}” is added.")
            return redirect("taxes_rates")
    return _render(request, "rate_form.html", {"form": form}, status=400)


@require_http_methods(["GET", "POST"])
@writes
def tax_rate_edit(request, pk: int):
    rate = _rate_or_404(pk)
    if request.method == "GET":
        initial = {name: getattr(rate, name) for name in TaxRateForm.base_fields}
        return _render(
            request, "rate_form.html", {"form": TaxRateForm(initial=initial), "rate": rate}
        )
    form = TaxRateForm(request.POST)
    if form.is_valid():
        try:
            rate = services.update_tax_rate(tax_rate=rate, data=form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"The tax rate “{rate}” is saved.")
            return redirect("taxes_rates")
    return _render(request, "rate_form.html", {"form": form, "rate": rate}, status=400)


@require_http_methods(["GET", "POST"])
@writes
def tax_rate_delete(request, pk: int):
    rate = _rate_or_404(pk)
    if request.method == "POST":
        services.delete_tax_rate(tax_rate=rate, by=request.user)
        messages.success(request, f"The tax rate “{rate}” is deleted.")
        return redirect("taxes_rates")
    consequence = (
        "Its place is then taxed at the country's rate, or the default class's, if any; "
        "without one, at 0% (flagged at checkout)."
    )
    return _render(
        request,
        "confirm_delete.html",
        {"object": rate, "kind": "tax rate", "consequence": consequence},
    )
