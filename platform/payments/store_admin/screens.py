"""Settings > Payments: which payment methods the store offers, and cash on delivery's fee,
maximum order value and instructions.

Staff who may read payments (VIEW_PAYMENTS: owner, order managers, support) open the screen;
only the owner (MANAGE_PAYMENTS) saves it, through ``payments.services.set_method_settings``,
whose refusals are shown next to their fields with what was typed kept (400).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

import money
from accounts.permissions import MANAGE_PAYMENTS, VIEW_PAYMENTS, has_permission
from config.api_errors import DomainError
from payments import gateway, selectors, services
from payments.store_admin.forms import PaymentSettingsForm
from tenants.store_admin.access import refuse, requires_permission
from tenants.store_admin.forms import show_domain_error

TITLE = "Payments"
READ_REASON = "The store's owner, order managers and support see its payment methods."
WRITE_REASON = "Only the store's owner changes its payment methods."

reads = requires_permission(VIEW_PAYMENTS, title=TITLE, reason=READ_REASON)


@require_http_methods(["GET", "POST"])
@reads
def payment_settings(request):
    may_manage = has_permission(request.user, MANAGE_PAYMENTS)
    if request.method == "POST" and not may_manage:
        return refuse(request, title=TITLE, reason=WRITE_REASON)
    current = selectors.method_settings()
    form = PaymentSettingsForm.for_settings(
        current, request.POST if request.method == "POST" else None
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            if data["cod_fee"] is None:
                data["cod_fee"] = 0
            try:
                services.set_method_settings(data=data)
            except DomainError as error:
                show_domain_error(form, error)
            else:
                messages.success(request, "The payment settings are saved.")
                return redirect("payments_settings")
        status = 400
    if not may_manage:
        for field in form.fields.values():
            field.disabled = True
    context = {
        "form": form,
        "may_manage": may_manage,
        "currency": money.store_currency(),
        "methods": [
            {"code": p.code, "name": p.name, "enabled": p.code in current.enabled_methods}
            for p in gateway.providers()
        ],
    }
    return render(request, "payments/store_admin/settings.html", context, status=status)
