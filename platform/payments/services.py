"""Writes of payments: the store's method settings, creating an order's payment, applying a
provider's answers (one finalisation path), staff marking a COD payment paid, refunds.

Locks are taken order first, then payment (``orders.actions`` locks the order only), so two
writers never wait on each other in opposite orders. The order's bookkeeping (``amount_paid``,
``amount_refunded``, its events) is kept by ``orders.actions.record_payment`` / ``record_refund``
in the same transaction; its payment status is then set to the one derived from its payments
(payments.status), which wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction

import money
from orders import actions as order_actions
from orders.models import Order
from payments import gateway, selectors
from payments.errors import (
    InvalidAmount,
    MethodUnavailable,
    NotSupported,
    PaymentClosed,
    PaymentError,
)
from payments.gateway import FINAL_STATES, STATE_RANK, Action, PaymentResult, PaymentState
from payments.models import INSTRUCTIONS_MAX_LENGTH, Payment, PaymentEvent, PaymentMethodSettings
from payments.status import payment_status_for

SETTINGS_FIELDS = ("enabled_methods", "cod_fee", "cod_max_order_value", "cod_instructions")
# Amounts are stored in DECIMAL(12, 2): anything from 10 000 000 000 on does not fit.
AMOUNT_LIMIT = Decimal("1e10")
NOTE_MAX_LENGTH = 2000


@dataclass(frozen=True)
class PaymentStart:
    """A payment created (or found) for an order, and what the shopper does next."""

    payment: Payment
    action: Action
    created: bool = True


# --- Settings ----------------------------------------------------------------------------------


def set_method_settings(*, data: dict, actor_label: str = "") -> PaymentMethodSettings:
    """Change the store's payment-method settings (keys of ``data`` among SETTINGS_FIELDS).

    Refused field by field (PaymentError 400, nothing saved): a method that is not registered,
    a COD fee that is negative, too large or has more decimals than the store's currency, a
    maximum order value that is not above zero (None: no maximum), instructions longer than
    1,000 characters."""
    unknown = set(data) - set(SETTINGS_FIELDS)
    if unknown:
        raise PaymentError(
            "Unknown payment settings.",
            fields={name: ["Not a payment setting."] for name in sorted(unknown)},
        )
    currency = money.store_currency()
    clean: dict = {}
    errors: dict[str, list[str]] = {}
    if "enabled_methods" in data:
        codes = data["enabled_methods"]
        if isinstance(codes, str) or not isinstance(codes, list | tuple):
            errors["enabled_methods"] = ["A list of method codes."]
        else:
            known = {code for code, _ in gateway.choices()}
            unknown_codes = [str(code) for code in codes if code not in known]
            if unknown_codes:
                errors["enabled_methods"] = [
                    f"Unknown method(s): {', '.join(unknown_codes)}. "
                    f"Known: {', '.join(sorted(known))}."
                ]
            else:
                clean["enabled_methods"] = [code for code, _ in gateway.choices() if code in codes]
    if "cod_fee" in data:
        fee = _decimal(data["cod_fee"] if data["cod_fee"] is not None else 0)
        problem = _amount_problem(fee, currency, allow_zero=True)
        if problem:
            errors["cod_fee"] = [problem]
        else:
            clean["cod_fee"] = fee
    if "cod_max_order_value" in data:
        value = data["cod_max_order_value"]
        if value is None or value == "":
            clean["cod_max_order_value"] = None
        else:
            maximum = _decimal(value)
            problem = _amount_problem(maximum, currency, allow_zero=False)
            if problem:
                errors["cod_max_order_value"] = [problem + " Empty: no maximum."]
            else:
                clean["cod_max_order_value"] = maximum
    if "cod_instructions" in data:
        text = str(data["cod_instructions"] or "").strip()
        if len(text) > INSTRUCTIONS_MAX_LENGTH:
            errors["cod_instructions"] = [
                f"At most {INSTRUCTIONS_MAX_LENGTH:,} characters (this has {len(text):,})."
            ]
        else:
            clean["cod_instructions"] = text
    if errors:
        raise PaymentError("These payment settings cannot be saved.", fields=errors)
    with transaction.atomic():
        settings, _ = PaymentMethodSettings.objects.select_for_update().get_or_create(pk=1)
        for name, value in clean.items():
            setattr(settings, name, value)
        settings.save()
    return settings


# --- Creating ----------------------------------------------------------------------------------


def create_payment_for_order(*, order: Order, method: str | None = None) -> PaymentStart:
    """Start paying ``order`` with ``method`` (default: the order's ``payment_method``).

    The method must be registered and enabled by the store (MethodUnavailable 400). An open
    payment (not failed or cancelled) of the same method is returned as it is (placing twice
    makes one payment). The payment is for what is still due (the total less what was received
    and not refunded). The provider is called outside the row locks, with the payment's token
    as its idempotency key, and its answer applied by :func:`finalise`."""
    code = method or order.payment_method
    try:
        provider = gateway.get(code)
    except KeyError:
        raise MethodUnavailable(
            "This payment method does not exist.",
            fields={"payment_method": [f"Unknown payment method “{code}”."]},
        ) from None
    if code not in selectors.method_settings().enabled_methods:
        raise MethodUnavailable(
            "The store does not offer this payment method.",
            fields={"payment_method": [f"{provider.name} is not offered by this store."]},
        )
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        payments = list(Payment.objects.filter(order=locked))
        for existing in payments:
            if existing.method == code and existing.state not in (
                PaymentState.FAILED,
                PaymentState.CANCELLED,
            ):
                return PaymentStart(payment=existing, action=Action.none(), created=False)
        received = sum((p.captured_amount - p.refunded_amount for p in payments), Decimal(0))
        due = locked.total - received
        if due <= 0:
            raise PaymentError(
                "Nothing is left to pay on this order.",
                fields={"payment_method": ["The order is paid."]},
            )
        payment = Payment.objects.create(
            order=locked, method=code, currency=locked.currency, amount=due
        )
        PaymentEvent.objects.create(
            payment=payment,
            kind=PaymentEvent.Kind.CREATED,
            to_state=payment.state,
            amount=due,
        )
    result = provider.create_payment(payment)
    payment = finalise(payment=payment, result=result, source="create")
    return PaymentStart(payment=payment, action=result.action)


# --- The one finalisation path -------------------------------------------------------------------


def finalise(
    *, payment: Payment, result: PaymentResult, actor=None, source: str = "", note: str = ""
) -> Payment:
    """Apply a provider's answer about ``payment`` (from creating it, the shopper's return, a
    webhook, a status request, a staff action), under the order's and the payment's row locks.
    Idempotent and order-proof: the state never moves back (a late "pending" after "succeeded"
    changes nothing), and money received only grows (absolute figures: the same answer twice
    records it once)."""
    with transaction.atomic():
        order, locked = _lock(payment)
        _apply(order, locked, result, actor=actor, source=source, note=note)
    return _sync(payment, locked)


def _lock(payment: Payment) -> tuple[Order, Payment]:
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    return order, locked


def _apply(
    order: Order,
    locked: Payment,
    result: PaymentResult,
    *,
    actor=None,
    source: str = "",
    note: str = "",
    paid_kind: str = PaymentEvent.Kind.CAPTURED,
    extra: dict | None = None,
) -> None:
    person = _person(actor)
    changed = []
    from_state = locked.state
    to_state = PaymentState(result.state)
    if to_state != from_state and _may_move(from_state, to_state):
        locked.state = to_state
        changed.append("state")
    if result.provider_reference and result.provider_reference != locked.provider_reference:
        locked.provider_reference = result.provider_reference[:255]
        changed.append("provider_reference")
    received = Decimal(0)
    if result.captured is not None and result.captured.amount > locked.captured_amount:
        received = result.captured.amount - locked.captured_amount
        locked.captured_amount = result.captured.amount
        changed.append("captured_amount")
    if not changed:
        return
    locked.save(update_fields=[*changed, "updated_at"])
    data = {"source": source, **(result.data or {}), **(extra or {})}
    if "state" in changed:
        PaymentEvent.objects.create(
            payment=locked,
            kind=PaymentEvent.Kind.FAILED
            if to_state == PaymentState.FAILED
            else PaymentEvent.Kind.STATE_CHANGED,
            from_state=from_state,
            to_state=to_state,
            actor=person,
            note=(result.message or note)[:NOTE_MAX_LENGTH],
            data=data,
        )
    if received > 0:
        PaymentEvent.objects.create(
            payment=locked,
            kind=paid_kind,
            from_state=from_state,
            to_state=locked.state,
            amount=received,
            actor=person,
            note=note[:NOTE_MAX_LENGTH],
            data={**data, "received": str(locked.captured_amount)},
        )
        order_actions.record_payment(order=order, amount=received, actor=person, note=note)
        _derive_status(order, actor=person)


def _may_move(from_state: str, to_state: str) -> bool:
    if from_state in FINAL_STATES:
        return False
    return STATE_RANK[to_state] >= STATE_RANK[from_state]


def _derive_status(order: Order, *, actor=None) -> None:
    status = payment_status_for(Payment.objects.filter(order=order), total=order.total)
    if order.payment_status != status:
        order_actions.set_payment_status(order=order, payment_status=status, actor=actor)


# --- Staff: paid on delivery, refunds -------------------------------------------------------------


def mark_paid(*, payment: Payment, amount, actor=None, note: str = "") -> Payment:
    """Staff received ``amount`` (Money or Decimal, the order's currency) for a payment whose
    method is marked paid by staff (cash on delivery). What was received adds up; against the
    payment's amount it is recorded as exact, partial or over payment (the event's ``data``
    ``outcome``), and the order becomes paid, partially paid or overpaid.

    Refused: a method staff do not mark paid (NotSupported 409), a failed or cancelled payment
    (PaymentClosed 409), an amount that is not positive, too large or too precise
    (InvalidAmount 400 ``amount``)."""
    provider = _provider(payment)
    if not provider.staff_marks_paid:
        raise NotSupported(f"{provider.name} payments are confirmed by {provider.name}, not staff.")
    value = _money(amount, payment.currency, field="amount")
    note = _note(note)
    with transaction.atomic():
        order, locked = _lock(payment)
        if locked.state in (PaymentState.FAILED, PaymentState.CANCELLED):
            raise PaymentClosed(f"This payment is {locked.get_state_display().lower()}.")
        if not (locked.captured_amount + value.amount) < AMOUNT_LIMIT:
            raise InvalidAmount("The amount is too large.", fields={"amount": ["Too large."]})
        result = provider.confirm(locked, amount=value)
        received = result.captured.amount if result.captured is not None else Decimal(0)
        outcome = (
            "exact"
            if received == locked.amount
            else ("partial" if received < locked.amount else "over")
        )
        _apply(
            order,
            locked,
            result,
            actor=actor,
            source="staff",
            note=note,
            paid_kind=PaymentEvent.Kind.PAID,
            extra={"outcome": outcome, "due": str(locked.amount)},
        )
    return _sync(payment, locked)


def record_refund(*, payment: Payment, amount, actor=None, reason: str = "") -> Payment:
    """Give back ``amount`` of what ``payment`` received: through its provider, or (cash on
    delivery) recorded only. Never above what was received and not refunded yet (InvalidAmount
    400 ``amount``, nothing changed). The order's bookkeeping and status follow (refunded,
    partially refunded)."""
    provider = _provider(payment)
    value = _money(amount, payment.currency, field="amount")
    reason = _note(reason, field="reason")
    with transaction.atomic():
        order, locked = _lock(payment)
        refundable = locked.captured_amount - locked.refunded_amount
        if value.amount > refundable:
            raise InvalidAmount(
                "This refund is more than what is left to refund.",
                fields={
                    "amount": [
                        f"At most {money.format_money(refundable, locked.currency)} (what was "
                        "received and not refunded yet)."
                        if refundable > 0
                        else "Nothing received is left to refund."
                    ]
                },
            )
        result = provider.refund(locked, value)
        if not result.succeeded:
            raise PaymentError(
                result.message or "The refund was refused.", fields={"amount": [result.message]}
            )
        locked.refunded_amount += result.amount.amount
        locked.save(update_fields=["refunded_amount", "updated_at"])
        person = _person(actor)
        PaymentEvent.objects.create(
            payment=locked,
            kind=PaymentEvent.Kind.REFUNDED,
            from_state=locked.state,
            to_state=locked.state,
            amount=result.amount.amount,
            actor=person,
            note=reason,
            data={
                "moved_money": result.moved_money,
                "refunded": str(locked.refunded_amount),
                "provider_reference": result.provider_reference,
                **(result.data or {}),
            },
        )
        order_actions.record_refund(order=order, amount=result.amount.amount, actor=person,
                                    note=reason)  # fmt: skip
        order.refresh_from_db()
        _derive_status(order, actor=person)
    return _sync(payment, locked)


# --- Helpers -----------------------------------------------------------------------------------


def _provider(payment: Payment) -> gateway.PaymentProvider:
    try:
        return gateway.get(payment.method)
    except KeyError:
        raise NotSupported(f"The payment method “{payment.method}” is not available.") from None


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(getattr(value, "amount", value)).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    return amount if amount.is_finite() else None


def _amount_problem(amount: Decimal | None, currency: str, *, allow_zero: bool) -> str:
    if amount is None:
        return "Enter an amount, such as 12.50."
    if amount < 0 or (amount == 0 and not allow_zero):
        return "Must be 0 or more." if allow_zero else "Must be more than 0."
    if amount >= AMOUNT_LIMIT:
        return f"Must be less than {money.format_money(AMOUNT_LIMIT, currency)}."
    if not money.fits_currency(amount, currency):
        return money.precision_message(currency)
    return ""


def _money(value, currency: str, *, field: str) -> money.Money:
    if isinstance(value, money.Money) and value.currency != currency:
        raise InvalidAmount(
            "The amount is in another currency.",
            fields={field: [f"Amounts of this payment are in {currency}."]},
        )
    amount = _decimal(value)
    problem = _amount_problem(amount, currency, allow_zero=False)
    if problem:
        raise InvalidAmount("The amount is not valid.", fields={field: [problem]})
    return money.Money(amount, currency)


def _note(text, *, field: str = "note") -> str:
    text = str(text or "").strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise PaymentError(
            "The note is too long.", fields={field: [f"At most {NOTE_MAX_LENGTH:,} characters."]}
        )
    return text


def _person(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def _sync(payment: Payment, locked: Payment) -> Payment:
    for name in ("state", "captured_amount", "refunded_amount", "provider_reference",
                 "updated_at"):  # fmt: skip
        setattr(payment, name, getattr(locked, name))
    return payment
