"""Settings > Shipping in the store admin: the zones (list, form, deletion) and each zone's
delivery options with their rate bands.

Every write is one call of shipping.services, whose refusals are shown next to their fields
with everything typed kept (status 400). The owner manages (MANAGE_SHIPPING); order managers
and support read the list (VIEW_SHIPPING); other staff get 403 with the reason.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

import money
from accounts.permissions import MANAGE_SHIPPING, VIEW_SHIPPING, has_permission
from config.api_errors import DomainError
from shipping import selectors, services
from shipping.models import DeliveryOption, ShippingZone
from shipping.store_admin.forms import OptionForm, ZoneForm, band_formset
from tenants.store_admin.access import requires_permission
from tenants.store_admin.forms import show_domain_error

TITLE = "Shipping"
READ_REASON = "Your role does not include the store's shipping zones and rates."
MANAGE_REASON = "Only the store's owner changes its shipping zones and rates."
TEMPLATES = "shipping/store_admin/"


def _zone_or_404(pk: int) -> ShippingZone:
    zone = ShippingZone.objects.filter(pk=pk).first()
    if zone is None:
        raise Http404("No such shipping zone.")
    return zone


def _option_or_404(pk: int) -> DeliveryOption:
    option = DeliveryOption.objects.select_related("zone").filter(pk=pk).first()
    if option is None:
        raise Http404("No such delivery option.")
    return option


@require_http_methods(["GET"])
@requires_permission(VIEW_SHIPPING, title=TITLE, reason=READ_REASON)
def zone_list(request):
    """Every zone with its options and their prices (three queries for any number)."""
    return render(
        request,
        TEMPLATES + "zones.html",
        {
            "zones": selectors.zone_list(),
            "may_manage": has_permission(request.user, MANAGE_SHIPPING),
            "currency": money.store_currency(),
        },
    )


def _zone_page(request, *, zone, form, status=200):
    return render(
        request,
        TEMPLATES + "zone_form.html",
        {
            "zone": zone,
            "form": form,
            "options": selectors.option_list(zone=zone) if zone else [],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@requires_permission(MANAGE_SHIPPING, title=TITLE, reason=MANAGE_REASON)
def zone_create(request):
    form = ZoneForm.for_zone(None, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            zone = services.create_zone(**form.zone_data())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"Zone “{zone.name}” added: now add its delivery options.")
            return redirect("shipping_zone_edit", zone.pk)
    return _zone_page(request, zone=None, form=form, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
@requires_permission(MANAGE_SHIPPING, title=TITLE, reason=MANAGE_REASON)
def zone_edit(request, pk: int):
    zone = _zone_or_404(pk)
    form = ZoneForm.for_zone(zone, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_zone(zone=zone, data=form.zone_data())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"Zone “{form.cleaned_data['name']}” saved.")
            return redirect("shipping_zones")
    return _zone_page(request, zone=zone, form=form, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
@requires_permission(MANAGE_SHIPPING, title=TITLE, reason=MANAGE_REASON)
def zone_delete(request, pk: int):
    """Asks first (GET), then deletes the zone with its options (POST), audited."""
    zone = _zone_or_404(pk)
    if request.method == "POST":
        services.delete_zone(zone=zone, actor_label=request.user.email)
        messages.success(request, f"Zone “{zone.name}” deleted with its delivery options.")
        return redirect("shipping_zones")
    return render(
        request,
        TEMPLATES + "confirm_delete.html",
        {
            "title": f"Delete the zone “{zone.name}”?",
            "question": "Its delivery options and their rates are deleted with it. Shoppers "
            "in the zone are offered another zone's options, if one covers them.",
            "cancel_url": reverse("shipping_zones"),
        },
    )


def _option_page(request, *, zone, option, form, bands, band_errors=(), status=200):
    return render(
        request,
        TEMPLATES + "option_form.html",
        {
            "zone": zone,
            "option": option,
            "form": form,
            "bands": bands,
            "band_errors": list(band_errors),
            "currency": money.store_currency(),
        },
        status=status,
    )


def _save_option(request, *, zone, option):
    """The option's form and bands, validated, then one service call; refusals next to the
    fields (the bands' above their table)."""
    posted = request.POST if request.method == "POST" else None
    form = OptionForm.for_option(option, posted)
    bands = band_formset(option, posted)
    if posted is None:
        return _option_page(request, zone=zone, option=option, form=form, bands=bands)
    band_errors: list[str] = []
    if form.is_valid() and bands.is_valid():
        try:
            if option is None:
                saved = services.create_option(
                    zone=zone, data=form.option_data(), bands=bands.bands()
                )
            else:
                saved = services.update_option(
                    option=option, data=form.option_data(), bands=bands.bands()
                )
        except DomainError as error:
            band_errors = error.fields.get("bands", [])
            show_domain_error(form, _without_bands(error))
        else:
            messages.success(request, f"Delivery option “{saved.name}” saved.")
            return redirect("shipping_zone_edit", zone.pk)
    return _option_page(
        request,
        zone=zone,
        option=option,
        form=form,
        bands=bands,
        band_errors=band_errors,
        status=400,
    )


def _without_bands(error: DomainError) -> DomainError:
    fields = {name: texts for name, texts in error.fields.items() if name != "bands"}
    if error.fields and not fields:
        return DomainError("", fields={})  # said above the bands only
    return DomainError(error.message, fields=fields)


@require_http_methods(["GET", "POST"])
@requires_permission(MANAGE_SHIPPING, title=TITLE, reason=MANAGE_REASON)
def option_create(request, zone_pk: int):
    return _save_option(request, zone=_zone_or_404(zone_pk), option=None)


@require_http_methods(["GET", "POST"])
@requires_permission(MANAGE_SHIPPING, title=TITLE, reason=MANAGE_REASON)
def option_edit(request, pk: int):
    option = _option_or_404(pk)
    return _save_option(request, zone=option.zone, option=option)


@require_http_methods(["GET", "POST"])
@requires_permission(MANAGE_SHIPPING, title=TITLE, reason=MANAGE_REASON)
def option_delete(request, pk: int):
    option = _option_or_404(pk)
    zone_url = reverse("shipping_zone_edit", args=[option.zone_id])
    if request.method == "POST":
        services.delete_option(option=option, actor_label=request.user.email)
        messages.success(request, f"Delivery option “{option.name}” deleted.")
        return redirect(zone_url)
    return render(
        request,
        TEMPLATES + "confirm_delete.html",
        {
            "title": f"Delete the delivery option “{option.name}”?",
            "question": f"Shoppers in “{option.zone.name}” will no longer be offered it.",
            "cancel_url": zone_url,
        },
    )
