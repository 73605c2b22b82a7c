"""Price-drop and back-in-stock emails to the shoppers who asked for them.

Run by Celery (wishlists.tasks) for every committed catalog change, in the store's schema.
For each person and changed product their lists hold, in one transaction of its own: the
items are locked, their availability is brought up to date, and an email of each kind goes out
only when the person opted in on a list holding it, something happened (a price below the
price when added and below the last price announced; a variant that could not be bought and
now can) and no email of that kind about that product went to them today. The day's claim is
a row under a unique constraint, written before sending and rolled back if sending fails, so a
task delivered twice (or two at once) sends once.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

import money
from pricing import buyer_for, price_for
from wishlists.models import WishlistEmail, WishlistItem
from wishlists.selectors import variant_is_available, variant_label

Kind = WishlistEmail.Kind


@dataclass(frozen=True)
class Mention:
    """A variant an email names, with the list it is on."""

    label: str
    price_text: str
    was_text: str
    list_name: str
    list_url: str


def store_url() -> str:
    """The current store's address, ending in "/"."""
    from tenants.models import Tenant

    tenant = getattr(connection, "tenant", None)
    if not isinstance(tenant, Tenant):
        tenant = Tenant.objects.get(schema_name=connection.schema_name)
    return tenant.url


def notify_watchers(*, product_ids: list[int]) -> list[tuple[str, int, str]]:
    """Send the emails these product changes call for; returns (email, product id, kind) of
    each one sent. A failure to send one leaves the others sent and is raised at the end."""
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    rows = (
        WishlistItem.objects.filter(variant__product_id__in=product_ids)
        .order_by("wishlist__user_id", "variant__product_id", "pk")
        .values_list("wishlist__user_id", "variant__product_id", "pk")
    )
    for user_id, product_id, item_id in rows:
        groups[(user_id, product_id)].append(item_id)
    sent: list[tuple[str, int, str]] = []
    failure = None
    base_url = store_url() if groups else ""
    for (_user_id, product_id), item_ids in groups.items():
        try:
            sent += _notify_person(item_ids=item_ids, product_id=product_id, base_url=base_url)
        except Exception as error:  # noqa: BLE001 - the others are still sent; raised below
            failure = failure or error
    if failure is not None:
        raise failure
    return sent


@transaction.atomic
def _notify_person(*, item_ids: list[int], product_id: int, base_url: str):
    items = list(
        WishlistItem.objects.select_for_update(of=("self",))
        .filter(pk__in=item_ids)
        .select_related("variant__product", "wishlist__user")
        .order_by("pk")
    )
    if not items:
        return []
    user = items[0].wishlist.user
    buyer = buyer_for(user=user)
    currency = money.store_currency()
    back_in_stock, dropped, changed = [], [], []
    for item in items:
        available = variant_is_available(item.variant, buyer.channel)
        price = price_for(item.variant, buyer, currency=currency).amount
        if available and not item.was_available and item.wishlist.notify_back_in_stock:
            back_in_stock.append((item, price))
        reference = min(item.price_when_added, item.last_notified_price or item.price_when_added)
        if available and price < reference and item.wishlist.notify_price_drop:
            dropped.append((item, price))
        if item.was_available != available:
            item.was_available = available
            changed.append(item)
    if changed:
        WishlistItem.objects.bulk_update(changed, ["was_available"])
    if not user.is_active or not user.email:
        return []
    sent = []
    product = items[0].variant.product
    for kind, hits in ((Kind.PRICE_DROP, dropped), (Kind.BACK_IN_STOCK, back_in_stock)):
        if not hits or not _claim(user=user, product_id=product_id, kind=kind):
            continue
        if kind == Kind.PRICE_DROP:
            for item, price in hits:
                item.last_notified_price = price
            WishlistItem.objects.bulk_update([item for item, _ in hits], ["last_notified_price"])
        _send(user=user, product=product, kind=kind, hits=hits, base_url=base_url)
        sent.append((user.email, product_id, kind.value))
    return sent


def _claim(*, user, product_id: int, kind: str) -> bool:
    """Record today's email of this kind about this product to this person; False when one
    is recorded already (the unique constraint decides, also between concurrent tasks)."""
    try:
        with transaction.atomic():
            WishlistEmail.objects.create(
                user=user, product_id=product_id, kind=kind, date=timezone.now().date()
            )
    except IntegrityError:
        return False
    return True


def _send(*, user, product, kind: str, hits, base_url: str) -> None:
    currency = money.store_currency()
    mentions = []
    for item, price in hits:
        mentions.append(
            Mention(
                label=variant_label(item.variant),
                price_text=money.format_money(price, currency),
                was_text=money.format_money(item.price_when_added, currency),
                list_name=item.wishlist.name,
                list_url=f"{base_url}account/wishlists/{item.wishlist_id}/",
            )
        )
    context = {
        "user": user,
        "product": product,
        "product_url": f"{base_url}p/{product.slug}/",
        "mentions": mentions,
        "list_url": mentions[0].list_url,
        "store_url": base_url,
        "price_drop": kind == Kind.PRICE_DROP,
    }
    subject = (
        f"Price drop: {product.name}"
        if kind == Kind.PRICE_DROP
        else f"Back in stock: {product.name}"
    )
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("wishlists/email/notification.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    email.attach_alternative(
        render_to_string("wishlists/email/notification.html", context), "text/html"
    )
    email.send()
