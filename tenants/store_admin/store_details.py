"""Settings > Store details: the store's name, contact email, address, weight unit, time
zone and abandoned-cart delay (tenants.services.update_store_details), and its currency
(tenants.services.set_store_currency: fixed once the store has orders)."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.permissions import CHANGE_STORE_DETAILS
from config.api_errors import DomainError
from tenants import currency_locks, services
from tenants.models import Tenant
from tenants.store_admin.access import requires_permission
from tenants.store_admin.forms import StoreDetailsForm, show_domain_error


@require_http_methods(["GET", "POST"])
@requires_permission(
    CHANGE_STORE_DETAILS,
    title="Store details",
    reason="Only the store's owner changes the store's details.",
)
def store_details(request):
    store = Tenant.objects.get(pk=request.tenant.pk)
    locked = currency_locks.reasons_locked(store)  # the request is in the store's schema
    form = StoreDetailsForm.for_store(
        store, request.POST if request.method == "POST" else None, currency_locked=locked
    )
    if request.method == "POST" and form.is_valid():
        try:
            # One save: a refused currency leaves the other details unsaved too.
            with transaction.atomic():
                services.update_store_details(
                    tenant=store, actor_label=request.user.email, **form.details()
                )
                if form.cleaned_data["currency"]:
                    services.set_store_currency(
                        store, form.cleaned_data["currency"], actor_label=request.user.email
                    )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Store details saved.")
            return redirect("store_details")
    return render(
        request,
        "tenants/store_admin/store_details.html",
        {"form": form, "store": store},
        status=400 if form.is_bound and form.errors else 200,
    )
