"""A local PayPal: a real threaded HTTP server answering the REST endpoints Mercato uses as
PayPal documents them (developer.paypal.com/docs/api/orders/v2, payments/v2, webhooks/v1).

- ``POST /v1/oauth2/token`` — client credentials (HTTP Basic ``client_id:secret``, form
  ``grant_type=client_credentials``) -> ``{"access_token", "token_type": "Bearer",
  "expires_in", ...}``; wrong credentials -> 401 ``invalid_client``.
- ``POST /v2/checkout/orders`` — ``intent`` CAPTURE, ``purchase_units[].amount``
  ``{currency_code, value}``, ``custom_id``; with ``payment_source.paypal.experience_context``
  the order is ``PAYER_ACTION_REQUIRED`` with a ``payer-action`` link, with the older
  ``application_context`` it is ``CREATED`` with an ``approve`` link. ``PayPal-Request-Id``
  makes every POST idempotent (the same id answers the first answer again).
- ``GET /checkoutnow?token=<order id>`` — the buyer's approval page (HTML, "Pay now" and
  "Cancel and return"): approving makes the order ``APPROVED``, sends
  ``CHECKOUT.ORDER.APPROVED`` and redirects to ``return_url?token=<id>&PayerID=<payer>``;
  cancelling redirects to ``cancel_url?token=<id>``.
- ``POST /v2/checkout/orders/<id>/capture`` — a ``COMPLETED`` capture
  (``PAYMENT.CAPTURE.COMPLETED``); or, as told, 422 ``UNPROCESSABLE_ENTITY`` with the issue
  ``INSTRUMENT_DECLINED``, a ``DECLINED`` capture (``PAYMENT.CAPTURE.DENIED``) or a ``PENDING``
  one; 422 ``ORDER_NOT_APPROVED`` / ``ORDER_ALREADY_CAPTURED`` as PayPal answers them.
- ``GET /v2/checkout/orders/<id>``, ``GET /v2/payments/captures/<id>``.
- ``POST /v2/payments/captures/<id>/refund`` — full (no body) or partial (``amount``):
  ``PAYMENT.CAPTURE.REFUNDED``; 422 ``REFUND_AMOUNT_EXCEEDED`` / ``CAPTURE_FULLY_REFUNDED``.
- ``POST /v1/notifications/verify-webhook-signature`` — ``verification_status`` ``SUCCESS``
  only when ``transmission_sig`` is the double's SHA256withRSA signature of
  ``<transmission_id>|<transmission_time>|<webhook_id>|<CRC32 of the event>``, PayPal's own
  scheme (the certificate is served at ``cert_url``); otherwise ``FAILURE``.

Webhooks: every lifecycle event is kept per order (``event_stream(order_id)``: the bodies with
freshly signed transmission headers, for the replay benchmark, after ``pay(order_id)`` has made
a whole lifecycle), and sent to an account's ``webhook_url`` when one is set (``send`` /
``deliver`` send them on demand).

Usable without pytest (the benchmarks start one): ``with PayPalDouble() as paypal: ...``.
Simulations: ``decline(order_id)`` / ``decline_next_capture(mode)``, ``delay(path, seconds)``
(the request is carried out, the answer comes late: a timeout for the caller),
``complete_pending`` / ``deny_pending``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import html
import json
import secrets
import threading
import time
import urllib.parse
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

CODE = "paypal"
ZERO_DECIMAL = {"JPY", "HUF", "TWD"}  # PayPal's currencies without decimals
CERT_ID = "CERT-360caa42-fca2a594-0a8d1f4e"
SUPPORTED_EVENTS = (
    "CHECKOUT.ORDER.APPROVED",
    "PAYMENT.CAPTURE.COMPLETED",
    "PAYMENT.CAPTURE.PENDING",
    "PAYMENT.CAPTURE.DENIED",
    "PAYMENT.CAPTURE.REFUNDED",
)


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _id(length: int = 17) -> str:
    alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _dumps(data) -> bytes:
    """How the double serialises webhook events (and re-serialises them to verify)."""
    return json.dumps(data, separators=(",", ":")).encode()


def _value(amount: Decimal, currency: str) -> str:
    return f"{amount:.0f}" if currency in ZERO_DECIMAL else f"{amount:.2f}"


@dataclass
class Account:
    """A PayPal REST app: its credentials, its webhook (id and listener URL)."""

    client_id: str
    client_secret: str
    webhook_id: str
    webhook_url: str = ""  # set: events are sent there as they happen
    merchant_id: str = field(default_factory=lambda: _id(13))


@dataclass
class Capture:
    id: str
    order_id: str
    amount: Decimal
    currency: str
    custom_id: str
    status: str = "COMPLETED"  # PENDING, DECLINED, PARTIALLY_REFUNDED, REFUNDED
    refunded: Decimal = Decimal(0)
    create_time: str = field(default_factory=_now)


@dataclass
class Order:
    id: str
    account: Account
    amount: Decimal
    currency: str
    custom_id: str
    return_url: str
    cancel_url: str
    experience_context: bool  # payment_source.paypal.experience_context (payer-action link)
    request: dict
    status: str = "CREATED"
    payer_id: str = ""
    captures: list[Capture] = field(default_factory=list)
    create_time: str = field(default_factory=_now)
    decline: str = ""  # "instrument_declined", "denied", "pending": what capturing does


class PayPalError(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(body.get("name") or body.get("error"))
        self.status = status
        self.body = body


def _error(status: int, name: str, message: str, issue: str = "", description: str = "",
           field_: str = "", **extra) -> PayPalError:  # fmt: skip
    body = {"name": name, "message": message, "debug_id": _id(13).lower()}
    if issue:
        detail = {"issue": issue, "description": description or message}
        if field_:
            detail = {"field": field_, "location": "body", **detail}
        body["details"] = [detail]
        body["links"] = [
            {
                "href": f"https://developer.paypal.com/docs/api/orders/v2/#error-{issue}",
                "rel": "information_link",
                "method": "GET",
            }
        ]
    body.update(extra)
    return PayPalError(status, body)


def unprocessable(issue: str, description: str, **extra) -> PayPalError:
    return _error(
        422,
        "UNPROCESSABLE_ENTITY",
        "The requested action could not be performed, semantically incorrect, or failed "
        "business validation.",
        issue,
        description,
        **extra,
    )


def invalid_request(issue: str, description: str, field_: str = "") -> PayPalError:
    return _error(
        400,
        "INVALID_REQUEST",
        "Request is not well-formed, syntactically incorrect, or violates schema.",
        issue,
        description,
        field_,
    )


def not_found(issue: str = "INVALID_RESOURCE_ID") -> PayPalError:
    return _error(
        404,
        "RESOURCE_NOT_FOUND",
        "The specified resource does not exist.",
        issue,
        "Specified resource ID does not exist. Please check the resource ID and try again.",
    )


class PayPalDouble:
    """The local PayPal. ``start()`` / ``stop()`` (or ``with``); ``url`` is its base URL."""

    code = CODE
    setting = "PAYPAL_API_BASE"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, token_lifetime: int = 32400):
        self.host = host
        self.port = port
        self.token_lifetime = token_lifetime
        self.lock = threading.RLock()
        self.accounts: dict[str, Account] = {}
        self.tokens: dict[str, tuple[Account, float]] = {}
        self.orders: dict[str, Order] = {}
        self.captures: dict[str, Capture] = {}
        self.refunds: dict[str, dict] = {}
        self.events: dict[str, list[dict]] = {}  # order id -> its events, in order
        self.idempotent: dict[tuple[str, str, str], tuple[int, dict]] = {}
        self.requests: list[dict] = []  # what was asked: method, path, request id (no secrets)
        self.token_requests: dict[str, int] = {}  # client id -> tokens asked
        self.deliveries: list[tuple[str, int]] = []  # (event id, status) sent to webhook URLs
        self._delays: list[list] = []  # [path prefix, seconds, times left]
        self._decline_next: str = ""
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._certificate = _self_signed(self._key)
        self.default = self.add_account(
            client_id="AYdouble" + _id(20), client_secret="EOdouble" + _id(24),
            webhook_id="1JE4291016473214C",
        )  # fmt: skip

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> PayPalDouble:
        double = self

        class Handler(_Handler):
            paypal = double

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> PayPalDouble:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def settings(self) -> dict[str, str]:
        """The Django settings pointing Mercato at this double."""
        return {self.setting: self.url}

    # --- accounts ----------------------------------------------------------------------------

    def add_account(self, *, client_id: str = "", client_secret: str = "", webhook_id: str = "",
                    webhook_url: str = "") -> Account:  # fmt: skip
        account = Account(
            client_id=client_id or "AY" + _id(30),
            client_secret=client_secret or "EO" + _id(30),
            webhook_id=webhook_id or _id(17),
            webhook_url=webhook_url,
        )
        with self.lock:
            self.accounts[account.client_id] = account
        return account

    def credentials(self, account: Account | None = None) -> dict[str, str]:
        """What a merchant enters in Settings > Payments for ``account`` (default: the first)."""
        account = account or self.default
        return {
            "client_id": account.client_id,
            "client_secret": account.client_secret,
            "webhook_id": account.webhook_id,
        }

    # --- simulations -------------------------------------------------------------------------

    def delay(self, path_prefix: str, seconds: float, *, times: int = 1) -> None:
        """The next ``times`` requests whose path starts with ``path_prefix`` are carried out,
        then answered ``seconds`` late (the caller times out; PayPal did the work)."""
        with self.lock:
            self._delays.append([path_prefix, seconds, times])

    def decline(self, order_id: str, mode: str = "instrument_declined") -> None:
        """Capturing ``order_id`` fails: ``instrument_declined`` (422), ``denied`` (a DECLINED
        capture), or stays ``pending``."""
        with self.lock:
            self.orders[order_id].decline = mode

    def decline_next_capture(self, mode: str = "instrument_declined") -> None:
        with self.lock:
            self._decline_next = mode

    def approve(self, order_id: str, payer_id: str = "") -> str:
        """The buyer presses "Pay now": the URL PayPal sends them back to."""
        with self.lock:
            order = self.orders[order_id]
            if order.status in ("CREATED", "PAYER_ACTION_REQUIRED"):
                order.status = "APPROVED"
                order.payer_id = payer_id or _id(13)
                self._event(order, "CHECKOUT.ORDER.APPROVED")
            return _with_query(order.return_url, token=order.id, PayerID=order.payer_id)

    def settle(self, order_id: str, *, request_id: str = "") -> None:
        """The buyer approves and the order is captured at PayPal, as our return would do it
        (its ``PayPal-Request-Id``, ``<custom_id>-capture`` by default: Mercato capturing it
        again gets the same answer). The benchmarks use it to make a whole lifecycle."""
        with self.lock:
            order = self.orders[order_id]
            self.approve(order_id)
            key = (order.account.client_id, f"/v2/checkout/orders/{order_id}/capture",
                   request_id or f"{order.custom_id}-capture")  # fmt: skip
            self.idempotent[key] = self._capture(order)

    def cancel(self, order_id: str) -> str:
        """The buyer presses "Cancel and return": the URL PayPal sends them back to."""
        with self.lock:
            order = self.orders[order_id]
            return _with_query(order.cancel_url, token=order.id)

    def expire(self, order_id: str) -> None:
        """PayPal drops an order its buyer never approved (404 from then on)."""
        with self.lock:
            del self.orders[order_id]

    def complete_pending(self, order_id: str) -> None:
        self._settle_pending(order_id, "COMPLETED", "PAYMENT.CAPTURE.COMPLETED")

    def deny_pending(self, order_id: str) -> None:
        self._settle_pending(order_id, "DECLINED", "PAYMENT.CAPTURE.DENIED")

    def _settle_pending(self, order_id: str, status: str, event_type: str) -> None:
        with self.lock:
            order = self.orders[order_id]
            capture = next(c for c in order.captures if c.status == "PENDING")
            capture.status = status
            self._event(order, event_type, capture=capture)

    def order_for(self, custom_id: str) -> Order:
        """The order made for our payment token (``custom_id``)."""
        with self.lock:
            return next(o for o in self.orders.values() if o.custom_id == custom_id)

    # --- webhooks ----------------------------------------------------------------------------

    def sign(self, body: bytes, account: Account | None = None, *, webhook_id: str = "") -> dict:
        """PayPal's transmission headers for one delivery of ``body``."""
        account = account or self.default
        transmission_id = str(_uuid())
        transmission_time = _now()
        message = (
            f"{transmission_id}|{transmission_time}|{webhook_id or account.webhook_id}|"
            f"{zlib.crc32(body)}"
        ).encode()
        signature = self._key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        return {
            "Content-Type": "application/json",
            "PAYPAL-AUTH-ALGO": "SHA256withRSA",
            "PAYPAL-CERT-URL": f"{self.url}/v1/notifications/certs/{CERT_ID}",
            "PAYPAL-TRANSMISSION-ID": transmission_id,
            "PAYPAL-TRANSMISSION-SIG": base64.b64encode(signature).decode(),
            "PAYPAL-TRANSMISSION-TIME": transmission_time,
            "PAYPAL-AUTH-VERSION": "v2",
            "User-Agent": "PayPal/AUHD-214.0-58375509",
        }

    def pay(self, order_id: str) -> None:
        """A whole lifecycle for the replay benchmark: the buyer approves, the order is
        captured (``settle``) and a quarter is refunded in the merchant's dashboard."""
        with self.lock:
            self.settle(order_id)
            capture = self.orders[order_id].captures[0]
            quarter = (capture.amount / 4).quantize(
                Decimal(1) if capture.currency in ZERO_DECIMAL else Decimal("0.01")
            )
            value = _value(quarter, capture.currency)
            self._refund(capture, {"amount": {"currency_code": capture.currency, "value": value}})

    def event_stream(self, payment_reference: str) -> list[tuple[bytes, dict]]:
        """The webhook deliveries of one order's lifecycle so far (``payment_reference``: the
        PayPal order id), each body with freshly signed headers."""
        with self.lock:
            order = self.orders[payment_reference]
            return [(event["body"], self.sign(event["body"], order.account))
                    for event in self.events.get(payment_reference, [])]  # fmt: skip

    def event_types(self, order_id: str) -> list[str]:
        with self.lock:
            return [event["event_type"] for event in self.events.get(order_id, [])]

    def send(self, body: bytes, url: str, headers: dict | None = None, *,
             account: Account | None = None, timeout: float = 30) -> requests.Response:  # fmt: skip
        """POST one webhook delivery to ``url`` (signed unless ``headers`` are given)."""
        headers = headers if headers is not None else self.sign(body, account)
        target, headers = _loopback(url, headers)
        response = requests.post(target, data=body, headers=headers, timeout=timeout)
        with self.lock:
            self.deliveries.append((json.loads(body)["id"], response.status_code))
        return response

    def deliver(self, order_id: str, url: str = "", *, types: tuple[str, ...] = ()) -> list[int]:
        """Send the order's events (or those of ``types``) to ``url`` (default: the account's
        webhook URL); the statuses answered."""
        with self.lock:
            order = self.orders[order_id]
            events = [e for e in self.events.get(order_id, [])
                      if not types or e["event_type"] in types]  # fmt: skip
        target = url or order.account.webhook_url
        return [self.send(e["body"], target, account=order.account).status_code for e in events]

    def _event(self, order: Order, event_type: str, *, capture: Capture | None = None,
               refund: dict | None = None) -> dict:  # fmt: skip
        event_id = f"WH-{_id(17)}-{_id(17)}"
        if refund is not None:
            resource_type, resource = "refund", refund
        elif capture is not None:
            resource_type, resource = "capture", self._capture_json(capture)
        else:
            resource_type, resource = "checkout-order", self._order_json(order)
        summary = {
            "CHECKOUT.ORDER.APPROVED": "An order has been approved by buyer",
            "PAYMENT.CAPTURE.COMPLETED": f"Payment completed for $ {order.amount} {order.currency}",
            "PAYMENT.CAPTURE.PENDING": "Payment pending",
            "PAYMENT.CAPTURE.DENIED": "A payment capture was denied",
            "PAYMENT.CAPTURE.REFUNDED": "A capture payment was refunded",
        }[event_type]
        payload = {
            "id": event_id,
            "event_version": "1.0",
            "create_time": _now(),
            "resource_type": resource_type,
            "resource_version": "2.0",
            "event_type": event_type,
            "summary": summary,
            "resource": resource,
            "links": [
                {"href": f"{self.url}/v1/notifications/webhooks-events/{event_id}", "rel": "self",
                 "method": "GET"},
                {"href": f"{self.url}/v1/notifications/webhooks-events/{event_id}/resend",
                 "rel": "resend", "method": "POST"},
            ],
        }  # fmt: skip
        event = {"id": event_id, "event_type": event_type, "body": _dumps(payload)}
        self.events.setdefault(order.id, []).append(event)
        if order.account.webhook_url:
            threading.Thread(
                target=self._send_quietly, args=(event["body"], order), daemon=True
            ).start()
        return event

    def _send_quietly(self, body: bytes, order: Order) -> None:
        try:
            self.send(body, order.account.webhook_url, account=order.account)
        except requests.RequestException:
            with self.lock:
                self.deliveries.append((json.loads(body)["id"], 0))

    def _verify(self, account: Account, data: dict) -> str:
        names = ("auth_algo", "cert_url", "transmission_id", "transmission_sig",
                 "transmission_time", "webhook_id", "webhook_event")  # fmt: skip
        missing = [name for name in names if not data.get(name)]
        if missing:
            raise invalid_request(
                "MISSING_REQUIRED_PARAMETER", "A required field is missing.", f"/{missing[0]}"
            )
        if data["auth_algo"] != "SHA256withRSA" or not data["cert_url"].startswith(self.url):
            return "FAILURE"
        if data["webhook_id"] != account.webhook_id:  # not a webhook of the calling app
            return "FAILURE"
        message = (
            f"{data['transmission_id']}|{data['transmission_time']}|{data['webhook_id']}|"
            f"{zlib.crc32(_dumps(data['webhook_event']))}"
        ).encode()
        try:
            signature = base64.b64decode(data["transmission_sig"], validate=True)
            self._key.public_key().verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        except (binascii.Error, ValueError, TypeError, InvalidSignature):
            return "FAILURE"
        return "SUCCESS"

    # --- resources ---------------------------------------------------------------------------

    def _order_links(self, order: Order) -> list[dict]:
        links = [{"href": f"{self.url}/v2/checkout/orders/{order.id}", "rel": "self",
                  "method": "GET"}]  # fmt: skip
        if order.status in ("CREATED", "PAYER_ACTION_REQUIRED"):
            rel = "payer-action" if order.experience_context else "approve"
            links.append({"href": f"{self.url}/checkoutnow?token={order.id}", "rel": rel,
                          "method": "GET"})  # fmt: skip
            links.append({"href": f"{self.url}/v2/checkout/orders/{order.id}", "rel": "update",
                          "method": "PATCH"})  # fmt: skip
        if order.status == "APPROVED":
            links.append({"href": f"{self.url}/v2/checkout/orders/{order.id}/capture",
                          "rel": "capture", "method": "POST"})  # fmt: skip
        return links

    def _capture_json(self, capture: Capture) -> dict:
        data = {
            "id": capture.id,
            "status": capture.status,
            "amount": {"currency_code": capture.currency,
                       "value": _value(capture.amount, capture.currency)},
            "final_capture": True,
            "seller_protection": {"status": "ELIGIBLE",
                                  "dispute_categories": ["ITEM_NOT_RECEIVED",
                                                         "UNAUTHORIZED_TRANSACTION"]},
            "custom_id": capture.custom_id,
            "supplementary_data": {"related_ids": {"order_id": capture.order_id}},
            "create_time": capture.create_time,
            "update_time": _now(),
            "links": [
                {"href": f"{self.url}/v2/payments/captures/{capture.id}", "rel": "self",
                 "method": "GET"},
                {"href": f"{self.url}/v2/payments/captures/{capture.id}/refund", "rel": "refund",
                 "method": "POST"},
                {"href": f"{self.url}/v2/checkout/orders/{capture.order_id}", "rel": "up",
                 "method": "GET"},
            ],
        }  # fmt: skip
        if capture.status == "PENDING":
            data["status_details"] = {"reason": "PENDING_REVIEW"}
        if capture.status == "DECLINED":
            data["status_details"] = {"reason": "DECLINED_BY_RISK_FRAUD_FILTERS"}
        if capture.status == "COMPLETED" or capture.refunded:
            fee = (capture.amount * Decimal("0.0349") + Decimal("0.49")).quantize(Decimal("0.01"))
            data["seller_receivable_breakdown"] = {
                "gross_amount": data["amount"],
                "paypal_fee": {"currency_code": capture.currency,
                               "value": _value(fee, capture.currency)},
                "net_amount": {"currency_code": capture.currency,
                               "value": _value(capture.amount - fee, capture.currency)},
            }  # fmt: skip
        return data

    def _order_json(self, order: Order, *, minimal: bool = False) -> dict:
        if minimal:
            data = {"id": order.id, "status": order.status}
            if order.experience_context:
                data["payment_source"] = {"paypal": {}}
            data["links"] = self._order_links(order)
            return data
        unit = {
            "reference_id": order.request["purchase_units"][0].get("reference_id", "default"),
            "amount": {"currency_code": order.currency,
                       "value": _value(order.amount, order.currency)},
            "payee": {"email_address": "merchant@example.com",
                      "merchant_id": order.account.merchant_id},
            "custom_id": order.custom_id,
        }  # fmt: skip
        description = order.request["purchase_units"][0].get("description")
        if description:
            unit["description"] = description
        if order.captures:
            unit["payments"] = {"captures": [self._capture_json(c) for c in order.captures]}
            refunds = [r for r in self.refunds.values()
                       if r["_capture_id"] in {c.id for c in order.captures}]  # fmt: skip
            if refunds:
                unit["payments"]["refunds"] = [_public(r) for r in refunds]
        data = {
            "id": order.id,
            "intent": "CAPTURE",
            "status": order.status,
            "purchase_units": [unit],
            "create_time": order.create_time,
            "links": self._order_links(order),
        }
        if order.payer_id:
            data["payer"] = {
                "name": {"given_name": "John", "surname": "Doe"},
                "email_address": "buyer@example.com",
                "payer_id": order.payer_id,
                "address": {"country_code": "US"},
            }
            data["payment_source"] = {
                "paypal": {"email_address": "buyer@example.com", "account_id": order.payer_id,
                           "account_status": "VERIFIED",
                           "name": {"given_name": "John", "surname": "Doe"}}
            }  # fmt: skip
        return data

    # --- the API -----------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict, headers, body: bytes) -> tuple:
        """(status, JSON body or (content type, bytes), extra headers) for one request."""
        with self.lock:
            self.requests.append({
                "method": method, "path": path,
                "request_id": headers.get("PayPal-Request-Id", ""),
                "prefer": headers.get("Prefer", ""),
            })  # fmt: skip
        if method == "POST" and path == "/v1/oauth2/token":
            return self._token(headers, body)
        if method == "GET" and path == "/checkoutnow":
            return self._approval_page(query.get("token", [""])[0])
        if method == "POST" and path in ("/checkoutnow/approve", "/checkoutnow/cancel"):
            form = urllib.parse.parse_qs(body.decode())
            order_id = form.get("token", [""])[0]
            if order_id not in self.orders:
                return 404, ("text/html", b"<h1>This order does not exist.</h1>"), {}
            url = self.approve(order_id) if path.endswith("approve") else self.cancel(order_id)
            return 303, ("text/html", b""), {"Location": url}
        if method == "GET" and path.startswith("/v1/notifications/certs/"):
            pem = self._certificate.public_bytes(serialization.Encoding.PEM)
            return 200, ("application/x-pem-file", pem), {}
        account = self._account(headers)
        if account is None:
            return 401, {
                "name": "AUTHENTICATION_FAILURE",
                "message": "Authentication failed due to invalid authentication credentials "
                "or a missing Authorization header.",
                "links": [{"href": "https://developer.paypal.com/docs/api/overview/#error",
                           "rel": "information_link"}],
            }, {}  # fmt: skip
        try:
            data = json.loads(body) if body.strip() else {}
        except ValueError:
            raise invalid_request("MALFORMED_REQUEST_JSON", "Malformed JSON.") from None
        request_id = headers.get("PayPal-Request-Id", "")
        if method != "POST" or not request_id:
            status, answer = self._route(method, path, account, data, headers)
            return status, answer, {}
        key = (account.client_id, path, request_id)
        with self.lock:  # two calls with one request id at once: one is carried out
            if key not in self.idempotent:
                self.idempotent[key] = self._route(method, path, account, data, headers)
            status, answer = self.idempotent[key]
        return status, answer, {}

    def _route(self, method, path, account, data, headers) -> tuple[int, dict]:
        parts = path.strip("/").split("/")
        if method == "POST" and path == "/v2/checkout/orders":
            return self._create_order(account, data, headers)
        if parts[:3] == ["v2", "checkout", "orders"] and len(parts) >= 4:
            order = self._own_order(account, parts[3])
            if method == "GET" and len(parts) == 4:
                with self.lock:
                    return 200, self._order_json(order)
            if method == "POST" and parts[4:] == ["capture"]:
                return self._capture(order)
        if parts[:3] == ["v2", "payments", "captures"] and len(parts) >= 4:
            with self.lock:
                capture = self.captures.get(parts[3])
                if capture is None or self.orders[capture.order_id].account is not account:
                    raise not_found()
                if method == "GET" and len(parts) == 4:
                    return 200, self._capture_json(capture)
            if method == "POST" and parts[4:] == ["refund"]:
                return self._refund(capture, data)
        if parts[:3] == ["v2", "payments", "refunds"] and len(parts) == 4 and method == "GET":
            with self.lock:
                refund = self.refunds.get(parts[3])
                if refund is None:
                    raise not_found()
                return 200, _public(refund)
        if method == "POST" and path == "/v1/notifications/verify-webhook-signature":
            return 200, {"verification_status": self._verify(account, data)}
        raise not_found("INVALID_RESOURCE_ID")

    def _token(self, headers, body: bytes) -> tuple:
        scheme, _, encoded = (headers.get("Authorization") or "").partition(" ")
        try:
            client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            client_id = secret = ""
        form = urllib.parse.parse_qs(body.decode(errors="replace"))
        with self.lock:
            self.token_requests[client_id] = self.token_requests.get(client_id, 0) + 1
            account = self.accounts.get(client_id)
            if scheme != "Basic" or account is None or account.client_secret != secret:
                return 401, {"error": "invalid_client",
                             "error_description": "Client Authentication failed"}, {}  # fmt: skip
            if form.get("grant_type") != ["client_credentials"]:
                return 400, {"error": "unsupported_grant_type",
                             "error_description": "Grant Type is NULL"}, {}  # fmt: skip
            token = "A21AA" + secrets.token_urlsafe(40)
            self.tokens[token] = (account, time.monotonic() + self.token_lifetime)
        return (
            200,
            {
                "scope": "https://uri.paypal.com/services/payments/payment "
                "https://uri.paypal.com/services/payments/refund",
                "access_token": token,
                "token_type": "Bearer",
                "app_id": "APP-80W284485P519543T",
                "expires_in": self.token_lifetime,
                "nonce": f"{_now()}{_id(20)}",
            },
            {},
        )

    def token_requests_for(self, account: Account) -> int:
        with self.lock:
            return self.token_requests.get(account.client_id, 0)

    def reset(self) -> None:
        """Forget what was asked and every simulation (the orders stay: PayPal keeps them)."""
        with self.lock:
            self.requests.clear()
            self.token_requests.clear()
            self.deliveries.clear()
            self._delays.clear()
            self._decline_next = ""

    def expire_tokens(self) -> None:
        """Every access token issued so far is refused from now on (401)."""
        with self.lock:
            self.tokens.clear()

    def _account(self, headers) -> Account | None:
        scheme, _, token = (headers.get("Authorization") or "").partition(" ")
        with self.lock:
            found = self.tokens.get(token)
            if scheme != "Bearer" or found is None or found[1] < time.monotonic():
                return None
            return found[0]

    def _own_order(self, account: Account, order_id: str) -> Order:
        with self.lock:
            order = self.orders.get(order_id)
            if order is None or order.account is not account:
                raise not_found()
            return order

    def _create_order(self, account: Account, data: dict, headers) -> tuple[int, dict]:
        if data.get("intent") not in ("CAPTURE", "AUTHORIZE"):
            raise invalid_request("INVALID_PARAMETER_VALUE", "The value of a field is invalid.",
                                  "/intent")  # fmt: skip
        units = data.get("purchase_units")
        if not isinstance(units, list) or not units:
            raise invalid_request("MISSING_REQUIRED_PARAMETER", "A required field is missing.",
                                  "/purchase_units")  # fmt: skip
        amount = units[0].get("amount") or {}
        where = "/purchase_units/@reference_id=='default'/amount"
        currency = str(amount.get("currency_code", ""))
        if len(currency) != 3:
            raise invalid_request("MISSING_REQUIRED_PARAMETER", "A required field is missing.",
                                  f"{where}/currency_code")  # fmt: skip
        try:
            value = Decimal(str(amount.get("value")))
        except InvalidOperation:
            raise invalid_request(
                "INVALID_PARAMETER_SYNTAX",
                "The value of a field does not conform to the expected format.",
                f"{where}/value",
            ) from None
        exponent = value.as_tuple().exponent
        if (currency in ZERO_DECIMAL and exponent < 0) or exponent < -2:
            raise invalid_request(
                "DECIMAL_PRECISION",
                "If the currency supports decimals, only two decimal place precision is supported.",
                f"{where}/value",
            )
        if value <= 0:
            raise unprocessable("CANNOT_BE_ZERO_OR_NEGATIVE",
                                "Must be greater than zero.")  # fmt: skip
        context = ((data.get("payment_source") or {}).get("paypal") or {}).get("experience_context")
        legacy = data.get("application_context") or {}
        urls = context or legacy
        order = Order(
            id=_id(17),
            account=account,
            amount=value,
            currency=currency,
            custom_id=str(units[0].get("custom_id", "")),
            return_url=str(urls.get("return_url", "")),
            cancel_url=str(urls.get("cancel_url", "")),
            experience_context=context is not None,
            request=data,
            status="PAYER_ACTION_REQUIRED" if context is not None else "CREATED",
        )
        with self.lock:
            self.orders[order.id] = order
            minimal = "return=representation" not in (headers.get("Prefer") or "")
            return 201, self._order_json(order, minimal=minimal)

    def _capture(self, order: Order) -> tuple[int, dict]:
        with self.lock:
            if order.status == "COMPLETED":
                raise unprocessable(
                    "ORDER_ALREADY_CAPTURED",
                    "Order already captured.If 'intent=CAPTURE' only "
                    "one capture per order is allowed.",
                )
            if order.status != "APPROVED":
                raise unprocessable(
                    "ORDER_NOT_APPROVED",
                    "Payer has not yet approved the Order for payment. "
                    "Please redirect the payer to the 'rel':'approve' url returned as part of "
                    "the HATEOAS links within the Create Order call or provide a valid "
                    "payment_source in the request.",
                )
            mode = order.decline or self._decline_next
            self._decline_next = ""
            if mode == "instrument_declined":
                order.decline = ""
                raise unprocessable(
                    "INSTRUMENT_DECLINED", "The instrument presented  was either declined by the "
                    "processor or bank, or it can't be used for this payment.",
                    links=[
                        {"href": "https://developer.paypal.com/docs/api/orders/v2/"
                                 "#error-INSTRUMENT_DECLINED",
                         "rel": "information_link", "method": "GET"},
                        {"href": f"{self.url}/checkoutnow?token={order.id}", "rel": "redirect",
                         "method": "GET"},
                    ],
                )  # fmt: skip
            status = {"denied": "DECLINED", "pending": "PENDING"}.get(mode, "COMPLETED")
            capture = Capture(id=_id(17), order_id=order.id, amount=order.amount,
                              currency=order.currency, custom_id=order.custom_id,
                              status=status)  # fmt: skip
            order.captures.append(capture)
            self.captures[capture.id] = capture
            order.status = "COMPLETED"
            self._event(order, {
                "COMPLETED": "PAYMENT.CAPTURE.COMPLETED",
                "DECLINED": "PAYMENT.CAPTURE.DENIED",
                "PENDING": "PAYMENT.CAPTURE.PENDING",
            }[status], capture=capture)  # fmt: skip
            return 201, self._order_json(order)

    def _refund(self, capture: Capture, data: dict) -> tuple[int, dict]:
        with self.lock:
            order = self.orders[capture.order_id]
            remaining = capture.amount - capture.refunded
            if capture.status not in ("COMPLETED", "PARTIALLY_REFUNDED") or remaining <= 0:
                raise unprocessable(
                    "CAPTURE_FULLY_REFUNDED", "The capture has already been fully refunded."
                    if capture.status == "REFUNDED" else "The capture cannot be refunded."
                )  # fmt: skip
            amount_data = data.get("amount")
            if amount_data:
                if amount_data.get("currency_code") != capture.currency:
                    raise unprocessable("REFUND_CURRENCY_MISMATCH", "Refund must be in the same "
                                        "currency as the capture.")  # fmt: skip
                try:
                    amount = Decimal(str(amount_data.get("value")))
                except InvalidOperation:
                    raise invalid_request("INVALID_PARAMETER_SYNTAX", "Invalid amount.",
                                          "/amount/value") from None  # fmt: skip
                if amount <= 0:
                    raise unprocessable("AMOUNT_MISMATCH", "Must be greater than zero.")
                if amount > remaining:
                    raise unprocessable(
                        "REFUND_AMOUNT_EXCEEDED",
                        "The refund amount must be less than or equal "
                        "to the capture amount that has not yet been refunded.",
                    )
            else:
                amount = remaining
            capture.refunded += amount
            capture.status = "REFUNDED" if capture.refunded >= capture.amount else (
                "PARTIALLY_REFUNDED")  # fmt: skip
            refund_id = _id(17)
            currency = capture.currency
            refund = {
                "id": refund_id,
                "amount": {"currency_code": currency, "value": _value(amount, currency)},
                "seller_payable_breakdown": {
                    "gross_amount": {"currency_code": currency,
                                     "value": _value(amount, currency)},
                    "net_amount": {"currency_code": currency, "value": _value(amount, currency)},
                    "total_refunded_amount": {"currency_code": currency,
                                              "value": _value(capture.refunded, currency)},
                },
                "custom_id": str(data.get("custom_id") or capture.custom_id),
                "note_to_payer": str(data.get("note_to_payer", ""))[:255],
                "status": "COMPLETED",
                "create_time": _now(),
                "update_time": _now(),
                "links": [
                    {"href": f"{self.url}/v2/payments/refunds/{refund_id}", "rel": "self",
                     "method": "GET"},
                    {"href": f"{self.url}/v2/payments/captures/{capture.id}", "rel": "up",
                     "method": "GET"},
                ],
                "_capture_id": capture.id,
            }  # fmt: skip
            if not refund["note_to_payer"]:
                del refund["note_to_payer"]
            self.refunds[refund_id] = refund
            self._event(order, "PAYMENT.CAPTURE.REFUNDED", refund=_public(refund))
            return 201, {"id": refund_id, "status": "COMPLETED", "links": refund["links"]}

    def _approval_page(self, order_id: str) -> tuple:
        with self.lock:
            order = self.orders.get(order_id)
            if order is None or order.status not in ("CREATED", "PAYER_ACTION_REQUIRED"):
                page = "<h1>This payment session has expired or is complete.</h1>"
                return 404, ("text/html; charset=utf-8", _page(page).encode()), {}
            amount = f"{_value(order.amount, order.currency)} {order.currency}"
            description = order.request["purchase_units"][0].get("description", "")
        token = html.escape(order_id)
        body = f"""
<header><strong class="logo">PayPal</strong> <span>(local sandbox double)</span></header>
<main>
  <h1>Pay with PayPal</h1>
  <p class="description">{html.escape(description)}</p>
  <p>You are paying <strong class="amount">{html.escape(amount)}</strong>
     from the account buyer@example.com.</p>
  <form method="post" action="/checkoutnow/approve">
    <input type="hidden" name="token" value="{token}">
    <button type="submit" class="pay">Pay now</button>
  </form>
  <form method="post" action="/checkoutnow/cancel">
    <input type="hidden" name="token" value="{token}">
    <button type="submit" class="cancel">Cancel and return</button>
  </form>
</main>"""
        return 200, ("text/html; charset=utf-8", _page(body).encode()), {}


class _Handler(BaseHTTPRequestHandler):
    paypal: PayPalDouble
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes: without TCP_NODELAY a kept-alive connection waits for
    # the client's delayed ACK (~40 ms) between them.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # quiet
        pass

    def _serve(self, method: str) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            status, answer, extra = self.paypal.handle(
                method, parsed.path, urllib.parse.parse_qs(parsed.query), self.headers, body
            )
        except PayPalError as error:
            status, answer, extra = error.status, error.body, {}
        self._wait(parsed.path)
        if isinstance(answer, tuple):
            content_type, payload = answer
        else:
            content_type, payload = "application/json", json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        if content_type == "application/json":
            self.send_header("Paypal-Debug-Id", _id(13).lower())
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _wait(self, path: str) -> None:
        with self.paypal.lock:
            for delay in self.paypal._delays:
                if path.startswith(delay[0]) and delay[2] > 0:
                    delay[2] -= 1
                    seconds = delay[1]
                    break
            else:
                return
        time.sleep(seconds)

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PATCH(self):
        self._serve("PATCH")


def _public(refund: dict) -> dict:
    return {key: value for key, value in refund.items() if not key.startswith("_")}


def _page(body: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PayPal Checkout</title>
<style>
 body {{ font-family: sans-serif; background: #f5f7fa; margin: 0; }}
 header {{ background: #003087; color: #fff; padding: 16px 32px; font-size: 20px; }}
 main {{ max-width: 460px; margin: 48px auto; background: #fff; padding: 32px;
        border-radius: 12px; box-shadow: 0 2px 12px rgba(0,0,0,.1); }}
 button {{ width: 100%; padding: 14px; margin-top: 12px; border-radius: 24px; font-size: 16px;
          cursor: pointer; }}
 .pay {{ background: #ffc439; border: 0; font-weight: bold; }}
 .cancel {{ background: #fff; border: 1px solid #888; }}
</style></head><body>{body}</body></html>"""


def _with_query(url: str, **params) -> str:
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query) + list(params.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _loopback(url: str, headers: dict) -> tuple[str, dict]:
    """``*.localhost`` names are loopback (browsers resolve them; Python may not): connect to
    127.0.0.1 and name the host in ``Host``."""
    parts = urllib.parse.urlsplit(url)
    if parts.hostname and parts.hostname.endswith(".localhost"):
        netloc = "127.0.0.1" + (f":{parts.port}" if parts.port else "")
        headers = {**headers, "Host": parts.netloc}
        url = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    return url, headers


def _uuid():
    import uuid

    return uuid.uuid4()


def _self_signed(key) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "messageverificationcerts.paypal")])
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )


if __name__ == "__main__":  # a PayPal to point a running Mercato at: PAYPAL_API_BASE=<url>
    with PayPalDouble(port=8765) as double:
        print(f"PayPal double at {double.url}; credentials {double.credentials()}")
        threading.Event().wait()
