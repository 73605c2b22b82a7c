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
    provider.offered_to(buyer) -> bool            # whether this buyer may use it at all
                                                  # (invoice: companies on credit terms)
    provider.create_payment(payment) -> PaymentResult      # hand the shopper over: Action
    provider.confirm(payment, amount=None, data=None) -> PaymentResult
                                                  # the shopper's return, a client-side
                                                  # confirmation, a capture, or (COD) the
                                                  # staff's "paid on delivery"
    provider.refund(payment, amount) -> RefundResult
    provider.status(payment) -> PaymentResult     # ask the provider (reconciliation)
    provider.handle_webhook(body, headers) -> WebhookResult   # verify the signature first
    provider.cancel(payment) -> PaymentResult     # the shopper cancelled (default: CANCELLED)
    provider.next_action(payment) -> Action       # the action shown again on a reload
    provider.credential_fields                    # CredentialField(...) the store admin asks
    provider.client_template                      # the pay page's client element (Stripe)
    gateway.payment_urls(payment) -> PaymentUrls  # return, cancel and webhook URLs

Credentials are read only through ``payments.credentials.get(code)`` (decrypted, merged with
the non-secret options); a provider is offered at checkout only when the store enabled it AND
its required credential fields are saved (:meth:`PaymentProvider.is_configured`).

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
class CredentialField:
    """One setting a provider needs from the store (Settings > Payments renders a form field
    per declaration). ``secret``: encrypted at rest, never shown again (an empty field keeps
    the saved value); otherwise kept in plain ``options`` (a publishable key, a capture mode).
    ``choices``: ((value, label), ...) for a select."""

    name: str
    label: str
    secret: bool = True
    required: bool = True
    help: str = ""
    choices: tuple | None = None


# Flags a provider may raise on a result; recorded on the payment for staff (mismatch report).
FLAGS = ("underpaid", "overpaid", "late", "disputed")


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
    flags: tuple[str, ...] = ()  # of FLAGS: "underpaid", "overpaid", "late", "disputed"


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
    # True: the body is not trusted (BitPay): the task asks ``provider.status(payment)`` and
    # finalises with that answer instead of ``result``.
    refetch: bool = False
    # Our payment's token when the provider echoes it (metadata, invoice id): finds the payment
    # before its provider reference is known (a webhook racing the creating call).
    payment_token: str = ""


@dataclass(frozen=True)
class PaymentUrls:
    """Absolute URLs on the store's primary host for one payment: where the provider sends the
    shopper back (``return_url``), where a cancel leads (``cancel_url``), and the provider's
    webhook endpoint (``webhook_url``)."""

    return_url: str
    cancel_url: str
    webhook_url: str


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
    # What the store enters in Settings > Payments (payments.credentials).
    credential_fields: tuple[CredentialField, ...] = ()
    # Template included by the pay page for CLIENT_SECRET actions; its context: payment,
    # action, return_url, cancel_url.
    client_template: str = ""

    def is_configured(self, saved: set[str] | None = None) -> bool:
        """Whether the store saved every required credential field (always, without any).
        ``saved``: the names saved (payments.credentials.saved_names), read if not given."""
        required = {f.name for f in self.credential_fields if f.required}
        if not required:
            return True
        if saved is None:
            from payments import credentials

            saved = credentials.saved_names().get(self.code, set())
        return required <= set(saved)

    def offered_to(self, buyer) -> bool:
        """Whether ``buyer`` (a pricing.Buyer; None when unknown) may pay with this method at
        all. By default anyone; the invoice method only companies on credit terms, so an
        unknown buyer never sees a method reserved to some."""
        return True

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
        raise payments.errors.WebhookRejected, nothing stored) and say what it is about."""
        from payments.errors import NotSupported

        raise NotSupported(f"{self.name} sends no webhooks.")

    def cancel(self, payment: Payment) -> PaymentResult:
        """The shopper cancelled at the provider (or chose another method): by default the
        payment is cancelled here only; providers that hold something open cancel it there."""
        return PaymentResult(state=PaymentState.CANCELLED, message="Cancelled by the shopper.")

    def next_action(self, payment: Payment) -> Action:
        """What the shopper does next on a reload of the pay page: by default the redirect
        stored when the payment was created (none if there was none)."""
        if payment.action_url:
            return Action.redirect(payment.action_url)
        return Action.none()


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
    """The registered providers the current store enabled and configured (every required
    credential field saved), in registry order."""
    if settings is None:
        from payments import selectors

        settings = selectors.method_settings()
    enabled = set(settings.enabled_methods)
    candidates = [p for code, p in _PROVIDERS.items() if code in enabled]
    if not any(p.credential_fields for p in candidates):
        return candidates
    from payments import credentials

    saved = credentials.saved_names()
    return [p for p in candidates if p.is_configured(saved.get(p.code, set()))]


def payment_urls(payment: Payment) -> PaymentUrls:
    """The return, cancel and webhook URLs of ``payment`` on the current store's primary host
    (absolute; no request needed: the API and Celery tasks call it too)."""
    from django.db import connection
    from django.urls import reverse

    from tenants.models import Tenant

    tenant = getattr(connection, "tenant", None)
    if not isinstance(tenant, Tenant):
        tenant = Tenant.objects.get(schema_name=connection.schema_name)
    base = tenant.url.rstrip("/")
    token = str(payment.token)
    return PaymentUrls(
        return_url=base + reverse("checkout-pay-return", args=[token]),
        cancel_url=base + reverse("checkout-pay-cancel", args=[token]),
        webhook_url=base + reverse("payments-webhook", args=[payment.method]),
    )


def webhook_url(code: str) -> str:
    """The webhook URL of provider ``code`` on the current store (to register there)."""
    from django.db import connection
    from django.urls import reverse

    from tenants.models import Tenant

    tenant = getattr(connection, "tenant", None)
    if not isinstance(tenant, Tenant):
        tenant = Tenant.objects.get(schema_name=connection.schema_name)
    return tenant.url.rstrip("/") + reverse("payments-webhook", args=[code])
