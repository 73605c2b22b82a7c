"""URLs of the platform itself, at the root domain (public schema)."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config import site_files
from tenants import views as tenant_views

urlpatterns = [
    path("", tenant_views.platform_home, name="platform-home"),
    path("favicon.ico", site_files.favicon, name="favicon"),
    path("robots.txt", site_files.robots_txt, name="robots-txt"),
    path("signup/", tenant_views.signup, name="platform-signup-page"),
    path("api/platform/", include("tenants.api.urls")),
    path("admin/", admin.site.urls),
    # Platform admins sign in (with TOTP, always) through allauth.
    path("accounts/", include("allauth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
