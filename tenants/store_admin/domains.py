"""Settings > Domains: the store's platform address and its custom domains (tenants.domains:
claim, verify by DNS TXT record, remove)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from config.api_errors import DomainError
from tenants import certificates, domains
from tenants.api.permissions import MANAGE_DOMAINS
from tenants.models import Domain
from tenants.store_admin.access import requires_permission
from tenants.store_admin.forms import CustomDomainForm, show_domain_error

TITLE = "Domains"
REASON = "Only the store's owner manages its domains."

# The public DNS; tests set a resolver double here (as on the API's verify view).
resolver = None


def _store_domains(request):
    return (
        Domain.objects.filter(tenant_id=request.tenant.pk)
        .select_related("certificate")
        .order_by("-is_primary", "domain")
    )


@require_http_methods(["GET", "POST"])
@requires_permission(MANAGE_DOMAINS, title=TITLE, reason=REASON)
def domain_list(request):
    form = CustomDomainForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            domain = domains.add_custom_domain(
                tenant=request.tenant,
                hostname=form.cleaned_data["domain"],
                actor_label=request.user.email,
            )
        except (DomainError, ValidationError) as error:
            show_domain_error(form, error)
        else:
            messages.success(
                request, f"{domain.domain} added: publish its TXT record, then verify it."
            )
            return redirect("store_domains")
    listed = [(domain, domains.claim_expires_at(domain)) for domain in _store_domains(request)]
    return render(
        request,
        "tenants/store_admin/domains.html",
        {"domains": listed, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def _domain_or_404(request, pk: int) -> Domain:
    domain = _store_domains(request).filter(pk=pk).select_related("tenant").first()
    if domain is None:
        raise Http404("No such domain.")
    return domain


@require_POST
@requires_permission(MANAGE_DOMAINS, title=TITLE, reason=REASON)
def verify(request, pk: int):
    domain = _domain_or_404(request, pk)
    try:
        verified = domains.verify_custom_domain(domain=domain, resolver=resolver)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("store_domains")
    if verified:
        messages.success(request, f"{domain.domain} is verified: it serves your store.")
    else:
        messages.error(
            request,
            f"The TXT record {domain.txt_record_name} was not found yet. DNS changes can take "
            "a while to show: try again in a few minutes.",
        )
    return redirect("store_domains")


@require_POST
@requires_permission(MANAGE_DOMAINS, title=TITLE, reason=REASON)
def remove(request, pk: int):
    domain = _domain_or_404(request, pk)
    try:
        domains.remove_custom_domain(domain=domain, actor_label=request.user.email)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{domain.domain} no longer serves your store.")
    return redirect("store_domains")


@require_POST
@requires_permission(MANAGE_DOMAINS, title=TITLE, reason=REASON)
def retry_certificate(request, pk: int):
    """After a failed certificate (a CAA record, the CNAME not published in time): ask again."""
    domain = _domain_or_404(request, pk)
    certificate = getattr(domain, "certificate", None)
    if certificate is None:
        raise Http404("This domain has no certificate.")
    try:
        certificates.retry_certificate(certificate=certificate)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"A new certificate is requested for {domain.domain}.")
    return redirect("store_domains")
