"""What the store admin is titled with: the store's name and, once the storefront theme has
one, its logo (never Wagtail's or the platform's)."""

from dataclasses import dataclass

from django.apps import apps
from django.db import connection

# The platform's own name, on its host (public schema) and wherever no store is being served.
PLATFORM_NAME = "Mercato"


@dataclass(frozen=True)
class StoreBranding:
    name: str
    logo_url: str = ""

    @property
    def monogram(self) -> str:
        """The name's first letter, shown where a logo would be when the store has none."""
        return (self.name.strip()[:1] or "?").upper()


def served_store_name() -> str:
    """The name of the store whose schema the connection is in (its request's, its task's)."""
    store = connection.tenant
    if connection.schema_name == "public":
        return PLATFORM_NAME
    return getattr(store, "name", "") or PLATFORM_NAME


def branding_for(request) -> StoreBranding:
    """The branding of the request's store (computed once per request)."""
    cached = getattr(request, "_store_branding", None)
    if cached is not None:
        return cached
    store = getattr(request, "tenant", None)
    if store is None or store.schema_name == "public":
        branding = StoreBranding(name=PLATFORM_NAME)
    else:
        branding = StoreBranding(name=store.name, logo_url=_theme_logo_url(request))
    request._store_branding = branding
    return branding


# The rendition the admin shows: small, the sidebar's logo slot is about 40 px high.
_LOGO_RENDITION = "max-160x80"


def _theme_logo_url(request) -> str:
    """The logo of the storefront theme (storefront_cms.ThemeSettings.logo), when that setting
    exists and the merchant chose one."""
    try:
        theme_model = apps.get_model("storefront_cms", "ThemeSettings")
    except LookupError:
        return ""
    if not any(field.name == "logo" for field in theme_model._meta.get_fields()):
        return ""
    theme = theme_model.for_request(request)
    logo = getattr(theme, "logo", None)
    if logo is None:
        return ""
    return logo.get_rendition(_LOGO_RENDITION).url
