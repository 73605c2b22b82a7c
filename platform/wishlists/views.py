"""Storefront pages of the wishlists: the account's lists under /account/wishlists/, the
"Add to wishlist" button's target, and the shared-list page (read-only, noindex).

Every write is a POST with the CSRF token and goes through wishlists.services; each page reads
through wishlists.selectors in a constant number of queries.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.models import ProductVariant
from config.api_errors import DomainError
from pricing import buyer_for
from wishlists import selectors, services
from wishlists.forms import NotificationsForm, WishlistNameForm
from wishlists.models import MAX_LISTS_PER_ACCOUNT


def _own_list(request, pk):
    wishlist = selectors.wishlist_of(user=request.user, pk=pk)
    if wishlist is None:
        raise Http404
    return wishlist


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _refusal(request, error: DomainError) -> None:
    for field_messages in error.fields.values():
        for message in field_messages:
            messages.error(request, message)
    if not error.fields:
        messages.error(request, error.message)


@login_required
@require_GET
def wishlist_index(request):
    context = {
        "wishlists": selectors.wishlist_list(user=request.user),
        "form": WishlistNameForm(),
        "max_lists": MAX_LISTS_PER_ACCOUNT,
    }
    return render(request, "wishlists/index.html", context)


@login_required
@require_POST
def wishlist_create(request):
    form = WishlistNameForm(request.POST)
    if form.is_valid():
        try:
            wishlist = services.create_wishlist(user=request.user, name=form.cleaned_data["name"])
        except DomainError as error:
            _refusal(request, error)
        else:
            messages.success(request, f"Your list “{wishlist.name}” was created.")
            return redirect("wishlist-detail", pk=wishlist.pk)
    else:
        messages.error(request, "Name the list (at most 100 characters).")
    return redirect("wishlist-index")


@login_required
@require_GET
def wishlist_detail(request, pk: int):
    wishlist = _own_list(request, pk)
    items = selectors.item_views(wishlist, buyer=buyer_for(user=request.user))
    share_url = (
        request.build_absolute_uri(reverse("wishlist-shared", args=[wishlist.share_token]))
        if wishlist.share_token
        else None
    )
    context = {
        "wishlist": wishlist,
        "items": items,
        "share_url": share_url,
        "rename_form": WishlistNameForm(initial={"name": wishlist.name}),
        "notifications_form": NotificationsForm(
            initial={
                "notify_price_drop": wishlist.notify_price_drop,
                "notify_back_in_stock": wishlist.notify_back_in_stock,
            }
        ),
    }
    return render(request, "wishlists/detail.html", context)


@login_required
@require_POST
def wishlist_rename(request, pk: int):
    wishlist = _own_list(request, pk)
    form = WishlistNameForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Name the list (at most 100 characters).")
    else:
        try:
            services.rename_wishlist(wishlist=wishlist, name=form.cleaned_data["name"])
        except DomainError as error:
            _refusal(request, error)
        else:
            messages.success(request, "The list was renamed.")
    return redirect("wishlist-detail", pk=wishlist.pk)


@login_required
@require_POST
def wishlist_delete(request, pk: int):
    wishlist = _own_list(request, pk)
    services.delete_wishlist(wishlist=wishlist)
    messages.success(request, f"The list “{wishlist.name}” was deleted.")
    return redirect("wishlist-index")


@login_required
@require_POST
def wishlist_notifications(request, pk: int):
    wishlist = _own_list(request, pk)
    form = NotificationsForm(request.POST)
    form.is_valid()  # two checkboxes: always valid
    services.set_notifications(
        wishlist=wishlist,
        price_drop=form.cleaned_data["notify_price_drop"],
        back_in_stock=form.cleaned_data["notify_back_in_stock"],
    )
    messages.success(request, "Your email alerts for this list were saved.")
    return redirect("wishlist-detail", pk=wishlist.pk)


@login_required
@require_POST
def wishlist_share(request, pk: int):
    wishlist = _own_list(request, pk)
    regenerate = request.POST.get("regenerate") == "1"
    services.share_wishlist(wishlist=wishlist, regenerate=regenerate)
    messages.success(
        request,
        "A new link was made; the old one no longer works."
        if regenerate
        else "Anyone with the link can now see this list.",
    )
    return redirect("wishlist-detail", pk=wishlist.pk)


@login_required
@require_POST
def wishlist_unshare(request, pk: int):
    wishlist = _own_list(request, pk)
    services.revoke_share(wishlist=wishlist)
    messages.success(request, "The list is private again: its link no longer works.")
    return redirect("wishlist-detail", pk=wishlist.pk)


@login_required
@require_POST
def wishlist_item_remove(request, pk: int, variant_id: int):
    wishlist = _own_list(request, pk)
    if services.remove_item(wishlist=wishlist, variant_id=variant_id):
        messages.success(request, "The item was removed from the list.")
    return redirect("wishlist-detail", pk=wishlist.pk)


@login_required
@require_POST
def wishlist_item_move(request, pk: int, variant_id: int):
    from cart.identify import cart_for_request, remember_cart

    wishlist = _own_list(request, pk)
    cart = cart_for_request(request, create=True)
    try:
        services.move_to_cart(
            wishlist=wishlist,
            variant_id=variant_id,
            cart=cart,
            buyer=buyer_for(user=request.user),
        )
    except DomainError as error:
        _refusal(request, error)
    else:
        messages.success(request, "The item was moved to your cart.")
    response = redirect("wishlist-detail", pk=wishlist.pk)
    remember_cart(response, cart)
    return response


def _variant_by_sku(sku: str) -> ProductVariant | None:
    if not sku or len(sku) > 64:
        return None
    return ProductVariant.objects.select_related("product").filter(sku=sku).first()


@login_required
@require_http_methods(["GET", "POST"])
def wishlist_add(request):
    """The "Add to wishlist" button's target. A signed-in shopper's button POSTs here; an
    anonymous shopper's (the product page is cached for everyone) GETs it, signs in, and comes
    back to this page to confirm."""
    sku = (request.POST.get("sku") if request.method == "POST" else request.GET.get("sku")) or ""
    variant = _variant_by_sku(sku.strip())
    if variant is None:
        raise Http404
    back = _safe_next(request, f"/p/{variant.product.slug}/")
    lists = selectors.wishlist_list(user=request.user)
    if request.method == "GET":
        context = {"variant": variant, "wishlists": lists, "next": back}
        return render(request, "wishlists/add.html", context)
    buyer = buyer_for(user=request.user)
    try:
        wishlist = _chosen_list(request)
        _, created = services.add_item(wishlist=wishlist, variant_id=variant.pk, buyer=buyer)
    except DomainError as error:
        _refusal(request, error)
    else:
        if created:
            messages.success(request, f"{variant.product.name} was saved to “{wishlist.name}”.")
        else:
            messages.info(request, f"{variant.product.name} is already on “{wishlist.name}”.")
    return redirect(back)


def _chosen_list(request):
    chosen = request.POST.get("wishlist")
    if chosen:
        return _own_list(request, chosen)
    return services.default_wishlist(user=request.user)


@require_GET
def shared_wishlist(request, token: str):
    """A shared list, read-only, for anyone with the link; 404 once its owner revokes it."""
    wishlist = selectors.shared_wishlist(token=token)
    if wishlist is None:
        raise Http404
    items = selectors.item_views(wishlist, buyer=buyer_for(user=request.user))
    response = render(request, "wishlists/shared.html", {"wishlist": wishlist, "items": items})
    response["X-Robots-Tag"] = "noindex"
    return response
