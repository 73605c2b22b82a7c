"""BitPay: Bitcoin and other crypto payments through BitPay invoices (REST API, v2).

The only module that speaks to BitPay (base URL: ``settings.BITPAY_API_BASE``). A store needs a
**POS facade** API token only: ``POST /invoices`` (the token in the body) and ``GET
/invoices/<id>?token=…``, every request with ``X-Accept-Version: 2.0.0``.

- **Paying**: one invoice per payment; ``guid`` is the payment's token (an invoice created by
  a call that timed out is found again with ``GET /invoices/guid/<guid>``), ``posData`` carries
  it too. The shopper is redirected to the invoice's ``url`` and comes back to the return URL
  (``redirectURL``) or the cancel URL (``closeURL``).
- **IPNs are never trusted**: BitPay does not sign them, so a notification only says "look
  again": :meth:`BitPay.handle_webhook` answers ``refetch=True`` and the invoice is read from
  BitPay before anything changes. A forged IPN therefore changes nothing. The event id is the
  invoice, the event code and a hash of the body (the same IPN delivered three times is applied
  once; a different one is re-checked).
- **States**: ``new`` -> waiting for the shopper; ``paid`` (broadcast, not yet confirmed) ->
  authorised; ``confirmed``/``complete`` -> succeeded (the invoice's price received);
  ``expired``, ``invalid``, ``declined`` -> failed. Exception states are flagged for staff:
  ``paidPartial`` "underpaid" (BitPay returns partial payments to the buyer), ``paidOver``
  "overpaid" (BitPay returns the excess), ``paidLate`` "late" (paid after expiry: settle it in
  the BitPay dashboard).
- **Refunds** need BitPay's merchant facade (signed requests), which this integration does not
  hold: a refund here is recorded only (``moved_money`` False) and staff make it in the BitPay
  dashboard.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings

import money
from payments import credentials, gateway
from payments.errors import PaymentError, ProviderUnavailable, WebhookRejected
from payments.gateway import (
    Action,
    ActionKind,
    CredentialField,
    PaymentProvider,
    PaymentResult,
    PaymentState,
    RefundResult,
    WebhookResult,
)

logger = logging.getLogger(__name__)


class _TokenHidden(logging.Filter):
    """urllib3 logs each request line at DEBUG, query string included, and BitPay's ``GET
    /invoices/<id>`` carries the store's token there: it is hidden before any handler sees it."""

    TOKEN = re.compile(r"([?&]token=)[^&\s\"]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                self.TOKEN.sub(r"\1[hidden]", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_TokenHidden())

CODE = "bitpay"
API_VERSION = "2.0.0"
INVOICE_ID = re.compile(r"^[A-Za-z0-9]{1,64}$")
STATES = {
    "new": PaymentState.ACTION_REQUIRED,
    "paid": PaymentState.AUTHORISED,
    "confirmed": PaymentState.SUCCEEDED,
    "complete": PaymentState.SUCCEEDED,
    "expired": PaymentState.FAILED,
    "invalid": PaymentState.FAILED,
    "declined": PaymentState.FAILED,
}
MESSAGES = {
    "paid": "Your payment was received and is waiting for blockchain confirmations.",
    "expired": "The BitPay invoice expired before it was paid.",
    "invalid": "The payment was not confirmed on the blockchain in time.",
    "declined": "BitPay declined the payment.",
}
FLAGS = {"paidPartial": "underpaid", "paidOver": "overpaid", "paidLate": "late"}
REFUND_MESSAGE = (
    "Recorded only: BitPay refunds are made in the BitPay dashboard (they need BitPay's "
    "merchant facade, which this store's POS token does not give)."
)


class BitPay(PaymentProvider):
    code = CODE
    name = "Bitcoin and other crypto (BitPay)"
    has_webhooks = True
    action_kind = ActionKind.REDIRECT
    credential_fields = (
        CredentialField(
            "api_token",
            "API token (POS facade)",
            help="Created in the BitPay dashboard under Payment Tools > API Tokens.",
        ),
    )

    def create_payment(self, payment) -> PaymentResult:
        urls = gateway.payment_urls(payment)
        body = {
            "token": self._token(),
            "price": float(money.Money(payment.amount, payment.currency).amount),
            "currency": payment.currency,
            "orderId": str(payment.order.number),
            "itemDesc": f"Order #{payment.order.number}",
            "guid": str(payment.token),
            "posData": json.dumps({"payment_token": str(payment.token)}),
            "notificationURL": urls.webhook_url,
            "redirectURL": urls.return_url,
            "closeURL": urls.cancel_url,
            "extendedNotifications": True,
            "transactionSpeed": "medium",
        }
        return invoice_result(self._call("POST", "/invoices", body))

    def confirm(self, payment, *, amount=None, data=None) -> PaymentResult:
        """The shopper is back: what BitPay says about the invoice (never the redirect)."""
        return self.status(payment)

    def status(self, payment) -> PaymentResult:
        if payment.provider_reference:
            invoice = self._call("GET", f"/invoices/{payment.provider_reference}")
            return invoice_result(invoice)
        # Created by a call whose answer never came back? Its guid finds it.
        try:
            invoice = self._call("GET", f"/invoices/guid/{payment.token}")
        except PaymentError:
            return PaymentResult(state=PaymentState.PENDING)
        return invoice_result(invoice)

    def cancel(self, payment) -> PaymentResult:
        """The shopper closed the invoice: BitPay's POS facade cannot cancel it, so it is
        cancelled here while unpaid (it expires at BitPay; a payment after that is flagged
        "late"); otherwise the invoice's own state says what happened."""
        if not payment.provider_reference:
            return super().cancel(payment)
        result = self.status(payment)
        if result.state == PaymentState.ACTION_REQUIRED and not result.flags:
            return super().cancel(payment)
        return result

    def refund(self, payment, amount) -> RefundResult:
        return RefundResult(amount=amount, moved_money=False, message=REFUND_MESSAGE)

    def handle_webhook(self, body: bytes, headers) -> WebhookResult:
        """An IPN only names an invoice; it is re-fetched from BitPay (``refetch``)."""
        try:
            payload = json.loads(body)
        except ValueError:
            raise WebhookRejected("The notification is not JSON.") from None
        if not isinstance(payload, dict):
            raise WebhookRejected("The notification is not an object.")
        event = payload.get("event") if isinstance(payload.get("event"), dict) else {}
        invoice = payload.get("data") if isinstance(payload.get("data"), dict) else payload
        invoice_id = str(invoice.get("id", ""))
        if not INVOICE_ID.match(invoice_id):
            raise WebhookRejected("The notification names no invoice.")
        what = str(event.get("code") or invoice.get("status") or "")[:20]
        digest = hashlib.sha256(body).hexdigest()[:24]
        return WebhookResult(
            event_id=f"{invoice_id}:{what}:{digest}",
            provider_reference=invoice_id,
            kind=str(event.get("name") or invoice.get("status") or "ipn")[:100],
            refetch=True,
            payment_token=_payment_token(invoice.get("posData")),
        )

    # --- HTTP ----------------------------------------------------------------------------------

    def _token(self) -> str:
        token = credentials.get(CODE).get("api_token", "")
        if not token:
            raise PaymentError(
                "BitPay is not configured: enter its API token in Settings > Payments."
            )
        return token

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        base = settings.BITPAY_API_BASE.rstrip("/")
        params = None if method == "POST" else {"token": self._token()}
        try:
            answer = requests.request(
                method,
                base + path,
                params=params,
                data=None if body is None else json.dumps(body),
                headers={
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                    "X-Accept-Version": API_VERSION,
                },
                timeout=settings.BITPAY_TIMEOUT,
            )
        except requests.RequestException as error:
            logger.warning("BitPay %s %s did not answer: %s", method, path, type(error).__name__)
            raise ProviderUnavailable("BitPay did not answer; we will check again.") from None
        if answer.status_code >= 500 or answer.status_code == 429:
            raise ProviderUnavailable(f"BitPay answered {answer.status_code}; we will check again.")
        try:
            data = answer.json()
        except ValueError:
            raise ProviderUnavailable("BitPay answered something that is not JSON.") from None
        if answer.status_code >= 400 or data.get("status") == "error":
            message = str(data.get("message") or data.get("error") or answer.status_code)
            logger.warning("BitPay refused %s %s: %s", method, path.split("?")[0], message)
            raise PaymentError(f"BitPay refused the request: {message}")
        invoice = data.get("data", data)
        if not isinstance(invoice, dict):
            raise ProviderUnavailable("BitPay answered an unexpected shape.")
        return invoice


# --- What an invoice means for our payment -----------------------------------------------------


def invoice_result(invoice: dict) -> PaymentResult:
    """Our reading of a BitPay invoice: state, what was received (absolute), flags."""
    status = str(invoice.get("status", ""))
    exception = invoice.get("exceptionStatus") or ""
    state = STATES.get(status, PaymentState.ACTION_REQUIRED)
    flag = FLAGS.get(str(exception))
    captured = None
    if state == PaymentState.SUCCEEDED:
        price = _decimal(invoice.get("price"))
        if price is not None:
            captured = money.Money(price, str(invoice.get("currency", "")))
    message = MESSAGES.get(status, "")
    if flag == "underpaid":
        message = (
            "BitPay received less than the invoice's amount; BitPay returns partial payments "
            "to the sender."
        )
    elif flag == "late":
        message = "A payment reached BitPay after the invoice expired; the store will contact you."
    url = str(invoice.get("url", ""))
    return PaymentResult(
        state=state,
        captured=captured,
        provider_reference=str(invoice.get("id", "")),
        # The hosted invoice, shown again on a reload of the pay page while it waits.
        action=Action.redirect(url) if url else Action.none(),
        message=message,
        flags=(flag,) if flag else (),
        data={
            "bitpay_status": status,
            "exception_status": str(exception),
            "amount_paid": str(invoice.get("displayAmountPaid", "")),
        },
    )


def _payment_token(pos_data) -> str:
    try:
        data = json.loads(pos_data) if isinstance(pos_data, str) else pos_data
    except ValueError:
        return ""
    return str(data.get("payment_token", ""))[:64] if isinstance(data, dict) else ""


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None
