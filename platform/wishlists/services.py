"""Writes of the wishlists: one function per use case, each in one transaction.

The rows a change counts or depends on are locked first (the owner's row when lists are
created, the list's row when its items change), so limits hold under concurrent requests.
"""

import secrets

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Product, ProductVariant
from pricing import Buyer, Channel, price_for
from wishlists.errors import WishlistError, WishlistLimitReached
from wishlists.models import (
    DEFAULT_LIST_NAME,
    MAX_ITEMS_PER_LIST,
    MAX_LISTS_PER_ACCOUNT,
    NAME_MAX_LENGTH,
    Wishlist,
    WishlistEmail,
    WishlistItem,
)
from wishlists.selectors import variant_is_available

# secrets.token_urlsafe(32): 43 characters, 256 bits.
SHARE_TOKEN_BYTES = 32


def _clean_name(name) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise WishlistError("Name the list.", fields={"name": ["This field may not be blank."]})
    if len(name) > NAME_MAX_LENGTH:
        raise WishlistError(
            "The name is too long.",
            fields={"name": [f"Ensure this field has no more than {NAME_MAX_LENGTH} characters."]},
        )
    return name


def _check_name_free(*, user, name: str, exclude_pk=None) -> None:
    taken = Wishlist.objects.filter(user=user, name__iexact=name).exclude(pk=exclude_pk)
    if taken.exists():
        raise WishlistError(
            "You already have a list of that name.",
            fields={"name": ["You already have a list of that name."]},
        )


def _lock_owner(user) -> None:
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def _check_list_limit(user) -> None:
    if Wishlist.objects.filter(user=user).count() >= MAX_LISTS_PER_ACCOUNT:
        raise WishlistLimitReached(
            f"You can keep at most {MAX_LISTS_PER_ACCOUNT} lists.",
            fields={"name": [f"You can keep at most {MAX_LISTS_PER_ACCOUNT} lists."]},
        )


def default_wishlist(*, user) -> Wishlist:
    """The account's default list, created on first use (one per account, also when two
    requests ask at once: the owner's row is locked and a constraint backs it)."""
    existing = Wishlist.objects.filter(user=user, is_default=True).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        _lock_owner(user)
        existing = Wishlist.objects.filter(user=user, is_default=True).first()
        if existing is not None:
            return existing
        _check_list_limit(user)
        name = DEFAULT_LIST_NAME
        if Wishlist.objects.filter(user=user, name__iexact=name).exists():
            name = f"{DEFAULT_LIST_NAME} ({timezone.now():%Y-%m-%d %H:%M:%S})"
        return Wishlist.objects.create(user=user, name=name, is_default=True)


def create_wishlist(*, user, name: str) -> Wishlist:
    """A new named list of ``user`` (names are unique per account, case aside; at most
    MAX_LISTS_PER_ACCOUNT lists). The account's first list becomes its default."""
    name = _clean_name(name)
    with transaction.atomic():
        _lock_owner(user)
        _check_list_limit(user)
        _check_name_free(user=user, name=name)
        has_default = Wishlist.objects.filter(user=user, is_default=True).exists()
        return Wishlist.objects.create(user=user, name=name, is_default=not has_default)


def rename_wishlist(*, wishlist: Wishlist, name: str) -> Wishlist:
    """Give ``wishlist`` a new name (unique among its owner's lists)."""
    name = _clean_name(name)
    with transaction.atomic():
        _lock_owner(wishlist.user)
        _check_name_free(user=wishlist.user, name=name, exclude_pk=wishlist.pk)
        wishlist.name = name
        wishlist.save(update_fields=["name", "updated_at"])
    return wishlist


def delete_wishlist(*, wishlist: Wishlist) -> None:
    """Delete a list and its items (its share link dies with it). Deleting the default list
    is allowed: a new one is created on next use."""
    with transaction.atomic():
        Wishlist.objects.filter(pk=wishlist.pk).delete()


def erase_wishlists(*, user) -> None:
    """Delete every list of ``user`` (their share links die with them) and the record of the
    alerts sent to them: called when the person's account is erased."""
    with transaction.atomic():
        Wishlist.objects.filter(user=user).delete()
        WishlistEmail.objects.filter(user=user).delete()


def _lock_list(wishlist: Wishlist) -> Wishlist:
    return Wishlist.objects.select_for_update().get(pk=wishlist.pk)


def _unknown_variant() -> WishlistError:
    return WishlistError(
        "This product is not available.", fields={"variant": ["This product is not available."]}
    )


def _variant_for(variant_id, channel: Channel) -> ProductVariant:
    try:
        variant_id = int(variant_id)
    except (TypeError, ValueError):
        raise _unknown_variant() from None
    if not 0 < variant_id < 2**63:
        raise _unknown_variant()
    variant = (
        ProductVariant.objects.select_related("product")
        .filter(pk=variant_id, product__status=Product.Status.ACTIVE)
        .filter(
            **{"product__visible_b2b" if channel == Channel.B2B else "product__visible_b2c": True}
        )
        .first()
    )
    if variant is None:
        raise _unknown_variant()
    return variant


def add_item(*, wishlist: Wishlist, variant_id: int, buyer: Buyer) -> tuple[WishlistItem, bool]:
    """Save a variant in ``wishlist`` at today's price for ``buyer``; returns (item, created).

    Adding what the list holds already changes nothing. Refuses a variant the buyer cannot see
    (unknown, inactive, another channel's) and a list at MAX_ITEMS_PER_LIST items.
    """
    variant = _variant_for(variant_id, buyer.channel)
    with transaction.atomic():
        _lock_list(wishlist)
        existing = WishlistItem.objects.filter(wishlist=wishlist, variant=variant).first()
        if existing is not None:
            return existing, False
        if WishlistItem.objects.filter(wishlist=wishlist).count() >= MAX_ITEMS_PER_LIST:
            message = f"A list holds at most {MAX_ITEMS_PER_LIST} items."
            raise WishlistLimitReached(message, fields={"variant": [message]})
        item = WishlistItem.objects.create(
            wishlist=wishlist,
            variant=variant,
            price_when_added=price_for(variant, buyer).amount,
            was_available=variant_is_available(variant),
        )
        Wishlist.objects.filter(pk=wishlist.pk).update(updated_at=timezone.now())
    return item, True


def remove_item(*, wishlist: Wishlist, variant_id: int) -> bool:
    """Take a variant out of ``wishlist``; False when it was not there."""
    if not 0 < int(variant_id) < 2**63:
        return False
    with transaction.atomic():
        deleted, _ = WishlistItem.objects.filter(wishlist=wishlist, variant_id=variant_id).delete()
        if deleted:
            Wishlist.objects.filter(pk=wishlist.pk).update(updated_at=timezone.now())
    return bool(deleted)


def move_to_cart(*, wishlist: Wishlist, variant_id: int, cart, buyer: Buyer, quantity=None):
    """Put a saved variant in ``cart`` (cart.services.add_line, which applies the cart's rules
    and locks the cart) and take it out of the list, both or neither: a refusal of the cart
    (a CartError naming the field) leaves the list as it was. Returns the cart line.
    ``quantity`` defaults to the variant's minimum."""
    from cart import services as cart_services

    if not 0 < int(variant_id) < 2**63:
        variant_id = 0  # no such item
    with transaction.atomic():
        _lock_list(wishlist)
        item = (
            WishlistItem.objects.select_related("variant")
            .filter(wishlist=wishlist, variant_id=variant_id)
            .first()
        )
        if item is None:
            raise WishlistError(
                "This item is not in the list.",
                fields={"variant": ["This item is not in the list."]},
            )
        line = cart_services.add_line(
            cart=cart,
            variant_id=item.variant_id,
            quantity=quantity or item.variant.quantity_min,
            buyer=buyer,
        )
        item.delete()
        Wishlist.objects.filter(pk=wishlist.pk).update(updated_at=timezone.now())
    return line


def share_wishlist(*, wishlist: Wishlist, regenerate: bool = False) -> Wishlist:
    """Open a read-only link to the list: a new unguessable token, unless the list is shared
    already and ``regenerate`` is not asked (then the current link stays valid)."""
    with transaction.atomic():
        wishlist = _lock_list(wishlist)
        if wishlist.share_token and not regenerate:
            return wishlist
        for _ in range(3):
            token = secrets.token_urlsafe(SHARE_TOKEN_BYTES)
            try:
                with transaction.atomic():
                    wishlist.share_token = token
                    wishlist.shared_at = timezone.now()
                    wishlist.save(update_fields=["share_token", "shared_at", "updated_at"])
                return wishlist
            except IntegrityError:  # pragma: no cover - 256 random bits do not collide
                continue
        raise RuntimeError("Could not draw a unique share token.")


def revoke_share(*, wishlist: Wishlist) -> Wishlist:
    """Close the list's link: its token answers 404 from now on (a new share draws a new one)."""
    with transaction.atomic():
        wishlist = _lock_list(wishlist)
        wishlist.share_token = None
        wishlist.shared_at = None
        wishlist.save(update_fields=["share_token", "shared_at", "updated_at"])
    return wishlist


def set_notifications(
    *, wishlist: Wishlist, price_drop: bool | None = None, back_in_stock: bool | None = None
) -> Wishlist:
    """Opt the list in or out of price-drop and back-in-stock emails (None leaves as is)."""
    fields = []
    if price_drop is not None:
        wishlist.notify_price_drop = bool(price_drop)
        fields.append("notify_price_drop")
    if back_in_stock is not None:
        wishlist.notify_back_in_stock = bool(back_in_stock)
        fields.append("notify_back_in_stock")
    if fields:
        with transaction.atomic():
            wishlist.save(update_fields=[*fields, "updated_at"])
    return wishlist
