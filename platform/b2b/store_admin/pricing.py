"""B2B > Price lists, Customer groups and Volume breaks: the store admin's B2B pricing screens.

Staff who may read price lists (VIEW_PRICE_LISTS: owner, catalog managers, support) open the
lists; those who may manage them (MANAGE_PRICE_LISTS: owner, catalog managers) open the forms
and write, each write one call of a b2b.pricing service whose refusal is shown next to its
field with what was typed kept (400). Deletions ask for confirmation on a page of their own.
What a buyer pays from these rows is ``pricing.price_for`` (its precedence is in its docstring
and in the screens' help).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.permissions import MANAGE_PRICE_LISTS, VIEW_PRICE_LISTS, has_permission
from b2b.errors import PricingError
from b2b.models import PriceListEntry
from b2b.pricing import selectors, services
from b2b.store_admin.pricing_forms import (
    CustomerGroupForm,
    EntryForm,
    EntryImportForm,
    PriceListForm,
    VolumeBreakForm,
)
from catalog.models import ProductVariant
from catalog.store_admin.service_views import paginated
from config.api_errors import DomainError
from tenants.store_admin.access import refuse, requires_permission
from tenants.store_admin.forms import show_domain_error

TEMPLATES = "b2b/pricing/store_admin/"
TITLE = "B2B pricing"
READ_REASON = "The store's owner, catalog managers and support see its B2B pricing."
WRITE_REASON = "The store's owner and catalog managers change its B2B pricing."
ENTRIES_PER_PAGE = 100
IMPORT_MAX_BYTES = 5 * 1024 * 1024

reads = requires_permission(VIEW_PRICE_LISTS, title=TITLE, reason=READ_REASON)
writes = requires_permission(MANAGE_PRICE_LISTS, title=TITLE, reason=WRITE_REASON)


def _render(request, template: str, context: dict, *, status: int = 200):
    context = {**context, "may_manage": has_permission(request.user, MANAGE_PRICE_LISTS)}
    return render(request, TEMPLATES + template, context, status=status)


def _may_write(request):
    """A POST by someone who may only read: the 403 page (a GET shows the screen)."""
    if request.method == "POST" and not has_permission(request.user, MANAGE_PRICE_LISTS):
        return refuse(request, title=TITLE, reason=WRITE_REASON)
    return None


def _ids(objects) -> list[int]:
    return [thing.pk for thing in objects or ()]


def _or_404(queryset, pk: int):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404("Not found.")
    return found


# --- Price lists -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@reads
def price_lists(request):
    """The price lists, and (for managers) the form adding one."""
    refused = _may_write(request)
    if refused:
        return refused
    form = PriceListForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                price_list = services.create_price_list(
                    name=data["name"],
                    active=data["active"],
                    valid_from=data["valid_from"],
                    valid_until=data["valid_until"],
                    company_ids=_ids(data["company_ids"]),
                    group_ids=_ids(data["group_ids"]),
                )
            except DomainError as error:
                show_domain_error(form, error)
            else:
                messages.success(request, f"The price list “{price_list.name}” is added.")
                return redirect("b2b_price_list", price_list.pk)
        status = 400
    lists = list(selectors.price_list_list())
    return _render(request, "price_lists.html", {"lists": lists, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@reads
def price_list(request, pk: int):
    """One price list: its settings and assignments, its entries (add, import, remove) and its
    own volume breaks. Each form posts with its ``action``."""
    refused = _may_write(request)
    if refused:
        return refused
    current = _or_404(selectors.price_list_list(), pk)
    post = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "") if post else ""
    forms = {
        "settings": PriceListForm.for_list(current, post if action == "settings" else None),
        "entry": EntryForm(post if action == "entry" else None),
        "import": EntryImportForm(
            post if action == "import" else None, request.FILES if action == "import" else None
        ),
        "tier": VolumeBreakForm(post if action == "tier" else None),
    }
    if post is not None:
        form = forms.get(action)
        if form is None:
            return redirect("b2b_price_list", pk)
        if form.is_valid():
            try:
                done = _save(action, current, form.cleaned_data)
            except DomainError as error:
                show_domain_error(form, error)
            else:
                messages.success(request, done)
                return redirect("b2b_price_list", pk)
        return _price_list_page(request, current, forms, status=400)
    if not has_permission(request.user, MANAGE_PRICE_LISTS):
        for field in forms["settings"].fields.values():
            field.disabled = True
    return _price_list_page(request, current, forms)


def _save(action: str, current, data: dict) -> str:
    if action == "settings":
        services.update_price_list(
            price_list=current,
            name=data["name"],
            active=data["active"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            company_ids=_ids(data["company_ids"]),
            group_ids=_ids(data["group_ids"]),
        )
        return "The price list is saved."
    if action == "entry":
        entry = services.add_entry_by_reference(price_list=current, **data)
        return f"{selectors.target_label(entry)} is priced by this list."
    if action == "import":
        upload = data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise PricingError("Too large.", fields={"file": ["At most 5 MB."]})
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise PricingError(
                "Not text.", fields={"file": ["The file is not UTF-8 text."]}
            ) from error
        imported = services.import_entries(price_list=current, text=text)
        return f"{imported} entries imported."
    variant = ProductVariant.objects.filter(sku=data["sku"].strip()).first()
    if variant is None:
        raise PricingError("Unknown SKU.", fields={"sku": ["No variant has this SKU."]})
    services.add_volume_break(
        variant=variant,
        price_list=current,
        min_quantity=data["min_quantity"],
        unit_price=data["unit_price"],
    )
    return f"{variant.sku} costs less from {data['min_quantity']} units."


def _price_list_page(request, current, forms, *, status: int = 200):
    context = {
        "price_list": current,
        "forms": forms,
        "tiers": list(selectors.volume_break_list().filter(price_list=current)),
        "kinds": dict(PriceListEntry.Kind.choices),
        **paginated(selectors.entry_list(current), request, per_page=ENTRIES_PER_PAGE),
    }
    return _render(request, "price_list.html", context, status=status)


@require_http_methods(["GET", "POST"])
@writes
def price_list_delete(request, pk: int):
    current = _or_404(selectors.price_list_list(), pk)
    if request.method == "POST":
        services.delete_price_list(price_list=current)
        messages.success(request, f"The price list “{current.name}” is deleted.")
        return redirect("b2b_price_lists")
    return _render(
        request,
        "confirm_delete.html",
        {
            "object": current,
            "kind": "price list",
            "consequence": f"Its {current.entry_count} entries and its volume breaks go too; "
            "its companies pay their usual prices.",
            "back": "b2b_price_lists",
        },
    )


@require_http_methods(["GET", "POST"])
@writes
def entry_delete(request, pk: int, entry_pk: int):
    current = _or_404(selectors.price_list_list(), pk)
    entry = _or_404(selectors.entry_list(current), entry_pk)
    if request.method == "POST":
        services.remove_entry(entry=entry)
        messages.success(request, f"{selectors.target_label(entry)} is no longer in the list.")
        return redirect("b2b_price_list", pk)
    return _render(
        request,
        "confirm_delete.html",
        {
            "object": selectors.target_label(entry),
            "kind": "entry",
            "consequence": f"“{current.name}” no longer prices it.",
            "back": "b2b_price_list",
            "back_pk": pk,
        },
    )


@require_http_methods(["GET", "POST"])
@writes
def volume_break_delete(request, pk: int):
    """Remove a tier (from a price list's page or the volume breaks screen), once confirmed."""
    tier = _or_404(selectors.volume_break_list(), pk)
    back = ("b2b_price_list", tier.price_list_id) if tier.price_list_id else ("b2b_volume_breaks",)
    if request.method == "POST":
        services.remove_volume_break(tier=tier)
        messages.success(
            request, f"The break of {tier.variant.sku} from {tier.min_quantity} is gone."
        )
        return redirect(*back)
    return _render(
        request,
        "confirm_delete.html",
        {
            "object": f"{tier.variant.sku} from {tier.min_quantity}",
            "kind": "volume break",
            "consequence": "Buyers pay the usual price for that quantity.",
            "back": back[0],
            "back_pk": tier.price_list_id,
        },
    )


# --- Customer groups ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@reads
def customer_groups(request):
    refused = _may_write(request)
    if refused:
        return refused
    form = CustomerGroupForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                group = services.create_customer_group(
                    name=data["name"],
                    description=data["description"],
                    company_ids=_ids(data["company_ids"]),
                )
            except DomainError as error:
                show_domain_error(form, error)
            else:
                messages.success(request, f"The customer group “{group.name}” is added.")
                return redirect("b2b_customer_groups")
        status = 400
    groups = list(selectors.customer_group_list())
    return _render(request, "customer_groups.html", {"groups": groups, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@writes
def customer_group(request, pk: int):
    group = _or_404(selectors.customer_group_list(), pk)
    initial = {
        "name": group.name,
        "description": group.description,
        "company_ids": list(group.companies.all()),
    }
    if request.method == "GET":
        form = CustomerGroupForm(initial=initial)
        return _render(request, "customer_group.html", {"form": form, "group": group})
    form = CustomerGroupForm(request.POST, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_customer_group(
                group=group,
                name=data["name"],
                description=data["description"],
                company_ids=_ids(data["company_ids"]),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"The customer group “{data['name']}” is saved.")
            return redirect("b2b_customer_groups")
    return _render(request, "customer_group.html", {"form": form, "group": group}, status=400)


@require_http_methods(["GET", "POST"])
@writes
def customer_group_delete(request, pk: int):
    group = _or_404(selectors.customer_group_list(), pk)
    if request.method == "POST":
        services.delete_customer_group(group=group)
        messages.success(request, f"The customer group “{group.name}” is deleted.")
        return redirect("b2b_customer_groups")
    return _render(
        request,
        "confirm_delete.html",
        {
            "object": group,
            "kind": "customer group",
            "consequence": "Its price lists no longer apply to its companies.",
            "back": "b2b_customer_groups",
        },
    )


# --- Volume breaks of every B2B buyer ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@reads
def volume_breaks(request):
    """The volume breaks of no price list (every B2B buyer's), and the form adding one."""
    refused = _may_write(request)
    if refused:
        return refused
    form = VolumeBreakForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            variant = ProductVariant.objects.filter(sku=data["sku"].strip()).first()
            try:
                if variant is None:
                    raise PricingError("Unknown SKU.", fields={"sku": ["No variant has this SKU."]})
                services.add_volume_break(
                    variant=variant,
                    min_quantity=data["min_quantity"],
                    unit_price=data["unit_price"],
                )
            except DomainError as error:
                show_domain_error(form, error)
            else:
                messages.success(request, "The volume break is added.")
                return redirect("b2b_volume_breaks")
        status = 400
    tiers = selectors.volume_break_list().filter(price_list__isnull=True)
    context = {"form": form, **paginated(tiers, request, per_page=ENTRIES_PER_PAGE)}
    return _render(request, "volume_breaks.html", context, status=status)
