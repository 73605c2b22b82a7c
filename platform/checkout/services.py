"""Writes to checkouts. Each runs in one transaction with the checkout's row locked
(``select_for_update``) and refuses a checkout whose cart is no longer open (409
``checkout_completed``). A refused change raises a ``checkout.errors`` error with the reasons
per field and changes nothing. :func:`update_checkout` applies several fields at once (the
API's PATCH, the pages' forms) and reports every field's errors together.
"""

from __future__ import annotations

import contextlib
import logging
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from cart.models import Cart, CartLine
from checkout import calculations, payment_methods, selectors
from checkout.addresses import validate_address
from checkout.errors import CartEmpty, CheckoutCompleted, CheckoutError, CheckoutIncomplete
from checkout.models import NOTE_MAX_LENGTH, Checkout
from money import format_money
from pricing import Buyer

EMAIL_MAX_LENGTH = 254

logger = logging.getLogger(__name__)


def start_checkout(*, cart: Cart, buyer: Buyer) -> Checkout:
    """The checkout of ``cart`` (one per cart: a second call resumes the first), started with
    what is known of a signed-in shopper (their email, their default shipping address)."""
    if cart.status != Cart.Status.OPEN:
        raise CheckoutCompleted("This cart was already ordered or can no longer be checked out.")
    existing = selectors.checkout_of_cart(cart)
    if existing is not None:
        return existing
    if not CartLine.objects.filter(cart_id=cart.pk).exists():
        raise CartEmpty("Your cart is empty.", fields={"cart": ["Add something to your cart."]})
    user = buyer.user if buyer.user is not None and cart.user_id == buyer.user.pk else None
    values = {"user": user, "email": (getattr(user, "email", "") or "") if user else ""}
    book = selectors.address_book(user)
    default = next((entry for entry in book if entry.is_default_shipping), None)
    if default is not None:
        # An old entry that no longer passes its country's rules is not prefilled.
        with contextlib.suppress(CheckoutError):
            values["shipping_address"] = validate_address(selectors.address_as_dict(default))
    try:
        with transaction.atomic():
            return Checkout.objects.create(cart=cart, **values)
    except IntegrityError:
        # Started at the same moment by another request: theirs is the one.
        return Checkout.objects.select_related("cart", "delivery_option").get(cart=cart)


def set_contact(*, checkout: Checkout, email) -> Checkout:
    return update_checkout(checkout=checkout, buyer=None, data={"email": email})


def set_addresses(
    *,
    checkout: Checkout,
    buyer: Buyer | None,
    shipping_address=None,
    billing_address=None,
    billing_same_as_shipping=None,
    shipping_address_id=None,
    billing_address_id=None,
) -> Checkout:
    """Set the shipping and/or billing address: typed (dicts, validated per country) or taken
    from the signed-in shopper's address book (``*_address_id``, an accounts.Address of theirs).
    A delivery option no longer offered for the new address is dropped."""
    data = {
        key: value
        for key, value in {
            "shipping_address": shipping_address,
            "billing_address": billing_address,
            "billing_same_as_shipping": billing_same_as_shipping,
            "shipping_address_id": shipping_address_id,
            "billing_address_id": billing_address_id,
        }.items()
        if value is not None
    }
    return update_checkout(checkout=checkout, buyer=buyer, data=data)


def set_delivery_option(*, checkout: Checkout, buyer: Buyer, option_id) -> Checkout:
    """Choose a delivery option: 400 on ``delivery_option`` when it is not offered for the
    checkout's shipping address and parcel (or there is no address yet)."""
    return update_checkout(checkout=checkout, buyer=buyer, data={"delivery_option": option_id})


def set_payment_method(*, checkout: Checkout, buyer: Buyer, code) -> Checkout:
    """Choose one of the payment methods offered (checkout.payment_methods), else 400."""
    return update_checkout(checkout=checkout, buyer=buyer, data={"payment_method": code})


def set_note(*, checkout: Checkout, note) -> Checkout:
    return update_checkout(checkout=checkout, buyer=None, data={"note": note})


UPDATABLE = (
    "email",
    "shipping_address",
    "shipping_address_id",
    "billing_same_as_shipping",
    "billing_address",
    "billing_address_id",
    "delivery_option",
    "payment_method",
    "note",
    "po_number",
)


def update_checkout(*, checkout: Checkout, buyer: Buyer | None, data: dict) -> Checkout:
    """Apply the fields of ``data`` (keys of :data:`UPDATABLE`) in one transaction: all of
    them, or none and every field's errors (400)."""
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        locked = _lock(checkout)
        user = buyer.user if buyer is not None else None
        if "email" in data:
            _apply(errors, lambda: _set_email(locked, data["email"]))
        if "shipping_address_id" in data:
            _apply(
                errors,
                lambda: _set_from_book(locked, user, data["shipping_address_id"], "shipping"),
            )
        elif "shipping_address" in data:
            _apply(errors, lambda: _set_address(locked, data["shipping_address"], "shipping"))
        if "billing_same_as_shipping" in data:
            _apply(errors, lambda: _set_same(locked, data["billing_same_as_shipping"]))
        if "billing_address_id" in data:
            _apply(
                errors, lambda: _set_from_book(locked, user, data["billing_address_id"], "billing")
            )
        elif "billing_address" in data and not locked.billing_same_as_shipping:
            _apply(errors, lambda: _set_address(locked, data["billing_address"], "billing"))
        if "note" in data:
            _apply(errors, lambda: _set_note(locked, data["note"]))
        if "po_number" in data:
            _apply(errors, lambda: _set_po_number(locked, buyer, data["po_number"]))
        if errors:
            raise CheckoutError("The checkout has invalid fields.", fields=errors)
        buyer = buyer or Buyer.anonymous()
        if "delivery_option" in data:
            _set_delivery(locked, buyer, data["delivery_option"])
        elif "shipping_address" in data or "shipping_address_id" in data:
            _drop_delivery_if_gone(locked, buyer)
        if "payment_method" in data:
            _set_payment(locked, buyer, data["payment_method"])
        elif "delivery_option" in data and locked.payment_method:
            _drop_payment_if_gone(locked, buyer)
        locked.save()
    for name in ("email", "shipping_address", "billing_address", "billing_same_as_shipping",
                 "delivery_option_id", "payment_method", "note", "po_number",
                 "updated_at"):  # fmt: skip
        setattr(checkout, name, getattr(locked, name))
    checkout._state.fields_cache.pop("delivery_option", None)
    return checkout


def _lock(checkout: Checkout) -> Checkout:
    locked = (
        Checkout.objects.select_for_update(of=("self",)).select_related("cart").get(pk=checkout.pk)
    )
    if locked.cart.status != Cart.Status.OPEN:
        raise CheckoutCompleted("This checkout was completed: it can no longer be changed.")
    return locked


def _apply(errors: dict, change) -> None:
    try:
        change()
    except CheckoutError as refused:
        for field, messages in refused.fields.items():
            errors.setdefault(field, []).extend(messages)


def _refuse(field: str, message: str):
    raise CheckoutError("The checkout has invalid fields.", fields={field: [message]})


def _text(value, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        _refuse(field, "Enter text.")
    return value.replace("\x00", "").strip()


def _set_email(checkout: Checkout, value) -> None:
    email = _text(value, "email")
    if not email:
        _refuse("email", "Enter your email address: the order's confirmation goes there.")
    if len(email) > EMAIL_MAX_LENGTH:
        _refuse("email", f"Use at most {EMAIL_MAX_LENGTH} characters.")
    try:
        validate_email(email)
    except ValidationError:
        _refuse("email", "Enter a valid email address, such as ana@example.com.")
    checkout.email = email


def _set_address(checkout: Checkout, value, kind: str) -> None:
    try:
        clean = validate_address(value)
    except CheckoutError as refused:
        raise CheckoutError(
            refused.message,
            fields={
                f"{kind}_address.{field}": messages for field, messages in refused.fields.items()
            },
        ) from None
    setattr(checkout, f"{kind}_address", clean)


def _set_from_book(checkout: Checkout, user, value, kind: str) -> None:
    from accounts.models import Address

    field = f"{kind}_address_id"
    if user is None:
        _refuse(field, "Sign in to use your address book.")
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError):
        _refuse(field, "Choose one of your saved addresses.")
    if not 0 < pk < 2**63:
        _refuse(field, "Choose one of your saved addresses.")
    entry = Address.objects.filter(user=user, pk=pk).first()
    if entry is None:
        _refuse(field, "Choose one of your saved addresses.")
    try:
        clean = validate_address(selectors.address_as_dict(entry))
    except CheckoutError:
        _refuse(field, "This saved address is incomplete: correct it or type the address.")
    setattr(checkout, f"{kind}_address", clean)
    if kind == "billing":
        checkout.billing_same_as_shipping = False


def _set_same(checkout: Checkout, value) -> None:
    if not isinstance(value, bool):
        _refuse("billing_same_as_shipping", "Must be true or false.")
    checkout.billing_same_as_shipping = value
    if value:
        checkout.billing_address = {}


def _set_note(checkout: Checkout, value) -> None:
    note = _text(value, "note")
    if len(note) > NOTE_MAX_LENGTH:
        _refuse("note", f"Use at most {NOTE_MAX_LENGTH} characters.")
    checkout.note = note


def _set_po_number(checkout: Checkout, buyer: Buyer | None, value) -> None:
    """A purchase-order number (b2b.purchasing): refused at once when the buyer's company
    already used it (placement checks again, under the company's lock)."""
    from b2b.errors import PoNumberInUse
    from b2b.purchasing.placement import PO_NUMBER_MAX_LENGTH, refuse_used_po_number

    po_number = _text(value, "po_number")
    if len(po_number) > PO_NUMBER_MAX_LENGTH:
        _refuse("po_number", f"Use at most {PO_NUMBER_MAX_LENGTH} characters.")
    company = getattr(buyer, "company", None)
    if po_number and company is not None:
        try:
            refuse_used_po_number(company=company, po_number=po_number)
        except PoNumberInUse as refused:
            raise CheckoutError(refused.message, fields=refused.fields) from None
    checkout.po_number = po_number


def _set_delivery(checkout: Checkout, buyer: Buyer, value) -> None:
    from shipping.errors import DeliveryOptionUnavailable

    if value in (None, ""):
        checkout.delivery_option_id = None
        return
    if not checkout.shipping_address:
        _refuse("delivery_option", "Give a shipping address first.")
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError):
        _refuse("delivery_option", "Choose one of the options offered for this address.")
    if not 0 < pk < 2**63:
        _refuse("delivery_option", "Choose one of the options offered for this address.")
    checkout.delivery_option_id = pk
    result = calculations.totals(checkout, buyer)
    if result.delivery_option is None:
        raise DeliveryOptionUnavailable(
            "This delivery option is not offered for this address.",
            fields={"delivery_option": ["Choose one of the options offered for this address."]},
        )


def _drop_delivery_if_gone(checkout: Checkout, buyer: Buyer) -> None:
    if checkout.delivery_option_id is None:
        return
    if calculations.totals(checkout, buyer).delivery_option is None:
        checkout.delivery_option_id = None


def _set_payment(checkout: Checkout, buyer: Buyer, value) -> None:
    code = _text(value, "payment_method")
    if not code:
        checkout.payment_method = ""
        return
    result = calculations.totals(checkout, buyer)
    if payment_methods.method_named(code, result) is None:
        _refuse("payment_method", "Choose one of the payment methods offered.")
    checkout.payment_method = code


def _drop_payment_if_gone(checkout: Checkout, buyer: Buyer) -> None:
    result = calculations.totals(checkout, buyer)
    if payment_methods.method_named(checkout.payment_method, result) is None:
        checkout.payment_method = ""


# --- Completing ----------------------------------------------------------------------------


def required_fields(checkout: Checkout, totals) -> dict[str, list[str]]:
    """What the checkout still needs before it can become an order, per field ({} = ready)."""
    missing: dict[str, list[str]] = {}
    if not checkout.email:
        missing["email"] = ["Enter your email address."]
    if not checkout.shipping_address:
        missing["shipping_address"] = ["Enter a shipping address."]
    if not checkout.billing_same_as_shipping and not checkout.billing_address:
        missing["billing_address"] = ["Enter a billing address, or use the shipping address."]
    if checkout.delivery_option_id is None:
        missing["delivery_option"] = ["Choose a delivery option."]
    elif totals.delivery_option is None:
        missing["delivery_option"] = ["Choose one of the options offered for this address."]
    if not checkout.payment_method:
        missing["payment_method"] = ["Choose a payment method."]
    elif payment_methods.method_named(checkout.payment_method, totals) is None:
        missing["payment_method"] = ["Choose one of the payment methods offered."]
    return missing


def complete_checkout(
    *,
    checkout: Checkout,
    buyer: Buyer,
    request_meta: dict | None = None,
    expected_total=None,
    cart_version=None,
):
    """Place the order of ``checkout`` (``orders.actions.place_order``) and mark its cart
    ORDERED, in one transaction with the checkout locked. Idempotent: a checkout already
    placed answers its order (the same submit twice, or ten times at once, makes one order).

    Refused, nothing placed or reserved: a field still missing (400 ``checkout_incomplete``,
    per field), the delivery option no longer offered (400 ``delivery_option_unavailable``),
    an empty cart (400 ``cart_empty``), a line that cannot be bought as it is, or a total or
    cart that changed since the shopper reviewed it (``expected_total``, ``cart_version``:
    409 ``cart_changed`` with what changed), a quantity that no longer keeps its rule (400
    ``quantity_rule``, per line), out of stock (409 ``out_of_stock``), the plan's
    monthly orders reached (``plan_limit_reached``). The order placed by this very call has
    ``placed_now`` True (one placed before, or by a parallel call, does not)."""
    from orders.actions import place_order
    from orders.errors import CartChanged
    from orders.models import Order

    with transaction.atomic():
        # The cart's row is locked too: a submit that waited for the lock then reads the cart
        # as the placing one left it (ORDERED). PostgreSQL re-reads only the locked rows after
        # a wait; a joined row not locked would still be the one seen before waiting.
        locked = (
            Checkout.objects.select_for_update(of=("self", "cart"))
            .select_related("cart")
            .get(pk=checkout.pk)
        )
        cart = locked.cart
        if cart.status != Cart.Status.OPEN:
            # Ordered in the same transaction as its order was placed: a repeat, or a parallel
            # submit that waited for the lock, answers that order.
            order = Order.objects.filter(checkout_token=locked.token).first()
            if order is None:
                raise CheckoutCompleted("This checkout's cart can no longer be ordered.")
        else:
            result = calculations.totals(locked, buyer)
            if not result.lines and not result.unavailable:
                raise CartEmpty(
                    "Your cart is empty.", fields={"cart": ["Add something to your cart."]}
                )
            _refuse_shortages(result)
            _refuse_rule_breaks(result)
            changes = _changes(
                result, cart, expected_total=expected_total, cart_version=cart_version
            )
            if changes:
                raise CartChanged(
                    "Your cart changed since you reviewed it: please check it again.",
                    changes=changes,
                )
            missing = required_fields(locked, result)
            if missing:
                raise CheckoutIncomplete("The checkout is not complete yet.", fields=missing)
            # The checkout's lock makes this call the only one placing its token.
            order = place_order(buyer=buyer, checkout=locked, totals=result, token_locked=True)
            # Placed by this call: the API answers 201.
            order.placed_now = True
            Cart.objects.filter(pk=cart.pk).update(
                status=Cart.Status.ORDERED, updated_at=timezone.now()
            )
    checkout.cart.status = Cart.Status.ORDERED
    _start_payment(order)
    return order


def _refuse_shortages(result) -> None:
    """Refuse with ``out_of_stock`` (409) when a line asks for more than is left of its
    variant: the loser of a race for the last units is told so, whichever moment it read the
    stock (here, after the winners committed, or in ``place_order`` under the variants' locks),
    with the variant and what is left, never a vaguer ``cart_changed``."""
    from orders.errors import OutOfStock, out_of_stock_message

    shortages = [
        {
            "variant_id": line.variant_id,
            "sku": line.sku,
            "requested": line.quantity,
            "available": line.stock_available,
            "message": out_of_stock_message(line.product_name, line.stock_available),
        }
        for line in result.unavailable
        if line.sellable
        and line.variant_id is not None
        and line.stock_available is not None
        and line.quantity > line.stock_available
    ]
    if shortages:
        raise OutOfStock("Some items are no longer in stock.", shortages=shortages)


def _refuse_rule_breaks(result) -> None:
    """Refuse with ``quantity_rule`` (400) when a line's quantity no longer keeps its rule as
    the cart reads it now (``pricing.quantity_rule_for``: a price list's minimum order
    quantity or order multiple raised since the line was added, or the variant's own rule),
    naming each line and its rule, never a vaguer ``cart_changed``. ``place_order`` checks
    again under the variants' locks."""
    from orders.errors import QUANTITY_RULE_MESSAGE, QuantityRuleBroken, quantity_rule_problem
    from pricing import QuantityRule

    problems = []
    for line in result.unavailable:
        if not line.sellable or line.variant_id is None:
            continue
        if line.stock_available is not None and line.quantity > line.stock_available:
            continue  # out of stock, said as such
        rule = QuantityRule(line.quantity_min, line.quantity_step, line.quantity_max)
        problem = quantity_rule_problem(
            variant_id=line.variant_id,
            sku=line.sku,
            name=line.product_name,
            quantity=line.quantity,
            rule=rule,
        )
        if problem:
            problems.append(problem)
    if problems:
        raise QuantityRuleBroken(QUANTITY_RULE_MESSAGE, problems=problems)


def _start_payment(order) -> None:
    """Start the order's payment with its method (payments.services.create_payment_for_order),
    after the order's transaction: a provider is never called under the checkout's lock. It is
    idempotent (a payment already started is kept), so a second submit only finds it. A method
    the store stopped offering meanwhile leaves the order unpaid for staff to see."""
    from payments.errors import MethodUnavailable
    from payments.services import create_payment_for_order

    try:
        create_payment_for_order(order=order)
    except MethodUnavailable:
        logger.warning(
            "order %s: payment method %s no longer offered", order.pk, order.payment_method
        )


def _changes(result, cart: Cart, *, expected_total, cart_version) -> list[dict]:
    """What changed since the shopper reviewed the checkout, as orders.errors.CartChanged
    lists it: lines that cannot be bought as they are, a different total or cart."""
    changes = [
        {
            "variant_id": line.variant_id or line.sku or "removed",
            "sku": line.sku,
            "change": "unavailable",
            "was": line.quantity,
            "now": line.stock_available,
            "message": f"{line.product_name}: " + "; ".join(line.notices or ["unavailable"]),
        }
        for line in result.unavailable
    ]
    if expected_total not in (None, ""):
        try:
            expected = Decimal(str(expected_total))
        except (InvalidOperation, ValueError):
            expected = None
        if expected is None or expected != result.total.amount:
            was = format_money(expected, result.currency) if expected is not None else "?"
            changes.append(
                {
                    "variant_id": "total",
                    "sku": "",
                    "change": "price",
                    "was": str(expected_total)[:32],
                    "now": str(result.total.amount),
                    "message": f"The total changed: was {was}, now {result.total}.",
                }
            )
    if cart_version not in (None, "") and str(cart_version) != str(cart.version):
        changes.append(
            {
                "variant_id": "cart",
                "sku": "",
                "change": "quantity",
                "was": str(cart_version)[:32],
                "now": cart.version,
                "message": "The cart was changed (in another tab or device): review it again.",
            }
        )
    return changes
