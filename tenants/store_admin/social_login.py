"""Settings > Social login: the store's own OAuth clients (Google, Facebook), whose sign-in
buttons then show on the storefront's sign-in page (accounts.services.configure_social_login
and remove_social_login). A client's secret is write-only: no page ever shows it."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors, services
from accounts.permissions import CONFIGURE_SOCIAL_LOGIN
from accounts.services import SocialProvider
from config.api_errors import DomainError
from tenants.store_admin.access import requires_permission
from tenants.store_admin.forms import SocialLoginForm, show_domain_error

TITLE = "Social login"
REASON = "Only the store's owner configures sign-in with Google or Facebook."


def _provider_or_404(provider: str) -> SocialProvider:
    if provider not in SocialProvider.values:
        raise Http404("No such provider.")
    return SocialProvider(provider)


def _page(request, *, bound: SocialLoginForm | None = None, status: int = 200):
    """Every provider with its state and form (``bound``: the one just refused, as typed)."""
    clients = selectors.social_login_clients()
    providers = []
    for provider in SocialProvider:
        client = clients.get(provider.value)
        form = bound if bound is not None and bound.prefix == provider.value else None
        if form is None:
            initial = {"client_id": client.client_id} if client else {}
            form = SocialLoginForm(prefix=provider.value, initial=initial, configured=bool(client))
        providers.append(
            {
                "provider": provider,
                "client": client,
                "form": form,
                # What the merchant registers at the provider as the redirect URI.
                "callback_url": request.build_absolute_uri(reverse(f"{provider.value}_callback")),
            }
        )
    response = render(
        request, "tenants/store_admin/social_login.html", {"providers": providers}, status=status
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@requires_permission(CONFIGURE_SOCIAL_LOGIN, title=TITLE, reason=REASON)
def social_login(request):
    return _page(request)


@require_POST
@requires_permission(CONFIGURE_SOCIAL_LOGIN, title=TITLE, reason=REASON)
def configure(request, provider: str):
    provider = _provider_or_404(provider)
    configured = provider.value in selectors.social_login_clients()
    form = SocialLoginForm(request.POST, prefix=provider.value, configured=configured)
    if form.is_valid():
        try:
            services.configure_social_login(
                provider=provider,
                client_id=form.cleaned_data["client_id"],
                secret=form.cleaned_data["secret"],
                by=request.user,
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(
                request, f"Sign-in with {provider.label} is on: shoppers see its button."
            )
            return redirect("store_social_login")
    if form["secret"].value():
        # What was typed is kept, except the secret, which no page sends back.
        form["secret"].help_text = "Type the secret again: it is never sent back."
    return _page(request, bound=form, status=400)


@require_POST
@requires_permission(CONFIGURE_SOCIAL_LOGIN, title=TITLE, reason=REASON)
def remove(request, provider: str):
    provider = _provider_or_404(provider)
    services.remove_social_login(provider=provider, by=request.user)
    messages.success(request, f"Sign-in with {provider.label} is off: its button is gone.")
    return redirect("store_social_login")
