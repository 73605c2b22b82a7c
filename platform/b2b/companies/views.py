"""The storefront's company area, /account/company/ (sessions, CSRF; works without JS).

A signed-in customer who belongs to no company sees the application form. A member sees the
overview, members, locations and API keys; only the company's admin changes them (others read
what they may, and get 403 on a change). Pages of other B2B concerns (approvals, invoices,
quotes, quick order, requisition lists) live under /account/company/<thing>/ and add a link to
the area's menu (b2b/companies/nav.html).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import permissions
from accounts import services as account_services
from accounts.models import ApiKey, CompanyMembership
from b2b.companies import selectors, services
from b2b.companies.forms import (
    AddressForm,
    ApiKeyForm,
    ApplicationForm,
    InvitationForm,
    LocationForm,
    MemberForm,
    put_errors,
)
from checkout.addresses import FIELDS as ADDRESS_FIELDS
from config.api_errors import DomainError


def _membership(request) -> CompanyMembership | None:
    return CompanyMembership.objects.select_related("company").filter(user=request.user).first()


def _member_or_404(request) -> CompanyMembership:
    membership = _membership(request)
    if membership is None:
        raise PermissionDenied("You do not belong to a company.")
    return membership


def _admin_or_403(request) -> CompanyMembership:
    membership = _member_or_404(request)
    if not permissions.has_permission(request.user, permissions.MANAGE_COMPANY):
        raise PermissionDenied("Only your company's admin changes this.")
    return membership


def _page(request, template: str, context: dict, *, status: int = 200):
    membership = context.get("membership")
    context.setdefault(
        "is_company_admin",
        membership is not None and membership.role == CompanyMembership.Role.ADMIN,
    )
    return render(request, f"b2b/companies/{template}", context, status=status)


def _address(form: AddressForm) -> dict:
    return {name: form.data.get(form.add_prefix(name), "") for name in ADDRESS_FIELDS}


@never_cache
@login_required
@require_http_methods(["GET"])
def overview(request):
    membership = _membership(request)
    if membership is None:
        return redirect("company-apply")
    company = membership.company
    context = {
        "membership": membership,
        "company": company,
        "locations": selectors.company_locations(company=company),
        "member_count": selectors.company_members(company=company).count(),
    }
    return _page(request, "overview.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def apply(request):
    if _membership(request) is not None:
        return redirect("company-overview")
    if request.user.staff_role or request.user.is_staff:
        return _page(request, "staff_cannot_apply.html", {}, status=403)
    form = ApplicationForm(request.POST or None, initial={"contact_email": request.user.email})
    store_country = getattr(request.tenant, "country", "") or ""
    billing = AddressForm(request.POST or None, prefix="billing", default_country=store_country)
    shipping = AddressForm(request.POST or None, prefix="shipping", default_country=store_country)
    context = {"form": form, "billing": billing, "shipping": shipping}
    if request.method == "GET":
        return _page(request, "apply.html", context)
    form.is_valid(), billing.is_valid(), shipping.is_valid()
    same = bool(request.POST.get("shipping_same_as_billing"))
    try:
        services.apply_for_company(
            user=request.user,
            name=request.POST.get("name", ""),
            vat_number=request.POST.get("vat_number", ""),
            country=request.POST.get("country", ""),
            billing_address=_address(billing),
            shipping_address=_address(billing if same else shipping),
            contact_name=request.POST.get("contact_name", ""),
            contact_email=request.POST.get("contact_email", ""),
            contact_phone=request.POST.get("contact_phone", ""),
        )
    except DomainError as refused:
        fields = refused.fields
        if same:  # the shipping address is the billing one: its errors are shown there once
            fields = {k: v for k, v in fields.items() if not k.startswith("shipping_address.")}
        context["errors"] = put_errors(
            fields, {"": form, "billing_address": billing, "shipping_address": shipping}
        ) or ([] if refused.fields else [refused.message])
        return _page(request, "apply.html", context, status=refused.status_code)
    messages.success(
        request, "Thank you: your application was sent. We email you once it is decided."
    )
    return redirect("company-overview")


# --- Members -------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def members(request):
    membership = _member_or_404(request)
    company = membership.company
    invitation = InvitationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        _admin_or_403(request)
        if invitation.is_valid():
            account_services.invite_to_company(
                company=company,
                invited_by=request.user,
                site_url=request.build_absolute_uri("/").rstrip("/"),
                **invitation.cleaned_data,
            )
            messages.success(
                request, f"An invitation was emailed to {invitation.cleaned_data['email']}."
            )
            return redirect("company-members")
        status = 400
    rows = [
        (member, MemberForm(prefix=f"m{member.pk}", initial={
            "role": member.role, "spending_limit": member.spending_limit or ""}))
        for member in selectors.company_members(company=company)
    ]  # fmt: skip
    context = {
        "membership": membership,
        "company": company,
        "rows": rows,
        "invitation": invitation,
        "invitations": selectors.pending_invitations(company=company),
    }
    return _page(request, "members.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def member_update(request, pk: int):
    membership = _admin_or_403(request)
    member = selectors.company_members(company=membership.company).filter(pk=pk).first()
    if member is None:
        return _page(request, "not_found.html", {"membership": membership}, status=404)
    prefix = f"m{pk}"
    try:
        services.update_member(
            membership=member,
            role=request.POST.get(f"{prefix}-role", member.role),
            spending_limit=request.POST.get(f"{prefix}-spending_limit", "").strip() or None,
        )
    except DomainError as refused:
        text = "; ".join(m for ms in refused.fields.values() for m in ms) or refused.message
        messages.error(request, f"{member.user.email}: {text}")
    else:
        messages.success(request, f"{member.user.email} was updated.")
    return redirect("company-members")


@login_required
@require_http_methods(["POST"])
def member_remove(request, pk: int):
    membership = _admin_or_403(request)
    member = selectors.company_members(company=membership.company).filter(pk=pk).first()
    if member is None:
        return _page(request, "not_found.html", {"membership": membership}, status=404)
    try:
        services.remove_member(membership=member)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"{member.user.email} no longer buys for {membership.company}.")
    return redirect("company-members")


# --- Locations -----------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET"])
def locations(request):
    membership = _member_or_404(request)
    context = {
        "membership": membership,
        "company": membership.company,
        "locations": selectors.company_locations(company=membership.company),
    }
    return _page(request, "locations.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def location_edit(request, pk: int | None = None):
    membership = _admin_or_403(request)
    company = membership.company
    location = None
    if pk is not None:
        location = selectors.company_locations(company=company).filter(pk=pk).first()
        if location is None:
            return _page(request, "not_found.html", {"membership": membership}, status=404)
    data = request.POST or None
    form = LocationForm(data, initial={"name": location.name if location else ""})
    shipping = AddressForm(
        data, prefix="shipping", initial=location.shipping_address if location else {}
    )
    billing = AddressForm(
        data, prefix="billing", initial=location.billing_address if location else {}
    )
    context = {
        "membership": membership,
        "company": company,
        "location": location,
        "form": form,
        "shipping": shipping,
        "billing": billing,
    }
    if request.method == "GET":
        return _page(request, "location_form.html", context)
    form.is_valid(), shipping.is_valid(), billing.is_valid()
    try:
        services.save_location(
            company=company,
            location=location,
            name=request.POST.get("name", ""),
            shipping_address=_address(shipping),
            billing_address=_address(billing),
        )
    except DomainError as refused:
        context["errors"] = put_errors(
            refused.fields, {"": form, "shipping_address": shipping, "billing_address": billing}
        )
        return _page(request, "location_form.html", context, status=400)
    messages.success(request, "The location was saved.")
    return redirect("company-locations")


@login_required
@require_http_methods(["POST"])
def location_delete(request, pk: int):
    membership = _admin_or_403(request)
    location = selectors.company_locations(company=membership.company).filter(pk=pk).first()
    if location is None:
        return _page(request, "not_found.html", {"membership": membership}, status=404)
    services.delete_location(location=location)
    messages.success(request, f"{location.name} was removed.")
    return redirect("company-locations")


# --- API keys ------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_keys(request):
    membership = _admin_or_403(request)
    company = membership.company
    form = ApiKeyForm(request.POST or None, initial={"scopes": ApiKey.Scope.values})
    context = {"membership": membership, "company": company, "form": form}
    status = 200
    if request.method == "POST":
        form.is_valid()
        try:
            issued = services.create_company_api_key(
                company=company,
                created_by=request.user,
                name=request.POST.get("name", ""),
                scopes=request.POST.getlist("scopes"),
            )
        except DomainError as refused:
            context["errors"] = put_errors(refused.fields, {"": form}) or (
                [] if refused.fields else [refused.message]
            )
            status = refused.status_code
        else:
            # The secret is in this answer only (never stored, never in a redirect).
            context["issued"] = issued
            context["form"] = ApiKeyForm(initial={"scopes": ApiKey.Scope.values})
    context["keys"] = selectors.company_api_keys(company=company)
    return _page(request, "api_keys.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def api_key_revoke(request, pk: int):
    membership = _admin_or_403(request)
    api_key = selectors.company_api_keys(company=membership.company).filter(pk=pk).first()
    if api_key is None:
        return _page(request, "not_found.html", {"membership": membership}, status=404)
    account_services.revoke_api_key(api_key=api_key)
    messages.success(request, f"The key {api_key.name} was revoked: it no longer works.")
    return redirect("company-api-keys")
