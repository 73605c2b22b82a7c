"""URLs of a store, at <slug>.<PLATFORM_DOMAIN> (the store's own schema)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts.views import StaffSignInRedirect
from cart import restore as cart_restore
from config import site_files
from config.api_error_pages import api_not_found
from storefront_cms import sitemap

handler400 = "config.api_error_pages.bad_request"
handler403 = "config.api_error_pages.permission_denied"
handler404 = "config.api_error_pages.page_not_found"
handler500 = "config.api_error_pages.server_error"

urlpatterns = [
    path("favicon.ico", site_files.favicon, name="favicon"),
    path("robots.txt", site_files.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap.sitemap_index, name="sitemap"),
    path("sitemap-<str:section>-<int:number>.xml", sitemap.sitemap_section, name="sitemap-section"),
    # Staff sign in through allauth's page (email, password, then the TOTP code of a two-factor
    # store), never through Wagtail's or Django's own password-only forms, as on the platform host.
    path("admin/login/", StaffSignInRedirect.as_view(), name="store-admin-login"),
    path(
        "django-admin/login/",
        StaffSignInRedirect.as_view(admin_home="/django-admin/"),
        name="store-django-admin-login",
    ),
    # Staff are managed on the Settings menu's Staff screen, through the staff services (roles,
    # invitations, the owner kept); Wagtail's own user and group editors would write the rows
    # directly, so their addresses lead there.
    re_path(r"^admin/(?:users|groups)/", RedirectView.as_view(pattern_name="store_staff")),
    path("admin/", include(wagtailadmin_urls)),
    # For the platform's staff and debugging only: no store admin screen links here.
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("accounts.allauth_urls")),
    path("account/wishlists/", include("wishlists.urls")),
    path("account/company/", include("b2b.bulk.urls")),
    path("wishlists/", include("wishlists.shared_urls")),
    path("account/company/approvals/", include("b2b.purchasing.urls")),
    path("account/company/invoices/", include("b2b.invoicing_urls")),
    path("account/company/quotes/", include("b2b.quotes_urls")),
    path("account/company/", include("b2b.companies.urls")),
    path("account/", include("accounts.urls")),
    path("cart/restore/<str:signed>/", cart_restore.restore_cart, name="cart-restore"),
    path("checkout/", include("checkout.urls")),
    path("payments/", include("payments.urls")),
    path("api/v1/catalog/", include("catalog.api.urls_io")),
    path("api/v1/", include("accounts.api.urls")),
    path("api/v1/", include("tenants.api.store_urls")),
    path("api/v1/", include("catalog.api.urls")),
    path("api/v1/", include("search.api.urls")),
    path("api/v1/", include("cart.api.urls")),
    path("api/v1/", include("orders.api.staff_urls")),
    path("api/v1/", include("taxes.api.urls")),
    path("api/v1/", include("shipping.api.urls")),
    path("api/v1/", include("wishlists.api.urls")),
    path("api/v1/", include("checkout.api.urls")),
    path("api/v1/", include("payments.api.urls")),
    path("api/v1/", include("orders.api.urls")),
    path("api/v1/b2b/", include("b2b.api.urls")),
    path(
        "api/schema/", SpectacularAPIView.as_view(urlconf="config.urls_tenant"), name="api-schema"
    ),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Any other /api/ path (an id the route's pattern refuses included) is a JSON 404, never a
    # storefront page (nor, for a POST, the storefront's CSRF refusal).
    re_path(r"^api/", api_not_found),
]

if not settings.AWS_STORAGE_BUCKET_NAME:
    # Files on local disk (development, small installs); with S3 the bucket's CDN serves them.
    from tenants.views import serve_store_media

    urlpatterns += [path("media/<str:schema>/<path:path>", serve_store_media)]

# The storefront's cart pages (never in the page cache: they are the shopper's own).
urlpatterns += [path("cart/", include("storefront_cms.cart_urls"))]

# Storefront pages come last: Wagtail serves every path no other route claimed.
urlpatterns += [path("", include(wagtail_urls))]
