"""PayPal: REST Orders v2 over plain HTTP (``requests``), the only module that talks to PayPal.

The flow (developer.paypal.com/docs/api/orders/v2):

1. ``create_payment`` — ``POST /v2/checkout/orders`` (intent CAPTURE, one purchase unit with the
   payment's amount in the order's currency, ``custom_id`` = our payment token, the return and
   cancel URLs of ``gateway.payment_urls``; ``PayPal-Request-Id`` = the payment token, so a
   retried call makes no second order). The shopper is redirected to the order's
   ``payer-action`` (or, older accounts, ``approve``) link.
2. PayPal sends the shopper back to ``return_url?token=<order id>&PayerID=...`` ->
   ``confirm`` captures (``POST /v2/checkout/orders/<id>/capture``, ``PayPal-Request-Id`` =
   ``<token>-capture``: the return and a webhook racing each other capture once), or to
   ``cancel_url`` -> ``cancel``.
3. Webhooks (``PAYMENT.CAPTURE.COMPLETED``, ``.DENIED``, ``.PENDING``, ``.REFUNDED``,
   ``CHECKOUT.ORDER.APPROVED``) are verified by PayPal itself
   (``POST /v1/notifications/verify-webhook-signature`` with the transmission headers and the
   store's webhook id) and refused unless it answers ``verification_status`` ``SUCCESS``.
   An approved order whose shopper never came back is captured by the webhook's work (the
   task asks ``status``, which captures an APPROVED order, idempotently).
4. Refunds: ``POST /v2/payments/captures/<id>/refund``, full or partial.
5. ``status`` reads the order (``GET /v2/checkout/orders/<id>``): reconciliation.

Credentials (the store's own REST app, Settings > Payments): client id, secret and webhook id,
read through ``payments.credentials``. The OAuth2 access token (client credentials) is cached
per store (tenant-prefixed cache key) until shortly before it expires; neither it nor the
secret is ever logged. The base URL is the setting ``PAYPAL_API_BASE`` (live by default,
``https://api-m.sandbox.paypal.com`` for the sandbox).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from datetime import timedelta
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings
from django.core.cache import cache

import money
from payments import gateway
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

CODE = "paypal"
logger = logging.getLogger("payments.paypal")

# PayPal's currencies (developer.paypal.com/reference/currency-codes); these have no decimals.
CURRENCIES = frozenset({
    "AUD", "BRL", "CAD", "CNY", "CZK", "DKK", "EUR", "HKD", "HUF", "ILS", "JPY", "MYR", "MXN",
    "TWD", "NZD", "NOK", "PHP", "PLN", "GBP", "SGD", "SEK", "CHF", "THB", "USD",
})  # fmt: skip
NO_DECIMALS = frozenset({"HUF", "JPY", "TWD"})
# Capture statuses meaning the money was received (refunds keep the captured amount).
RECEIVED = frozenset({"COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"})
TRANSMISSION_HEADERS = {
    "auth_algo": "PAYPAL-AUTH-ALGO",
    "cert_url": "PAYPAL-CERT-URL",
    "transmission_id": "PAYPAL-TRANSMISSION-ID",
    "transmission_sig": "PAYPAL-TRANSMISSION-SIG",
    "transmission_time": "PAYPAL-TRANSMISSION-TIME",
}
# Capture errors meaning the buyer's funding was refused (the shopper may try again).
DECLINED_ISSUES = frozenset({
    "INSTRUMENT_DECLINED", "PAYER_ACTION_REQUIRED", "PAYEE_BLOCKED_TRANSACTION",
    "TRANSACTION_REFUSED", "PAYER_CANNOT_PAY", "COMPLIANCE_VIOLATION",
    "MAX_NUMBER_OF_PAYMENT_ATTEMPTS_EXCEEDED",
})  # fmt: skip
TOKEN_MARGIN = 300  # seconds: a cached token is dropped this long before PayPal expires it
# PayPal drops orders never approved within hours: one still unknown after this was abandoned.
ORDER_EXPIRY = timedelta(days=1)


class PayPalError(Exception):
    """PayPal answered with an error: its HTTP status, ``name`` and first detail's ``issue``."""

    def __init__(self, status: int, name: str = "", issue: str = "", message: str = "",
                 debug_id: str = ""):  # fmt: skip
        super().__init__(f"PayPal {status} {name} {issue}".strip())
        self.status = status
        self.name = name
        self.issue = issue
        self.message = message
        self.debug_id = debug_id


class PayPalUnavailable(PayPalError):
    """PayPal did not answer in time, could not be reached, or failed on its side (5xx)."""


class PayPalClient:
    """The HTTP calls of one PayPal REST app (client id and secret) at ``base_url``."""

    _local = threading.local()

    def __init__(self, *, client_id: str, client_secret: str, base_url: str | None = None,
                 timeout: float | None = None):  # fmt: skip
        self.client_id = client_id
        self._secret = client_secret
        self.base_url = (base_url or settings.PAYPAL_API_BASE).rstrip("/")
        self.timeout = timeout if timeout is not None else settings.PAYPAL_TIMEOUT

    def __repr__(self) -> str:  # never the secret
        return f"PayPalClient({self.client_id!r}, {self.base_url!r})"

    @property
    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    # --- OAuth2 ------------------------------------------------------------------------------

    @property
    def _token_key(self) -> str:
        # Tenant-prefixed by the cache's key function; the digest changes with the credentials.
        digest = hashlib.sha256(
            f"{self.base_url}|{self.client_id}|{self._secret}".encode()
        ).hexdigest()
        return f"payments:paypal:token:{digest[:32]}"

    def access_token(self, *, fresh: bool = False) -> str:
        if not fresh:
            token = cache.get(self._token_key)
            if token:
                return token
        response = self._send(
            "POST",
            "/v1/oauth2/token",
            auth=(self.client_id, self._secret),
            data={"grant_type": "client_credentials"},
            headers={"Accept": "application/json"},
        )
        data = response.json()
        token = data["access_token"]
        lifetime = int(data.get("expires_in") or 0) - TOKEN_MARGIN
        if lifetime > 0:
            cache.set(self._token_key, token, timeout=lifetime)
        return token

    # --- calls -------------------------------------------------------------------------------

    def call(self, method: str, path: str, *, json=None, request_id: str = "",
             prefer: str = "return=representation") -> dict:  # fmt: skip
        """One authenticated call; a refused (expired) token is renewed once."""
        for attempt in (0, 1):
            headers = {
                "Authorization": f"Bearer {self.access_token(fresh=attempt == 1)}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            }
            if request_id:
                headers["PayPal-Request-Id"] = request_id
            if prefer:
                headers["Prefer"] = prefer
            try:
                response = self._send(method, path, json=json, headers=headers)
            except PayPalError as error:
                if error.status == 401 and attempt == 0:
                    cache.delete(self._token_key)
                    continue
                raise
            return response.json() if response.content else {}
        raise AssertionError("unreachable")

    def _send(self, method: str, path: str, **kwargs) -> requests.Response:
        try:
            response = self._session.request(
                method, f"{self.base_url}{path}", timeout=self.timeout, **kwargs
            )
        except requests.Timeout:
            logger.warning("PayPal %s %s: no answer within %ss", method, path, self.timeout)
            raise PayPalUnavailable(
                0, "TIMEOUT", message="PayPal did not answer in time."
            ) from None
        except requests.RequestException as error:
            logger.warning("PayPal %s %s: %s", method, path, type(error).__name__)
            raise PayPalUnavailable(0, "UNREACHABLE", message="PayPal cannot be reached.") from None
        if response.status_code < 400:
            return response
        try:
            body = response.json()
        except ValueError:
            body = {}
        details = body.get("details") or [{}]
        error_class = PayPalUnavailable if response.status_code >= 500 else PayPalError
        error = error_class(
            response.status_code,
            name=str(body.get("name") or body.get("error") or ""),
            issue=str(details[0].get("issue", "")),
            message=str(body.get("message") or body.get("error_description") or ""),
            debug_id=str(body.get("debug_id") or response.headers.get("Paypal-Debug-Id", "")),
        )
        logger.warning(
            "PayPal %s %s: %s %s %s (debug id %s)",
            method, path, error.status, error.name, error.issue, error.debug_id,
        )  # fmt: skip
        raise error

    # --- the resources -----------------------------------------------------------------------

    def create_order(self, *, amount: money.Money, custom_id: str, return_url: str,
                     cancel_url: str, description: str = "", brand_name: str = "",
                     request_id: str) -> dict:  # fmt: skip
        unit = {
            "reference_id": "default",
            "custom_id": custom_id,
            "amount": {"currency_code": amount.currency, "value": paypal_value(amount)},
        }
        if description:
            unit["description"] = description[:127]
        context = {
            "return_url": return_url,
            "cancel_url": cancel_url,
            "user_action": "PAY_NOW",
            "shipping_preference": "NO_SHIPPING",  # the store's checkout has the address
        }
        if brand_name:
            context["brand_name"] = brand_name[:127]
        body = {
            "intent": "CAPTURE",
            "purchase_units": [unit],
            "payment_source": {"paypal": {"experience_context": context}},
        }
        return self.call("POST", "/v2/checkout/orders", json=body, request_id=request_id)

    def get_order(self, order_id: str) -> dict:
        return self.call("GET", f"/v2/checkout/orders/{_safe(order_id)}", prefer="")

    def capture_order(self, order_id: str, *, request_id: str) -> dict:
        return self.call(
            "POST", f"/v2/checkout/orders/{_safe(order_id)}/capture", json={},
            request_id=request_id,
        )  # fmt: skip

    def get_capture(self, capture_id: str) -> dict:
        return self.call("GET", f"/v2/payments/captures/{_safe(capture_id)}", prefer="")

    def refund_capture(self, capture_id: str, *, amount: money.Money | None, request_id: str,
                       custom_id: str = "", note: str = "") -> dict:  # fmt: skip
        body: dict = {}
        if amount is not None:
            body["amount"] = {"currency_code": amount.currency, "value": paypal_value(amount)}
        if custom_id:
            body["custom_id"] = custom_id
        if note:
            body["note_to_payer"] = note[:255]
        return self.call(
            "POST", f"/v2/payments/captures/{_safe(capture_id)}/refund", json=body,
            request_id=request_id,
        )  # fmt: skip

    def verify_webhook(self, *, headers: dict, event: dict, webhook_id: str) -> bool:
        body = {**headers, "webhook_id": webhook_id, "webhook_event": event}
        data = self.call("POST", "/v1/notifications/verify-webhook-signature", json=body, prefer="")
        return data.get("verification_status") == "SUCCESS"


# --- Mapping PayPal's answers to ours ---------------------------------------------------------


def paypal_value(amount: money.Money) -> str:
    """The ``value`` PayPal expects: the currency's decimals (none for HUF, JPY, TWD)."""
    places = 0 if amount.currency in NO_DECIMALS else min(money.minor_units(amount.currency), 2)
    return f"{amount.amount:.{places}f}"


def _money(data: dict | None) -> money.Money | None:
    if not data:
        return None
    try:
        return money.Money(Decimal(str(data["value"])), str(data["currency_code"]))
    except (KeyError, InvalidOperation, money.UnknownCurrency):
        return None


def _safe(identifier: str) -> str:
    """PayPal ids are letters and digits: nothing else goes into a path."""
    return "".join(ch for ch in str(identifier) if ch.isalnum() or ch in "-_")[:64]


def _captures(order: dict) -> list[dict]:
    return [
        capture
        for unit in order.get("purchase_units") or []
        for capture in ((unit.get("payments") or {}).get("captures") or [])
    ]


def _link(resource: dict, *rels: str) -> str:
    for rel in rels:
        for link in resource.get("links") or []:
            if link.get("rel") == rel and link.get("href"):
                return link["href"]
    return ""


def _flags(payment, captured: money.Money | None) -> tuple[str, ...]:
    if payment is None or captured is None or captured.currency != payment.currency:
        return ()
    if captured.amount < payment.amount:
        return ("underpaid",)
    if captured.amount > payment.amount:
        return ("overpaid",)
    return ()


def order_result(order: dict, payment=None, *, message: str = "") -> PaymentResult:
    """What a PayPal order says about our payment, in absolute figures."""
    order_id = str(order.get("id", ""))
    status = order.get("status", "")
    captures = _captures(order)
    received = [c for c in captures if c.get("status") in RECEIVED]
    data = {"paypal_status": status}
    if received:
        total = None
        for capture in received:
            amount = _money(capture.get("amount"))
            if amount is not None:
                total = amount if total is None else total + amount
        data["capture_id"] = received[-1].get("id", "")
        return PaymentResult(
            state=PaymentState.SUCCEEDED, captured=total, provider_reference=order_id,
            data=data, flags=_flags(payment, total),
        )  # fmt: skip
    if any(c.get("status") == "PENDING" for c in captures):
        # Held by PayPal (under review, an eCheck): not received yet; a PAYMENT.CAPTURE.COMPLETED
        # or .DENIED webhook (or reconciliation) settles it.
        reason = (captures[-1].get("status_details") or {}).get("reason", "")
        return PaymentResult(
            state=PaymentState.AUTHORISED, provider_reference=order_id,
            message=message or "PayPal is reviewing the payment; it will confirm it shortly.",
            data={**data, "capture_status": "PENDING", "reason": reason},
        )  # fmt: skip
    if any(c.get("status") in ("DECLINED", "FAILED") for c in captures):
        return PaymentResult(
            state=PaymentState.FAILED, provider_reference=order_id,
            message=message or "PayPal declined the payment. Choose another way to pay.",
            data={**data, "capture_status": captures[-1].get("status")},
        )  # fmt: skip
    if status == "VOIDED":
        return PaymentResult(state=PaymentState.CANCELLED, provider_reference=order_id,
                             message="The PayPal order was voided.", data=data)  # fmt: skip
    approve = _link(order, "payer-action", "approve")
    return PaymentResult(
        state=PaymentState.ACTION_REQUIRED, provider_reference=order_id,
        action=Action.redirect(approve) if approve else Action.none(), message=message,
        data=data,
    )  # fmt: skip


# --- The provider -------------------------------------------------------------------------------


class PayPal(PaymentProvider):
    code = CODE
    name = "PayPal"
    has_webhooks = True
    action_kind = ActionKind.REDIRECT
    credential_fields = (
        CredentialField(
            "client_id", "Client ID", secret=False,
            help="From your PayPal REST app (developer.paypal.com > Apps & Credentials).",
        ),
        CredentialField("client_secret", "Secret", help="The REST app's secret."),
        CredentialField(
            "webhook_id", "Webhook ID", secret=False,
            help="The id PayPal shows for the webhook you added to the app for "
            "https://<your store>/payments/webhooks/paypal/ (webhooks are verified with it).",
        ),
    )  # fmt: skip

    # --- configuration -------------------------------------------------------------------------

    def _credentials(self) -> dict:
        from payments import credentials

        return credentials.get(self.code)

    def _client(self, saved: dict | None = None) -> PayPalClient:
        from payments.errors import CredentialsMissing

        saved = saved if saved is not None else self._credentials()
        if not saved.get("client_id") or not saved.get("client_secret"):
            raise CredentialsMissing("PayPal is not set up for this store (Settings > Payments).")
        return PayPalClient(client_id=saved["client_id"], client_secret=saved["client_secret"])

    def offer(self, *, total, delivery_option, settings):
        if total.currency not in CURRENCIES:
            return None  # PayPal does not take this currency
        return super().offer(total=total, delivery_option=delivery_option, settings=settings)

    # --- paying ------------------------------------------------------------------------------

    def create_payment(self, payment) -> PaymentResult:
        urls = gateway.payment_urls(payment)
        order = payment.order
        try:
            answer = self._client().create_order(
                amount=money.Money(payment.amount, payment.currency),
                custom_id=str(payment.token),
                return_url=urls.return_url,
                cancel_url=urls.cancel_url,
                description=f"Order {getattr(order, 'number', '') or order.pk}",
                request_id=str(payment.token),
            )
        except PayPalError as error:
            raise _unavailable(error) from None
        return order_result(answer, payment)

    def next_action(self, payment) -> Action:
        """The approval link again (the pay page reloaded): the one stored, else read from
        PayPal. None once the shopper has approved, or while the order is not made yet (a
        retry or reconciliation makes it, with the same ``PayPal-Request-Id``)."""
        if payment.state != PaymentState.ACTION_REQUIRED or not payment.provider_reference:
            return Action.none()
        if getattr(payment, "action_url", ""):
            return Action.redirect(payment.action_url)
        try:
            return order_result(self._client().get_order(payment.provider_reference)).action
        except PayPalError:
            return Action.none()

    def confirm(self, payment, *, amount=None, data=None) -> PaymentResult:
        """The shopper came back from PayPal: capture the approved order (once, whoever asks
        first: the same ``PayPal-Request-Id``)."""
        data = data or {}
        if not payment.provider_reference:
            return PaymentResult(state=payment.state, message="This payment was not started.")
        if data.get("token") and data["token"] != payment.provider_reference:
            logger.warning("PayPal return for payment %s names another order", payment.pk)
        return self._capture(payment)

    def _capture(self, payment, client: PayPalClient | None = None) -> PaymentResult:
        client = client or self._client()
        reference = payment.provider_reference
        try:
            answer = client.capture_order(reference, request_id=f"{payment.token}-capture")
        except PayPalUnavailable as error:
            # PayPal may have captured: reconciliation (status) asks again, with the same
            # PayPal-Request-Id, so nothing is charged twice.
            raise _unavailable(error) from None
        except PayPalError as error:
            if error.issue in ("ORDER_ALREADY_CAPTURED", "ORDER_NOT_APPROVED"):
                try:
                    answer = client.get_order(reference)
                except PayPalError:
                    return PaymentResult(state=payment.state, provider_reference=reference)
                message = (
                    "You have not approved the payment on PayPal yet."
                    if error.issue == "ORDER_NOT_APPROVED"
                    else ""
                )
                return order_result(answer, payment, message=message)
            if error.issue in DECLINED_ISSUES:
                return PaymentResult(
                    state=PaymentState.FAILED, provider_reference=reference,
                    message="PayPal declined the payment. Choose another way to pay, or try "
                    "PayPal again with another card or account.",
                    data={"paypal_issue": error.issue, "debug_id": error.debug_id},
                )  # fmt: skip
            # Anything else (an expired order, a refused request): nothing changes here;
            # reconciliation asks PayPal again later.
            return PaymentResult(
                state=payment.state, provider_reference=reference,
                message=f"PayPal did not capture the payment ({error.issue or error.name}).",
                data={"paypal_issue": error.issue or error.name, "debug_id": error.debug_id},
            )  # fmt: skip
        return order_result(answer, payment)

    def cancel(self, payment) -> PaymentResult:
        """The shopper pressed "Cancel and return" on PayPal. An order paid meanwhile (another
        tab) is not cancelled: what PayPal says wins."""
        if payment.provider_reference:
            try:
                result = order_result(self._client().get_order(payment.provider_reference))
            except PayPalError:
                result = None
            if result is not None and result.state != PaymentState.ACTION_REQUIRED:
                return result
        return PaymentResult(
            state=PaymentState.CANCELLED, provider_reference=payment.provider_reference,
            message="You cancelled the payment on PayPal; nothing was charged.",
        )  # fmt: skip

    def status(self, payment) -> PaymentResult:
        """What PayPal says now (reconciliation, and the work of a ``CHECKOUT.ORDER.APPROVED``
        webhook): an approved order is captured (idempotently, as the return would)."""
        if not payment.provider_reference:
            return PaymentResult(state=payment.state)
        client = self._client()
        try:
            order = client.get_order(payment.provider_reference)
        except PayPalUnavailable as error:
            raise _unavailable(error) from None  # asked again later
        except PayPalError as error:
            logger.warning("PayPal status of payment %s: %s", payment.pk, error.status)
            if error.status == 404 and _expired(payment):
                # PayPal forgets orders never approved: the shopper walked away.
                return PaymentResult(
                    state=PaymentState.CANCELLED, provider_reference=payment.provider_reference,
                    message="The PayPal order expired before it was approved; nothing was "
                    "charged.", data={"paypal_issue": error.issue or "RESOURCE_NOT_FOUND"},
                )  # fmt: skip
            return PaymentResult(state=payment.state, provider_reference=payment.provider_reference)
        if order.get("status") == "APPROVED" and not _captures(order):
            return self._capture(payment, client)
        return order_result(order, payment)

    def refund(self, payment, amount: money.Money) -> RefundResult:
        from payments.errors import PaymentError

        client = self._client()
        try:
            order = client.get_order(payment.provider_reference)
            capture = next(
                (c for c in _captures(order) if c.get("status") in ("COMPLETED",
                                                                   "PARTIALLY_REFUNDED")),
                None,
            )  # fmt: skip
            if capture is None:
                raise PaymentError(
                    "PayPal has nothing left to refund on this payment.",
                    fields={"amount": ["Nothing captured is left to refund at PayPal."]},
                )
            answer = client.refund_capture(
                capture["id"],
                amount=amount,
                # The same refund asked twice (a double click, a retry) is made once.
                request_id=f"{payment.token}-refund-{payment.refunded_amount}-{amount.amount}",
                custom_id=str(payment.token),
            )
        except PayPalError as error:
            if error.status == 422:
                return RefundResult(
                    amount=amount, succeeded=False,
                    message=f"PayPal refused the refund ({error.issue or error.name}).",
                )  # fmt: skip
            raise _unavailable(error) from None
        return RefundResult(
            amount=amount, provider_reference=str(answer.get("id", "")),
            data={"paypal_status": answer.get("status", ""), "capture_id": capture["id"]},
        )  # fmt: skip

    # --- webhooks ----------------------------------------------------------------------------

    def handle_webhook(self, body: bytes, headers) -> WebhookResult:
        import json

        from payments.errors import CredentialsMissing, WebhookRejected

        try:
            event = json.loads(body)
        except ValueError:
            raise WebhookRejected("Not a PayPal event (the body is not JSON).") from None
        if not isinstance(event, dict) or not event.get("id") or not event.get("event_type"):
            raise WebhookRejected("Not a PayPal event.")
        transmission = {name: headers.get(header, "") for name, header in
                        TRANSMISSION_HEADERS.items()}  # fmt: skip
        if not all(transmission.values()):
            raise WebhookRejected("The PayPal transmission headers are missing.")
        saved = self._credentials()
        if not saved.get("webhook_id"):
            raise WebhookRejected("PayPal webhooks are not set up for this store.")
        try:
            client = self._client(saved)
            verified = client.verify_webhook(
                headers=transmission, event=event, webhook_id=saved["webhook_id"]
            )
        except PayPalError:
            raise WebhookRejected("PayPal could not verify the event now.") from None
        except CredentialsMissing:
            raise WebhookRejected("PayPal is not set up for this store.") from None
        if not verified:
            raise WebhookRejected("PayPal did not verify the event's signature.")
        return self._webhook_result(event, client)

    def _webhook_result(self, event: dict, client: PayPalClient) -> WebhookResult:
        kind = str(event["event_type"])
        event_id = str(event["id"])[:255]
        resource = event.get("resource") or {}
        if kind.startswith("CHECKOUT.ORDER."):
            # Approved: the shopper may never come back; the work captures (status()).
            units = resource.get("purchase_units") or [{}]
            return WebhookResult(
                event_id=event_id, provider_reference=_safe(resource.get("id", "")), kind=kind,
                refetch=True, payment_token=str(units[0].get("custom_id", ""))[:64],
            )  # fmt: skip
        if kind == "PAYMENT.CAPTURE.REFUNDED":
            # The refund names its capture ("up"): read it for the order and the amount
            # captured (a refund arriving before the capture's own event still counts).
            capture_url = _link(resource, "up")
            capture_id = capture_url.rstrip("/").rsplit("/", 1)[-1] if capture_url else ""
            try:
                capture = client.get_capture(capture_id) if capture_id else {}
            except PayPalError:
                capture = {}
            order_id = _order_of(capture)
            refunded = _money(
                (resource.get("seller_payable_breakdown") or {}).get("total_refunded_amount")
            )
            token = str(resource.get("custom_id") or capture.get("custom_id") or "")[:64]
            result = None
            if capture.get("status") in RECEIVED:
                result = PaymentResult(
                    state=PaymentState.SUCCEEDED, captured=_money(capture.get("amount")),
                    provider_reference=order_id, data={"capture_id": capture.get("id", "")},
                )  # fmt: skip
            return WebhookResult(
                event_id=event_id, provider_reference=order_id, kind=kind, refunded=refunded,
                result=result, payment_token=token,
            )  # fmt: skip
        if kind.startswith("PAYMENT.CAPTURE."):
            order_id = _order_of(resource)
            order = {
                "id": order_id,
                "status": "COMPLETED",
                "purchase_units": [{"payments": {"captures": [resource]}}],
            }
            return WebhookResult(
                event_id=event_id, provider_reference=order_id, kind=kind,
                result=order_result(order), payment_token=str(resource.get("custom_id", ""))[:64],
            )  # fmt: skip
        return WebhookResult(event_id=event_id, kind=kind)  # acknowledged, nothing to do


def _expired(payment) -> bool:
    """Whether PayPal has certainly dropped the payment's order if it was never approved
    (orders waiting for their payer expire within hours; a day leaves room for doubt)."""
    from django.utils import timezone

    created = getattr(payment, "created_at", None)
    return (
        payment.state == PaymentState.ACTION_REQUIRED
        and created is not None
        and timezone.now() - created > ORDER_EXPIRY
    )


def _order_of(capture: dict) -> str:
    related = (capture.get("supplementary_data") or {}).get("related_ids") or {}
    if related.get("order_id"):
        return str(related["order_id"])
    up = _link(capture, "up")
    return up.rstrip("/").rsplit("/", 1)[-1] if "/checkout/orders/" in up else ""


def _unavailable(error: PayPalError):
    """A PayPal error the shopper or staff cannot fix by changing what they sent."""
    from payments.errors import PaymentError, ProviderUnavailable

    if isinstance(error, PayPalUnavailable):
        return ProviderUnavailable("PayPal is not answering right now. Try again in a moment.")
    if error.name == "invalid_client":  # the OAuth2 token was refused
        return PaymentError(
            "PayPal refused the store's credentials: PayPal cannot be used right now.",
            fields={"payment_method": ["PayPal is not available."]},
        )
    return PaymentError(
        f"PayPal refused the request ({error.issue or error.name or error.status}).",
        fields={"payment_method": [error.message or "PayPal refused the request."]},
    )
