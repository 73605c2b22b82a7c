"""URLs of the platform itself, at the root domain (public schema)."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import allauth_urls
from config import site_files
from config.api_error_pages import api_not_found
from config.openapi import PLATFORM_SCHEMA_SETTINGS
from payments.store_admin import stripe_connect
from tenants import views as tenant_views

handler400 = "config.api_error_pages.bad_request"
handler403 = "config.api_error_pages.permission_denied"
handler404 = "config.api_error_pages.page_not_found"
handler500 = "config.api_error_pages.server_error"

urlpatterns = [
    path("", tenant_views.platform_home, name="platform-home"),
    path("favicon.ico", site_files.favicon, name="favicon"),
    path("robots.txt", site_files.robots_txt, name="robots-txt"),
    path("signup/", tenant_views.signup, name="platform-signup-page"),
    path("api/platform/", include("tenants.api.urls")),
    # Stripe Connect's one redirect URI: on to the store's admin named by the signed state.
    path(
        "payments/stripe/connect/callback/",
        stripe_connect.platform_callback,
        name="payments-stripe-connect-callback",
    ),
    # Platform admins sign in (with TOTP, always) through allauth, never through the admin's
    # own password-only form (which would leave them to sign in a second time).
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="platform-admin-login",
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include(allauth_urls.platform_urlpatterns)),
    # The platform's own API only: the store API is documented (and served) on store hosts.
    path(
        "api/schema/",
        SpectacularAPIView.as_view(
            urlconf="config.urls_public", custom_settings=PLATFORM_SCHEMA_SETTINGS
        ),
        name="api-schema",
    ),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Any other /api/ path (a store's API asked of the platform host included): a JSON 404.
    re_path(r"^api/", api_not_found),
]
