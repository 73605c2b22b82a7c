"""Abandoned carts: marking, the one reminder email and its restore link, and expiry.

Run per store by ``cart.tasks`` (the periodic ``process_abandoned_carts`` fans out one task per
active store); every function here works in the schema that is active.

* **Abandoned.** An open cart with lines, untouched (``updated_at``) for the store's
  ``Tenant.abandoned_cart_hours``, gets ``abandoned_at``. Every change of the cart clears it
  (``cart.services``), and a cart changed after being marked is never read as abandoned
  (:data:`ABANDONED`: marked, and not changed since), so a shopper who came back is left alone.
* **One reminder** per cart, ever, and only to a shopper who opted in
  (``User.accepts_cart_reminders``, active, not erased, with an email address): the cart is
  claimed under its row lock (``reminder_sent_at`` set) before the email is sent, so a task
  delivered twice, or two at once, sends one email; a failed send releases the claim for the
  retry. A cart abandoned longer ago than :data:`REMINDER_WINDOW` gets none (a shopper who opts
  in today is not reminded of a cart of last year).
* **Restore link.** ``/cart/restore/<signed>/``: the cart's id signed with the store's schema
  in the salt (a link of store A means nothing at store B) and a timestamp, valid
  :data:`RESTORE_LINK_MAX_AGE`. It names the cart, never its token (the token is a credential
  of anonymous carts that outlives the link).
* **Expiry.** An anonymous cart (no account, no API key) untouched for
  :data:`ANONYMOUS_CART_DAYS` becomes EXPIRED and its lines are deleted: nobody can reach it
  again (its cookie and token name open carts only), so its lines would only hold variants and
  old prices. The row stays, minimal (token, dates, status), for the store admin's history.
  Account carts never expire: they wait for their owner's next sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cart.models import Cart, CartLine

ANONYMOUS_CART_DAYS = 30
RESTORE_LINK_MAX_AGE = timedelta(days=7)
REMINDER_WINDOW = RESTORE_LINK_MAX_AGE
# Carts expired per transaction (each batch is locked, emptied and marked at once).
EXPIRY_BATCH = 500

# An abandoned cart: open, marked, and not changed since it was marked.
ABANDONED = Q(status=Cart.Status.OPEN, abandoned_at__isnull=False) & Q(
    updated_at__lte=F("abandoned_at")
)
_HAS_LINES = Exists(CartLine.objects.filter(cart_id=OuterRef("pk")))
# Whose carts may be reminded: a person who opted in and can still be written to.
_REMINDABLE_OWNER = Q(
    user__isnull=False,
    user__accepts_cart_reminders=True,
    user__is_active=True,
    user__erased_at__isnull=True,
) & ~Q(user__email="")


@dataclass(frozen=True)
class Sweep:
    """What one run did at a store: carts expired, carts marked, reminders queued."""

    expired: int
    marked: int
    unmarked: int
    reminders: list[int]


def current_store():
    """The store whose schema is active, read afresh (its settings may have just changed)."""
    from tenants.models import Tenant

    return Tenant.objects.get(schema_name=connection.schema_name)


def mark_abandoned_carts(*, hours: int, now=None) -> int:
    """Mark the open carts with lines untouched for ``hours`` as abandoned; returns how many.

    One UPDATE: a cart changed meanwhile (its row locked by a cart service) is re-read by
    PostgreSQL after that change commits and no longer matches.
    """
    now = now or timezone.now()
    due = Cart.objects.filter(
        _HAS_LINES,
        status=Cart.Status.OPEN,
        abandoned_at__isnull=True,
        updated_at__lte=now - timedelta(hours=hours),
    )
    return due.update(abandoned_at=now)


def unmark_changed_carts() -> int:
    """Clear ``abandoned_at`` of carts changed after being marked (and of carts no longer
    open), so the column says what :data:`ABANDONED` reads. Returns how many."""
    changed = Cart.objects.filter(abandoned_at__isnull=False).exclude(ABANDONED)
    return changed.update(abandoned_at=None)


def carts_to_remind(*, now=None) -> list[int]:
    """Ids of the abandoned carts whose owner opted in and was not reminded yet."""
    now = now or timezone.now()
    carts = Cart.objects.filter(
        ABANDONED,
        _REMINDABLE_OWNER,
        _HAS_LINES,
        reminder_sent_at__isnull=True,
        abandoned_at__gte=now - REMINDER_WINDOW,
    )
    return list(carts.order_by("pk").values_list("pk", flat=True))


def expire_anonymous_carts(*, now=None, days: int = ANONYMOUS_CART_DAYS) -> int:
    """Expire the anonymous open carts untouched for ``days``: status EXPIRED, lines deleted.

    Batches of carts are locked first (a cart being changed right now is skipped: it is not
    stale), then emptied and marked in the same transaction. Returns how many expired.
    """
    now = now or timezone.now()
    stale = Cart.objects.filter(
        status=Cart.Status.OPEN,
        user__isnull=True,
        api_key__isnull=True,
        updated_at__lte=now - timedelta(days=days),
    )
    expired = 0
    while True:
        with transaction.atomic():
            ids = list(
                stale.select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:EXPIRY_BATCH]
            )
            if not ids:
                return expired
            CartLine.objects.filter(cart_id__in=ids).delete()
            expired += Cart.objects.filter(pk__in=ids).update(
                status=Cart.Status.EXPIRED, abandoned_at=None
            )


def sweep_store(*, now=None) -> Sweep:
    """One periodic run at the active store: expire, unmark, mark, and list the carts to
    remind (the caller queues one reminder task per cart)."""
    now = now or timezone.now()
    store = current_store()
    expired = expire_anonymous_carts(now=now)
    unmarked = unmark_changed_carts()
    marked = mark_abandoned_carts(hours=store.abandoned_cart_hours, now=now)
    return Sweep(expired=expired, marked=marked, unmarked=unmarked, reminders=carts_to_remind())


# --- The reminder ------------------------------------------------------------------------------


def send_reminder(*, cart_id: int) -> bool:
    """Send the one reminder of an abandoned cart to its owner, if it is still due.

    The cart row is locked and ``reminder_sent_at`` recorded (only where still empty) before
    the email goes: of two deliveries of the same task, the second finds it set and sends
    nothing. If sending fails the claim is released so that a retry sends. Returns whether an
    email was sent.
    """
    now = timezone.now()
    with transaction.atomic():
        cart = (
            Cart.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(ABANDONED, _REMINDABLE_OWNER, pk=cart_id, reminder_sent_at__isnull=True)
            .first()
        )
        if cart is None:
            return False
        Cart.objects.filter(pk=cart.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now)
    try:
        _send_reminder_email(cart)
    except Exception:
        Cart.objects.filter(pk=cart.pk, reminder_sent_at=now).update(reminder_sent_at=None)
        raise
    return True


def _send_reminder_email(cart: Cart) -> None:
    from cart.selectors import buyer_of_cart, cart_view

    store = current_store()
    view = cart_view(cart, buyer_of_cart(cart))
    context = {
        "store_name": store.name,
        "customer": cart.user,
        "cart": view,
        "restore_url": store.url.rstrip("/") + restore_path(cart),
        "cart_url": store.url + "cart/",
        "account_url": store.url + "account/",
        "link_days": RESTORE_LINK_MAX_AGE.days,
    }
    send_mail(
        subject=render_to_string("cart/email/reminder_subject.txt", context).strip(),
        message=render_to_string("cart/email/reminder_message.txt", context),
        html_message=render_to_string("cart/email/reminder_message.html", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[cart.user.email],
    )


# --- The restore link --------------------------------------------------------------------------


def _link_salt() -> str:
    # The store's schema is part of the salt: a link signed for store A fails at store B.
    return f"mercato.cart.restore:{connection.schema_name}"


def restore_signature(cart: Cart) -> str:
    """The signed, timestamped value of ``cart``'s restore link at the active store."""
    return signing.dumps({"cart": cart.pk}, salt=_link_salt(), compress=False)


def restore_path(cart: Cart) -> str:
    return reverse("cart-restore", args=[restore_signature(cart)])


class LinkExpired(Exception):
    """A genuine restore link of this store, older than RESTORE_LINK_MAX_AGE."""


class LinkInvalid(Exception):
    """Not a restore link of this store (tampered, malformed, or another store's)."""


def cart_of_restore_link(signed: str) -> Cart | None:
    """The cart a restore link names (None if it is gone), or LinkExpired / LinkInvalid."""
    try:
        value = signing.loads(
            signed, salt=_link_salt(), max_age=RESTORE_LINK_MAX_AGE.total_seconds()
        )
    except signing.SignatureExpired as error:
        raise LinkExpired() from error
    except signing.BadSignature as error:
        raise LinkInvalid() from error
    cart_id = value.get("cart") if isinstance(value, dict) else None
    if not isinstance(cart_id, int) or isinstance(cart_id, bool):
        raise LinkInvalid()
    return Cart.objects.select_related("user").filter(pk=cart_id).first()
