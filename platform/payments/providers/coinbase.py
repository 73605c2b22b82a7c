"""Coinbase: crypto payments through Coinbase Business's Checkouts API.

Coinbase Commerce's Charge API is deprecated; this adapter uses its replacement, the Checkouts
API (``https://business.coinbase.com/api/v1/checkouts``), and is the only module that speaks to
Coinbase (base URL: ``settings.COINBASE_API_BASE``), so a later change of theirs stays here.

- **Authentication**: a CDP API key (its id and private key, entered by the store) signs a JWT
  per request, as CDP documents: header ``kid`` = key id and a random ``nonce``; claims ``iss``
  "cdp", ``sub`` = key id, ``nbf``/``exp`` (2 minutes) and ``uris`` = ["<METHOD>
  <host><path>"]; ES256 for an EC key (PEM), EdDSA for an Ed25519 key (base64 of 64 bytes).
- **Paying**: one single-use checkout per payment (the payment's token is its
  ``X-Idempotency-Key`` and travels in ``metadata``); the shopper is redirected to its hosted
  ``url`` and comes back to the return URL (paid) or the cancel URL (failed or cancelled). The
  redirect is never trusted: the checkout is read again.
- **States**: ACTIVE -> waiting for the shopper; PROCESSING -> authorised (seen on chain,
  settling); COMPLETED, PARTIALLY_REFUNDED, REFUNDED -> succeeded; DEACTIVATED -> cancelled;
  EXPIRED, FAILED -> failed. What was received is the settlement's ``totalAmount``; less than
  asked is flagged "underpaid", more "overpaid", a payment after ``expiresAt`` "late" (staff
  see them in the mismatch report). Underpaid and late payments stay failed with what arrived
  recorded (the order is partly or wholly paid), whatever order their webhooks come in.
- **Webhooks** (``checkout.payment.success|failed|expired``, ``checkout.refund.success|failed``):
  ``X-Hook0-Signature`` (``t``, ``h``, ``v1`` = hex HMAC-SHA256 of "t.h.header values.body"
  with the subscription's secret) verified first, at most 5 minutes old; the event id is the
  signed ``X-Event-Id`` header.
- **Refunds**: ``POST /api/v1/checkouts/<id>/refund`` (partial or full, of a completed
  checkout).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
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

CODE = "coinbase"
# Checkouts are priced in USDC or one of these fiat currencies (settled in USDC).
CURRENCIES = frozenset({"USD", "EUR", "GBP", "SGD"})
CHECKOUT_LIFETIME = timedelta(hours=1)
SIGNATURE_TOLERANCE_SECONDS = 300
JWT_LIFETIME_SECONDS = 120
STATES = {
    "ACTIVE": PaymentState.ACTION_REQUIRED,
    "PROCESSING": PaymentState.AUTHORISED,
    "COMPLETED": PaymentState.SUCCEEDED,
    "PARTIALLY_REFUNDED": PaymentState.SUCCEEDED,
    "REFUNDED": PaymentState.SUCCEEDED,
    "DEACTIVATED": PaymentState.CANCELLED,
    "EXPIRED": PaymentState.FAILED,
    "FAILED": PaymentState.FAILED,
}
MESSAGES = {
    "PROCESSING": "Your payment was seen on the blockchain and is being confirmed.",
    "DEACTIVATED": "The payment was cancelled; nothing was charged.",
    "EXPIRED": "The Coinbase checkout expired before it was paid.",
    "FAILED": "Coinbase could not complete the payment.",
}


class Coinbase(PaymentProvider):
    code = CODE
    name = "Crypto (Coinbase)"
    has_webhooks = True
    action_kind = ActionKind.REDIRECT
    credential_fields = (
        CredentialField(
            "api_key_id",
            "CDP API key ID",
            secret=False,
            help="The key's ID or name (organizations/…/apiKeys/…), from the CDP portal.",
        ),
        CredentialField(
            "api_key_secret",
            "CDP API key secret",
            help="The private key shown once when the key was created: an EC key (PEM) or an "
            "Ed25519 key (base64).",
        ),
        CredentialField(
            "webhook_secret",
            "Webhook subscription secret",
            help="The secret of the checkout.* webhook subscription pointing at this store.",
        ),
    )

    def offer(self, *, total, delivery_option, settings):
        if total.currency not in CURRENCIES:
            return None
        return super().offer(total=total, delivery_option=delivery_option, settings=settings)

    # --- paying --------------------------------------------------------------------------------

    def create_payment(self, payment) -> PaymentResult:
        urls = gateway.payment_urls(payment)
        expires = datetime.now(UTC) + CHECKOUT_LIFETIME
        body = {
            "amount": f"{money.Money(payment.amount, payment.currency).amount:.2f}",
            "currency": payment.currency,
            "network": "base",
            "description": f"Order #{payment.order.number}",
            "expiresAt": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "successRedirectUrl": urls.return_url,
            "failRedirectUrl": urls.cancel_url,
            "metadata": {"payment_token": str(payment.token), "order": str(payment.order.number)},
        }
        checkout = self._call("POST", "/api/v1/checkouts", body, idempotency_key=str(payment.token))
        return checkout_result(checkout)

    def confirm(self, payment, *, amount=None, data=None) -> PaymentResult:
        """The shopper is back: what Coinbase says about the checkout (never the redirect)."""
        return self.status(payment)

    def status(self, payment) -> PaymentResult:
        if not payment.provider_reference:
            return PaymentResult(state=PaymentState.PENDING)
        return checkout_result(self._call("GET", _path(payment)))

    def cancel(self, payment) -> PaymentResult:
        """The shopper left Coinbase through the fail/cancel URL: an ACTIVE checkout is
        deactivated (nothing was paid); otherwise its own state says what happened."""
        if not payment.provider_reference:
            return super().cancel(payment)
        checkout = self._call("GET", _path(payment))
        if checkout.get("status") == "ACTIVE":
            try:
                checkout = self._call("POST", _path(payment) + "/deactivate", {})
            except PaymentError:  # paid meanwhile: read it again
                checkout = self._call("GET", _path(payment))
        return checkout_result(checkout)

    def refund(self, payment, amount) -> RefundResult:
        body = {
            "amount": f"{amount.amount:.2f}",
            "currency": payment.currency,
            "reason": "Refund requested by the store",
        }
        # The same refund asked twice (a retry) is made once at Coinbase.
        key = f"{payment.token}:refund:{payment.refunded_amount}:{amount.amount}"
        try:
            answer = self._call("POST", _path(payment) + "/refund", body, idempotency_key=key)
        except PaymentError as error:
            return RefundResult(amount=amount, succeeded=False, message=error.message)
        checkout = answer.get("checkout", answer)
        refunds = checkout.get("refunds") or [{}]
        return RefundResult(
            amount=amount,
            provider_reference=str(refunds[-1].get("id", "")),
            data={
                "refunded_total": checkout.get("refundedAmount", ""),
                "status": checkout.get("status", ""),
            },
        )

    # --- webhooks ------------------------------------------------------------------------------

    def handle_webhook(self, body: bytes, headers) -> WebhookResult:
        secret = credentials.get(CODE).get("webhook_secret", "")
        verify_signature(body, headers, secret)
        try:
            checkout = json.loads(body)
        except ValueError:
            raise WebhookRejected("The webhook body is not JSON.") from None
        if not isinstance(checkout, dict) or not checkout.get("id"):
            raise WebhookRejected("The webhook names no checkout.")
        kind = str(checkout.get("eventType") or _header(headers, "x-event-type"))
        event_id = _header(headers, "x-event-id") or str(checkout.get("eventId", ""))
        refunded = None
        if checkout.get("refundedAmount") not in (None, ""):
            refunded = _money(checkout["refundedAmount"], checkout.get("currency", ""))
        return WebhookResult(
            event_id=event_id,
            provider_reference=str(checkout["id"]),
            result=checkout_result(checkout),
            refunded=refunded,
            kind=kind[:100],
            payment_token=str((checkout.get("metadata") or {}).get("payment_token", "")),
        )

    # --- HTTP ----------------------------------------------------------------------------------

    def _call(self, method: str, path: str, body: dict | None = None, *, idempotency_key=""):
        keys = credentials.get(CODE)
        base = settings.COINBASE_API_BASE.rstrip("/")
        headers = {
            "Authorization": "Bearer "
            + bearer_token(
                keys.get("api_key_id", ""), keys.get("api_key_secret", ""), method, base + path
            ),
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        if idempotency_key:
            headers["X-Idempotency-Key"] = idempotency_key
        try:
            answer = requests.request(
                method,
                base + path,
                data=None if body is None else json.dumps(body),
                headers=headers,
                timeout=settings.COINBASE_TIMEOUT,
            )
        except requests.RequestException as error:
            logger.warning("Coinbase %s %s did not answer: %s", method, path, type(error).__name__)
            raise ProviderUnavailable("Coinbase did not answer; we will check again.") from None
        if answer.status_code >= 500 or answer.status_code == 429:
            raise ProviderUnavailable(
                f"Coinbase answered {answer.status_code}; we will check again."
            )
        try:
            data = answer.json()
        except ValueError:
            raise ProviderUnavailable("Coinbase answered something that is not JSON.") from None
        if answer.status_code >= 400:
            message = str(data.get("errorMessage") or data.get("errorType") or answer.status_code)
            logger.warning("Coinbase refused %s %s: %s", method, path, message)
            raise PaymentError(f"Coinbase refused the request: {message}")
        return data


# --- What a checkout means for our payment ----------------------------------------------------


def checkout_result(checkout: dict) -> PaymentResult:
    """Our reading of a Coinbase checkout: state, what was received (absolute), flags."""
    status = str(checkout.get("status", ""))
    state = STATES.get(status, PaymentState.ACTION_REQUIRED)
    currency = str(checkout.get("currency", ""))
    asked = _decimal(checkout.get("amount"))
    received = _received(checkout)
    flags: list[str] = []
    captured = None
    if received is not None and received > 0 and status != "PROCESSING":
        captured = _money(received, currency)
        if asked is not None and received < asked:
            flags.append("underpaid")
        elif asked is not None and received > asked:
            flags.append("overpaid")
        if _late(checkout):
            flags.append("late")
    message = MESSAGES.get(status, "")
    if "late" in flags and state == PaymentState.SUCCEEDED:
        # Paid after the checkout expired: the money is kept on the order for staff to settle,
        # and the payment reads the same whichever of "expired" and "paid" arrives first.
        state = PaymentState.FAILED
        message = (
            "Your payment reached Coinbase after the checkout expired; it is kept on your order "
            "and the store will confirm with you."
        )
    if "underpaid" in flags:
        message = (
            f"Coinbase received {received} {currency} of the {asked} {currency} asked; the "
            "store will contact you about the rest."
        )
    url = str(checkout.get("url", ""))
    return PaymentResult(
        state=state,
        captured=captured,
        provider_reference=str(checkout.get("id", "")),
        # The hosted page, shown again on a reload of the pay page while it waits.
        action=Action.redirect(url) if url else Action.none(),
        message=message,
        flags=tuple(flags),
        data={
            "coinbase_status": status,
            "received": "" if received is None else str(received),
            "transaction_hash": str(checkout.get("transactionHash", ""))[:100],
        },
    )


def _received(checkout: dict) -> Decimal | None:
    settlement = checkout.get("settlement") or {}
    currency = checkout.get("currency")
    if settlement.get("totalAmount") and settlement.get("currency") in (currency, None):
        return _decimal(settlement["totalAmount"])
    if checkout.get("fiatAmount") and checkout.get("fiatCurrency") == currency:
        return _decimal(checkout["fiatAmount"])
    if checkout.get("status") in ("COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"):
        return _decimal(checkout.get("amount"))
    return None


def _late(checkout: dict) -> bool:
    if checkout.get("refunds"):
        return False
    paid_at = _timestamp(checkout.get("updatedAt"))
    expires_at = _timestamp(checkout.get("expiresAt"))
    return paid_at is not None and expires_at is not None and paid_at > expires_at


# --- CDP authentication and webhook signatures --------------------------------------------------


def bearer_token(key_id: str, key_secret: str, method: str, url: str) -> str:
    """A CDP JWT for one request (``url`` absolute), valid two minutes."""
    if not key_id or not key_secret:
        raise PaymentError("Coinbase is not configured: enter its API key in Settings > Payments.")
    key, algorithm = _private_key(key_secret)
    parts = urlsplit(url)
    now = int(time.time())
    claims = {
        "sub": key_id,
        "iss": "cdp",
        "iat": now,
        "nbf": now,
        "exp": now + JWT_LIFETIME_SECONDS,
        "uris": [f"{method.upper()} {parts.netloc}{parts.path}"],
    }
    header = {"kid": key_id, "typ": "JWT", "nonce": secrets.token_hex(16)}
    return jwt.encode(claims, key, algorithm=algorithm, headers=header)


def _private_key(secret: str):
    secret = secret.strip().replace("\\n", "\n")
    if secret.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(secret.encode(), password=None)
        except ValueError:
            key = None
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key, "ES256"
        raise PaymentError("The Coinbase API key secret is not an EC private key.")
    try:
        raw = base64.b64decode(secret, validate=True)
    except ValueError:
        raw = b""
    if len(raw) != 64:
        raise PaymentError("The Coinbase API key secret is neither a PEM nor an Ed25519 key.")
    return ed25519.Ed25519PrivateKey.from_private_bytes(raw[:32]), "EdDSA"


def verify_signature(body: bytes, headers, secret: str, *, now: float | None = None) -> None:
    """Raise WebhookRejected unless ``X-Hook0-Signature`` signs ``body`` with ``secret``."""
    if not secret:
        raise WebhookRejected("Coinbase webhooks are not configured for this store.")
    header = _header(headers, "x-hook0-signature")
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    timestamp, names, given = parts.get("t", ""), parts.get("h", ""), parts.get("v1", "")
    if not timestamp.isdigit() or not given:
        raise WebhookRejected("The webhook is not signed.")
    if abs((now or time.time()) - int(timestamp)) > SIGNATURE_TOLERANCE_SECONDS:
        raise WebhookRejected("The webhook's signature is too old.")
    values = []
    for name in names.split(" ") if names else []:
        value = _header(headers, name)
        if not value:
            raise WebhookRejected(f"The signed header {name} is missing.")
        values.append(value)
    message = f"{timestamp}.{names}.{'.'.join(values)}.".encode() + body
    expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given.strip().lower()):
        raise WebhookRejected("The webhook's signature does not match.")


# --- Helpers -------------------------------------------------------------------------------------


def _path(payment) -> str:
    return f"/api/v1/checkouts/{payment.provider_reference}"


def _header(headers, name: str) -> str:
    value = headers.get(name)
    if value is None:
        lowered = {str(key).lower(): item for key, item in dict(headers).items()}
        value = lowered.get(name.lower())
    return str(value or "")


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _money(amount, currency: str) -> money.Money:
    return money.Money(Decimal(str(amount)), currency)


def _timestamp(value) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
