"""Pages of the platform at the root domain."""

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.static import serve

from tenants.models import Tenant


def platform_home(request: HttpRequest) -> HttpResponse:
    """The platform's landing page; lists a few live stores to visit."""
    stores = Tenant.objects.filter(status=Tenant.Status.ACTIVE).order_by("-created_at")[:12]
    return render(request, "tenants/platform_home.html", {"stores": stores})


def serve_store_media(request: HttpRequest, schema: str, path: str) -> HttpResponse:
    """Serve the current store's uploads from local disk, and only its own."""
    if schema != connection.schema_name:
        raise Http404("No such file")
    return serve(request, path, document_root=settings.MEDIA_ROOT / schema)
