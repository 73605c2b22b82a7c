"""A local double of Coinbase Business's Checkouts API (``/api/v1/checkouts``), shaped from its
documentation (docs.cdp.coinbase.com/coinbase-business/checkout-apis): a real threaded HTTP
server that

- authenticates every API request as CDP does: ``Authorization: Bearer <JWT>`` signed with the
  API key (ES256 with an EC P-256 key, or EdDSA with an Ed25519 key), header ``kid`` = the key
  id, claims ``iss`` "cdp", ``sub`` = the key id, ``nbf``/``exp``, and ``uris`` =
  ["<METHOD> <host><path>"] of this very request (401 otherwise);
- creates (``X-Idempotency-Key`` honoured), reads, lists, deactivates and refunds checkouts, with
  the statuses ACTIVE, PROCESSING, COMPLETED, DEACTIVATED, EXPIRED, FAILED, REFUNDED,
  PARTIALLY_REFUNDED and errors as ``{"errorType", "errorMessage"}``;
- serves a hosted page per checkout (its ``url``) with "Pay", "Pay less", "Pay more" and
  "Cancel" buttons that redirect the shopper to ``successRedirectUrl`` / ``failRedirectUrl``;
- emits ``checkout.*`` webhooks signed as CDP webhooks are (``X-Hook0-Signature:
  t=<unix>,h=<signed header names>,v1=<hex HMAC-SHA256 of "t.h.header values.body">``), kept
  per checkout for :meth:`CoinbaseDouble.event_stream` and delivered on demand.

Usable without pytest (benchmarks): ``with CoinbaseDouble() as coinbase: coinbase.url``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from tests.doubles.crypto_server import LocalServer, ServedDouble, html_page, json_body

AMOUNT = re.compile(r"^\d{1,10}(\.\d{1,2})?$")
CURRENCIES = {"USDC", "USD", "EUR", "GBP", "SGD"}
SIGNED_HEADERS = ("content-type", "x-event-id", "x-event-type")
CENT = Decimal("0.01")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def sign_webhook(secret: str, body: bytes, headers: dict, timestamp: int | None = None) -> str:
    """The ``X-Hook0-Signature`` value for ``body`` and the signed ``headers``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    lowered = {name.lower(): value for name, value in headers.items()}
    names = " ".join(SIGNED_HEADERS)
    values = ".".join(lowered[name] for name in SIGNED_HEADERS)
    message = f"{timestamp}.{names}.{values}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},h={names},v1={digest}"


class CoinbaseDouble(ServedDouble):
    code = "coinbase"

    def __init__(self, *, algorithm: str = "ES256") -> None:
        self.key_id = f"organizations/{uuid.uuid4()}/apiKeys/{uuid.uuid4()}"
        if algorithm == "ES256":
            private = ec.generate_private_key(ec.SECP256R1())
            self.key_secret = private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            ).decode()
        else:  # EdDSA: CDP's base64 of the 32-byte seed followed by the 32-byte public key
            private = ed25519.Ed25519PrivateKey.generate()
            seed = private.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
            public = private.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
            self.key_secret = base64.b64encode(seed + public).decode()
        self.algorithm = algorithm
        self._public_key = private.public_key()
        self.webhook_secret = secrets.token_hex(32)
        self.checkouts: dict[str, dict] = {}
        self.events: dict[str, list[tuple[bytes, dict]]] = {}
        self.pending: list[tuple[bytes, dict]] = []  # emitted, not delivered yet
        self.requests: list[dict] = []  # API requests received (method, path, headers, body)
        self.hang = 0.0  # seconds every API answer waits (a provider timeout)
        self.webhook_url = ""
        self.auto_deliver = False  # deliver each event to ``webhook_url`` when emitted
        self._idempotent: dict[str, str] = {}
        self._lock = threading.RLock()
        self._server = LocalServer(self)

    # --- running -------------------------------------------------------------------------------

    def settings(self) -> dict:
        """The Django settings that point Mercato at this double."""
        return {"COINBASE_API_BASE": self.url}

    def credentials(self) -> dict:
        """What a merchant pastes into Settings > Payments for Coinbase."""
        return {
            "api_key_id": self.key_id,
            "api_key_secret": self.key_secret,
            "webhook_secret": self.webhook_secret,
        }

    # --- HTTP ----------------------------------------------------------------------------------

    def handle(self, method, path, query, headers, body):
        if path.startswith("/pay/"):
            return self._hosted(method, path, query)
        if not path.startswith("/api/v1/checkouts"):
            return self._error(404, "not_found", f"No route {method} {path}")
        answer = self._api(method, path, headers, body)
        if self.hang:  # the work is done, the answer is late: the caller times out
            time.sleep(self.hang)
        return answer

    def _api(self, method, path, headers, body):
        self.requests.append({"method": method, "path": path, "headers": headers, "body": body})
        problem = self._authentication_problem(method, path, headers)
        if problem:
            return self._error(401, "unauthorized", problem)
        data = json.loads(body or b"{}") if method == "POST" else {}
        parts = path.rstrip("/").split("/")[4:]  # after /api/v1/checkouts
        with self._lock:
            if method == "POST" and not parts:
                return self._create(data, headers.get("x-idempotency-key", ""))
            if method == "GET" and not parts:
                listed = [self._view(c) for c in self.checkouts.values()]
                return self._json({"checkouts": listed, "nextPageToken": ""})
            checkout = self.checkouts.get(parts[0]) if parts else None
            if checkout is None:
                return self._error(404, "not_found", "Checkout not found")
            if method == "GET" and len(parts) == 1:
                return self._json(self._view(checkout))
            if method == "POST" and parts[1:] == ["deactivate"]:
                if checkout["status"] != "ACTIVE":
                    return self._error(400, "invalid_request", f"Checkout is {checkout['status']}")
                self._move(checkout, "DEACTIVATED")
                return self._json(self._view(checkout))
            if method == "POST" and parts[1:] == ["refund"]:
                return self._refund(checkout, data, headers.get("x-idempotency-key", ""))
        return self._error(404, "not_found", f"No route {method} {path}")

    def _authentication_problem(self, method: str, path: str, headers: dict) -> str:
        authorization = headers.get("authorization", "")
        if not authorization.startswith("Bearer "):
            return "Missing bearer token"
        token = authorization[7:]
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(
                token,
                self._public_key,
                algorithms=[self.algorithm],
                options={"require": ["exp", "nbf", "sub", "iss"], "verify_aud": False},
            )
        except jwt.PyJWTError as error:
            return f"Invalid JWT: {error}"
        if header.get("kid") != self.key_id or claims.get("sub") != self.key_id:
            return "Unknown API key"
        if claims.get("iss") != "cdp":
            return "Wrong issuer"
        expected = f"{method} {headers.get('host', '')}{path}"
        if claims.get("uris") != [expected]:
            return f"Token is not for {expected}"
        return ""

    def _create(self, data: dict, idempotency_key: str):
        if idempotency_key and idempotency_key in self._idempotent:
            return self._json(self._view(self.checkouts[self._idempotent[idempotency_key]]))
        amount = str(data.get("amount", ""))
        if not AMOUNT.match(amount) or Decimal(amount) <= 0:
            return self._error(400, "invalid_request", "amount must be a positive decimal")
        if data.get("currency") not in CURRENCIES:
            return self._error(400, "invalid_request", "unsupported currency")
        metadata = data.get("metadata") or {}
        if len(metadata) > 20 or any(len(str(v)) > 100 for v in metadata.values()):
            return self._error(400, "invalid_request", "metadata too large")
        checkout_id = secrets.token_hex(12)
        now = _now()
        checkout = {
            "id": checkout_id,
            "url": f"{self.url}/pay/{checkout_id}",
            "amount": _money(Decimal(amount)),
            "currency": data["currency"],
            "network": data.get("network", "base"),
            "address": "0x" + secrets.token_hex(20),
            "tokenAddress": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
            "status": "ACTIVE",
            "description": str(data.get("description", ""))[:500],
            "metadata": metadata,
            "successRedirectUrl": data.get("successRedirectUrl", ""),
            "failRedirectUrl": data.get("failRedirectUrl", ""),
            "expiresAt": data.get("expiresAt")
            or (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "createdAt": now,
            "updatedAt": now,
        }
        self.checkouts[checkout_id] = checkout
        self.events[checkout_id] = []
        if idempotency_key:
            self._idempotent[idempotency_key] = checkout_id
        return self._json(self._view(checkout), 201)

    def _refund(self, checkout: dict, data: dict, idempotency_key: str):
        if idempotency_key and idempotency_key in self._idempotent:
            return self._json({"checkout": self._view(checkout)})
        if checkout["status"] not in ("COMPLETED", "PARTIALLY_REFUNDED"):
            return self._error(400, "invalid_request", "Only completed checkouts are refunded")
        amount = str(data.get("amount", ""))
        if not AMOUNT.match(amount) or Decimal(amount) <= 0:
            return self._error(400, "invalid_request", "amount must be a positive decimal")
        paid = Decimal(checkout["settlement"]["totalAmount"])
        refunded = Decimal(checkout.get("refundedAmount", "0"))
        if refunded + Decimal(amount) > paid:
            return self._error(400, "invalid_request", "Refund exceeds the amount paid")
        refunded += Decimal(amount)
        checkout.setdefault("refunds", []).append(
            {
                "id": secrets.token_hex(12),
                "checkoutId": checkout["id"],
                "amount": _money(Decimal(amount)),
                "currency": data.get("currency", checkout["currency"]),
                "status": "COMPLETED",
                "reason": str(data.get("reason", ""))[:500],
                "transactionHash": "0x" + secrets.token_hex(32),
                "completedAt": _now(),
            }
        )
        checkout["refundedAmount"] = _money(refunded)
        if idempotency_key:
            self._idempotent[idempotency_key] = checkout["id"]
        self._move(
            checkout,
            "REFUNDED" if refunded == paid else "PARTIALLY_REFUNDED",
            "checkout.refund.success",
        )
        return self._json({"checkout": self._view(checkout)})

    # --- the hosted page -------------------------------------------------------------------------

    def _hosted(self, method, path, query):
        parts = path.strip("/").split("/")
        checkout = self.checkouts.get(parts[1]) if len(parts) > 1 else None
        if checkout is None:
            return 404, {"Content-Type": "text/html"}, html_page("Not found", "<h1>Not found</h1>")
        if method == "GET" and len(parts) == 2:
            buttons = "".join(
                f"<form method='post' action='/pay/{checkout['id']}/{action}'>"
                f"<button type='submit'>{label}</button></form>"
                for action, label in (
                    ("pay", "Pay"),
                    ("pay-less", "Pay less"),
                    ("pay-more", "Pay more"),
                    ("cancel", "Cancel"),
                )
            )
            body = (
                f"<h1>Pay {checkout['amount']} {checkout['currency']}</h1>"
                f"<p>{checkout['description']}</p><p>Status: {checkout['status']}</p>{buttons}"
            )
            return 200, {"Content-Type": "text/html; charset=utf-8"}, html_page("Coinbase", body)
        if method == "POST" and len(parts) == 3:
            action = parts[2]
            with self._lock:
                if action == "cancel":
                    target = checkout["failRedirectUrl"]
                else:
                    share = {"pay": 1, "pay-less": Decimal("0.9"), "pay-more": Decimal("1.1")}
                    self.pay(checkout["id"], Decimal(checkout["amount"]) * share[action])
                    completed = checkout["status"] == "COMPLETED"
                    target = checkout["successRedirectUrl" if completed else "failRedirectUrl"]
            return 303, {"Location": target, "Content-Type": "text/html"}, b""
        return 405, {"Content-Type": "text/html"}, html_page("No", "<h1>Not allowed</h1>")

    # --- what happens at Coinbase (tests and benchmarks drive these) ----------------------------

    def pay(self, checkout_id: str, amount=None, *, settle: bool = True) -> dict:
        """The shopper's transfer of ``amount`` (default: the amount asked) is seen on chain:
        PROCESSING, then (``settle``) COMPLETED when enough arrived (an overpayment keeps what
        was sent), FAILED when too little did (underpaid). A payment reaching an EXPIRED or
        DEACTIVATED checkout completes it late."""
        with self._lock:
            checkout = self.checkouts[checkout_id]
            paid = Decimal(str(amount if amount is not None else checkout["amount"])).quantize(CENT)
            fee = (paid / 100).quantize(CENT)
            checkout["transactionHash"] = "0x" + secrets.token_hex(32)
            checkout["settlement"] = {
                "totalAmount": _money(paid),
                "feeAmount": _money(fee),
                "netAmount": _money(paid - fee),
                "currency": checkout["currency"],
            }
            self._move(checkout, "PROCESSING")
            if settle:
                self.settle(checkout_id)
            return self._view(checkout)

    def settle(self, checkout_id: str) -> dict:
        """A PROCESSING payment settles: COMPLETED when it covers the amount, else FAILED."""
        with self._lock:
            checkout = self.checkouts[checkout_id]
            paid = Decimal(checkout["settlement"]["totalAmount"])
            if paid >= Decimal(checkout["amount"]):
                self._move(checkout, "COMPLETED", "checkout.payment.success")
            else:
                self._move(checkout, "FAILED", "checkout.payment.failed")
            return self._view(checkout)

    def refund(self, checkout_id: str, amount) -> dict:
        """A refund made in Coinbase's own dashboard (not through the API)."""
        with self._lock:
            checkout = self.checkouts[checkout_id]
            status, _headers, payload = self._refund(checkout, {"amount": str(amount)}, "")
            assert status == 200, payload
            return self._view(checkout)

    def fail(self, checkout_id: str) -> dict:
        with self._lock:
            checkout = self.checkouts[checkout_id]
            self._move(checkout, "FAILED", "checkout.payment.failed")
            return self._view(checkout)

    def expire(self, checkout_id: str) -> dict:
        with self._lock:
            checkout = self.checkouts[checkout_id]
            checkout["expiresAt"] = (datetime.now(UTC) - timedelta(seconds=1)).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            )
            self._move(checkout, "EXPIRED", "checkout.payment.expired")
            return self._view(checkout)

    def _move(self, checkout: dict, status: str, event_type: str = "") -> None:
        checkout["status"] = status
        checkout["updatedAt"] = _now()
        if event_type:
            self._emit(checkout, event_type)

    # --- webhooks ------------------------------------------------------------------------------

    def _emit(self, checkout: dict, event_type: str) -> None:
        body = json.dumps({**self._view(checkout), "eventType": event_type}).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Event-Id": str(uuid.uuid4()),
            "X-Event-Type": event_type,
        }
        headers["X-Hook0-Signature"] = sign_webhook(self.webhook_secret, body, headers)
        self.events[checkout["id"]].append((body, headers))
        self.pending.append((body, headers))
        if self.auto_deliver and self.webhook_url:
            self.deliver_pending()

    def event_stream(self, reference: str) -> list[tuple[bytes, dict]]:
        """Every webhook emitted for checkout ``reference``, in the order sent. A checkout that
        has seen nothing yet is paid first (its whole lifecycle, as the replay benchmark asks:
        the checkout is left in the stream's final state)."""
        with self._lock:
            if not self.events.get(reference) and reference in self.checkouts:
                self.pay(reference)
            return list(self.events.get(reference, []))

    def deliver_pending(self, sender=None) -> list:
        """Send the events not delivered yet, in order, with ``sender(body, headers)`` (default:
        an HTTP POST to ``webhook_url``); returns the senders' answers."""
        with self._lock:
            batch, self.pending = self.pending, []
        send = sender or self._post
        return [send(body, headers) for body, headers in batch]

    def _post(self, body: bytes, headers: dict):
        return requests.post(self.webhook_url, data=body, headers=headers, timeout=10)

    def forged(self, checkout_id: str, status: str = "COMPLETED") -> tuple[bytes, dict]:
        """A webhook that says ``status`` but is signed with a secret that is not the store's."""
        checkout = {**self.checkouts[checkout_id], "status": status}
        body = json.dumps({**checkout, "eventType": "checkout.payment.success"}).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Event-Id": str(uuid.uuid4()),
            "X-Event-Type": "checkout.payment.success",
        }
        headers["X-Hook0-Signature"] = sign_webhook("not-the-secret", body, headers)
        return body, headers

    # --- answers -------------------------------------------------------------------------------

    def _view(self, checkout: dict) -> dict:
        return json.loads(json.dumps(checkout))

    @staticmethod
    def _json(data, status: int = 200):
        status, payload = json_body(data, status)
        return status, {}, payload

    @classmethod
    def _error(cls, status: int, kind: str, message: str):
        return cls._json(
            {"errorType": kind, "errorMessage": message, "correlationId": uuid.uuid4().hex},
            status,
        )

    @staticmethod
    def redirect_target(location: str) -> tuple[str, str]:
        """(host, path with query) of a redirect back to the store, for a test client."""
        parts = urlsplit(location)
        return parts.netloc.split(":")[0], parts.path + (f"?{parts.query}" if parts.query else "")
