"""An example online provider for the payments core's tests: it implements the public
provider interface (payments.gateway) as a hosted-page provider would, keeping its side of
each payment in a small in-process ledger (the provider's own records), and signs its webhooks
with the store's webhook secret (HMAC-SHA256 of the raw body, header ``X-Example-Signature``).

It is a plug-in like Stripe's or PayPal's modules, not a stand-in for our own code: every path
of ours (credentials, finalise, webhooks, the Celery task, pay pages, refunds, reconciliation)
runs for real against it. Real providers are tested against their HTTP doubles
(tests/doubles/).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import uuid
from decimal import Decimal

import money
from payments import credentials, gateway
from payments.errors import ProviderUnavailable, WebhookRejected
from payments.gateway import (
    Action,
    ActionKind,
    CredentialField,
    PaymentResult,
    PaymentState,
    RefundResult,
    WebhookResult,
)

CODE = "example"
HOSTED = "https://pay.example.test/checkout/"
SIGNATURE_HEADER = "X-Example-Signature"


class Ledger:
    """The provider's own records: reference -> {"state", "captured", "refunded", "amount"}."""

    def __init__(self):
        self.lock = threading.Lock()
        self.payments: dict[str, dict] = {}
        self.down = False  # True: every call times out
        self.creates = 0
        self.refunds: list[tuple[str, Decimal]] = []

    def reset(self):
        with self.lock:
            self.payments.clear()
            self.down = False
            self.creates = 0
            self.refunds.clear()


LEDGER = Ledger()


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class ExamplePay(gateway.PaymentProvider):
    code = CODE
    name = "ExamplePay"
    has_webhooks = True
    action_kind = ActionKind.REDIRECT
    credential_fields = (
        CredentialField("api_key", "API key", help="From the ExamplePay dashboard."),
        CredentialField("webhook_secret", "Webhook signing secret"),
        CredentialField("account_name", "Account name", secret=False, required=False),
        CredentialField(
            "capture",
            "Capture",
            secret=False,
            required=False,
            choices=(("automatic", "Automatic"), ("manual", "Manual")),
        ),
    )

    def _check(self) -> dict:
        saved = credentials.get(self.code)
        if LEDGER.down:
            raise ProviderUnavailable("ExamplePay did not answer in time.")
        return saved

    def _result(self, payment, reference: str) -> PaymentResult:
        record = LEDGER.payments.get(reference)
        if record is None:
            return PaymentResult(state=PaymentState.PENDING)
        return PaymentResult(
            state=record["state"],
            captured=money.Money(record["captured"], payment.currency),
            provider_reference=reference,
            message=record.get("message", ""),
            flags=tuple(record.get("flags", ())),
        )

    def create_payment(self, payment) -> PaymentResult:
        self._check()
        reference = "ex_" + payment.token.hex
        with LEDGER.lock:
            LEDGER.creates += 1
            LEDGER.payments.setdefault(
                reference,
                {
                    "state": PaymentState.ACTION_REQUIRED,
                    "captured": Decimal(0),
                    "refunded": Decimal(0),
                    "amount": payment.amount,
                },
            )
        urls = gateway.payment_urls(payment)
        return PaymentResult(
            state=PaymentState.ACTION_REQUIRED,
            provider_reference=reference,
            action=Action.redirect(f"{HOSTED}{reference}?return={urls.return_url}"),
        )

    def confirm(self, payment, *, amount=None, data=None) -> PaymentResult:
        self._check()
        return self._result(payment, payment.provider_reference)

    def status(self, payment) -> PaymentResult:
        self._check()
        return self._result(payment, payment.provider_reference or "ex_" + payment.token.hex)

    def cancel(self, payment) -> PaymentResult:
        self._check()
        record = LEDGER.payments.get(payment.provider_reference)
        if record is not None and record["state"] not in gateway.FINAL_STATES:
            record["state"] = PaymentState.CANCELLED
        return PaymentResult(state=PaymentState.CANCELLED, message="Cancelled by the shopper.")

    def refund(self, payment, amount) -> RefundResult:
        self._check()
        record = LEDGER.payments[payment.provider_reference]
        record["refunded"] += amount.amount
        LEDGER.refunds.append((payment.provider_reference, amount.amount))
        return RefundResult(amount=amount, provider_reference=f"re_{uuid.uuid4().hex[:12]}")

    def handle_webhook(self, body: bytes, headers) -> WebhookResult:
        secret = credentials.get(self.code).get("webhook_secret", "")
        given = headers.get(SIGNATURE_HEADER, "")
        if not secret or not hmac.compare_digest(sign(body, secret), given):
            raise WebhookRejected("The signature does not match.")
        try:
            event = json.loads(body)
        except ValueError:
            raise WebhookRejected("The body is not JSON.") from None
        currency = event.get("currency", "USD")
        result = None
        if event.get("state"):
            result = PaymentResult(
                state=event["state"],
                captured=money.Money(Decimal(event.get("captured", "0")), currency),
                provider_reference=event.get("reference", ""),
                flags=tuple(event.get("flags", ())),
            )
        refunded = event.get("refunded")
        return WebhookResult(
            event_id=event["id"],
            kind=event.get("type", ""),
            provider_reference=event.get("reference", ""),
            result=result,
            refunded=money.Money(Decimal(refunded), currency) if refunded is not None else None,
            refetch=bool(event.get("refetch")),
        )


# --- What the provider's side does (the shopper pays on the hosted page) ---------------------


def shopper_pays(reference: str, amount=None, *, flags=()) -> dict:
    record = LEDGER.payments[reference]
    record["state"] = PaymentState.SUCCEEDED
    record["captured"] = Decimal(amount if amount is not None else record["amount"])
    record["flags"] = list(flags)
    return record


def shopper_is_declined(reference: str, message: str = "Card declined.") -> None:
    record = LEDGER.payments[reference]
    record["state"] = PaymentState.FAILED
    record["message"] = message


def webhook_body(event_id: str, reference: str, **fields) -> bytes:
    return json.dumps({"id": event_id, "reference": reference, **fields}).encode()


def event_stream(reference: str, secret: str, *, currency: str = "USD") -> list[tuple]:
    """The provider's webhooks for one payment's life, signed: waiting, paid in full, 5.00
    refunded, and a stale "pending" re-sent late. Leaves the ledger in the final state (a
    re-fetch agrees). Each item: (raw body, headers)."""
    record = LEDGER.payments[reference]
    amount = str(record["amount"])
    shopper_pays(reference)
    record["refunded"] = Decimal("5.00")
    bodies = [
        webhook_body(f"{reference}-1", reference, type="payment.waiting",
                     state="action_required", captured="0", currency=currency),
        webhook_body(f"{reference}-2", reference, type="payment.succeeded",
                     state="succeeded", captured=amount, currency=currency),
        webhook_body(f"{reference}-3", reference, type="payment.refunded",
                     refunded="5.00", currency=currency),
        webhook_body(f"{reference}-4", reference, type="payment.pending",
                     state="pending", captured="0", currency=currency),
    ]  # fmt: skip
    return [(body, {SIGNATURE_HEADER: sign(body, secret)}) for body in bodies]
