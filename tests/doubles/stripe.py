"""A local Stripe: a real threaded HTTP server answering the parts of Stripe's API that Mercato
uses, as Stripe documents them, for the real ``stripe`` SDK and a browser.

Usable without pytest (the benchmarks start it too)::

    double = StripeDouble().start()          # double.url: http://127.0.0.1:<port>
    settings.STRIPE_API_BASE = double.url    # double.settings() lists every setting to point
    ...
    double.stop()

What it answers (form-encoded requests, JSON answers shaped as in Stripe's API reference,
errors as ``{"error": {"type", "code", "message", ...}}`` with Stripe's status codes):

- ``POST /v1/payment_intents`` (idempotency keys honoured: the same key and parameters replay the
  first answer, other parameters are an ``idempotency_error``), ``GET /v1/payment_intents/<id>``,
  ``POST /v1/payment_intents/<id>/confirm`` (what Stripe.js sends, publishable key and client
  secret), ``.../capture``, ``.../cancel``; ``POST /v1/refunds``; ``GET /v1/charges/<id>``.
- Stripe Connect (OAuth, standard accounts): ``GET /oauth/authorize`` (a consent page; approve or
  deny redirects to ``redirect_uri`` with ``code`` or ``error``), ``POST /oauth/token``; calls
  with the platform's key and a ``Stripe-Account`` header act on the connected account.
- ``GET /v3/``: a fake Stripe.js v3 (``Stripe(pk)``, ``elements({clientSecret})``,
  ``create("payment")``, ``mount()``, ``confirmPayment({elements, confirmParams: {return_url}})``)
  rendering card fields in a plain div; ``GET /3ds/<id>``: a 3-D Secure challenge page.

Test cards, as Stripe's: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined,
4000 0027 6000 3184 asks for 3-D Secure, 4000 0000 0000 0259 succeeds then is disputed.

Every change makes an event (``payment_intent.succeeded``, ``payment_intent.payment_failed``,
``payment_intent.amount_capturable_updated``, ``payment_intent.canceled``, ``charge.refunded``,
``charge.dispute.created``...), kept in ``events``, delivered signed (``Stripe-Signature``:
``t=<timestamp>,v1=<HMAC-SHA256 of "<timestamp>.<body>">``) to each registered endpoint, and
listed per payment by :meth:`StripeDouble.event_stream` for the replay benchmark. ``delay``
makes the API answer late (timeouts), ``fail_next`` answers the next API call with an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

API_VERSION = "2026-02-25.clover"
SUCCEEDS = "4242424242424242"
DECLINED = "4000000000000002"
THREE_D_SECURE = "4000002760003184"
DISPUTED = "4000000000000259"
PLATFORM_ACCOUNT = "acct_platform"


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def sign(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header of ``body`` as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def decode_form(body: str) -> dict:
    """``a[b][c]=1&d[0]=x`` -> ``{"a": {"b": {"c": "1"}}, "d": ["x"]}`` (Stripe's encoding)."""
    result: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+|\[\]", key)
        node = result
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(result)


def _lists(node):
    if isinstance(node, dict):
        if node and all(key.isdigit() for key in node):
            return [_lists(node[key]) for key in sorted(node, key=int)]
        return {key: _lists(value) for key, value in node.items()}
    return node


class StripeError(Exception):
    def __init__(self, status: int, type_: str, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type_, "message": message, **extra}}


@dataclass
class Endpoint:
    url: str
    secret: str
    headers: dict = field(default_factory=dict)
    account: str | None = None  # None: the platform's own events and every connected account's


class StripeDouble:
    """The state of a local Stripe and the HTTP server answering for it."""

    def __init__(
        self,
        *,
        secret_key: str = "sk_test_mercato_store",
        publishable_key: str = "pk_test_mercato_store",
        webhook_secret: str = "whsec_test_mercato_store",
        platform_secret_key: str = "sk_test_mercato_platform",
        platform_publishable_key: str = "pk_test_mercato_platform",
        connect_client_id: str = "ca_test_mercato",
        connect_webhook_secret: str = "whsec_test_mercato_connect",
    ):
        self.secret_key = secret_key
        self.publishable_key = publishable_key
        self.webhook_secret = webhook_secret
        self.platform_secret_key = platform_secret_key
        self.platform_publishable_key = platform_publishable_key
        self.connect_client_id = connect_client_id
        self.connect_webhook_secret = connect_webhook_secret
        self.store_account = _id("acct")
        # key -> account it authenticates
        self.keys: dict[str, str] = {
            secret_key: self.store_account,
            publishable_key: self.store_account,
            platform_secret_key: PLATFORM_ACCOUNT,
            platform_publishable_key: PLATFORM_ACCOUNT,
        }
        self.connected: set[str] = set()  # accounts connected to the platform
        self.oauth_codes: dict[str, str] = {}  # code -> account
        self.intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.owner: dict[str, str] = {}  # object id -> account
        self.idempotency: dict[tuple[str, str], tuple[str, dict, int, dict]] = {}
        self.events: list[dict] = []
        self.requests: list[dict] = []  # API requests: method, path, idempotency key, account
        self.endpoints: list[Endpoint] = []
        self.delay = 0.0  # seconds before answering an API call (timeouts)
        self._failures: list[tuple[int, dict]] = []
        self.lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._senders: list[threading.Thread] = []

    # --- Server -------------------------------------------------------------------------------

    def start(self) -> StripeDouble:
        double = self

        class Handler(_Handler):
            stripe = double

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        for sender in self._senders:
            sender.join(timeout=5)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StripeDouble:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def js_url(self) -> str:
        return f"{self.url}/v3/"

    def settings(self) -> dict:
        """The Django settings that point Mercato at this double."""
        return {
            "STRIPE_API_BASE": self.url,
            "STRIPE_CONNECT_BASE": self.url,
            "STRIPE_JS_URL": self.js_url,
            "STRIPE_SECRET_KEY": self.platform_secret_key,
            "STRIPE_PUBLISHABLE_KEY": self.platform_publishable_key,
            "STRIPE_CONNECT_CLIENT_ID": self.connect_client_id,
            "STRIPE_CONNECT_WEBHOOK_SECRET": self.connect_webhook_secret,
        }

    def credentials(self, **options) -> dict:
        """What a store pastes into its Stripe settings for the double's own account."""
        return {
            "publishable_key": self.publishable_key,
            "secret_key": self.secret_key,
            "webhook_secret": self.webhook_secret,
            "capture_method": "automatic",
            **options,
        }

    def fail_next(self, status: int = 500, type_: str = "api_error", message: str = "") -> None:
        """Answer the next API call with an error (Stripe's shape)."""
        with self.lock:
            self._failures.append(
                (status, {"error": {"type": type_, "message": message or "An error occurred."}})
            )

    # --- Shopper's side (what Stripe.js does), for tests without a browser ------------------------

    def pay(self, intent_id: str, card: str = SUCCEEDS, *, return_url: str = "") -> dict:
        """Confirm ``intent_id`` with ``card`` as the Payment Element would; returns the intent
        (or raises StripeError for a declined card). A 3-D Secure card leaves the intent
        ``requires_action`` until :meth:`authenticate`."""
        with self.lock:
            intent = self.intents[intent_id]
            return self._confirm(intent, {"payment_method_data": {"card": {"number": card}},
                                          "return_url": return_url})  # fmt: skip

    def authenticate(self, intent_id: str, *, succeed: bool = True) -> dict:
        """The shopper completes (or fails) the 3-D Secure challenge."""
        with self.lock:
            intent = self.intents[intent_id]
            if intent["status"] != "requires_action":
                raise StripeError(400, "invalid_request_error", "No authentication pending.")
            if succeed:
                self._succeed(intent)
            else:
                self._fail(
                    intent,
                    code="payment_intent_authentication_failure",
                    message="We are unable to authenticate your payment method. Please choose "
                    "a different payment method and try again.",
                )
            return intent

    def dispute(self, intent_id: str, reason: str = "fraudulent") -> dict:
        with self.lock:
            intent = self.intents[intent_id]
            charge = self.charges[intent["latest_charge"]]
            charge["disputed"] = True
            dispute = {
                "id": _id("dp"),
                "object": "dispute",
                "amount": charge["amount_captured"],
                "currency": charge["currency"],
                "charge": charge["id"],
                "payment_intent": intent["id"],
                "reason": reason,
                "status": "needs_response",
                "created": int(time.time()),
                "livemode": False,
                "metadata": {},
            }
            self._event("charge.dispute.created", dispute, intent)
            return dispute

    # --- Webhooks -------------------------------------------------------------------------------

    def add_endpoint(self, url: str, *, secret: str | None = None, headers=None,
                     account: str | None = None) -> Endpoint:  # fmt: skip
        endpoint = Endpoint(url, secret or self.webhook_secret, dict(headers or {}), account)
        self.endpoints.append(endpoint)
        return endpoint

    def secret_for(self, event: dict) -> str:
        return self.connect_webhook_secret if event.get("account") else self.webhook_secret

    def signed(self, event: dict, secret: str | None = None) -> tuple[bytes, dict]:
        """``(body, headers)`` of a delivery of ``event``, signed as Stripe signs it."""
        body = json.dumps(_public(event)).encode()
        return body, {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": sign(body, secret or self.secret_for(event)),
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        }

    def events_for(self, intent_id: str) -> list[dict]:
        with self.lock:
            return [event for event in self.events if event["_intent"] == intent_id]

    def event_stream(
        self, payment_reference: str, *, card: str = SUCCEEDS, refund: int = 100
    ) -> list[tuple[bytes, dict]]:
        """Every event of one PaymentIntent's whole lifecycle, signed, in the order they
        happened (the replay benchmark). An intent still waiting for the shopper is first
        taken to its end as a shopper and the store would: paid with ``card``, then
        ``refund`` (minor units, 0: none) given back from Stripe's dashboard."""
        with self.lock:
            intent = self.intents[payment_reference]
            if intent["status"] == "requires_payment_method" and not intent["last_payment_error"]:
                with contextlib.suppress(StripeError):  # a declining card: its failure event
                    self._confirm(intent, {"payment_method_data": {"card": {"number": card}}})
            charge = self.charges.get(intent["latest_charge"] or "")
            if (
                refund
                and charge
                and intent["status"] == "succeeded"
                and not charge["amount_refunded"]
            ):
                self._refund({"payment_intent": intent["id"], "amount": str(refund)},
                             self.owner[intent["id"]])  # fmt: skip
        return [self.signed(event) for event in self.events_for(payment_reference)]

    def send(self, event: dict, endpoint: Endpoint) -> int:
        body, headers = self.signed(event, endpoint.secret)
        request = urllib.request.Request(
            endpoint.url, data=body, headers={**headers, **endpoint.headers}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def _deliver(self, event: dict) -> None:
        for endpoint in self.endpoints:
            if endpoint.account is not None and endpoint.account != event.get("account"):
                continue
            sender = threading.Thread(target=self.send, args=(event, endpoint), daemon=True)
            self._senders.append(sender)
            sender.start()

    def wait_for_deliveries(self, timeout: float = 30) -> None:
        for sender in list(self._senders):
            sender.join(timeout=timeout)

    def _event(self, type_: str, obj: dict, intent: dict) -> dict:
        account = self.owner.get(intent["id"])
        event = {
            "id": _id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": {"object": json.loads(json.dumps(obj))},
            "livemode": False,
            "pending_webhooks": len(self.endpoints),
            "request": {"id": _id("req"), "idempotency_key": None},
            "type": type_,
            "_intent": intent["id"],
        }
        if account in self.connected:
            event["account"] = account
        self.events.append(event)
        self._deliver(event)
        return event

    # --- The API --------------------------------------------------------------------------------

    def api(self, method: str, path: str, params: dict, headers) -> tuple[int, dict]:
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            if self._failures:
                return self._failures.pop(0)
            account, key = self._authenticate(headers, params)
            idempotency_key = headers.get("Idempotency-Key")
            self.requests.append(
                {
                    "method": method,
                    "path": path,
                    "idempotency_key": idempotency_key,
                    "account": account,
                    "params": params,
                }
            )
            if method == "POST" and idempotency_key:
                scope = (account, idempotency_key)
                seen = self.idempotency.get(scope)
                if seen is not None:
                    seen_path, seen_params, status, body = seen
                    if (seen_path, seen_params) != (path, params):
                        raise StripeError(
                            400,
                            "idempotency_error",
                            "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with. Try using a key other than "
                            f"'{idempotency_key}' if you meant to execute a different request.",
                        )
                    return status, body
            try:
                status, body = 200, self._route(method, path, params, account, key)
            except StripeError as error:
                status, body = error.status, error.body
            if method == "POST" and idempotency_key and status != 429:
                self.idempotency[(account, idempotency_key)] = (path, params, status, body)
            return status, body

    def _authenticate(self, headers, params) -> tuple[str, str]:
        authorization = headers.get("Authorization", "")
        key = authorization[7:] if authorization.startswith("Bearer ") else params.pop("key", "")
        params.pop("key", None)
        if key not in self.keys:
            masked = f"{key[:8]}{'*' * max(len(key) - 12, 0)}{key[-4:]}" if key else ""
            raise StripeError(
                401,
                "invalid_request_error",
                f"Invalid API Key provided: {masked}" if key else "You did not provide an API key.",
            )
        account = self.keys[key]
        on_behalf = headers.get("Stripe-Account") or params.pop("_stripe_account", "")
        if on_behalf:
            if account != PLATFORM_ACCOUNT or on_behalf not in self.connected:
                raise StripeError(
                    403,
                    "invalid_request_error",
                    "The provided key does not have access to account "
                    f"'{on_behalf}' (or that account does not exist).",
                    code="account_invalid",
                )
            account = on_behalf
        return account, key

    def _route(self, method: str, path: str, params: dict, account: str, key: str) -> dict:
        parts = path.strip("/").split("/")
        secret = key.startswith("sk_")
        if parts[:2] == ["v1", "payment_intents"]:
            if len(parts) == 2 and method == "POST" and secret:
                return self._create_intent(params, account)
            if len(parts) >= 3:
                intent = self._intent(parts[2], account)
                if not secret and params.get("client_secret") != intent["client_secret"]:
                    raise StripeError(
                        400,
                        "invalid_request_error",
                        "The client_secret provided does not match the client_secret "
                        "associated with the PaymentIntent.",
                        code="payment_intent_invalid_parameter",
                        param="client_secret",
                    )
                if len(parts) == 3 and method == "GET":
                    return _public(intent)
                action = parts[3] if len(parts) == 4 else ""
                if method == "POST" and action == "confirm":
                    return self._confirm(intent, params)
                if method == "POST" and action == "capture" and secret:
                    return self._capture(intent, params)
                if method == "POST" and action == "cancel" and secret:
                    return self._cancel(intent, params)
        if parts == ["v1", "refunds"] and method == "POST" and secret:
            return self._refund(params, account)
        if parts[:2] == ["v1", "charges"] and len(parts) == 3 and method == "GET" and secret:
            charge = self.charges.get(parts[2])
            if charge is None or self.owner.get(parts[2]) != account:
                raise _missing("charge", parts[2])
            return charge
        if parts == ["oauth", "token"] and method == "POST":
            return self._oauth_token(params, account)
        url = "/" + "/".join(parts)
        message = f"Unrecognized request URL ({method}: {url})."
        raise StripeError(404, "invalid_request_error", message)

    def _intent(self, intent_id: str, account: str) -> dict:
        intent = self.intents.get(intent_id)
        if intent is None or self.owner.get(intent_id) != account:
            raise _missing("payment_intent", intent_id)
        return intent

    def _create_intent(self, params: dict, account: str) -> dict:
        try:
            amount = int(params.get("amount", ""))
        except ValueError:
            raise StripeError(
                400, "invalid_request_error", "Missing required param: amount.",
                code="parameter_missing", param="amount",
            ) from None  # fmt: skip
        currency = (params.get("currency") or "").lower()
        if not re.fullmatch(r"[a-z]{3}", currency):
            raise StripeError(
                400, "invalid_request_error", "Missing required param: currency.",
                code="parameter_missing", param="currency",
            )  # fmt: skip
        if amount < 50:
            raise StripeError(
                400, "invalid_request_error", "Amount must be at least $0.50 usd",
                code="amount_too_small", param="amount",
            )  # fmt: skip
        capture_method = params.get("capture_method", "automatic_async")
        if capture_method not in ("automatic", "automatic_async", "manual"):
            raise StripeError(
                400, "invalid_request_error", "Invalid capture_method.",
                code="parameter_invalid_empty", param="capture_method",
            )  # fmt: skip
        intent_id = _id("pi")
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_received": 0,
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "always"},
            "canceled_at": None,
            "cancellation_reason": None,
            "capture_method": capture_method,
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(12)}",
            "confirmation_method": "automatic",
            "created": int(time.time()),
            "currency": currency,
            "description": params.get("description"),
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": params.get("metadata") or {},
            "next_action": None,
            "payment_method": None,
            "payment_method_types": ["card"],
            "receipt_email": params.get("receipt_email"),
            "status": "requires_payment_method",
        }
        self.intents[intent_id] = intent
        self.owner[intent_id] = account
        self._event("payment_intent.created", _public(intent), intent)
        return _public(intent)

    def _confirm(self, intent: dict, params: dict) -> dict:
        if intent["status"] not in ("requires_payment_method", "requires_confirmation"):
            raise _unexpected_state(intent, "confirm")
        number = re.sub(r"\D", "", str(params.get("payment_method_data", {}).get("card", {})
                                       .get("number", "")))  # fmt: skip
        if not number:
            raise StripeError(
                400, "invalid_request_error", "Missing required param: payment_method_data.",
                param="payment_method_data",
            )  # fmt: skip
        intent["payment_method"] = _id("pm")
        intent["last_payment_error"] = None
        intent["_card"] = number[-4:]
        if params.get("return_url"):
            intent["_return_url"] = params["return_url"]
        if number == DECLINED:
            self._fail(intent, code="card_declined", message="Your card was declined.",
                       decline_code="generic_decline")  # fmt: skip
            raise StripeError(
                402, "card_error", "Your card was declined.",
                code="card_declined", decline_code="generic_decline",
                payment_intent=_public(intent),
            )  # fmt: skip
        if number == THREE_D_SECURE:
            intent["status"] = "requires_action"
            intent["next_action"] = {
                "type": "redirect_to_url",
                "redirect_to_url": {
                    "url": f"{self.url}/3ds/{intent['id']}",
                    "return_url": intent.get("_return_url"),
                },
            }
            self._event("payment_intent.requires_action", _public(intent), intent)
            return _public(intent)
        self._succeed(intent)
        if number == DISPUTED:
            self.dispute(intent["id"])
        return _public(intent)

    def _succeed(self, intent: dict) -> None:
        manual = intent["capture_method"] == "manual"
        charge_id = _id("ch")
        self.owner[charge_id] = self.owner[intent["id"]]
        charge = {
            "id": charge_id,
            "object": "charge",
            "amount": intent["amount"],
            "amount_captured": 0 if manual else intent["amount"],
            "amount_refunded": 0,
            "captured": not manual,
            "created": int(time.time()),
            "currency": intent["currency"],
            "disputed": False,
            "livemode": False,
            "metadata": intent["metadata"],
            "paid": True,
            "payment_intent": intent["id"],
            "payment_method": intent["payment_method"],
            "payment_method_details": {
                "type": "card",
                "card": {"brand": "visa", "last4": intent.get("_card", "4242")},
            },
            "refunded": False,
            "status": "succeeded",
        }
        self.charges[charge_id] = charge
        intent["latest_charge"] = charge_id
        intent["next_action"] = None
        if manual:
            intent["status"] = "requires_capture"
            intent["amount_capturable"] = intent["amount"]
            self._event("charge.succeeded", charge, intent)
            self._event("payment_intent.amount_capturable_updated", _public(intent), intent)
        else:
            intent["status"] = "succeeded"
            intent["amount_received"] = intent["amount"]
            self._event("charge.succeeded", charge, intent)
            self._event("payment_intent.succeeded", _public(intent), intent)

    def _fail(self, intent: dict, *, code: str, message: str, decline_code: str = "") -> None:
        intent["status"] = "requires_payment_method"
        intent["next_action"] = None
        intent["last_payment_error"] = {
            "type": "card_error",
            "code": code,
            "message": message,
            **({"decline_code": decline_code} if decline_code else {}),
        }
        self._event("payment_intent.payment_failed", _public(intent), intent)

    def _capture(self, intent: dict, params: dict) -> dict:
        if intent["status"] != "requires_capture":
            raise _unexpected_state(intent, "capture")
        amount = int(params.get("amount_to_capture") or intent["amount_capturable"])
        if amount > intent["amount_capturable"] or amount <= 0:
            raise StripeError(
                400, "invalid_request_error",
                "The amount to capture must be positive and at most the amount capturable.",
                code="amount_too_large", param="amount_to_capture",
            )  # fmt: skip
        charge = self.charges[intent["latest_charge"]]
        charge["amount_captured"] = amount
        charge["captured"] = True
        intent["status"] = "succeeded"
        intent["amount_received"] = amount
        intent["amount_capturable"] = 0
        self._event("charge.captured", charge, intent)
        self._event("payment_intent.succeeded", _public(intent), intent)
        return _public(intent)

    def _cancel(self, intent: dict, params: dict) -> dict:
        if intent["status"] in ("succeeded", "canceled"):
            raise _unexpected_state(intent, "cancel")
        intent["status"] = "canceled"
        intent["canceled_at"] = int(time.time())
        intent["cancellation_reason"] = params.get("cancellation_reason") or "requested_by_customer"
        intent["amount_capturable"] = 0
        intent["next_action"] = None
        self._event("payment_intent.canceled", _public(intent), intent)
        return _public(intent)

    def _refund(self, params: dict, account: str) -> dict:
        intent_id = params.get("payment_intent")
        if not intent_id:
            charge = self.charges.get(params.get("charge", ""))
            intent_id = charge["payment_intent"] if charge else ""
        intent = self._intent(intent_id, account) if intent_id else None
        if intent is None or not intent["latest_charge"] or intent["status"] != "succeeded":
            raise StripeError(
                400, "invalid_request_error",
                "This PaymentIntent does not have a successful charge to refund.",
                code="charge_not_refundable",
            )  # fmt: skip
        charge = self.charges[intent["latest_charge"]]
        left = charge["amount_captured"] - charge["amount_refunded"]
        if left <= 0:
            raise StripeError(
                400, "invalid_request_error", f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )  # fmt: skip
        amount = int(params.get("amount") or left)
        if amount <= 0 or amount > left:
            raise StripeError(
                400, "invalid_request_error",
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
                code="amount_too_large", param="amount",
            )  # fmt: skip
        refund = {
            "id": _id("re"),
            "object": "refund",
            "amount": amount,
            "charge": charge["id"],
            "created": int(time.time()),
            "currency": charge["currency"],
            "metadata": params.get("metadata") or {},
            "payment_intent": intent["id"],
            "reason": params.get("reason"),
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        self.owner[refund["id"]] = account
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount_captured"]
        self._event("refund.created", refund, intent)
        self._event("charge.refunded", charge, intent)
        return refund

    # --- Connect OAuth --------------------------------------------------------------------------

    def approve(self, query: dict) -> str:
        """The account holder approved the connection: where Stripe sends them back."""
        with self.lock:
            account = _id("acct")
            self.connected.add(account)
            code = _id("ac")
            self.oauth_codes[code] = account
        return _with_query(query["redirect_uri"], {"code": code, "scope": "read_write",
                                                   "state": query.get("state", "")})  # fmt: skip

    def _oauth_token(self, params: dict, account: str) -> dict:
        if account != PLATFORM_ACCOUNT:
            raise StripeError(401, "invalid_client", "Only the platform may exchange codes.")
        if params.get("grant_type") != "authorization_code":
            raise _oauth_error("unsupported_grant_type", "Unsupported grant type.")
        connected = self.oauth_codes.pop(params.get("code", ""), None)
        if connected is None:
            raise _oauth_error(
                "invalid_grant", f"Authorization code does not exist: {params.get('code', '')}"
            )
        return {
            "access_token": _id("sk_test"),
            "livemode": False,
            "refresh_token": _id("rt"),
            "scope": "read_write",
            "stripe_publishable_key": _id("pk_test"),
            "stripe_user_id": connected,
            "token_type": "bearer",
        }


def _public(obj: dict) -> dict:
    return {key: value for key, value in obj.items() if not key.startswith("_")}


def _missing(kind: str, object_id: str) -> StripeError:
    return StripeError(
        404, "invalid_request_error", f"No such {kind}: '{object_id}'",
        code="resource_missing", param="id",
    )  # fmt: skip


def _unexpected_state(intent: dict, action: str) -> StripeError:
    return StripeError(
        400, "invalid_request_error",
        f"This PaymentIntent's {action} could not be performed because it has a status of "
        f"{intent['status']}.",
        code="payment_intent_unexpected_state", payment_intent=_public(intent),
    )  # fmt: skip


def _oauth_error(code: str, description: str) -> StripeError:
    error = StripeError(400, code, description)
    error.body = {"error": code, "error_description": description}
    return error


def _with_query(url: str, params: dict) -> str:
    parts = urlsplit(url)
    query = "&".join(filter(None, [parts.query, urlencode(params)]))
    return urlunsplit(parts._replace(query=query))


class _Handler(BaseHTTPRequestHandler):
    stripe: StripeDouble
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def _body(self) -> str:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length).decode() if length else ""

    def _send(self, status: int, body: bytes, content_type: str, extra=None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, body: dict) -> None:
        self._send(
            status, json.dumps(body).encode(), "application/json",
            {"Request-Id": _id("req"), "Stripe-Version": API_VERSION},
        )  # fmt: skip

    def _redirect(self, url: str) -> None:
        self._send(303, b"", "text/plain", {"Location": url})

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Stripe-Account")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        if parts.path in ("/v3", "/v3/"):
            return self._send(200, STRIPE_JS.encode(), "application/javascript; charset=utf-8")
        if parts.path.startswith("/3ds/"):
            return self._challenge_page(parts.path.split("/")[2])
        if parts.path == "/oauth/authorize":
            return self._consent_page(query)
        if parts.path == "/oauth/authorize/approve":
            if query.get("client_id") != self.stripe.connect_client_id:
                return self._send(400, b"Unknown client_id", "text/plain")
            return self._redirect(self.stripe.approve(query))
        if parts.path == "/oauth/authorize/deny":
            return self._redirect(
                _with_query(query["redirect_uri"], {
                    "error": "access_denied",
                    "error_description": "The user denied your request",
                    "state": query.get("state", ""),
                })
            )  # fmt: skip
        self._api("GET", parts.path, query)

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        body = self._body()
        if parts.path.startswith("/3ds/"):
            return self._challenge_answer(parts.path.split("/")[2], decode_form(body))
        params = {**decode_form(parts.query), **decode_form(body)}
        self._api("POST", parts.path, params)

    def _api(self, method: str, path: str, params: dict) -> None:
        try:
            status, body = self.stripe.api(method, path, params, self.headers)
        except StripeError as error:
            status, body = error.status, error.body
        self._json(status, body)

    # --- Pages ----------------------------------------------------------------------------------

    def _challenge_page(self, intent_id: str) -> None:
        intent = self.stripe.intents.get(intent_id)
        if intent is None or intent["status"] != "requires_action":
            return self._send(404, b"No authentication pending", "text/plain")
        amount = f"{intent['amount'] / 100:.2f} {intent['currency'].upper()}"
        page = CHALLENGE_PAGE.format(amount=html.escape(amount), intent=html.escape(intent_id))
        self._send(200, page.encode(), "text/html; charset=utf-8")

    def _challenge_answer(self, intent_id: str, form: dict) -> None:
        try:
            intent = self.stripe.authenticate(intent_id, succeed=form.get("result") == "complete")
        except (KeyError, StripeError):
            return self._send(404, b"No authentication pending", "text/plain")
        status = "succeeded" if intent["status"] in ("succeeded", "requires_capture") else "failed"
        self._redirect(
            _with_query(intent.get("_return_url") or "/", {
                "payment_intent": intent["id"],
                "payment_intent_client_secret": intent["client_secret"],
                "redirect_status": status,
            })
        )  # fmt: skip

    def _consent_page(self, query: dict) -> None:
        if query.get("client_id") != self.stripe.connect_client_id or not query.get("redirect_uri"):
            return self._send(400, b"Invalid client_id or redirect_uri", "text/plain")
        encoded = html.escape(urlencode(query))
        page = CONSENT_PAGE.format(query=encoded)
        self._send(200, page.encode(), "text/html; charset=utf-8")


CHALLENGE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>3D Secure 2 Test Page</title></head>
<body style="font-family: sans-serif; max-width: 28rem; margin: 3rem auto">
<h1>3D Secure 2 Test Page</h1>
<p>Your bank asks you to confirm the payment of {amount}.</p>
<form method="post" action="/3ds/{intent}">
<button name="result" value="complete" type="submit">Complete authentication</button>
<button name="result" value="fail" type="submit">Fail authentication</button>
</form></body></html>"""

CONSENT_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Connect with Stripe</title></head>
<body style="font-family: sans-serif; max-width: 28rem; margin: 3rem auto">
<h1>Connect your Stripe account</h1>
<p>The platform asks to accept payments on your behalf (standard account, read_write).</p>
<p><a href="/oauth/authorize/approve?{query}">Connect my Stripe account</a></p>
<p><a href="/oauth/authorize/deny?{query}">Cancel</a></p>
</body></html>"""

STRIPE_JS = r"""/* A local fake of Stripe.js v3 (tests/doubles/stripe.py): the Payment Element's
   card fields in a plain div; confirmPayment posts to the double, as Stripe.js posts to Stripe. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.src, location.href).origin;

  function encode(params, prefix, out) {
    out = out || [];
    Object.keys(params).forEach(function (key) {
      var value = params[key];
      var name = prefix ? prefix + "[" + key + "]" : key;
      if (value === undefined || value === null) return;
      if (typeof value === "object") encode(value, name, out);
      else out.push(encodeURIComponent(name) + "=" + encodeURIComponent(value));
    });
    return out.join("&");
  }

  function withQuery(url, params) {
    var target = new URL(url, location.href);
    Object.keys(params).forEach(function (key) { target.searchParams.set(key, params[key]); });
    return target.toString();
  }

  function PaymentElement(elements) {
    this._elements = elements;
    this._node = null;
    this._handlers = {};
  }
  PaymentElement.prototype.mount = function (target) {
    var node = typeof target === "string" ? document.querySelector(target) : target;
    if (!node) throw new Error("Stripe.js: the element to mount into was not found.");
    node.innerHTML =
      '<div class="StripeElement fake-stripe-payment-element" data-testid="payment-element">' +
      '<p class="fake-stripe-tab" style="margin:0 0 .5rem;font-weight:600">Card</p>' +
      '<label style="display:block;margin:.25rem 0">Card number<br>' +
      '<input name="cardnumber" autocomplete="cc-number" inputmode="numeric" ' +
      'placeholder="1234 1234 1234 1234" style="width:100%;padding:.5rem"></label>' +
      '<div style="display:flex;gap:.5rem">' +
      '<label style="flex:1">Expiration<br><input name="exp-date" autocomplete="cc-exp" ' +
      'placeholder="MM / YY" style="width:100%;padding:.5rem"></label>' +
      '<label style="flex:1">CVC<br><input name="cvc" autocomplete="cc-csc" ' +
      'placeholder="CVC" style="width:100%;padding:.5rem"></label></div>' +
      '<p class="fake-stripe-error" role="alert" style="color:#b00020"></p>' +
      '<p style="font-size:.8rem;color:#555">Test mode (local Stripe): 4242 4242 4242 4242 ' +
      'succeeds, 4000 0000 0000 0002 is declined, 4000 0027 6000 3184 asks for 3-D Secure.</p>' +
      "</div>";
    this._node = node;
    var self = this;
    setTimeout(function () { self._emit("ready", {elementType: "payment"}); }, 0);
  };
  PaymentElement.prototype.on = function (name, handler) {
    (this._handlers[name] = this._handlers[name] || []).push(handler);
    return this;
  };
  PaymentElement.prototype._emit = function (name, event) {
    (this._handlers[name] || []).forEach(function (handler) { handler(event); });
  };
  PaymentElement.prototype.unmount = function () { if (this._node) this._node.innerHTML = ""; };
  PaymentElement.prototype._value = function (name) {
    var input = this._node && this._node.querySelector('[name="' + name + '"]');
    return input ? input.value : "";
  };
  PaymentElement.prototype._showError = function (message) {
    var box = this._node && this._node.querySelector(".fake-stripe-error");
    if (box) box.textContent = message || "";
  };

  function Elements(stripe, options) {
    this._stripe = stripe;
    this._clientSecret = options.clientSecret;
    this._element = null;
  }
  Elements.prototype.create = function (type) {
    if (type !== "payment") throw new Error("This local Stripe.js serves the Payment Element.");
    this._element = new PaymentElement(this);
    return this._element;
  };
  Elements.prototype.getElement = function () { return this._element; };
  Elements.prototype.submit = function () {
    var element = this._element;
    var number = element ? element._value("cardnumber").replace(/\D/g, "") : "";
    if (number.length < 12) {
      var error = {type: "validation_error", code: "incomplete_number",
                   message: "Your card number is incomplete."};
      if (element) element._showError(error.message);
      return Promise.resolve({error: error});
    }
    return Promise.resolve({});
  };

  function Stripe(key, options) {
    if (!(this instanceof Stripe)) return new Stripe(key, options);
    if (!key) throw new Error("Stripe.js: a publishable key is required.");
    this._key = key;
    this._account = (options || {}).stripeAccount || "";
  }
  Stripe.prototype.elements = function (options) {
    options = options || {};
    if (!options.clientSecret) throw new Error("Stripe.js: elements() needs a clientSecret.");
    return new Elements(this, options);
  };
  Stripe.prototype._post = function (path, params) {
    params.key = this._key;
    if (this._account) params._stripe_account = this._account;
    return fetch(base + path, {
      method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded"},
      body: encode(params)
    }).then(function (response) { return response.json(); });
  };
  Stripe.prototype.confirmPayment = function (options) {
    var elements = options.elements;
    var confirmParams = options.confirmParams || {};
    var redirect = options.redirect || "always";
    var element = elements._element;
    return elements.submit().then(function (checked) {
      if (checked.error) return checked;
      var secret = elements._clientSecret;
      var intentId = secret.split("_secret_")[0];
      var expiry = element._value("exp-date").split("/");
      element._showError("");
      return this._post("/v1/payment_intents/" + intentId + "/confirm", {
        client_secret: secret,
        return_url: confirmParams.return_url,
        payment_method_data: {
          type: "card",
          card: {number: element._value("cardnumber").replace(/\D/g, ""),
                 exp_month: (expiry[0] || "").trim(), exp_year: (expiry[1] || "").trim(),
                 cvc: element._value("cvc")}
        }
      }).then(function (answer) {
        if (answer.error) {
          element._showError(answer.error.message);
          return {error: answer.error};
        }
        var intent = answer;
        if (intent.status === "requires_action" && intent.next_action &&
            intent.next_action.type === "redirect_to_url") {
          location.assign(intent.next_action.redirect_to_url.url);
          return new Promise(function () {});
        }
        if (redirect === "if_required") return {paymentIntent: intent};
        location.assign(withQuery(confirmParams.return_url, {
          payment_intent: intent.id,
          payment_intent_client_secret: intent.client_secret,
          redirect_status: intent.status === "processing" ? "processing" : "succeeded"
        }));
        return new Promise(function () {});
      });
    }.bind(this));
  };
  Stripe.prototype.retrievePaymentIntent = function (clientSecret) {
    var intentId = clientSecret.split("_secret_")[0];
    return fetch(base + "/v1/payment_intents/" + intentId + "?key=" +
                 encodeURIComponent(this._key) + "&client_secret=" +
                 encodeURIComponent(clientSecret))
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        return answer.error ? {error: answer.error} : {paymentIntent: answer};
      });
  };
  window.Stripe = Stripe;
})();
"""


if __name__ == "__main__":  # a double to click through by hand
    with StripeDouble() as double:
        print(f"Stripe double at {double.url} (Stripe.js: {double.js_url}); Ctrl-C stops it")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
