"""Files every web host is asked for at its root: ``/favicon.ico`` and ``/robots.txt``.

Both hosts (the platform and every store) answer them, so browsers and crawlers never meet a 404
page for them. The icon itself is a static file, fingerprinted like every other in production.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django_tenants.utils import get_public_schema_name

# A store's pages are for crawlers; its admins, API and account pages are not.
_STORE_ROBOTS = """User-agent: *
Disallow: /admin/
Disallow: /django-admin/
Disallow: /api/
Disallow: /accounts/
Disallow: /account/
"""
_PLATFORM_ROBOTS = """User-agent: *
Disallow: /admin/
Disallow: /api/
Disallow: /accounts/
"""


@require_GET
@cache_control(public=True, max_age=24 * 3600)
def favicon(request: HttpRequest) -> HttpResponse:
    """Send browsers that ask the root for an icon to the (fingerprinted) static one.

    Not a permanent redirect: the fingerprint changes with the icon."""
    return HttpResponseRedirect(static("favicon.ico"))


@require_GET
@cache_control(public=True, max_age=24 * 3600)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """What crawlers may visit: a store's storefront (and where its sitemap is); the
    platform's home and signup."""
    tenant = getattr(request, "tenant", None)
    at_platform = tenant is None or tenant.schema_name == get_public_schema_name()
    body = _PLATFORM_ROBOTS if at_platform else _STORE_ROBOTS
    if not at_platform:  # the store's own sitemap, on the host the crawler asked
        body += f"\nSitemap: {request.build_absolute_uri('/sitemap.xml')}\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
