"""Pages of the platform at the root domain."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.static import serve

import money
from tenants import services
from tenants.api.throttles import SignupThrottle
from tenants.forms import SignupForm
from tenants.models import Tenant


def platform_home(request: HttpRequest) -> HttpResponse:
    """The platform's landing page; lists a few live stores to visit."""
    stores = (
        Tenant.objects.filter(status=Tenant.Status.ACTIVE)
        .select_related("plan")
        .order_by("-created_at")[:12]
    )
    return render(request, "tenants/platform_home.html", {"stores": stores})


def serve_store_media(request: HttpRequest, schema: str, path: str) -> HttpResponse:
    """Serve the current store's uploads from local disk, and only its own."""
    if schema != connection.schema_name:
        raise Http404("No such file")
    response = serve(request, path, document_root=settings.MEDIA_ROOT / schema)
    if path.startswith("products/renditions/"):
        # A rendition's path never points at other bytes (a new upload gets a new name).
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def signup(request: HttpRequest) -> HttpResponse:
    """The signup page: the same rules as the API (one service), with errors per field."""
    form = SignupForm(request.POST or None, initial={"plan": "free"})
    if request.method == "POST" and form.is_valid():
        if not SignupThrottle().allow_request(request, None):
            form.add_error(None, "Too many signups from your network; try again later.")
            return render(request, "tenants/signup.html", {"form": form}, status=429)
        try:
            tenant = services.sign_up_store(
                store_name=form.cleaned_data["store_name"],
                subdomain=form.cleaned_data["subdomain"],
                owner_email=form.cleaned_data["owner_email"],
                owner_password=form.cleaned_data["owner_password"],
                plan_code=form.cleaned_data["plan"].code,
                currency=form.cleaned_data["currency"] or money.DEFAULT_CURRENCY,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return render(request, "tenants/signup_done.html", {"store": tenant}, status=201)
    status = 400 if request.method == "POST" else 200
    return render(request, "tenants/signup.html", {"form": form}, status=status)
