"""The storefront's cart: "add to cart" from product pages and product cards, the cart page,
and the header's mini-cart. Every form is a plain HTML form that works without JavaScript
(POST, then a redirect with a message, or the page again with the errors beside the field, the
typed value kept, status 400); htmx enhances them (the response is a fragment swapped in place,
with the header's mini-cart swapped out of band).

URLs (config.urls_tenant, before Wagtail's pages):

* ``GET /cart/``: the cart page;
* ``POST /cart/add/`` (``sku``, optional ``quantity``: the variant's minimum when left out,
  optional ``next``: a local address to go back to);
* ``POST /cart/lines/<variant_id>/`` (``quantity``) and ``POST /cart/lines/<variant_id>/remove/``;
* ``GET /cart/mini/``: the header's mini-cart alone (never cached).

The cart itself (which one, its rules, prices and notices) is the cart app's: these views call
``cart.identify``, ``cart.services`` and ``cart.selectors`` and show what they say.

Caching: product pages and listings are kept in the anonymous page cache
(storefront_cms.caching), so they carry no CSRF token and show no cart of anyone's. A request
that holds a cart (its cookie) or a session is never served nor stored by that cache, and only
such a request reads a cart for the header (:func:`mini_cart`); a cached page therefore always
shows the empty mini-cart of a shopper without a cart, which is what its readers are.
The "add to cart" form, on cached pages, is therefore checked by its origin instead of a CSRF
token (:func:`same_origin`): a POST from another site is refused (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from cart import identify
from cart import selectors as cart_selectors
from cart import services as cart_services
from cart.errors import CartError, CartLineNotFound, CartNotFound
from pricing import buyer_for, channel_for
from storefront_cms import selectors
from storefront_cms.cart_forms import AddForm, QuantityForm
from storefront_cms.selectors import CartVariant, product_url

CART_URL = "/cart/"


# --- Forms -------------------------------------------------------------------------------------


def _cart_errors(form: forms.Form, error: CartError) -> None:
    """The cart's refusal on the form: quantity reasons beside the quantity, the rest above."""
    for name, reasons in (error.fields or {}).items():
        for reason in reasons:
            form.add_error("quantity" if name == "quantity" else None, reason)
    if not error.fields:
        form.add_error(None, error.message)


def _the_cart(request, *, create: bool = False):
    """The shopper's cart (cart.identify), None when there is none. An ``X-Cart-Token`` header
    naming no cart is the API's 404; on the storefront it is no cart."""
    try:
        return identify.cart_for_request(request, create=create)
    except CartNotFound:
        return None


# --- Mini-cart ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MiniCart:
    item_count: int = 0
    subtotal: object = None  # money.Money, None without a cart


def mini_cart(request) -> MiniCart:
    """What the header's mini-cart shows for this request. Reads a cart only for a request that
    may have one of its own (a signed-in shopper, or the cart cookie): a request without
    either may be rendered for the shared page cache, and a cart it could name otherwise (an
    API client's ``X-Cart-Token`` header) must never be baked into a page."""
    user = getattr(request, "user", None)
    if identify.COOKIE_NAME not in request.COOKIES and not (user and user.is_authenticated):
        return MiniCart()
    cart = _the_cart(request)
    if cart is None:
        return MiniCart()
    item_count, subtotal = cart_selectors.cart_summary(cart)
    return MiniCart(item_count=item_count, subtotal=subtotal)


@never_cache
@require_GET
def mini_cart_view(request):
    response = TemplateResponse(
        request, "storefront/includes/mini_cart.html", {"mini_cart": mini_cart(request)}
    )
    patch_vary_headers(response, ("Cookie",))
    return response


# --- Add to cart -------------------------------------------------------------------------------


def same_origin(request) -> bool:
    """Whether a POST comes from one of this store's own pages: its ``Origin`` header (every
    current browser sends one with a form's POST), else its ``Referer``, names this host.
    Neither header: refused."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        return False
    parts = urlsplit(source)
    return parts.scheme in {"http", "https"} and parts.netloc == request.get_host()


def _safe_next(request, value: str) -> str | None:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return None


@csrf_exempt  # on cached pages, without a CSRF token: checked by origin instead (same_origin)
@never_cache
@require_POST
def add_view(request):
    if not same_origin(request):
        return HttpResponseForbidden("This form must be sent from the store's own pages.")
    form = AddForm(request.POST)
    variant: CartVariant | None = None
    cart = None
    sku = form.cleaned_data.get("sku") if not form.is_valid() else form.cleaned_data["sku"]
    if sku:  # also when the quantity is refused: the page again shows what it was for
        variant = selectors.cart_variant(channel=channel_for(user=request.user), sku=sku)
        if variant is None:
            form.add_error(None, "This product is not available.")
    if form.is_valid():
        quantity = form.cleaned_data["quantity"] or variant.quantity_min
        try:
            # One transaction: a refused add leaves no cart behind (and sets no cookie).
            cart = cart_services.add_to_cart(
                owner=identify.owner_of(request),
                variant_id=variant.id,
                quantity=quantity,
                buyer=buyer_for(user=request.user),
            ).cart
        except CartNotFound:
            form.add_error(None, "Your cart could not be found.")
            return _add_refused(request, form, variant)
        except CartError as error:
            _cart_errors(form, error)
    if not form.is_valid():
        response = _add_refused(request, form, variant)
    else:
        summary = mini_cart(request) if cart is None else _summary(cart)
        name = _variant_name(variant)
        message = (
            f"Added {name} to your cart."
            if quantity == 1
            else f"Added {quantity} of {name} to your cart."
        )
        if request.htmx:
            response = TemplateResponse(
                request,
                "storefront/includes/cart_added.html",
                {"message": message, "mini_cart": summary, "oob": True},
            )
        else:
            messages.success(request, message)
            next_url = _safe_next(request, form.cleaned_data.get("next") or "")
            response = HttpResponseRedirect(next_url or CART_URL, status=303)
    if cart is not None:
        identify.remember_cart(response, cart)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _add_refused(request, form: AddForm, variant: CartVariant | None):
    """400: with htmx, the reasons for the form's feedback; without, a page with the form again
    (the reasons beside the quantity, what was typed kept)."""
    template = (
        "storefront/includes/cart_add_errors.html"
        if request.htmx
        else "storefront/cart_add_refused.html"
    )
    return TemplateResponse(
        request,
        template,
        {
            "form": form,
            "variant": variant,
            "variant_name": _variant_name(variant) if variant else "",
            "product_url": product_url(variant.product_slug) if variant else "/",
        },
        status=400,
    )


def _variant_name(variant: CartVariant) -> str:
    options = ", ".join(str(value) for value in variant.options.values())
    label = options or variant.name
    return f"{variant.product_name} ({label})" if label else variant.product_name


def _summary(cart) -> MiniCart:
    item_count, subtotal = cart_selectors.cart_summary(cart)
    return MiniCart(item_count=item_count, subtotal=subtotal)


# --- Cart page ---------------------------------------------------------------------------------


def checkout_url() -> str | None:
    """The checkout's first step (checkout.urls) once the store delivers somewhere (an active
    zone with an active option); None before that, when the cart page says checkout opens
    soon rather than take a shopper's address to answer "we do not deliver there"."""
    from shipping.selectors import delivery_is_set_up

    if not delivery_is_set_up():
        return None
    try:
        return reverse("checkout-start")
    except NoReverseMatch:
        return None


@never_cache
@require_GET
def cart_view(request):
    return _cart_page(request)


def _cart_page(request, *, cart=None, bound: dict | None = None, status: int = 200):
    """The cart page; ``bound`` maps a line's variant id to its submitted (invalid) form."""
    buyer = buyer_for(user=request.user)
    if cart is None:
        cart = _the_cart(request)
    view = cart_selectors.cart_view(cart, buyer) if cart is not None else None
    bound = bound or {}
    # The merge's notices come as messages on the page after signing in (cart.identify) and
    # stay on the cart until it changes: the cart page does not repeat what a message says.
    said = set() if request.htmx else {str(m) for m in messages.get_messages(request)}
    cart_notices = [notice for notice in (view.notices if view else []) if notice not in said]
    lines = [
        {
            "line": line,
            "form": bound.get(line.variant_id) or QuantityForm(initial={"quantity": line.quantity}),
        }
        for line in (view.lines if view else [])
    ]
    template = "storefront/includes/cart_contents.html" if request.htmx else "storefront/cart.html"
    response = TemplateResponse(
        request,
        template,
        {
            "cart": view,
            "cart_notices": cart_notices,
            "lines": lines,
            "mini_cart": MiniCart(view.item_count, view.subtotal) if view else MiniCart(),
            "oob": bool(request.htmx),
            "checkout_url": checkout_url(),
            "seo": None,
        },
        status=status,
    )
    patch_vary_headers(response, ("Cookie", "HX-Request"))
    return response


def _line_done(request, cart, message: str):
    if request.htmx:
        response = _cart_page(request, cart=cart)
        response.context_data["notice"] = message
        return response
    messages.success(request, message)
    return HttpResponseRedirect(CART_URL, status=303)


@never_cache
@require_POST
def update_line_view(request, variant_id: int):
    cart = _the_cart(request)
    form = QuantityForm(request.POST)
    if cart is None:
        return _no_line(request)
    if form.is_valid():
        try:
            line = cart_services.set_quantity(
                cart=cart,
                variant_id=variant_id,
                quantity=form.cleaned_data["quantity"],
                buyer=buyer_for(user=request.user),
            )
        except CartLineNotFound:
            return _no_line(request)
        except CartError as error:
            _cart_errors(form, error)
    if not form.is_valid():
        return _cart_page(request, cart=cart, bound={variant_id: form}, status=400)
    quantity = form.cleaned_data["quantity"]
    return _line_done(request, cart, f"{_line_name(line)}: quantity updated to {quantity}.")


@never_cache
@require_POST
def remove_line_view(request, variant_id: int):
    cart = _the_cart(request)
    if cart is None:
        return _no_line(request)
    try:
        cart_services.remove_line(cart=cart, variant_id=variant_id)
    except CartLineNotFound:
        return _no_line(request)
    return _line_done(request, cart, "Removed from your cart.")


def _line_name(line) -> str:
    variant = getattr(line, "variant", None)
    if variant is None:
        return "Your cart"
    return variant.product.name


def _no_line(request):
    """A line that is not in the cart (removed in another tab): the cart as it is, 404."""
    if not request.htmx:
        messages.info(request, "That item is no longer in your cart.")
    response = _cart_page(request, status=404)
    if request.htmx:
        response.context_data["notice"] = "That item is no longer in your cart."
    return response
