"""Writes to carts. Every change runs in one transaction with the cart's row locked
(``select_for_update``), re-reads what it checks under that lock and bumps ``version``: two
tabs or devices changing one cart at once are applied one after the other, none lost. A
refused change raises :class:`cart.errors.CartError` and leaves the cart as it was.

Prices are never taken from the caller: ``unit_price_at_add`` is ``pricing.price_for`` of the
variant for the buyer at that moment (only the "was" of a later price-changed notice).

The statements every add and every change of a line make (find and lock the cart, read its
lines with the variant, write the line with the cart's new version) are SQL written once in
``cart.rows``; the rarer changes (a merge, several lines at once) use the ORM.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

import pricing
from cart import rows, rules
from cart.errors import CartError, CartLineNotFound, CartNotFound
from cart.models import Cart, CartLine
from catalog.models import ProductVariant
from pricing import Buyer, price_for, quantity_rule_for, quantity_rules_for


@dataclass(frozen=True)
class Added:
    """What an add did: the cart (its new ``version``), its line of the variant, and all its
    lines as they now are (read under the cart's lock, for the answer: no second read)."""

    cart: Cart
    line: CartLine
    lines: list[CartLine]


@dataclass(frozen=True)
class MergeNotice:
    """What a sign-in merge changed on one line (``kept`` 0: the line was left out)."""

    variant_id: int | None
    sku: str
    product_name: str
    requested: int
    kept: int
    message: str


# --- Carts --------------------------------------------------------------------------------


def open_cart_for_user(*, user) -> Cart:
    """The account's open cart, created when it has none (two requests racing to create it
    get the same one: the partial unique constraint decides)."""
    cart = Cart.objects.filter(user=user, status=Cart.Status.OPEN).first()
    if cart is not None:
        return cart
    try:
        with transaction.atomic():
            return Cart.objects.create(user=user, email=user.email or "")
    except IntegrityError:
        return Cart.objects.get(user=user, status=Cart.Status.OPEN)


def open_cart_for_api_key(*, api_key) -> Cart:
    """A company API key's open cart (one per key), created when it has none."""
    cart = Cart.objects.filter(api_key=api_key, status=Cart.Status.OPEN).first()
    if cart is not None:
        return cart
    try:
        with transaction.atomic():
            return Cart.objects.create(api_key=api_key)
    except IntegrityError:
        return Cart.objects.get(api_key=api_key, status=Cart.Status.OPEN)


def create_anonymous_cart() -> Cart:
    """A new cart for a visitor without one; its token goes in a cookie or to the API client."""
    return Cart.objects.create()


# --- Lines --------------------------------------------------------------------------------


def add_line(*, cart: Cart, variant_id, quantity, buyer: Buyer) -> CartLine:
    """Add ``quantity`` of a variant (to its line when the cart has one).

    Refuses (CartError, cart unchanged): an unknown variant or one not sold to ``buyer``
    (``variant``); a quantity that is not a whole number from 1, or a resulting line outside
    the variant's minimum / step / maximum or beyond its stock when backorders are denied
    (``quantity``); a 251st line (``variant``).
    """
    quantity = _whole_quantity(quantity)
    with transaction.atomic():
        locked = _lock(cart)
        line, _lines = _add(locked, variant_id, quantity, buyer)
        _touch(locked, cart, buyer=buyer, line=line)
        return line


def add_to_cart(*, owner, variant_id, quantity, buyer: Buyer) -> Added:
    """Add to the cart of ``owner`` (a ``cart.identify.CartOwner``), made when it has none:
    the request's whole add in one transaction, whose first query finds and locks the cart,
    so that a refused add leaves nothing behind, not even the cart it would have made.
    Refuses as :func:`add_line` does; an ``X-Cart-Token`` naming no open cart raises
    CartNotFound (404).

    Three statements whatever the number of lines (the cart locked; its lines with the
    variant; the line written with the cart's new version), plus the commit."""
    quantity = _whole_quantity(quantity)
    with transaction.atomic():
        locked = _lock_owned(owner)
        line, lines = _add(locked, variant_id, quantity, buyer)
        _touch(locked, locked, buyer=buyer, line=line)
        return Added(locked, line, lines)


def add_lines(*, owner, lines, buyer: Buyer) -> Cart:
    """Add several variants at once (a quick order, a requisition list, a reorder) to the cart
    of ``owner`` (a ``cart.identify.CartOwner``), made when it has none: all or nothing.

    ``lines`` is ``(variant_id, quantity)`` pairs; pairs of one variant are summed. Each
    resulting line is checked as :func:`add_line` checks one (sellable to ``buyer``, whole
    quantity, minimum / step / maximum / stock with what the cart already holds, at most
    ``rules.MAX_LINES`` lines); any refusal raises CartError naming each refused SKU in
    ``fields["lines"]`` and leaves the cart as it was. One transaction under the cart's lock;
    a constant number of statements whatever the number of lines (lock, variants, the cart's
    lines, one insert, one update, touch)."""
    wanted: dict[int, int] = {}
    for variant_id, quantity in lines:
        pk = _variant_pk(variant_id)
        if pk is None:
            raise CartError("Unknown variant.", fields={"variant": ["Unknown variant."]})
        wanted[pk] = wanted.get(pk, 0) + _whole_quantity(quantity)
    if not wanted:
        raise CartError("Nothing to add.", fields={"lines": ["At least one line is required."]})
    with transaction.atomic():
        locked = _lock_owned(owner)
        variants = {
            variant.pk: variant
            for variant in ProductVariant.objects.select_related("product")
            .only(*VARIANT_FIELDS)
            .filter(pk__in=wanted)
        }
        # All the cart's lines, read under its lock: the ones of these variants, and the count.
        held = rows.cart_lines(locked.pk)
        existing = {line.variant_id: line for line in held if line.variant_id in wanted}
        refused = _refused_lines(wanted, variants, existing, buyer)
        orphans = sum(1 for line in held if line.variant_id is None)
        new_count = len([pk for pk in wanted if pk not in existing])
        if not refused and len(held) - orphans + new_count > rules.MAX_LINES:
            refused = [f"A cart holds at most {rules.MAX_LINES} lines."]
        if refused:
            raise CartError("Some lines cannot be added.", fields={"lines": refused})
        if orphans:
            CartLine.objects.filter(cart_id=locked.pk, variant__isnull=True).delete()
        prices = _unit_prices(list(variants.values()), buyer)
        now = timezone.now()
        created, changed = [], []
        for pk, quantity in wanted.items():
            variant, line = variants[pk], existing.get(pk)
            if line is None:
                created.append(
                    CartLine(
                        cart=locked,
                        variant=variant,
                        quantity=quantity,
                        unit_price_at_add=prices[pk],
                        sku_at_add=variant.sku,
                        name_at_add=variant.product.name[:200],
                    )
                )
                continue
            line.quantity += quantity
            line.unit_price_at_add = prices[pk]
            line.updated_at = now
            changed.append(line)
        CartLine.objects.bulk_create(created)
        if changed:
            CartLine.objects.bulk_update(changed, ["quantity", "unit_price_at_add", "updated_at"])
        _touch(locked, locked, buyer=buyer)
        return locked


def _refused_lines(wanted: dict, variants: dict, existing: dict, buyer: Buyer) -> list[str]:
    refused = []
    for pk, quantity in wanted.items():
        variant = variants.get(pk)
        if variant is None:
            refused.append(f"Variant {pk}: Unknown variant.")
            continue
        if not rules.is_sellable(variant, buyer):
            refused.append(f"{variant.sku}: This product is not available.")
            continue
        line = existing.get(pk)
        total = quantity + (line.quantity if line is not None else 0)
        errors = rules.quantity_errors(variant, min(total, rules.MAX_QUANTITY + 1))
        if errors:
            refused.append(f"{variant.sku}: {errors[0]}")
    return refused


def _unit_prices(variants, buyer: Buyer) -> dict[int, Decimal]:
    # Priced in bulk (constant queries) where pricing offers it (the B2B price lists).
    bulk = getattr(pricing, "prices_for", None)
    if bulk is not None:
        return {pk: price.amount for pk, price in bulk(variants, buyer).items()}
    return {variant.pk: price_for(variant, buyer).amount for variant in variants}


def set_quantity(*, cart: Cart, variant_id, quantity, buyer: Buyer) -> CartLine:
    """Set the quantity of the cart's line of a variant.

    Refuses as :func:`add_line` does (0 is refused: removing is :func:`remove_line`); a
    variant without a line in the cart raises CartLineNotFound (404).
    """
    quantity = _whole_quantity(quantity)
    pk = _variant_pk(variant_id)
    with transaction.atomic():
        locked = _lock(cart)
        line = _line_of(locked, pk) if pk else None
        if line is None:
            raise CartLineNotFound("This variant is not in the cart.")
        variant = _sellable_variant(variant_id, buyer)
        _check_quantity(variant, quantity, buyer)
        line = _priced_line(locked, line, variant, quantity, buyer)
        _touch(locked, cart, buyer=buyer, line=line)
        return line


def remove_line(*, cart: Cart, variant_id) -> None:
    """Remove the cart's line of a variant. Removing what is not there changes nothing (a
    second tab removing the same line gets the cart it wanted)."""
    pk = _variant_pk(variant_id)
    if pk is None:
        return
    with transaction.atomic():
        locked = _lock(cart)
        deleted, _ = locked.lines.filter(Q(variant_id=pk) | Q(variant__isnull=True)).delete()
        if deleted:
            _touch(locked, cart)


def clear(*, cart: Cart) -> None:
    """Remove every line of the cart."""
    with transaction.atomic():
        locked = _lock(cart)
        locked.lines.all().delete()
        _touch(locked, cart)


# --- Merge on sign-in -----------------------------------------------------------------------


def merge_carts(*, source: Cart, target: Cart, buyer: Buyer) -> list[MergeNotice]:
    """Move the lines of ``source`` (an anonymous cart) into ``target`` (the account's).

    Quantities of the same variant are summed, then the rules are applied again for ``buyer``:
    a quantity above the maximum or the stock is lowered, one off the step rounded down, a
    variant no longer sold (or past the 250th line) left out; each such change is a notice
    (returned, and kept on ``target.merge_notices`` until its next change). ``source`` ends
    MERGED. Both carts are locked, in id order; a source that is no longer open merges nothing.
    """
    if source.pk == target.pk:
        return []
    with transaction.atomic():
        first, second = sorted([source.pk, target.pk])
        locked = {c.pk: c for c in Cart.objects.select_for_update().filter(pk__in=[first, second])}
        locked_source, locked_target = locked[source.pk], locked[target.pk]
        if locked_source.status != Cart.Status.OPEN or locked_target.status != Cart.Status.OPEN:
            return []
        source_lines = list(
            locked_source.lines.select_related("variant__product").order_by("created_at", "pk")
        )
        existing = {
            line.variant_id: line for line in locked_target.lines.select_related("variant__product")
        }
        count = len(existing)
        notices: list[MergeNotice] = []
        # The buyer's quantity rules of every line at once (price lists: constant queries).
        quantity_rules = quantity_rules_for(
            [line.variant for line in source_lines if line.variant is not None], buyer
        )
        for line in source_lines:
            variant = line.variant
            name = variant.product.name if variant is not None else line.name_at_add
            sku = variant.sku if variant is not None else line.sku_at_add
            if not rules.is_sellable(variant, buyer):
                notices.append(_notice(line, sku, name, line.quantity, 0, "is no longer available"))
                continue
            target_line = existing.get(variant.pk)
            if target_line is None and count >= rules.MAX_LINES:
                notices.append(
                    _notice(line, sku, name, line.quantity, 0, "did not fit: the cart is full")
                )
                continue
            requested = line.quantity + (target_line.quantity if target_line else 0)
            kept = rules.clamp(
                variant, min(requested, rules.MAX_QUANTITY), quantity_rules[variant.pk]
            )
            if kept == 0:
                notices.append(_notice(line, sku, name, requested, 0, "is out of stock"))
                continue
            if kept != requested:
                notices.append(
                    _notice(line, sku, name, requested, kept, _clamp_reason(variant, kept))
                )
            if target_line is None:
                count += 1
            saved = _priced_line(locked_target, target_line, variant, kept, buyer)
            rows.save_line(saved)
            existing[variant.pk] = saved
        locked_source.status = Cart.Status.MERGED
        locked_source.version += 1
        locked_source.save(update_fields=["status", "version", "updated_at"])
        locked_target.merge_notices = [notice.message for notice in notices]
        _touch(locked_target, target, buyer=buyer, keep_notices=True)
        return notices


# --- Internals -------------------------------------------------------------------------------


def _whole_quantity(value) -> int:
    quantity = None
    if isinstance(value, int) and not isinstance(value, bool):
        quantity = value
    elif isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,20}\s*", value):
        quantity = int(value)
    if quantity is None:
        raise CartError(
            "The quantity is not a whole number.",
            fields={"quantity": ["A whole number is required."]},
        )
    if quantity < 1:
        raise CartError(
            "The quantity is too small.", fields={"quantity": ["At least 1 must be bought."]}
        )
    if quantity > rules.MAX_QUANTITY:
        raise CartError(
            "The quantity is too large.",
            fields={"quantity": [f"At most {rules.MAX_QUANTITY}."]},
        )
    return quantity


def _variant_pk(value) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return pk if 0 < pk <= 9223372036854775807 else None


def _lock(cart: Cart) -> Cart:
    """The cart, locked (refused when it is no longer open)."""
    return _still_open(Cart.objects.select_for_update(of=("self",)).get(pk=cart.pk))


def _lock_owned(owner) -> Cart:
    """The open cart of ``owner``, locked; a new one when the owner has none (nobody else
    sees a cart made in this transaction; a person's or a key's is one per owner, so a first
    add racing another finds the other's)."""
    lookup = owner.lookup()
    found = rows.lock_open_cart(*lookup) if lookup is not None else None
    if found is not None:
        return found
    if owner.from_header:
        raise CartNotFound("No open cart has this token at this store.")
    if owner.is_anonymous:
        made = create_anonymous_cart()
    else:
        try:
            with transaction.atomic():  # a savepoint, taken on a first add only
                made = Cart.objects.create(
                    user=owner.user,
                    api_key=owner.api_key,
                    email=(owner.user.email or "") if owner.user is not None else "",
                )
        except IntegrityError:
            return rows.lock_open_cart(*lookup)
    return made


def _still_open(locked: Cart) -> Cart:
    if locked.status != Cart.Status.OPEN:
        raise CartError(
            "This cart can no longer be changed.",
            fields={"cart": ["This cart was merged, ordered or has expired."]},
        )
    return locked


def _add(locked: Cart, variant_id, quantity: int, buyer: Buyer):
    """Add to the locked cart: ``(its line of the variant, all its lines after the add)``,
    the lines and the variant read in one query after the lock (so nothing another change
    did before this one is missed), the line not yet written (:func:`_touch` writes it)."""
    pk = _variant_pk(variant_id)
    lines, variant = rows.lines_and_variant(locked.pk, pk) if pk else ([], None)
    _check_sellable(variant, buyer)
    if any(line.variant_id is None for line in lines):
        # Lines of deleted variants ("no longer available") go with this change.
        CartLine.objects.filter(cart_id=locked.pk, variant__isnull=True).delete()
        lines = [line for line in lines if line.variant_id is not None]
    line = next((line for line in lines if line.variant_id == pk), None)
    if line is None and len(lines) >= rules.MAX_LINES:
        raise CartError(
            "The cart is full.",
            fields={"variant": [f"A cart holds at most {rules.MAX_LINES} lines."]},
        )
    total = quantity + (line.quantity if line is not None else 0)
    _check_quantity(variant, total, buyer)
    if line is not None:
        return _priced_line(locked, line, variant, total, buyer), lines
    line = _priced_line(locked, None, variant, total, buyer)
    return line, [*lines, line]


# What the rules, the price and a new line read of a variant and its product, for ``.only()``
# (the columns cart.rows reads).
VARIANT_FIELDS = (
    *rows.VARIANT_FIELDS,
    *(f"product__{name}" for name in rows.PRODUCT_FIELDS),
)


def _check_sellable(variant: ProductVariant | None, buyer: Buyer) -> None:
    if variant is None:
        raise CartError("Unknown variant.", fields={"variant": ["Unknown variant."]})
    if not rules.is_sellable(variant, buyer):
        raise CartError(
            "This product is not available.",
            fields={"variant": ["This product is not available."]},
        )


def _sellable_variant(variant_id, buyer: Buyer) -> ProductVariant:
    pk = _variant_pk(variant_id)
    variant = ProductVariant.objects.select_related("product").filter(pk=pk).first() if pk else None
    _check_sellable(variant, buyer)
    return variant


def _check_quantity(variant: ProductVariant, quantity: int, buyer: Buyer) -> None:
    errors = rules.quantity_errors(variant, quantity, quantity_rule_for(variant, buyer))
    if errors:
        raise CartError(errors[0], fields={"quantity": errors})


def _line_of(cart: Cart, variant_pk: int) -> CartLine | None:
    """The cart's line of a variant, read in the same query as the lines whose variant was
    deleted (shown "no longer available" until now), which go with this change."""
    found = list(cart.lines.filter(Q(variant_id=variant_pk) | Q(variant__isnull=True)))
    orphans = [line.pk for line in found if line.variant_id is None]
    if orphans:
        CartLine.objects.filter(pk__in=orphans).delete()
    return next((line for line in found if line.variant_id == variant_pk), None)


def _priced_line(cart: Cart, line, variant, quantity: int, buyer: Buyer) -> CartLine:
    """``line`` (a new one when None) holding ``quantity`` at today's price, not yet written
    (``rows.save_line``, or with the cart by :func:`_touch`)."""
    # The price of this quantity: a B2B buyer's volume breaks depend on it.
    unit_price = price_for(variant, buyer, quantity=quantity).amount
    if line is None:
        return CartLine(
            cart=cart,
            variant=variant,
            quantity=quantity,
            unit_price_at_add=unit_price,
            sku_at_add=variant.sku,
            name_at_add=variant.product.name[:200],
        )
    line.quantity = quantity
    # The shopper chose this quantity seeing today's price: that is the new "was".
    line.unit_price_at_add = unit_price
    return line


def _touch(
    locked: Cart, original: Cart, *, buyer=None, keep_notices: bool = False, line=None
) -> None:
    """Bump the version and the change time (a changed cart is no longer abandoned), writing
    ``line`` (from :func:`_priced_line`) in the same statement when given."""
    locked.version += 1
    locked.abandoned_at = None
    fields = ["version", "abandoned_at", "updated_at"]
    if not keep_notices:
        locked.merge_notices = []
    fields.append("merge_notices")
    user = getattr(buyer, "user", None)
    if user is not None and user.pk == locked.user_id and user.email != locked.email:
        locked.email = user.email or ""
        fields.append("email")
    locked.updated_at = timezone.now()
    rows.update_cart(locked, fields, line=line)
    # The caller's instance sees the change too (version for its answer).
    for field in ("version", "abandoned_at", "updated_at", "merge_notices", "email", "status"):
        setattr(original, field, getattr(locked, field))


def _notice(line, sku, name, requested, kept, reason) -> MergeNotice:
    if kept:
        message = f"{name} ({sku}): {reason}; your cart has {kept} instead of {requested}."
    else:
        message = f"{name} ({sku}) {reason} and was not added to your cart."
    return MergeNotice(
        variant_id=line.variant_id,
        sku=sku,
        product_name=name,
        requested=requested,
        kept=kept,
        message=message,
    )


def _clamp_reason(variant, kept: int) -> str:
    stock = rules.stock_limit(variant)
    if stock is not None and kept + variant.quantity_step > stock:
        return f"only {stock} left"
    if variant.quantity_max is not None and kept + variant.quantity_step > variant.quantity_max:
        return f"at most {variant.quantity_max} per order"
    return f"sold in steps of {variant.quantity_step}"
