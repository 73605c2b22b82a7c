"""The payment-method interface: what every way of paying implements, and the registry.

Cash on delivery (``payments/providers/cash_on_delivery.py``) is the first provider; Stripe,
PayPal, Coinbase and BitPay come later as one module each under ``payments/providers/`` (the
only module importing that provider's SDK), registered with :func:`register` from
``PaymentsConfig.ready()``. Nothing outside ``payments.services`` calls a provider: the services
keep the ``Payment`` rows, their events and the order's payment status, and every answer of a
provider — to the creating call, the shopper's return, a webhook, a status request, a staff
action — is applied by one function, ``payments.services.finalise`` (one finalisation path,
under the payment's row lock: whichever arrives first changes the payment, a later or
out-of-date answer changes nothing).

The contract::

    provider.code, provider.name                  # "cod", "Cash on delivery": code is stored
    provider.offer(total=, delivery_option=, settings=) -> OfferedMethod | None
    provider.create_payment(payment) -> PaymentResult      # hand the shopper over: Action
    provider.confirm(payment, amount=None, data=None) -> PaymentResult
                                                  # the shopper's return, a client-side
                                                  # confirmation, a capture, or (COD) the
                                                  # staff's "paid on delivery"
    provider.refund(payment, amount) -> RefundResult
    provider.status(payment) -> PaymentResult     # ask the provider (reconciliation)
    provider.handle_webhook(body, headers) -> WebhookResult   # verify the signature first

A :class:`PaymentResult` carries **absolute** figures (what the provider holds now: the amount
captured so far, its reference), never increments, so that answering twice or out of order
cannot count money twice. Amounts are :class:`money.Money` in the order's currency.

Capabilities a provider declares (class attributes): ``moves_money`` (False for COD: a refund is
only recorded), ``staff_marks_paid`` (COD: staff enter what was received), ``has_webhooks``.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models

import money

if TYPE_CHECKING:
    from payments.models import Payment, PaymentMethodSettings


class PaymentState(models.TextChoices):
    """Where one payment stands (the order's payment status is derived from its payments'
    amounts: payments.status)."""

    PENDING = "pending", "Pending"  # created; COD: waiting for the delivery
    ACTION_REQUIRED = "action_required", "Waiting for the shopper"  # redirect, 3-D Secure
    AUTHORISED = "authorised", "Authorised"  # held, to be captured
    SUCCEEDED = "succeeded", "Succeeded"  # money received (captured_amount says how much)
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


# A later answer never moves a payment back: a late "pending" never overrides "succeeded".
STATE_RANK = {
    PaymentState.PENDING: 0,
    PaymentState.ACTION_REQUIRED: 1,
    PaymentState.AUTHORISED: 2,
    PaymentState.SUCCEEDED: 3,
    PaymentState.FAILED: 3,
    PaymentState.CANCELLED: 3,
}
FINAL_STATES = frozenset({PaymentState.SUCCEEDED, PaymentState.FAILED, PaymentState.CANCELLED})


class ActionKind(models.TextChoices):
    NONE = "none", "Nothing to do"  # COD: the order is confirmed, pay on delivery
    REDIRECT = "redirect", "Redirect"  # PayPal approve, Coinbase/BitPay hosted pages
    CLIENT_SECRET = "client_secret", "Client-side element"  # Stripe's Payment Element


@dataclass(frozen=True)
class Action:
    """What the shopper must do next: nothing, follow ``url``, or let a client-side element
    confirm with ``client_secret`` (``data``: the publishable key and the like)."""

    kind: str = ActionKind.NONE
    url: str = ""
    client_secret: str = field(default="", repr=False)
    data: dict = field(default_factory=dict)

    @classmethod
    def none(cls) -> Action:
        return cls()

    @classmethod
    def redirect(cls, url: str, **data) -> Action:
        return cls(kind=ActionKind.REDIRECT, url=url, data=data)

    @classmethod
    def client(cls, client_secret: str, **data) -> Action:
        return cls(kind=ActionKind.CLIENT_SECRET, client_secret=client_secret, data=data)


@dataclass(frozen=True)
class PaymentResult:
    """A provider's answer about one payment, in absolute figures: its state, what has been
    captured so far (None: unchanged), the provider's reference, what the shopper does next."""

    state: str
    captured: money.Money | None = None
    provider_reference: str = ""
    action: Action = field(default_factory=Action)
    message: str = ""  # why it failed, for staff and the shopper
    data: dict = field(default_factory=dict)  # kept on the PaymentEvent (no secrets)


@dataclass(frozen=True)
class RefundResult:
    """A refund made (or, COD, recorded): ``amount`` given back this time; ``moved_money`` is
    False when nothing moved through a provider (COD: the store gave cash back itself)."""

    amount: money.Money
    succeeded: bool = True
    moved_money: bool = True
    provider_reference: str = ""
    message: str = ""
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class WebhookResult:
    """A verified webhook: the provider's event id (processed once), the payment it is about
    (by ``provider_reference``) and, when it says something about it, the new ``result``."""

    event_id: str
    provider_reference: str = ""
    result: PaymentResult | None = None
    refunded: money.Money | None = None  # absolute refunded total when the event is a refund
    kind: str = ""


@dataclass(frozen=True)
class OfferedMethod:
    """A payment method offered at checkout: its code, name, extra fee, what to tell the
    shopper, and how the shopper is handed over (``action_kind``)."""

    code: str
    name: str
    fee: money.Money
    instructions: str = ""
    action_kind: str = ActionKind.NONE


class PaymentProvider(abc.ABC):
    """A way of paying. Subclasses set ``code`` and ``name`` and implement the methods; the
    defaults answer :class:`payments.errors.NotSupported` (409)."""

    code: str = ""
    name: str = ""
    moves_money: bool = True
    staff_marks_paid: bool = False
    has_webhooks: bool = False
    action_kind: str = ActionKind.NONE

    def offer(
        self, *, total: money.Money, delivery_option, settings: PaymentMethodSettings
    ) -> OfferedMethod | None:
        """Whether (and at what fee) the method is offered for this total and delivery
        option; None when it is not. By default: offered, without a fee."""
        return OfferedMethod(
            code=self.code,
            name=self.name,
            fee=money.Money.zero(total.currency),
            action_kind=self.action_kind,
        )

    @abc.abstractmethod
    def create_payment(self, payment: Payment) -> PaymentResult:
        """Start paying ``payment.amount`` of ``payment.order`` at the provider (an idempotency
        key: ``payment.token``); the result's ``action`` tells the shopper what to do."""

    def confirm(self, payment: Payment, *, amount=None, data: dict | None = None) -> PaymentResult:
        """The shopper came back, a client-side element confirmed, staff capture (``amount``:
        partial capture) or, COD, staff mark the payment paid with the ``amount`` received."""
        from payments.errors import NotSupported

        raise NotSupported(f"{self.name} payments are not confirmed this way.")

    def refund(self, payment: Payment, amount: money.Money) -> RefundResult:
        from payments.errors import NotSupported

        raise NotSupported(f"{self.name} payments cannot be refunded here.")

    def status(self, payment: Payment) -> PaymentResult:
        """What the provider says about ``payment`` now (reconciliation of stuck payments)."""
        return PaymentResult(state=payment.state, provider_reference=payment.provider_reference)

    def handle_webhook(self, body: bytes, headers) -> WebhookResult:
        """Verify the signature of a webhook's raw ``body`` before anything else (refused:
        an error, nothing changed) and say what it is about."""
        from payments.errors import NotSupported

        raise NotSupported(f"{self.name} sends no webhooks.")


# --- Registry ----------------------------------------------------------------------------------

_PROVIDERS: dict[str, PaymentProvider] = {}


def register(provider: PaymentProvider) -> PaymentProvider:
    """Make ``provider`` available under its ``code`` (a later one replaces an earlier one)."""
    if not isinstance(provider, PaymentProvider) or not provider.code:
        raise TypeError(f"{provider!r} does not implement PaymentProvider")
    _PROVIDERS[provider.code] = provider
    return provider


def unregister(code: str) -> None:
    """Remove a provider (for tests)."""
    _PROVIDERS.pop(code, None)


def get(code: str) -> PaymentProvider:
    """The provider registered under ``code`` (KeyError for an unknown one)."""
    return _PROVIDERS[code]


def providers() -> list[PaymentProvider]:
    """Every registered provider, in the order they were registered (COD first)."""
    return list(_PROVIDERS.values())


def choices() -> list[tuple[str, str]]:
    return [(provider.code, provider.name) for provider in _PROVIDERS.values()]


def enabled_for_store(settings: PaymentMethodSettings | None = None) -> list[PaymentProvider]:
    """The registered providers the current store enabled, in registry order."""
    if settings is None:
        from payments import selectors

        settings = selectors.method_settings()
    enabled = set(settings.enabled_methods)
    return [provider for code, provider in _PROVIDERS.items() if code in enabled]
