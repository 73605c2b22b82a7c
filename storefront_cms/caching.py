"""Whole-page cache of the storefront for anonymous shoppers.

Storefront pages (every page Wagtail serves: home, content pages, and the catalog's category,
product, search and brand pages) are the same for every anonymous shopper of a store, so the
first one renders a page and the next ones get it from Redis. The lookup happens in
``process_view``, once the URL is resolved and before Wagtail finds the page, so a cached page
costs a couple of Redis reads and no SQL.

A page's key names the store (the cache's key function prefixes the schema), its host, the
shopper's channel, the path and the query string (tracking parameters left out), the
catalog's version (catalog.catalog_version: every committed catalog change bumps it) and the
storefront content's version (bumped here when a page is published, unpublished, moved or
deleted, a storefront setting changes, a search synonym, or the search's documents once the
indexing task has rewritten them: ``search.events.search_documents_changed``; the catalog's
version is bumped when the catalog commits, before the documents follow, so a listing rendered
in between would otherwise keep its stale results). A change therefore makes every cached page
of that store unreachable at once; nothing is deleted key by key.

Never cached: pages for a request with a session holding anything (a signed-in shopper, a
message to show), with a messages cookie or a cart cookie (the header's mini-cart shows that
cart: storefront_cms.cart_views.mini_cart reads a cart only for such a request), pages that
use a CSRF token or set a cookie, and anything but a GET answered 200. Those pages are
marked ``private`` and vary on the cookie, so no shared cache keeps them either.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.views import serve as wagtail_serve

from cart.identify import COOKIE_NAME as CART_COOKIE
from catalog.catalog_version import catalog_version
from pricing import Channel

CONTENT_VERSION_KEY = "storefront:content-version"
HEADER = "X-Storefront-Cache"
# Parameters that only say where a visitor came from: they never change a page.
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMETERS = frozenset({"gclid", "fbclid", "msclkid", "dclid", "yclid", "mc_cid"})
MESSAGES_COOKIE = "messages"
# Besides the storefront's own models: Wagtail's sites and pages (titles, slugs, menus), and
# the search's synonyms (what a search page finds).
STOREFRONT_MODELS = frozenset({"wagtailcore.site", "wagtailcore.page", "search.synonym"})


def content_version() -> str:
    """The version of the store's storefront content (pages, menus, theme)."""
    value = cache.get(CONTENT_VERSION_KEY)
    if value is None:
        value = uuid.uuid4().hex[:16]
        cache.add(CONTENT_VERSION_KEY, value, timeout=None)
        value = cache.get(CONTENT_VERSION_KEY) or value
    return value


def bump_content_version() -> None:
    cache.set(CONTENT_VERSION_KEY, uuid.uuid4().hex[:16], timeout=None)


def bump_content_after_commit(**kwargs) -> None:
    """Signal receiver: a storefront page or setting changed (in the current store).

    Bumped at once, so that whoever made the change sees it on their next view, and again
    after commit, so that a page rendered from the old rows in between is not kept."""
    bump_content_version()
    transaction.on_commit(bump_content_version)


def versioned_key(name: str) -> str:
    """``name`` under the current versions of the store's catalog and content: a key that a
    committed change of either makes unreachable."""
    return f"storefront:{catalog_version()[0]}:{content_version()}:{name}"


def page_key(request, channel: Channel) -> str:
    params = sorted(
        (name, value)
        for name, values in request.GET.lists()
        if name not in TRACKING_PARAMETERS and not name.startswith(TRACKING_PREFIXES)
        for value in values
    )
    address = f"{request.scheme}://{request.get_host()}{request.path}?{params!r}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return versioned_key(f"page:{channel}:{digest}")


def is_personal(request) -> bool:
    """Whether this request may see something of its own: a session holding anything (a
    signed-in person, a message), a pending message in a cookie, or a cart (its cookie)."""
    if MESSAGES_COOKIE in request.COOKIES or CART_COOKIE in request.COOKIES:
        return True
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return bool(dict(request.session.items()))


class StorefrontCacheMiddleware:
    """Serves and stores anonymous storefront pages; see the module's docstring. Goes last in
    MIDDLEWARE, so that the lookup runs right after URL resolution."""

    def __init__(self, get_response):
        self.get_response = get_response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not wagtail_serve:
            return None
        if is_personal(request):
            request.storefront_cache = "bypass"
            return None
        if request.method != "GET" or not settings.STOREFRONT_PAGE_CACHE_SECONDS:
            return None
        key = page_key(request, Channel.B2C)  # anonymous shoppers are on B2C
        cached = cache.get(key)
        if cached is not None:
            request.storefront_cache = "hit"
            content_type, content = cached
            return HttpResponse(content, content_type=content_type)
        request.storefront_cache = "miss"
        request.storefront_cache_key = key
        return None

    def __call__(self, request):
        response = self.get_response(request)
        state = getattr(request, "storefront_cache", None)
        if state is None:
            return response
        patch_vary_headers(response, ("Cookie",))
        if state == "bypass":
            patch_cache_control(response, private=True, no_cache=True)
        else:
            # Shared caches may keep an anonymous page, but must ask again each time: a
            # catalog change is seen at once.
            patch_cache_control(response, max_age=0, must_revalidate=True)
        if state == "miss" and _storable(request, response):
            cache.set(
                request.storefront_cache_key,
                (response["Content-Type"], response.content),
                settings.STOREFRONT_PAGE_CACHE_SECONDS,
            )
        elif state == "miss":
            state = "uncacheable"
        response[HEADER] = state
        return response


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def connect_signals() -> None:
    """Bump the content version when what storefront pages show changes (called once, from
    the app's ``ready``)."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    from search.events import search_documents_changed

    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(bump_content_after_commit, dispatch_uid=f"storefront-cache-{id(signal)}")
    for signal in (post_save, post_delete):
        signal.connect(_on_model_change, dispatch_uid=f"storefront-cache-model-{id(signal)}")
    # Sent after commit, in the store's schema: listings (category, brand, search pages) read
    # the search's documents.
    search_documents_changed.connect(
        _on_search_documents_change, dispatch_uid="storefront-cache-search-documents"
    )


def _on_search_documents_change(sender, **kwargs) -> None:
    bump_content_version()


def _on_model_change(sender, **kwargs) -> None:
    label = sender._meta.label_lower
    if sender._meta.app_label == "storefront_cms" or label in STOREFRONT_MODELS:
        bump_content_after_commit()
