"""``store``, ``theme`` and ``menus`` for every template of a store's host (contract 2)."""

from django.utils.functional import SimpleLazyObject
from django_tenants.utils import get_public_schema_name

from config.api_error_pages import is_api_request


def storefront(request) -> dict:
    """Lazy: a template that never shows the shell (the admin, an email) reads nothing, and
    one that does reads it once, from the cache (storefront_cms.shell). Nothing at all on the
    platform's host or under /api/."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name() or is_api_request(request):
        return {}

    def shell():
        from storefront_cms.shell import storefront_shell

        if not hasattr(request, "_storefront_shell"):
            request._storefront_shell = storefront_shell(request)
        return request._storefront_shell

    return {
        "store": tenant,
        "theme": SimpleLazyObject(lambda: shell().theme),
        "menus": SimpleLazyObject(lambda: shell().menus),
        "store_name": SimpleLazyObject(lambda: shell().store_name),
        "is_storefront": True,
        "mini_cart": SimpleLazyObject(lambda: _mini_cart(request)),
    }


def _mini_cart(request):
    from storefront_cms.cart_views import mini_cart

    return mini_cart(request)
