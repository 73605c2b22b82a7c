"""Settings > Payments: which payment methods the store offers, cash on delivery's fee,
maximum order value and instructions, and each online provider's credentials; and the
payments' mismatch report.

Staff who may read payments (VIEW_PAYMENTS: owner, order managers, support) open the screen;
only the owner (MANAGE_PAYMENTS) saves it, through ``payments.services.set_method_settings``
and ``payments.credentials.save``, whose refusals are shown next to their fields with what was
typed kept (400). A saved secret is never shown again: the screen says "Saved" only.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

import money
from accounts.permissions import (
    MANAGE_PAYMENTS,
    VIEW_ORDER_PAYMENTS,
    VIEW_PAYMENTS,
    has_permission,
)
from config.api_errors import DomainError
from payments import credentials, gateway, selectors, services
from payments.store_admin.forms import CredentialsForm, PaymentSettingsForm
from tenants.store_admin.access import refuse, requires_permission
from tenants.store_admin.forms import show_domain_error

TITLE = "Payments"
READ_REASON = "The store's owner, order managers and support see its payment methods."
WRITE_REASON = "Only the store's owner changes its payment methods."
MISMATCH_TITLE = "Payment mismatches"
MISMATCH_REASON = "The store's owner, order managers and support see its payments."

reads = requires_permission(VIEW_PAYMENTS, title=TITLE, reason=READ_REASON)
reads_payments = requires_permission(
    VIEW_ORDER_PAYMENTS, title=MISMATCH_TITLE, reason=MISMATCH_REASON
)


def _credential_forms(bound_code: str = "", data=None) -> list[dict]:
    saved = credentials.saved_names()
    accounts = {}
    from payments.models import ProviderAccount

    for account in ProviderAccount.objects.only("code", "options", "updated_at"):
        accounts[account.code] = account
    entries = []
    for provider in gateway.providers():
        if not provider.credential_fields:
            continue
        account = accounts.get(provider.code)
        form = CredentialsForm(
            provider,
            data if provider.code == bound_code else None,
            saved=saved.get(provider.code, set()),
            options=account.options if account else {},
        )
        entries.append(
            {
                "provider": provider,
                "form": form,
                "configured": provider.is_configured(saved.get(provider.code, set())),
                "updated_at": account.updated_at if account else None,
                "webhook_url": gateway.webhook_url(provider.code) if provider.has_webhooks else "",
            }
        )
    return entries


def _render(request, form, *, may_manage: bool, entries=None, status: int = 200):
    current = selectors.method_settings()
    if not may_manage:
        for field in form.fields.values():
            field.disabled = True
    entries = entries if entries is not None else _credential_forms()
    if not may_manage:
        for entry in entries:
            for field in entry["form"].fields.values():
                field.disabled = True
    context = {
        "form": form,
        "may_manage": may_manage,
        "currency": money.store_currency(),
        "methods": [
            {"code": p.code, "name": p.name, "enabled": p.code in current.enabled_methods}
            for p in gateway.providers()
        ],
        "providers": entries,
    }
    return render(request, "payments/store_admin/settings.html", context, status=status)


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
    return _render(request, form, may_manage=may_manage, status=status)


@require_http_methods(["POST"])
@reads
def provider_credentials(request, code: str):
    """Save one provider's credentials (the owner): empty secret fields keep the saved ones."""
    if not has_permission(request.user, MANAGE_PAYMENTS):
        return refuse(request, title=TITLE, reason=WRITE_REASON)
    try:
        provider = gateway.get(code)
    except KeyError:
        raise Http404 from None
    if not provider.credential_fields:
        raise Http404
    entries = _credential_forms(code, request.POST)
    entry = next(e for e in entries if e["provider"].code == code)
    form = entry["form"]
    if form.is_valid():
        try:
            credentials.save(code, dict(form.cleaned_data), actor=request.user)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"The {provider.name} settings are saved.")
            return redirect("payments_settings")
    current = selectors.method_settings()
    return _render(
        request,
        PaymentSettingsForm.for_settings(current),
        may_manage=True,
        entries=entries,
        status=400,
    )


@require_http_methods(["GET"])
@reads_payments
def mismatches(request):
    """Payments staff should look at: flagged by their provider (underpaid, overpaid, late,
    disputed) or captured other than due, and webhooks that named no payment."""
    rows = list(selectors.mismatches()[:200])
    for payment in rows:
        payment.difference = payment.captured_amount - payment.amount
    context = {
        "payments": rows,
        "events": list(selectors.unmatched_events()[:100]),
    }
    return render(request, "payments/store_admin/mismatches.html", context)
