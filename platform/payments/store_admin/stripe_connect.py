"""Settings > Payments > Connect with Stripe (Stripe Connect, OAuth, standard accounts): the
store's owner connects their own Stripe account instead of pasting keys.

``connect`` (POST) sends the owner to Stripe's consent page with a ``state`` signed for this
store and person; Stripe sends them back to the platform's one redirect URI
(``platform_callback``, on the platform's host: Stripe allows a few registered URIs, not one per
store), which forwards them, by the store named in the signed ``state``, to ``connect_return``
on the store's host with the ``code`` (or an ``error``); payments.providers.stripe exchanges it
for the connected account's id, kept in the store's encrypted credentials. Owner only
(MANAGE_PAYMENTS).
"""

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import MANAGE_PAYMENTS
from payments import gateway
from payments.providers.stripe import CODE, STORE_CONNECT_RETURN, StripeNotConfigured
from tenants.store_admin.access import requires_permission

TITLE = "Connect with Stripe"
REASON = "Only the store's owner connects its Stripe account."

owner_only = requires_permission(MANAGE_PAYMENTS, title=TITLE, reason=REASON)


@require_POST
@owner_only
def connect(request):
    provider = gateway.get(CODE)
    try:
        url = provider.connect_url(user_id=request.user.pk)
    except StripeNotConfigured as error:
        messages.error(request, str(error))
        return redirect("payments_settings")
    return redirect(url)


@require_GET
@owner_only
def connect_return(request):
    if request.GET.get("error"):
        messages.warning(
            request,
            "Your Stripe account was not connected: "
            f"{request.GET.get('error_description') or request.GET['error']}.",
        )
        return redirect("payments_settings")
    try:
        account = gateway.get(CODE).finish_connect(
            code=request.GET.get("code", ""),
            state=request.GET.get("state", ""),
            user_id=request.user.pk,
            actor=request.user,
        )
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("payments_settings")
    messages.success(request, f"Your Stripe account {account} is connected.")
    return redirect("payments_settings")


@never_cache
@require_GET
def platform_callback(request):
    """Stripe's redirect, on the platform's host: on to the admin of the store the ``state``
    was signed for (its owner's session lives there). A forged or expired state: 400."""
    from tenants.models import Tenant

    schema = gateway.get(CODE).store_of_connect_state(request.GET.get("state", ""))
    store = Tenant.objects.filter(schema_name=schema).first() if schema else None
    if store is None:
        return HttpResponseBadRequest("This Stripe answer has expired or is not for a store.")
    return redirect(store.url.rstrip("/") + STORE_CONNECT_RETURN + "?" + request.GET.urlencode())
