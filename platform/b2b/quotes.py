"""Quotes: a company buyer asks for prices on a cart; staff offer unit prices valid until a
time; the buyer accepts (an order at those prices), withdraws, or the offer expires.

Every write locks the quote's row and moves it through ``b2b.state.QUOTE_TRANSITIONS``
(recorded; illegal moves 409). Emails go after commit (b2b.tasks.send_quote_email): the store
hears of a request and an order, the buyer of an offer, a refusal or an expiry.

Accepting places the order through the checkout's own path: the lines are totalled by
``checkout.calculations.order_totals`` (taxes, delivery, the methods offered) at the quoted
unit prices, and ``orders.actions.place_order`` places them (stock locked and reserved, the
plan's limit, the order number, ``order_placed``), its draft carrying the quoted prices so
that its re-validation compares against them and not ``price_for``. The quote's own
``checkout_token`` makes placing idempotent. Prices come only from staff's offer.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

import money
from b2b import state
from b2b.errors import QuoteError, QuoteExpired
from b2b.models import Quote, QuoteEvent, QuoteLine, QuoteStatus
from b2b.models.quotes import MESSAGE_MAX_LENGTH
from money import Money
from pricing import Buyer

logger = logging.getLogger(__name__)

S = QuoteStatus
MAX_LINES = 250
# How far ahead an offer may be valid.
MAX_VALIDITY_DAYS = 366


# --- Requesting -----------------------------------------------------------------------------


def request_quote(*, cart, buyer: Buyer, message: str = "") -> Quote:
    """Ask for a quote on the lines of ``cart`` as ``buyer`` (a company's member or key).

    The lines are snapshot with the buyer's price now (``list_price``); the cart is left as it
    is. Refused, nothing saved (QuoteError 400): a buyer without a company, an empty cart, a
    line that cannot be bought as it is, a message above 2,000 characters."""
    from cart.selectors import cart_view

    if buyer.company is None:
        raise QuoteError(
            "Only a company's buyers may ask for a quote.",
            fields={"company": ["Join or register a company first."]},
        )
    text = _text(message, "message")
    view = cart_view(cart, buyer)
    if not view.lines:
        raise QuoteError("Your cart is empty.", fields={"cart": ["Add something to your cart."]})
    if len(view.lines) > MAX_LINES:
        raise QuoteError("Too many lines.", fields={"cart": [f"At most {MAX_LINES} lines."]})
    unavailable = [line for line in view.lines if not line.available]
    if unavailable:
        raise QuoteError(
            "Some lines cannot be bought as they are.",
            fields={
                f"lines.{line.variant_id}": [
                    f"{line.product_name}: " + "; ".join(line.notices or ["unavailable"])
                ]
                for line in unavailable
            },
        )
    person = buyer.user if getattr(buyer.user, "is_authenticated", False) else None
    contact = getattr(person, "email", "") or getattr(
        getattr(buyer.api_key, "created_by", None), "email", ""
    )
    with transaction.atomic():
        quote = Quote.objects.create(
            company=buyer.company,
            requested_by=person,
            email=contact or "",
            currency=view.currency,
            message=text,
        )
        QuoteLine.objects.bulk_create(
            [
                QuoteLine(
                    quote=quote,
                    variant_id=line.variant_id,
                    sku=line.sku[:64],
                    product_name=line.product_name[:200],
                    variant_label=(line.variant_label or "")[:200],
                    quantity=line.quantity,
                    list_price=line.unit_price.amount,
                )
                for line in view.lines
            ]
        )
        QuoteEvent.objects.create(
            quote=quote, to_status=quote.status, actor=person, note=text[:MESSAGE_MAX_LENGTH]
        )
        _email_after_commit(quote, S.REQUESTED)
    return quote


# --- Staff's answer --------------------------------------------------------------------------


def offer_quote(*, quote: Quote, prices: dict, valid_until, note: str = "", actor=None) -> Quote:
    """Staff offer a unit price for every line (``prices``: {line id: amount}) valid until
    ``valid_until`` (a datetime, or a date: its end in the store's time zone).

    Refused field by field, nothing changed (QuoteError 400): a line without a price, a price
    that is negative, too large or too precise, a validity in the past or more than a year
    ahead; a quote that is not requested (IllegalTransition 409)."""
    text = _text(note, "note")
    until = _valid_until(valid_until)
    with transaction.atomic():
        locked = _lock(quote)
        _check(locked, S.OFFERED)
        lines = list(locked.lines.all())
        clean, errors = {}, {}
        given = {str(key): value for key, value in (prices or {}).items()}
        for line in lines:
            raw = given.get(str(line.pk))
            problem, amount = _price(raw, locked.currency)
            if problem:
                errors[f"prices.{line.pk}"] = [problem]
            else:
                clean[line.pk] = amount
        unknown = set(given) - {str(line.pk) for line in lines}
        for key in sorted(unknown):
            errors[f"prices.{key}"] = ["Not a line of this quote."]
        if errors:
            raise QuoteError("Give a price for every line.", fields=errors)
        for line in lines:
            line.quoted_price = clean[line.pk]
        QuoteLine.objects.bulk_update(lines, ["quoted_price"])
        locked.valid_until = until
        locked.staff_note = text
        state.move_quote(locked, S.OFFERED, actor=actor, note=text)
        _email_after_commit(locked, S.OFFERED)
    return _sync(quote, locked)


def decline_quote(*, quote: Quote, note: str = "", actor=None) -> Quote:
    """Staff decline a requested or offered quote (why: ``note``, told to the buyer)."""
    text = _text(note, "note")
    with transaction.atomic():
        locked = _lock(quote)
        locked.staff_note = text or locked.staff_note
        state.move_quote(locked, S.DECLINED, actor=actor, note=text)
        _email_after_commit(locked, S.DECLINED)
    return _sync(quote, locked)


def withdraw_quote(*, quote: Quote, actor=None) -> Quote:
    """The buyer withdraws a requested or offered quote."""
    with transaction.atomic():
        locked = _lock(quote)
        state.move_quote(locked, S.WITHDRAWN, actor=actor)
    return _sync(quote, locked)


def expire_quotes(*, now: datetime | None = None, limit: int = 500) -> int:
    """Offers whose validity has passed become EXPIRED (recorded, the buyer told). Answers
    how many. Idempotent."""
    now = now or timezone.now()
    due = Quote.objects.filter(status=S.OFFERED, valid_until__lt=now).order_by("pk")
    expired = 0
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        if _expire(pk, now=now):
            expired += 1
    return expired


def _expire(pk: int, *, now: datetime) -> bool:
    with transaction.atomic():
        locked = Quote.objects.select_for_update().get(pk=pk)
        if locked.status != S.OFFERED or not locked.valid_until or locked.valid_until >= now:
            return False
        state.move_quote(locked, S.EXPIRED, note="The offer's validity passed.")
        _email_after_commit(locked, S.EXPIRED)
        return True


# --- Accepting: the order ----------------------------------------------------------------------


def accept_quote(
    *,
    quote: Quote,
    buyer: Buyer,
    shipping_address,
    delivery_option,
    payment_method,
    billing_address=None,
    email: str = "",
    note: str = "",
):
    """The buyer accepts an offer: the order is placed at the quoted unit prices, and the quote
    is ACCEPTED then ORDERED, in one transaction (a refusal leaves it offered, nothing placed).

    Refused: an offer past its validity (it becomes EXPIRED; QuoteExpired 400 "quote
    expired"), a quote not offered (IllegalTransition 409), an address, a delivery option or a
    payment method not valid or not offered (400 per field), what ``place_order`` refuses
    (out of stock 409...). Placing twice answers the same order (the quote's checkout
    token)."""
    from checkout.addresses import validate_address
    from checkout.errors import CheckoutError

    now = timezone.now()
    current = Quote.objects.get(pk=quote.pk)
    if current.status == S.OFFERED and current.valid_until and current.valid_until < now:
        _expire(current.pk, now=now)
        raise QuoteExpired(
            "quote expired: this offer is no longer valid.",
            fields={"valid_until": [f"The offer ended {current.valid_until:%Y-%m-%d %H:%M} UTC."]},
        )
    if not state.can_move_quote(current.status, S.ACCEPTED):
        raise state.IllegalTransition(
            f"This quote is {S(current.status).label.lower()}; it cannot be accepted.",
            fields={"status": [f"Not allowed from {current.status} to accepted."]},
        )
    errors: dict[str, list[str]] = {}
    addresses = {}
    given = (("shipping_address", shipping_address), ("billing_address", billing_address))
    for kind, value in given:
        if value in (None, {}) and kind == "billing_address":
            continue
        try:
            addresses[kind] = validate_address(value if isinstance(value, dict) else {})
        except CheckoutError as refused:
            for field, messages in refused.fields.items():
                errors[f"{kind}.{field}"] = messages
    contact = _text(email, "email") or current.email
    text = _text(note, "note")
    if errors:
        raise QuoteError("The order's details are not valid.", fields=errors)
    lines = list(current.lines.select_related("variant__product"))
    totals = _totals(current, lines, addresses["shipping_address"], delivery_option,
                     payment_method, buyer)  # fmt: skip
    order = _place(current, lines, totals, buyer, addresses, contact, text, str(payment_method))
    _start_payment(order)
    return order


def _totals(quote: Quote, lines, address: dict, delivery_option, payment_method, buyer):
    from checkout import payment_methods
    from checkout.calculations import LineInput, order_totals
    from payments.selectors import method_settings
    from taxes.selectors import tax_class_ids_for_products

    gone = [line for line in lines if line.variant is None or line.quoted_price is None]
    if gone:
        raise QuoteError(
            "Some lines can no longer be ordered.",
            fields={f"lines.{line.pk}": [f"{line.product_name} is gone."] for line in gone},
        )
    try:
        option_id = int(str(delivery_option).strip())
    except (TypeError, ValueError):
        option_id = None
    if option_id is None or not 0 < option_id < 2**31:
        raise QuoteError(
            "Choose a delivery option.", fields={"delivery_option": ["Choose a delivery option."]}
        )
    classes = tax_class_ids_for_products(line.variant.product_id for line in lines)
    currency = quote.currency
    totals = order_totals(
        lines=[
            LineInput(
                variant_id=line.variant_id,
                sku=line.sku,
                name=line.product_name,
                variant_label=line.variant_label,
                quantity=line.quantity,
                unit_price=Money(line.quoted_price, currency),
                product_id=line.variant.product_id,
                weight_grams=line.variant.weight_grams or 0,
                tax_class_id=classes.get(line.variant.product_id),
            )
            for line in lines
        ],
        address=address,
        delivery_option_id=option_id,
        payment_method=str(payment_method or ""),
        buyer=buyer,
        currency=currency,
        payment_settings=method_settings(),
    )
    if totals.delivery_option is None:
        raise QuoteError(
            "This delivery option is not offered for this address.",
            fields={"delivery_option": ["Choose one of the options offered for this address."]},
        )
    if payment_methods.method_named(str(payment_method or ""), totals) is None:
        raise QuoteError(
            "This payment method is not offered.",
            fields={"payment_method": ["Choose one of the payment methods offered."]},
        )
    return totals


def _place(quote, lines, totals, buyer, addresses, email, note, payment_method):
    from dataclasses import replace

    from orders.actions import draft_from_checkout, place_order

    checkout = SimpleNamespace(
        token=quote.checkout_token,
        email=email,
        shipping_address=addresses["shipping_address"],
        billing_same_as_shipping="billing_address" not in addresses,
        billing_address=addresses.get("billing_address", {}),
        delivery_option_id=totals.delivery_option.id,
        payment_method=payment_method,
        note=note,
        user=buyer.user,
    )
    with transaction.atomic():
        locked = _lock(quote)
        if locked.order_id is not None:
            return locked.order
        state.move_quote(locked, S.ACCEPTED, actor=buyer.user)
        draft = replace(
            draft_from_checkout(checkout, totals, buyer),
            quoted_prices={line.variant_id: line.quoted_price for line in lines},
        )
        order = place_order(buyer=buyer, draft=draft)
        locked.order = order
        state.move_quote(locked, S.ORDERED, actor=buyer.user, note=f"Order #{order.number}")
        _email_after_commit(locked, S.ORDERED)
    _sync(quote, locked)
    return order


def _start_payment(order) -> None:
    """Start the order's payment after its transaction, as checkout does (a provider is never
    called under a lock; a method no longer offered leaves the order unpaid for staff)."""
    from payments.errors import MethodUnavailable
    from payments.services import create_payment_for_order

    try:
        create_payment_for_order(order=order)
    except MethodUnavailable:
        logger.warning("order %s: payment method %s not offered", order.pk, order.payment_method)


def forget_person(sender=None, *, user, **kwargs) -> int:
    """accounts.events.account_erased receiver: the person's quotes keep their lines and
    prices (the store's books) but not their email, message or who asked."""
    ids = list(Quote.objects.filter(requested_by=user).values_list("pk", flat=True))
    # The request's event carries the message too.
    QuoteEvent.objects.filter(quote_id__in=ids, actor=user).update(note="")
    return Quote.objects.filter(pk__in=ids).update(requested_by=None, email="", message="")


# --- Reads -------------------------------------------------------------------------------------


def quotes_of(*, company=None, status: str = ""):
    """Quotes, newest first, with their company, requester and order (one query per page;
    lines counted by annotation): a company's (``company``) or the store's (staff)."""
    from django.db.models import Count

    quotes = Quote.objects.select_related("company", "requested_by", "order").annotate(
        line_count=Count("lines")
    )
    if company is not None:
        quotes = quotes.filter(company=company)
    if status:
        quotes = quotes.filter(status=status)
    return quotes.order_by("-created_at", "-pk")


def quote_of(*, pk, company=None) -> Quote | None:
    """One quote with its lines, or None; a company's only when given (another company's
    quote does not exist for its members)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**31:
        return None
    return quotes_of(company=company).prefetch_related("lines", "events").filter(pk=pk).first()


def quote_total(quote: Quote) -> Decimal | None:
    """What the offer comes to before delivery and taxes (None before staff priced it)."""
    lines = list(quote.lines.all())
    if not lines or any(line.quoted_price is None for line in lines):
        return None
    return sum((line.quoted_price * line.quantity for line in lines), Decimal(0))


# --- Emails ------------------------------------------------------------------------------------

# Who hears of each move: the store (its new-order address) or the buyer (the quote's email).
TO_STORE = frozenset({S.REQUESTED, S.ORDERED})
TO_BUYER = frozenset({S.OFFERED, S.DECLINED, S.EXPIRED})
SUBJECTS = {
    S.REQUESTED: "Quote {pk} requested by {company}",
    S.ORDERED: "Quote {pk} accepted: order #{order}",
    S.OFFERED: "Your quote {pk} from {store}",
    S.DECLINED: "Your quote request {pk} was declined",
    S.EXPIRED: "Your quote {pk} has expired",
}


def _email_after_commit(quote: Quote, to_status: str) -> None:
    if to_status not in TO_STORE | TO_BUYER:
        return
    from b2b.tasks import send_quote_email as task

    pk = quote.pk
    transaction.on_commit(lambda: task.delay(pk, str(to_status)))


def send_quote_email(*, quote_id: int, to_status: str) -> bool:
    """Tell the store or the buyer that quote ``quote_id`` became ``to_status`` (answers
    whether an email went). Each move happens once (the state machine), so each email once."""
    from orders.models import OrderSettings

    quote = Quote.objects.select_related("company", "order").filter(pk=quote_id).first()
    if quote is None or (quote.status != to_status and to_status != S.ORDERED):
        return False
    recipient = OrderSettings.load().notify_staff_email if to_status in TO_STORE else quote.email
    if not recipient:
        return False
    tenant = getattr(connection, "tenant", None)
    store = getattr(tenant, "name", "") or "our store"
    context = {
        "quote": quote,
        "lines": list(quote.lines.all()),
        "total": quote_total(quote),
        "store_name": store,
        "store_url": getattr(tenant, "url", "") or "",
        "to_status": to_status,
    }
    send_mail(
        subject=SUBJECTS[to_status].format(
            pk=quote.pk,
            company=quote.company.name,
            store=store,
            order=getattr(quote.order, "number", ""),
        ),
        message=render_to_string("b2b/quotes/email/moved.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[recipient],
    )
    return True


# --- Helpers -------------------------------------------------------------------------------------


def _lock(quote: Quote) -> Quote:
    return Quote.objects.select_for_update().get(pk=quote.pk)


def _check(locked: Quote, to_status: str) -> None:
    if not state.can_move_quote(locked.status, to_status):
        raise state.IllegalTransition(
            f"This quote is {S(locked.status).label.lower()}; it cannot become "
            f"{S(to_status).label.lower()}.",
            fields={"status": [f"Not allowed from {locked.status} to {to_status}."]},
        )


def _sync(quote: Quote, locked: Quote) -> Quote:
    for name in ("status", "valid_until", "staff_note", "order_id", "updated_at"):
        setattr(quote, name, getattr(locked, name))
    return quote


def _text(value, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise QuoteError("Enter text.", fields={field: ["Enter text."]})
    text = value.replace("\x00", "").strip()
    if len(text) > MESSAGE_MAX_LENGTH:
        raise QuoteError(
            "The text is too long.",
            fields={field: [f"At most {MESSAGE_MAX_LENGTH:,} characters ({len(text):,} given)."]},
        )
    return text


def _price(raw, currency: str) -> tuple[str, Decimal | None]:
    if raw in (None, ""):
        return "Give a unit price.", None
    try:
        amount = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return "Enter a number.", None
    if not amount.is_finite() or amount < 0:
        return "Enter 0 or more.", None
    if amount >= Decimal("1e10"):
        return "Too large.", None
    if money.quantize(amount, currency) != amount:
        return f"Too many decimals for {currency}.", None
    return "", amount


def _valid_until(value) -> datetime:
    if isinstance(value, str):
        from django.utils.dateparse import parse_date, parse_datetime

        text = value.strip()
        try:
            value = parse_datetime(text) or parse_date(text)
        except ValueError:
            value = None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = timezone.make_aware(datetime.combine(value, time(23, 59, 59)))
    if not isinstance(value, datetime):
        raise QuoteError(
            "Give the date the offer is valid until.",
            fields={"valid_until": ["A date (YYYY-MM-DD) or a date and time."]},
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    now = timezone.now()
    if value <= now:
        raise QuoteError("The validity is in the past.", fields={"valid_until": ["In the future."]})
    if (value - now).days > MAX_VALIDITY_DAYS:
        raise QuoteError(
            "The validity is too far ahead.",
            fields={"valid_until": [f"At most {MAX_VALIDITY_DAYS} days ahead."]},
        )
    return value
