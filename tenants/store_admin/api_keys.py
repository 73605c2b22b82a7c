"""Settings > API keys: the store's own integration keys (not companies' keys). A new key's
secret is shown once, in the answer to its creation, and never again."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.models import ApiKey
from accounts.permissions import ADD_API_KEYS, REVOKE_API_KEYS
from tenants.store_admin.access import requires_permission
from tenants.store_admin.forms import ApiKeyForm

TITLE = "API keys"
REASON = "Only the store's owner manages its API keys."


def _page(request, *, form: ApiKeyForm, issued=None, status: int = 200):
    response = render(
        request,
        "tenants/store_admin/api_keys.html",
        {"keys": selectors.api_key_list(company=None), "form": form, "issued": issued},
        status=status,
    )
    if issued is not None:
        # The secret is in this answer only: no cache (browser's or proxy's) keeps it.
        response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@requires_permission(ADD_API_KEYS, title=TITLE, reason=REASON)
def api_keys(request):
    """The keys, and the creation form; a created key's secret is shown on this answer."""
    if request.method != "POST":
        return _page(request, form=ApiKeyForm())
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    issued = services.create_api_key(
        name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"], created_by=request.user
    )
    return _page(request, form=ApiKeyForm(), issued=issued, status=201)


@require_POST
@requires_permission(REVOKE_API_KEYS, title=TITLE, reason=REASON)
def revoke(request, pk: int):
    api_key = ApiKey.objects.filter(pk=pk, company=None).first()
    if api_key is None:
        raise Http404("No such key.")
    services.revoke_api_key(api_key=api_key)
    messages.success(request, f"The key “{api_key.name}” is revoked: it no longer works.")
    return redirect("store_api_keys")
