"""A local double of BitPay's invoice REST API (developer.bitpay.com), for a merchant using a
POS facade token: a real threaded HTTP server that

- creates invoices (``POST /invoices``, the token in the body) and answers them
  (``GET /invoices/<id>?token=...``), both requiring ``X-Accept-Version: 2.0.0``, with
  ``{"facade": "pos/invoice", "data": {...}}`` and errors as ``{"status": "error", "code",
  "data": null, "message"}``;
- keeps BitPay's invoice states: ``new``, ``paid``, ``confirmed``, ``complete``, ``expired``,
  ``invalid``, and the exception states ``paidPartial``, ``paidOver``, ``paidLate``;
- serves the hosted invoice page (the invoice's ``url``) with "Pay", "Pay less", "Pay more" and
  "Cancel" buttons that send the shopper to ``redirectURL`` / ``closeURL``;
- emits IPNs in BitPay's extended format (``{"event": {"code", "name"}, "data": invoice}``, no
  signature: BitPay's IPNs are not signed, which is why the store re-fetches the invoice), kept
  per invoice for :meth:`BitPayDouble.event_stream` and delivered on demand.

Usable without pytest (benchmarks): ``with BitPayDouble() as bitpay: bitpay.url``.
"""

from __future__ import annotations

import json
import secrets
import string
import threading
import time
from decimal import Decimal

import requests

from tests.doubles.crypto_server import LocalServer, ServedDouble, html_page, json_body

EVENTS = {
    "new": (1001, "invoice_created"),
    "partial": (1002, "invoice_receivedPayment"),
    "paid": (1003, "invoice_paidInFull"),
    "expired": (1004, "invoice_expired"),
    "confirmed": (1005, "invoice_confirmed"),
    "complete": (1006, "invoice_completed"),
    "late": (1009, "invoice_paidAfterExpiration"),
    "invalid": (1013, "invoice_failedToConfirm"),
}
ALPHABET = string.ascii_letters + string.digits
CENT = Decimal("0.01")


def _ms() -> int:
    return int(time.time() * 1000)


class BitPayDouble(ServedDouble):
    code = "bitpay"

    def __init__(self) -> None:
        self.token = "".join(secrets.choice(ALPHABET) for _ in range(44))
        self.invoices: dict[str, dict] = {}
        self.events: dict[str, list[tuple[bytes, dict]]] = {}
        self.pending: list[tuple[str, bytes, dict]] = []  # (notificationURL, body, headers)
        self.requests: list[dict] = []
        self.hang = 0.0  # seconds every API answer waits (a provider timeout)
        self.auto_deliver = False
        self._lock = threading.RLock()
        self._server = LocalServer(self)

    # --- running -------------------------------------------------------------------------------

    def settings(self) -> dict:
        """The Django settings that point Mercato at this double."""
        return {"BITPAY_API_BASE": self.url}

    def credentials(self) -> dict:
        """What a merchant pastes into Settings > Payments for BitPay (a POS facade token)."""
        return {"api_token": self.token}

    # --- HTTP ----------------------------------------------------------------------------------

    def handle(self, method, path, query, headers, body):
        if path == "/invoice" or path.startswith("/invoice/"):
            return self._hosted(method, path, query)
        if not path.startswith("/invoices"):
            return self._error(404, "No route")
        answer = self._api(method, path, query, headers, body)
        if self.hang:  # the work is done, the answer is late: the caller times out
            time.sleep(self.hang)
        return answer

    def _api(self, method, path, query, headers, body):
        self.requests.append({"method": method, "path": path, "headers": headers, "body": body})
        if headers.get("x-accept-version") != "2.0.0":
            return self._error(400, "Missing or unsupported X-Accept-Version header")
        with self._lock:
            if method == "POST" and path.rstrip("/") == "/invoices":
                return self._create(json.loads(body or b"{}"))
            if method == "GET" and path.count("/") in (2, 3):
                if query.get("token") != self.token:
                    return self._error(401, "Unauthorized sin")
                parts = path.split("/")
                if len(parts) == 4 and parts[2] == "guid":  # GET /invoices/guid/<guid>
                    invoice = next(
                        (i for i in self.invoices.values() if i["guid"] == parts[3]), None
                    )
                else:
                    invoice = self.invoices.get(parts[2]) if len(parts) == 3 else None
                if invoice is None:
                    return self._error(404, "Object not found")
                return self._json({"facade": "pos/invoice", "data": self._view(invoice)})
        return self._error(404, "No route")

    def _create(self, data: dict):
        if data.get("token") != self.token:
            return self._error(401, "Unauthorized sin")
        try:
            price = Decimal(str(data.get("price")))
        except ArithmeticError:
            price = Decimal(0)
        if not price.is_finite() or price <= 0:
            return self._error(400, "Invalid price")
        currency = str(data.get("currency", ""))
        if len(currency) != 3:
            return self._error(400, "Invalid currency")
        invoice_id = "".join(secrets.choice(ALPHABET) for _ in range(22))
        now = _ms()
        invoice = {
            "id": invoice_id,
            "url": f"{self.url}/invoice?id={invoice_id}",
            "status": "new",
            "price": float(price),
            "currency": currency,
            "orderId": str(data.get("orderId", "")),
            "guid": str(data.get("guid", "")),
            "posData": str(data.get("posData", "")),
            "itemDesc": str(data.get("itemDesc", "")),
            "invoiceTime": now,
            "expirationTime": now + 15 * 60 * 1000,
            "currentTime": now,
            "exceptionStatus": False,
            "amountPaid": 0,
            "displayAmountPaid": "0",
            "redirectURL": str(data.get("redirectURL", "")),
            "closeURL": str(data.get("closeURL", "")),
            "notificationURL": str(data.get("notificationURL", "")),
            "extendedNotifications": bool(data.get("extendedNotifications", False)),
            "transactionSpeed": str(data.get("transactionSpeed", "medium")),
            "token": "".join(secrets.choice(ALPHABET) for _ in range(30)),
            "paymentSubtotals": {"BTC": 0},
        }
        self.invoices[invoice_id] = invoice
        self.events[invoice_id] = []
        self._notify(invoice, "new")
        return self._json({"facade": "pos/invoice", "data": self._view(invoice)})

    # --- the hosted invoice page ---------------------------------------------------------------

    def _hosted(self, method, path, query):
        invoice_id = query.get("id") or path.rstrip("/").split("/")[-1]
        invoice = self.invoices.get(invoice_id)
        if invoice is None:
            return 404, {"Content-Type": "text/html"}, html_page("Not found", "<h1>Not found</h1>")
        if method == "GET":
            buttons = "".join(
                f"<form method='post' action='/invoice/{action}?id={invoice_id}'>"
                f"<button type='submit'>{label}</button></form>"
                for action, label in (
                    ("pay", "Pay"),
                    ("pay-less", "Pay less"),
                    ("pay-more", "Pay more"),
                    ("cancel", "Cancel"),
                )
            )
            body = (
                f"<h1>Pay {invoice['price']:.2f} {invoice['currency']}</h1>"
                f"<p>Status: {invoice['status']}</p>{buttons}"
            )
            return 200, {"Content-Type": "text/html; charset=utf-8"}, html_page("BitPay", body)
        action = path.rstrip("/").split("/")[2] if path.count("/") >= 2 else ""
        with self._lock:
            if action == "cancel":
                target = invoice["closeURL"]
            elif action in ("pay", "pay-less", "pay-more"):
                share = {"pay": 1, "pay-less": Decimal("0.9"), "pay-more": Decimal("1.1")}
                self.pay(invoice_id, Decimal(str(invoice["price"])) * share[action])
                target = invoice["redirectURL"]
            else:
                return 404, {"Content-Type": "text/html"}, html_page("No", "<h1>No</h1>")
        return 303, {"Location": target, "Content-Type": "text/html"}, b""

    # --- what happens at BitPay (tests and benchmarks drive these) ------------------------------

    def pay(self, invoice_id: str, amount=None, *, confirm: bool = True) -> dict:
        """The shopper sends ``amount`` (default: the price). Enough: ``paid`` (``paidOver``
        when more), then (``confirm``) ``confirmed`` and ``complete``. Too little: the invoice
        stays ``new`` with ``paidPartial``. After expiry: ``paidLate`` (BitPay holds it)."""
        with self._lock:
            invoice = self.invoices[invoice_id]
            price = Decimal(str(invoice["price"]))
            paid = Decimal(str(amount if amount is not None else price)).quantize(CENT)
            invoice["amountPaid"] = int(paid * 100)  # minor units, as displayAmountPaid says
            invoice["displayAmountPaid"] = str(paid)
            if invoice["status"] == "expired":
                invoice["exceptionStatus"] = "paidLate"
                self._notify(invoice, "late")
            elif paid < price:
                invoice["exceptionStatus"] = "paidPartial"
                self._notify(invoice, "partial")
            else:
                invoice["exceptionStatus"] = "paidOver" if paid > price else False
                self._move(invoice, "paid")
                if confirm:
                    self.confirm(invoice_id)
            return self._view(invoice)

    def confirm(self, invoice_id: str) -> dict:
        """A paid invoice's transaction is confirmed on chain: ``confirmed`` then ``complete``."""
        with self._lock:
            invoice = self.invoices[invoice_id]
            self._move(invoice, "confirmed")
            self._move(invoice, "complete")
            return self._view(invoice)

    def expire(self, invoice_id: str) -> dict:
        with self._lock:
            invoice = self.invoices[invoice_id]
            invoice["expirationTime"] = _ms() - 1
            self._move(invoice, "expired")
            return self._view(invoice)

    def invalidate(self, invoice_id: str) -> dict:
        """A paid invoice whose transaction was not confirmed in time."""
        with self._lock:
            invoice = self.invoices[invoice_id]
            self._move(invoice, "invalid")
            return self._view(invoice)

    def _move(self, invoice: dict, status: str) -> None:
        invoice["status"] = status
        self._notify(invoice, status)

    # --- IPNs ----------------------------------------------------------------------------------

    def _notify(self, invoice: dict, what: str) -> None:
        invoice["currentTime"] = _ms()
        code, name = EVENTS[what]
        view = self._view(invoice)
        for private in ("notificationURL", "token", "extendedNotifications"):
            view.pop(private, None)
        body = json.dumps({"event": {"code": code, "name": name}, "data": view}).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        self.events[invoice["id"]].append((body, headers))
        if what == "new":  # BitPay sends no IPN for a created invoice by default
            return
        self.pending.append((invoice["notificationURL"], body, headers))
        if self.auto_deliver and invoice["notificationURL"]:
            self.deliver_pending()

    def event_stream(self, reference: str) -> list[tuple[bytes, dict]]:
        """Every IPN sent for invoice ``reference``, in order. An invoice that has seen nothing
        yet is paid first (paid, confirmed, complete: as the replay benchmark asks, the invoice
        is left in the stream's final state)."""
        with self._lock:
            sent = [e for e in self.events.get(reference, []) if b'"code": 1001' not in e[0]]
            if not sent and reference in self.invoices:
                self.pay(reference)
                sent = [e for e in self.events[reference] if b'"code": 1001' not in e[0]]
            return sent

    def deliver_pending(self, sender=None) -> list:
        """Send the IPNs not delivered yet, in order, with ``sender(body, headers)`` (default:
        an HTTP POST to the invoice's ``notificationURL``); returns the senders' answers."""
        with self._lock:
            batch, self.pending = self.pending, []
        answers = []
        for url, body, headers in batch:
            if sender is not None:
                answers.append(sender(body, headers))
            elif url:
                answers.append(requests.post(url, data=body, headers=headers, timeout=10))
        return answers

    def forged(self, invoice_id: str, status: str = "complete") -> tuple[bytes, dict]:
        """An IPN nobody at BitPay sent, claiming ``status``: only a re-fetch tells."""
        view = {**self._view(self.invoices[invoice_id]), "status": status}
        code, name = EVENTS.get(status, EVENTS["paid"])
        body = json.dumps({"event": {"code": code, "name": name}, "data": view}).encode()
        return body, {"Content-Type": "application/json", "Accept": "application/json"}

    # --- answers -------------------------------------------------------------------------------

    @staticmethod
    def _view(invoice: dict) -> dict:
        return json.loads(json.dumps(invoice))

    @staticmethod
    def _json(data, status: int = 200):
        status, payload = json_body(data, status)
        return status, {}, payload

    @classmethod
    def _error(cls, status: int, message: str):
        return cls._json(
            {"status": "error", "code": f"{status:06d}", "data": None, "message": message}, status
        )
