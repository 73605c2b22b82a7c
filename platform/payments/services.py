"""Writes of payments: the store's method settings, creating an order's payment, applying a
provider's answers (one finalisation path), staff marking a COD payment paid, refunds.

Locks are taken order first, then payment (``orders.actions`` locks the order only), so two
writers never wait on each other in opposite orders. The order's bookkeeping (``amount_paid``,
``amount_refunded``, its events) is kept by ``orders.actions.record_payment`` / ``record_refund``
in the same transaction; its payment status is then set to the one derived from its payments
(payments.status), which wins.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

import money
from config.api_errors import DomainError
from orders import actions as order_actions
from orders.models import Order, OrderStatus, PaymentStatus
from payments import gateway
from payments.errors import (
    InvalidAmount,
    MethodUnavailable,
    NotSupported,
    PaymentClosed,
    PaymentError,
    ProviderUnavailable,
    WebhookRejected,
)
from payments.gateway import FINAL_STATES, STATE_RANK, Action, PaymentResult, PaymentState
from payments.models import (
    INSTRUCTIONS_MAX_LENGTH,
    Payment,
    PaymentEvent,
    PaymentMethodSettings,
    ProviderEvent,
    Refund,
)
from payments.status import payment_status_for

logger = logging.getLogger(__name__)

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
    """Start (or retry) paying ``order`` with ``method`` (default: the order's
    ``payment_method``).

    The method must be registered, enabled and configured by the store (MethodUnavailable
    400). An open payment (not failed or cancelled) of the same method is returned as it is,
    with what the shopper does next (``provider.next_action``): placing twice, or reloading,
    makes one payment; one whose creation never reached the provider is created there again
    (the payment's token is the idempotency key). Open payments of another method still waiting
    for the shopper are cancelled (the shopper switched methods). The new payment is for what
    is still due (the total less what was received and not refunded). The provider is called
    outside the row locks and its answer applied by :func:`finalise`; a provider that does not
    answer (ProviderUnavailable) leaves the payment pending, for a retry or reconciliation."""
    code = method or order.payment_method
    try:
        provider = gateway.get(code)
    except KeyError:
        raise MethodUnavailable(
            "This payment method does not exist.",
            fields={"payment_method": [f"Unknown payment method “{code}”."]},
        ) from None
    if provider not in gateway.enabled_for_store():
        raise MethodUnavailable(
            "The store does not offer this payment method.",
            fields={"payment_method": [f"{provider.name} is not offered by this store."]},
        )
    switched: list[Payment] = []
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status == OrderStatus.CANCELLED:
            raise PaymentClosed(
                "This order was cancelled: it can no longer be paid.",
                fields={"payment_method": ["The order is cancelled."]},
            )
        payments = list(Payment.objects.filter(order=locked))
        for existing in payments:
            if existing.method == code and existing.state not in (
                PaymentState.FAILED,
                PaymentState.CANCELLED,
            ):
                break
        else:
            existing = None
        if existing is None:
            moving = {p.code for p in gateway.providers() if p.moves_money}
            switched = [
                p
                for p in payments
                if p.state in (PaymentState.PENDING, PaymentState.ACTION_REQUIRED)
                and p.method != code
                and p.method in moving
            ]
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
    if existing is not None:
        if not (
            existing.state == PaymentState.PENDING
            and provider.moves_money
            and not existing.provider_reference
        ):
            return PaymentStart(
                payment=existing, action=provider.next_action(existing), created=False
            )
        payment = existing
    for other in switched:
        cancel_payment(payment=other, source="switched")
    try:
        result = provider.create_payment(payment)
    except ProviderUnavailable as error:
        logger.warning("payment %s: %s did not answer: %s", payment.pk, code, error.message)
        _remember_message(payment, error.message)
        return PaymentStart(payment=payment, action=Action.none(), created=existing is None)
    except DomainError as refused:
        # The provider refused to start it (a currency or amount it does not take...): the
        # payment failed, the shopper may choose another method on the pay page.
        result = PaymentResult(state=PaymentState.FAILED, message=refused.message)
    payment = finalise(payment=payment, result=result, source="create")
    return PaymentStart(payment=payment, action=result.action, created=existing is None)


def cancel_payment(*, payment: Payment, source: str = "shopper", actor=None) -> Payment:
    """The shopper cancelled ``payment`` (came back through the cancel URL, or chose another
    method): ``provider.cancel`` (which cancels what the provider holds open) applied by
    :func:`finalise`. A payment already final is left as it is."""
    if payment.state in FINAL_STATES:
        return payment
    provider = _provider(payment)
    try:
        result = provider.cancel(payment)
    except ProviderUnavailable as error:
        _remember_message(payment, error.message)
        return payment
    return finalise(payment=payment, result=result, source=source, actor=actor)


def confirm_return(*, payment: Payment, data: dict | None = None) -> Payment:
    """The shopper came back from the provider (its return URL, ``data``: the query string):
    ``provider.confirm`` applied by :func:`finalise` (a webhook that came first makes this a
    no-op). A provider that does not answer leaves the payment as it is."""
    if payment.state in FINAL_STATES:
        return payment
    provider = _provider(payment)
    try:
        result = provider.confirm(payment, data=data or {})
    except ProviderUnavailable as error:
        _remember_message(payment, error.message)
        return payment
    return finalise(payment=payment, result=result, source="return")


def _remember_message(payment: Payment, message: str) -> None:
    Payment.objects.filter(pk=payment.pk).update(message=(message or "")[:500])
    payment.message = (message or "")[:500]


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
    action = result.action
    if (
        action is not None
        and action.kind == gateway.ActionKind.REDIRECT
        and action.url
        and action.url != locked.action_url
        and len(action.url) <= 2000
    ):
        locked.action_url = action.url
        changed.append("action_url")
    if result.message and "state" in changed and result.message[:500] != locked.message:
        locked.message = result.message[:500]
        changed.append("message")
    new_flags = [f for f in dict.fromkeys(result.flags or ()) if f not in locked.flags]
    if new_flags:
        locked.flags = [*locked.flags, *(f[:16] for f in new_flags)]
        changed.append("flags")
    received = Decimal(0)
    if result.captured is not None and result.captured.amount > locked.captured_amount:
        received = result.captured.amount - locked.captured_amount
        locked.captured_amount = result.captured.amount
        changed.append("captured_amount")
    if not changed:
        return
    locked.save(update_fields=[*changed, "updated_at"])
    data = {"source": source, **(result.data or {}), **(extra or {})}
    if new_flags:
        PaymentEvent.objects.create(
            payment=locked,
            kind=PaymentEvent.Kind.FLAGGED,
            from_state=from_state,
            to_state=locked.state,
            actor=person,
            note=(result.message or "")[:NOTE_MAX_LENGTH],
            data={**data, "flags": new_flags},
        )
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


def capture(*, payment: Payment, amount=None, actor=None, note: str = "") -> Payment:
    """Staff capture an authorised payment (a store capturing manually, e.g. Stripe's manual
    capture): all of it, or ``amount`` (Money or Decimal, at most what was authorised; the rest
    is released by the provider). The provider's answer goes through the one finalisation path,
    so a webhook saying the same afterwards changes nothing.

    Refused, nothing changed: a payment that is not authorised (NotSupported 409: pending,
    already captured, failed or cancelled), an amount not positive, too precise or above what
    was authorised (InvalidAmount 400 ``amount``), the provider refusing (its message) or not
    answering (ProviderUnavailable 502)."""
    provider = _provider(payment)
    value = None if amount in (None, "") else _money(amount, payment.currency, field="amount")
    note = _note(note)
    current = Payment.objects.get(pk=payment.pk)
    if current.state != PaymentState.AUTHORISED:
        raise NotSupported(
            f"Only an authorised payment can be captured; this one is "
            f"{current.get_state_display().lower()}."
        )
    if value is not None and value.amount > current.amount:
        raise InvalidAmount(
            "More than was authorised.",
            fields={"amount": [f"At most {money.format_money(current.amount, current.currency)}."]},
        )
    result = provider.confirm(current, amount=value)
    if result.state != PaymentState.SUCCEEDED and result.message:
        raise PaymentError(result.message, fields={"amount": [result.message]})
    return finalise(payment=payment, result=result, actor=actor, source="staff", note=note)


def refund(*, payment: Payment, amount, actor=None, reason: str = "") -> Refund:
    """Give back ``amount`` of what ``payment`` received: through its provider
    (``provider.refund``), or (cash on delivery) recorded only. A :class:`Refund` row, a
    payment event, the order's bookkeeping and status (refunded, partially refunded) follow, in
    one transaction under the order's and payment's locks.

    Refused, nothing changed: more than what was received and not refunded yet (InvalidAmount
    400 ``amount``), an amount not positive or too precise (400 ``amount``), a provider refusing
    (PaymentError 400 ``amount``) or not answering (ProviderUnavailable 502)."""
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
                result.message or "The refund was refused.",
                fields={"amount": [result.message or "The provider refused the refund."]},
            )
        given = min(result.amount.amount, refundable)
        person = _person(actor)
        row = _record_refund_row(
            order,
            locked,
            given,
            actor=person,
            note=reason,
            source=Refund.Source.STAFF,
            moved_money=result.moved_money,
            reference=result.provider_reference,
            data=result.data,
        )
    _sync(payment, locked)
    return row


def record_refund(*, payment: Payment, amount, actor=None, reason: str = "") -> Payment:
    """:func:`refund`, answering the payment (what orders' refund API calls)."""
    refund(payment=payment, amount=amount, actor=actor, reason=reason)
    return payment


def apply_refunded_total(
    *, payment: Payment, refunded: money.Money, reference: str = "", source: str = "webhook"
) -> Payment:
    """The provider says ``refunded`` (an absolute total) was given back from ``payment``
    (a webhook, or reconciliation): what is above what we recorded becomes a Refund row of
    source "provider" (a refund made in the provider's dashboard); the same total twice, or an
    older smaller one, changes nothing. Never above what was received."""
    with transaction.atomic():
        order, locked = _lock(payment)
        target = min(refunded.amount, locked.captured_amount)
        extra = target - locked.refunded_amount
        if extra > 0:
            _record_refund_row(
                order,
                locked,
                extra,
                actor=None,
                note="",
                source=Refund.Source.PROVIDER,
                moved_money=True,
                reference=reference,
                data={"source": source, "refunded_total": str(refunded.amount)},
            )
    return _sync(payment, locked)


def _record_refund_row(
    order, locked, amount, *, actor, note, source, moved_money, reference, data
) -> Refund:
    locked.refunded_amount += amount
    locked.save(update_fields=["refunded_amount", "updated_at"])
    row = Refund.objects.create(
        payment=locked,
        amount=amount,
        currency=locked.currency,
        state=Refund.State.SUCCEEDED,
        source=source,
        provider_reference=(reference or "")[:255],
        moved_money=moved_money,
        actor=actor,
        note=note,
        data=dict(data or {}),
    )
    PaymentEvent.objects.create(
        payment=locked,
        kind=PaymentEvent.Kind.REFUNDED,
        from_state=locked.state,
        to_state=locked.state,
        amount=amount,
        actor=actor,
        note=note,
        data={
            "refund": row.pk,
            "moved_money": moved_money,
            "refunded": str(locked.refunded_amount),
            "provider_reference": row.provider_reference,
            **(data or {}),
        },
    )
    order_actions.record_refund(order=order, amount=amount, actor=actor, note=note)
    order.refresh_from_db()
    _derive_status(order, actor=actor)
    return row


# --- Webhooks: received once, applied in Celery ---------------------------------------------------


def receive_webhook(*, code: str, body: bytes, headers) -> tuple[int, bool]:
    """A provider's webhook: verified by ``provider.handle_webhook`` before anything else
    (WebhookRejected 400: nothing stored), then kept as a :class:`ProviderEvent` once per
    (provider, event id) — one ``INSERT ... ON CONFLICT DO NOTHING`` — and applied by a Celery
    task after commit. Answers the event's id and whether it is new (a repeat: nothing stored,
    nothing queued)."""
    from payments import tasks

    try:
        provider = gateway.get(code)
    except KeyError:
        raise MethodUnavailable(
            "This payment method does not exist.", fields={"code": [f"Unknown “{code}”."]}
        ) from None
    if not provider.has_webhooks:
        raise NotSupported(f"{provider.name} sends no webhooks.")
    result = provider.handle_webhook(body, headers)
    event_id = str(result.event_id or "")[:255]
    if not event_id:
        raise WebhookRejected("The webhook names no event.", fields={"event_id": ["Missing."]})
    table = ProviderEvent._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" (provider, event_id, kind, provider_reference, status, '  # noqa: S608 - our own table name
            "body, result, error, received_at) VALUES (%s, %s, %s, %s, %s, %s, %s, '', %s) "
            "ON CONFLICT (provider, event_id) DO NOTHING RETURNING id",
            [
                code,
                event_id,
                (result.kind or "")[:100],
                (result.provider_reference or "")[:255],
                ProviderEvent.Status.RECEIVED,
                body.decode("utf-8", errors="replace").replace("\x00", ""),
                json.dumps(webhook_result_data(result)),
                timezone.now(),
            ],
        )
        row = cursor.fetchone()
        if row is not None:
            pk = row[0]
            transaction.on_commit(lambda: tasks.apply_provider_event.delay(pk))
    return (row[0] if row else 0), row is not None


def webhook_result_data(result: gateway.WebhookResult) -> dict:
    """A WebhookResult as JSON (kept on the ProviderEvent for the task)."""
    payment = result.result
    return {
        "event_id": result.event_id,
        "kind": result.kind,
        "provider_reference": result.provider_reference,
        "payment_token": result.payment_token,
        "refetch": result.refetch,
        "refunded": _money_data(result.refunded),
        "result": None
        if payment is None
        else {
            "state": str(payment.state),
            "captured": _money_data(payment.captured),
            "provider_reference": payment.provider_reference,
            "message": payment.message,
            "data": payment.data,
            "flags": list(payment.flags),
        },
    }


def webhook_result_from(data: dict) -> gateway.WebhookResult:
    payment = data.get("result")
    return gateway.WebhookResult(
        event_id=data.get("event_id", ""),
        kind=data.get("kind", ""),
        provider_reference=data.get("provider_reference", ""),
        payment_token=data.get("payment_token", ""),
        refetch=bool(data.get("refetch")),
        refunded=_money_from(data.get("refunded")),
        result=None
        if payment is None
        else PaymentResult(
            state=payment["state"],
            captured=_money_from(payment.get("captured")),
            provider_reference=payment.get("provider_reference", ""),
            message=payment.get("message", ""),
            data=payment.get("data") or {},
            flags=tuple(payment.get("flags") or ()),
        ),
    )


def _money_data(value: money.Money | None):
    return None if value is None else {"amount": str(value.amount), "currency": value.currency}


def _money_from(data) -> money.Money | None:
    return None if not data else money.Money(Decimal(data["amount"]), data["currency"])


def payment_for_webhook(code: str, result: gateway.WebhookResult) -> Payment | None:
    """The payment a webhook is about: by the provider's reference, else our token."""
    if result.provider_reference:
        found = (
            Payment.objects.filter(method=code, provider_reference=result.provider_reference)
            .order_by("-pk")
            .first()
        )
        if found is not None:
            return found
    if result.payment_token:
        try:
            return Payment.objects.filter(method=code, token=result.payment_token).first()
        except (ValueError, DjangoValidationError):
            return None
    return None


def apply_provider_event(event_pk: int) -> str:
    """Apply a stored webhook (the Celery task): find its payment, then finalise with its
    result, or (``refetch``) with what ``provider.status`` says now, and apply a refunded
    total. Exactly once: the event's row is locked and only a RECEIVED (or UNMATCHED / WAITING,
    retried) event is applied. Answers the event's status."""
    with transaction.atomic():
        event = ProviderEvent.objects.select_for_update().filter(pk=event_pk).first()
        if event is None or event.status in (
            ProviderEvent.Status.APPLIED,
            ProviderEvent.Status.FAILED,
        ):
            return event.status if event is not None else "missing"
        result = webhook_result_from(event.result)
        provider = gateway.get(event.provider)
        payment = payment_for_webhook(event.provider, result)
        if payment is None:
            event.status = ProviderEvent.Status.UNMATCHED
            event.save(update_fields=["status"])
            return event.status
        if result.refetch:
            try:
                answer = provider.status(payment)
            except ProviderUnavailable:
                raise  # the task retries; the event stays received
            finalise(payment=payment, result=answer, source=f"webhook:{event.kind}")
        elif result.result is not None:
            finalise(payment=payment, result=result.result, source=f"webhook:{event.kind}")
        if result.refunded is not None:
            if result.refunded.amount > payment.captured_amount and not result.refetch:
                # A refund told before the capture it refunds (events out of order): the
                # provider says what it captured; if it still does not cover the refund, the
                # event waits (the task retries it, reconciliation too).
                finalise(payment=payment, result=provider.status(payment), source="webhook")
            if result.refunded.amount > payment.captured_amount:
                event.payment = payment
                event.status = ProviderEvent.Status.WAITING
                event.save(update_fields=["payment", "status"])
                return event.status
            apply_refunded_total(
                payment=payment, refunded=result.refunded, reference=result.provider_reference
            )
        event.payment = payment
        event.status = ProviderEvent.Status.APPLIED
        event.processed_at = timezone.now()
        event.save(update_fields=["payment", "status", "processed_at"])
        return event.status


# --- Reconciliation ----------------------------------------------------------------------------


def reconcile(*, older_than_minutes: int | None = None, limit: int = 200) -> dict[str, int]:
    """Ask each provider about this store's payments stuck pending (or waiting for the shopper)
    longer than ``older_than_minutes`` (PAYMENTS_RECONCILE_AFTER_MINUTES) and apply its answer
    (finalise: never backwards); retry webhooks that found no payment yet. Answers counts."""
    minutes = (
        older_than_minutes
        if older_than_minutes is not None
        else settings.PAYMENTS_RECONCILE_AFTER_MINUTES
    )
    cutoff = timezone.now() - timedelta(minutes=minutes)
    moving = [p.code for p in gateway.providers() if p.moves_money]
    stuck = Payment.objects.filter(
        method__in=moving,
        state__in=(PaymentState.PENDING, PaymentState.ACTION_REQUIRED),
        updated_at__lt=cutoff,
    ).order_by("updated_at", "pk")[:limit]
    counts = {"checked": 0, "changed": 0, "unanswered": 0, "events_retried": 0}
    for payment in stuck:
        counts["checked"] += 1
        before = (payment.state, payment.captured_amount)
        provider = _provider(payment)
        try:
            answer = provider.status(payment)
        except ProviderUnavailable:
            counts["unanswered"] += 1
            continue
        except Exception:  # one provider's bug must not stop the others
            logger.exception("reconciling payment %s failed", payment.pk)
            counts["unanswered"] += 1
            continue
        if answer.state == PaymentState.PENDING and not payment.provider_reference:
            # Never reached the provider: the same token creates it there (idempotent).
            try:
                answer = provider.create_payment(payment)
            except ProviderUnavailable:
                counts["unanswered"] += 1
                continue
        finalise(payment=payment, result=answer, source="reconcile")
        Payment.objects.filter(pk=payment.pk).update(updated_at=timezone.now())
        if (payment.state, payment.captured_amount) != before:
            counts["changed"] += 1
    for event in ProviderEvent.objects.filter(
        status__in=(ProviderEvent.Status.UNMATCHED, ProviderEvent.Status.WAITING),
        received_at__lt=cutoff,
    )[:limit]:
        counts["events_retried"] += 1
        apply_provider_event(event.pk)
    return counts


def release_unpaid_orders(*, older_than_hours: int | None = None, limit: int = 100) -> int:
    """Cancel this store's orders placed to be paid online and never paid: still pending and
    unpaid ``older_than_hours`` (PAYMENTS_UNPAID_ORDER_HOURS) after they were placed, with no
    payment authorised or received. Each open payment is asked about at its provider one last
    time (a payment made meanwhile keeps the order) and cancelled there; the order's cancelling
    gives its reserved stock back and tells the shopper. An order whose provider does not
    answer is left for the next run. Answers how many orders were cancelled."""
    hours = (
        older_than_hours if older_than_hours is not None else settings.PAYMENTS_UNPAID_ORDER_HOURS
    )
    cutoff = timezone.now() - timedelta(hours=hours)
    moving = [p.code for p in gateway.providers() if p.moves_money]
    orders = Order.objects.filter(
        status=OrderStatus.PENDING,
        payment_status=PaymentStatus.UNPAID,
        payment_method__in=moving,
        placed_at__lt=cutoff,
    ).order_by("placed_at", "pk")[:limit]
    cancelled = 0
    for order in orders:
        if _still_unpaid_after_asking(order) and _cancel_open_payments(order):
            try:
                order_actions.cancel_order(
                    order=order,
                    note=f"Not paid within {hours} hours: cancelled, its stock released.",
                )
            except DomainError:  # it moved on meanwhile (staff started it): leave it
                continue
            cancelled += 1
    return cancelled


def _still_unpaid_after_asking(order: Order) -> bool:
    for payment in Payment.objects.filter(order=order).exclude(state__in=FINAL_STATES):
        try:
            finalise(payment=payment, result=_provider(payment).status(payment), source="expiry")
        except ProviderUnavailable:
            return False
    return (
        not Payment.objects.filter(order=order)
        .filter(
            Q(state__in=(PaymentState.AUTHORISED, PaymentState.SUCCEEDED))
            | Q(captured_amount__gt=0)
        )
        .exists()
    )


def _cancel_open_payments(order: Order) -> bool:
    for payment in Payment.objects.filter(order=order).exclude(state__in=FINAL_STATES):
        if cancel_payment(payment=payment, source="expiry").state not in FINAL_STATES:
            return False  # the provider did not answer: try again next time
    return True


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
                 "action_url", "flags", "message", "updated_at"):  # fmt: skip
        setattr(payment, name, getattr(locked, name))
    return payment
