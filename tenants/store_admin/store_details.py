"""Settings > Store details: the store's name, contact email, address, weight unit, time
zone and abandoned-cart delay (tenants.services.update_store_details)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.permissions import CHANGE_STORE_DETAILS
from config.api_errors import DomainError
from tenants import services
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
    form = StoreDetailsForm.for_store(store, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_store_details(
                tenant=store, actor_label=request.user.email, **form.cleaned_data
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
