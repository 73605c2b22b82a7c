"""Which cart a request is about, and the merge when a shopper signs in.

Who owns a cart, in order:

* a **company API key** (``Authorization: Api-Key``, scope ``orders:place``): the key's own
  cart, one open cart per key (so two integrations of one company never share a cart by
  accident), priced for the key's company (B2B);
* a **signed-in person** (session, or an API token): the account's one open cart, on every
  device; after logout the browser holds no cart (its cookie named an anonymous cart that was
  merged, and merged carts are never served again) and the account's cart waits for the next
  sign-in;
* an **anonymous visitor**: the cart whose token is in the signed, HttpOnly ``mercato_cart``
  cookie (storefront; SameSite=Lax, Secure when the session cookie is, 30 days, so it survives
  a browser restart) or in the ``X-Cart-Token`` header (API clients, who get the token in the
  cart's answer). Only an OPEN anonymous cart of the request's store is served: a token of
  another store, of a merged or expired cart, or not a token at all names no cart (the API
  answers 404 ``cart_not_found`` for a header, a cookie is ignored).

**Merge on sign-in.** allauth's ``user_logged_in`` (storefront sign-in, social login included)
and ``accounts.events.api_signed_in`` (``POST /api/v1/auth/login/``) merge the anonymous cart
of the request (cookie, else header) into the account's (``cart.services.merge_carts``). The
shopper is told what changed twice over, so every front end can show it once:

* as Django messages (``messages.WARNING``, one per notice, for the storefront's next page,
  which shows and consumes them);
* on the account's cart (``Cart.merge_notices``, in ``CartView.notices`` and the API's
  ``notices``) until the cart next changes.

The storefront's cookie is deleted on the sign-in response.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages

from cart import rows, services
from cart.errors import CartNotFound
from cart.models import Cart

COOKIE_NAME = "mercato_cart"
HEADER_NAME = "X-Cart-Token"
COOKIE_MAX_AGE = 30 * 24 * 3600
_COOKIE_SALT = "mercato.cart"


@dataclass(frozen=True)
class CartOwner:
    """Who a request's cart belongs to (see the module docstring), before any query: a
    company API key, a signed-in person, an anonymous cart token (``from_header``: sent as
    ``X-Cart-Token``, whose naming no cart is a 404), or nobody yet (``token`` None)."""

    api_key: object = None
    user: object = None
    token: uuid.UUID | None = None
    from_header: bool = False
    # A header that is not a UUID names no cart (a 404), which no query needs to find out.
    unreadable: bool = False

    def carts(self):
        """The open carts of this owner (at most one), as a queryset to refine (lock)."""
        carts = Cart.objects.filter(status=Cart.Status.OPEN)
        if self.api_key is not None:
            return carts.filter(api_key=self.api_key)
        if self.user is not None:
            return carts.filter(user=self.user)
        if self.token is None:
            return carts.none()
        return carts.filter(token=self.token, user__isnull=True, api_key__isnull=True)

    def lookup(self) -> tuple[str, object] | None:
        """``(kind, value)`` naming this owner's open cart for ``cart.rows.open_cart``
        (the carts of :meth:`carts`); None when no cart can be this owner's."""
        if self.api_key is not None:
            return "api_key", self.api_key.pk
        if self.user is not None:
            return "user", self.user.pk
        if self.token is None or self.unreadable:
            return None
        return "token", self.token

    @property
    def is_anonymous(self) -> bool:
        return self.api_key is None and self.user is None


def owner_of(request) -> CartOwner:
    """Whose cart ``request`` is about, read from its credentials, header and cookie (no
    query: the cart itself is found, and locked when it is changed, by ``cart.services``)."""
    api_key = _api_key(request)
    if api_key is not None:
        return CartOwner(api_key=api_key)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return CartOwner(user=user)
    header = request.headers.get(HEADER_NAME)
    if header is not None:
        token = _uuid(header)
        return CartOwner(token=token, from_header=True, unreadable=token is None)
    return CartOwner(token=_uuid(_cookie_token(request)))


def cart_for_request(request, *, create: bool = False) -> Cart | None:
    """The cart ``request`` is about (see the module docstring), created when ``create`` and
    there is none. Raises CartNotFound (404) when an ``X-Cart-Token`` header names no open cart
    of this store and no account owns the request. One query (two when it creates one)."""
    owner = owner_of(request)
    if owner.api_key is not None and create:
        return services.open_cart_for_api_key(api_key=owner.api_key)
    if owner.user is not None and create:
        return services.open_cart_for_user(user=owner.user)
    lookup = owner.lookup()
    cart = rows.open_cart(*lookup) if lookup is not None else None
    if cart is None and owner.from_header:
        raise CartNotFound("No open cart has this token at this store.")
    if cart is None and create and owner.is_anonymous:
        cart = services.create_anonymous_cart()
    return cart


def anonymous_cart(token) -> Cart | None:
    """The open anonymous cart of this store with ``token`` (a UUID string), else None."""
    value = _uuid(token)
    if value is None:
        return None
    return rows.open_cart("token", value)


def remember_cart(response, cart: Cart) -> None:
    """Set the storefront's cart cookie to ``cart`` (anonymous carts only: an account's cart
    is found by the account)."""
    if cart is None or not cart.is_anonymous:
        return
    response.set_signed_cookie(
        COOKIE_NAME,
        str(cart.token),
        salt=_COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def forget_cart(response) -> None:
    """Delete the storefront's cart cookie."""
    response.delete_cookie(COOKIE_NAME, samesite="Lax")


def merge_into_account(request, user) -> list[services.MergeNotice]:
    """Merge the request's anonymous cart (cookie, else ``X-Cart-Token``) into ``user``'s open
    cart; the notices also go to Django messages when the request has them."""
    from pricing import buyer_for

    token = _cookie_token(request) or request.headers.get(HEADER_NAME)
    source = anonymous_cart(token) if token else None
    if source is None:
        return []
    target = services.open_cart_for_user(user=user)
    notices = services.merge_carts(source=source, target=target, buyer=buyer_for(user=user))
    if hasattr(request, "_messages"):
        for notice in notices:
            messages.warning(request, notice.message)
    return notices


def connect_sign_in_receivers() -> None:
    from allauth.account.signals import user_logged_in

    from accounts.events import api_signed_in

    user_logged_in.connect(_merge_on_storefront_sign_in, dispatch_uid="cart.merge.storefront")
    api_signed_in.connect(_merge_on_api_sign_in, dispatch_uid="cart.merge.api")


def _merge_on_storefront_sign_in(sender, request, user, response=None, **kwargs) -> None:
    merge_into_account(request, user)
    if response is not None and COOKIE_NAME in request.COOKIES:
        forget_cart(response)


def _merge_on_api_sign_in(sender, request, user, **kwargs) -> None:
    merge_into_account(request, user)


def request_token(request) -> str | None:
    """The anonymous cart token ``request`` carries (``X-Cart-Token``, else the cookie),
    unchecked; None when it carries none."""
    return request.headers.get(HEADER_NAME) or _cookie_token(request)


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value).strip())
    except (TypeError, ValueError, AttributeError):
        return None


def _cookie_token(request) -> str | None:
    return request.get_signed_cookie(COOKIE_NAME, default=None, salt=_COOKIE_SALT)


def _api_key(request):
    from accounts.models import ApiKey

    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiKey) else None
