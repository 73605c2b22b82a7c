"""``/cart/restore/<signed>/``: the link of a cart reminder, which brings the cart back.

* An account's cart: for its owner, signed in, it is their cart already (on to ``/cart/``);
  nobody signed in is asked to sign in first (then comes back here); another signed-in person
  is refused (403) and the cart is left as it is.
* An anonymous cart: this browser's cart from now on (its cookie), or merged into the signed-in
  shopper's cart as at sign-in.
* A link past its age is refused (410) with a way on; a tampered link, another store's, or one
  naming a cart that is gone, 404; a cart that was ordered or expired meanwhile, 410.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cart import abandonment, identify, services
from cart.models import Cart
from pricing import buyer_for

REFUSED_TEMPLATE = "cart/restore_refused.html"
CART_PAGE = "/cart/"


def _refuse(request, *, status: int, title: str, reason: str):
    context = {"title": title, "reason": reason}
    response = render(request, REFUSED_TEMPLATE, context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_GET
def restore_cart(request, signed: str):
    try:
        cart = abandonment.cart_of_restore_link(signed)
    except abandonment.LinkExpired:
        return _refuse(
            request,
            status=410,
            title="This link has expired",
            reason="Links in cart reminders work for "
            f"{abandonment.RESTORE_LINK_MAX_AGE.days} days. Sign in to find your cart.",
        )
    except abandonment.LinkInvalid:
        cart = None
    if cart is None or cart.api_key_id is not None:
        return _refuse(
            request,
            status=404,
            title="Cart not found",
            reason="This link does not name a cart of this store.",
        )
    if cart.status != Cart.Status.OPEN:
        return _refuse(
            request,
            status=410,
            title="This cart is no longer available",
            reason="It was ordered or has expired since the reminder was sent.",
        )
    user = request.user
    if cart.user_id is not None:
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.pk != cart.user_id:
            return _refuse(
                request,
                status=403,
                title="This cart is someone else's",
                reason="You are signed in with another account than the one this cart "
                "belongs to. Sign out, then open the link again.",
            )
        return redirect(CART_PAGE)
    if user.is_authenticated:
        target = services.open_cart_for_user(user=user)
        notices = services.merge_carts(source=cart, target=target, buyer=buyer_for(user=user))
        for notice in notices:
            messages.warning(request, notice.message)
        return redirect(CART_PAGE)
    response = redirect(CART_PAGE)
    identify.remember_cart(response, cart)
    return response
