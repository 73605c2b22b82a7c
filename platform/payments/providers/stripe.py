"""Stripe: PaymentIntents with the Payment Element, the one module importing Stripe's SDK.

Card data never touches our servers (PCI SAQ-A): we create a PaymentIntent for what is due, the
pay page mounts Stripe.js's Payment Element with the intent's client secret, and the element
sends the card to Stripe and confirms (3-D Secure included: Stripe's challenge, then back to
our return URL with ``payment_intent`` and ``redirect_status``). We never trust the return's
query: the intent is read back from Stripe, and its status says what happened.

How a store connects: paste its own keys in Settings > Payments (publishable key, secret key,
webhook signing secret), or connect its Stripe account with Stripe Connect (OAuth, standard
accounts): the connected account's id is kept in the store's credentials and every call is made
with the platform's key (``STRIPE_SECRET_KEY``) on behalf of it (``stripe_account``).

Capture: automatic (charged when the shopper pays) or manual (authorised at checkout, captured
by staff; ``confirm(payment, amount=...)`` without ``data`` captures), a store setting.

Idempotency: every creating call carries a key derived from the payment's token (the intent:
the token itself; captures, cancellations and refunds: the token and what they are), so that a
retry after a timeout never makes a second intent or refund. A payment whose creation timed out
stays pending; reconciliation (``status``) repeats the creation with the same key, which
answers the intent Stripe made the first time (or makes it now).

Webhooks are verified with Stripe's signature scheme (``stripe.Webhook.construct_event``) before
anything else: ``payment_intent.succeeded``, ``payment_intent.payment_failed``,
``payment_intent.amount_capturable_updated``, ``payment_intent.canceled``, ``charge.refunded``
(the absolute refunded total) and ``charge.dispute.created`` (flagged "disputed" for staff).

State mapping (PaymentIntent status -> ours): ``requires_payment_method`` (no error yet),
``requires_confirmation``, ``requires_action`` -> action required; ``requires_payment_method``
with a ``last_payment_error`` (declined, 3-D Secure failed) -> failed; ``processing`` ->
pending; ``requires_capture`` -> authorised; ``succeeded`` -> succeeded (``amount_received``
captured); ``canceled`` -> cancelled.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import stripe
import stripe.oauth_error
from django.conf import settings
from django.core import signing
from django.db import connection

import money
from payments.errors import ProviderUnavailable
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

CODE = "stripe"
CONNECTED_ACCOUNT = "connected_account_id"  # set by Stripe Connect, never typed in a form
OPEN_STATUSES = frozenset({"requires_payment_method", "requires_confirmation", "requires_action"})
HANDLED_EVENTS = frozenset(
    {
        "payment_intent.created",
        "payment_intent.succeeded",
        "payment_intent.payment_failed",
        "payment_intent.amount_capturable_updated",
        "payment_intent.processing",
        "payment_intent.requires_action",
        "payment_intent.canceled",
        "charge.refunded",
        "charge.dispute.created",
    }
)
CONNECT_STATE_SALT = "payments.stripe.connect"
CONNECT_STATE_MAX_AGE = 3600
# Stripe Connect's redirect URI, on the platform's host (payments.store_admin.stripe_connect).
CONNECT_CALLBACK = "/payments/stripe/connect/callback/"
STORE_CONNECT_RETURN = "/admin/payments/stripe/connect/return/"
UNAVAILABLE = "Stripe did not answer in time; nothing was charged twice. Try again in a moment."


class StripeNotConfigured(Exception):
    """The store has neither its own keys nor a connected account (or the platform's Connect
    keys are missing)."""


class StripeProvider(PaymentProvider):
    code = CODE
    name = "Card (Stripe)"
    has_webhooks = True
    action_kind = ActionKind.CLIENT_SECRET
    client_template = "payments/stripe/payment_element.html"
    # Settings > Payments: the "Connect with Stripe" button (context: entry, may_manage).
    admin_template = "payments/stripe/admin_connect.html"
    credential_fields = (
        CredentialField(
            "publishable_key",
            "Publishable key",
            secret=False,
            required=False,
            help="pk_live_… (Stripe dashboard, Developers > API keys). Leave empty when your "
            "Stripe account is connected with “Connect with Stripe”.",
        ),
        CredentialField(
            "secret_key",
            "Secret key",
            required=False,
            help="sk_live_…, or a restricted key (rk_live_…) that may write PaymentIntents and "
            "Refunds. Leave empty when your Stripe account is connected.",
        ),
        CredentialField(
            "webhook_secret",
            "Webhook signing secret",
            required=False,
            help="whsec_… of the webhook endpoint https://<your store's host>/payments/webhooks/"
            "stripe/ (events payment_intent.*, charge.refunded, charge.dispute.created).",
        ),
        CredentialField(
            "capture_method",
            "Capture",
            secret=False,
            required=False,
            choices=(
                ("automatic", "Automatic: the card is charged when the shopper pays"),
                ("manual", "Manual: the card is authorised; staff capture from the order"),
            ),
            help="Automatic when not chosen. Manual capture holds the money for up to 7 days.",
        ),
        CredentialField(
            CONNECTED_ACCOUNT,
            "Connected Stripe account",
            required=False,
            help="Filled in by “Connect with Stripe” (leave it empty): the account connected "
            "through Stripe Connect, used instead of pasted keys.",
        ),
    )

    # --- Configuration --------------------------------------------------------------------------

    def credentials(self) -> dict:
        from payments import credentials

        return credentials.get(CODE)

    def is_configured(self, saved: set[str] | None = None) -> bool:
        """Own keys (publishable and secret), or a connected account and the platform's
        Connect keys. ``saved``: the names of the fields saved (payments.credentials)."""
        if saved is None:
            from payments import credentials

            saved = credentials.saved_names().get(CODE, set())
        if CONNECTED_ACCOUNT in saved and settings.STRIPE_SECRET_KEY:
            return bool(settings.STRIPE_PUBLISHABLE_KEY)
        return {"publishable_key", "secret_key"} <= set(saved)

    def client(self, creds: dict | None = None) -> stripe.StripeClient:
        creds = self.credentials() if creds is None else creds
        account = connected_account(creds)
        key = settings.STRIPE_SECRET_KEY if account else creds.get("secret_key")
        if not key:
            raise StripeNotConfigured("Stripe is not set up for this store.")
        return _client(key, stripe_account=account)

    def _publishable(self, creds: dict) -> dict:
        account = connected_account(creds) or ""
        return {
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY
            if account
            else creds.get("publishable_key", ""),
            "stripe_account": account,
            "js_url": settings.STRIPE_JS_URL,
        }

    def csp_sources(self) -> dict[str, list[str]]:
        """What a Content-Security-Policy of the pay page must allow for Stripe.js and its
        element (Stripe's documented directives, with the configured Stripe.js and API)."""
        js = _origin(settings.STRIPE_JS_URL)
        api = _origin(settings.STRIPE_API_BASE or "https://api.stripe.com")
        return {
            "script-src": [js],
            "frame-src": [js, "https://hooks.stripe.com"],
            "connect-src": [api, js],
        }

    # --- Paying ---------------------------------------------------------------------------------

    def create_payment(self, payment) -> PaymentResult:
        creds = self.credentials()
        try:
            intent = self._create_intent(payment, creds)
        except StripeNotConfigured as error:
            return PaymentResult(state=PaymentState.FAILED, message=str(error))
        except stripe.APIConnectionError:
            logger.warning("stripe: creating the intent of payment %s timed out", payment.pk)
            raise ProviderUnavailable(UNAVAILABLE) from None
        except stripe.StripeError as error:
            return _refused(error, "create")
        return self._result(intent, creds)

    def _create_intent(self, payment, creds: dict):
        order = payment.order
        params = {
            "amount": money.to_minor_units(payment.amount, payment.currency),
            "currency": payment.currency.lower(),
            "capture_method": "manual" if creds.get("capture_method") == "manual" else "automatic",
            "automatic_payment_methods": {"enabled": True},
            "description": f"Order #{order.number}",
            "metadata": {
                "payment_token": str(payment.token),
                "order_number": str(order.number),
                "store": connection.schema_name,
            },
        }
        return self.client(creds).v1.payment_intents.create(
            params=params, options={"idempotency_key": str(payment.token)}
        )

    def next_action(self, payment) -> Action:
        """The Payment Element again (a reload of the pay page): the intent's client secret,
        read back from Stripe; nothing when the intent is no longer open."""
        creds = self.credentials()
        try:
            intent = self._intent(payment, creds)
        except (StripeNotConfigured, stripe.StripeError):
            return Action.none()
        if intent.status in OPEN_STATUSES and not intent.get("last_payment_error"):
            return self._action(intent, creds)
        return Action.none()

    def confirm(self, payment, *, amount=None, data: dict | None = None) -> PaymentResult:
        """``data`` (the return's query): read the intent back and say what it is (a decline
        closes the intent: a retry is a new payment). No ``data``: staff capture an authorised
        payment (``amount``: less than authorised; the rest is released)."""
        creds = self.credentials()
        try:
            if data is None:
                return self._capture(payment, creds, amount)
            intent = self._intent(payment, creds)
        except StripeNotConfigured as error:
            return PaymentResult(state=payment.state, message=str(error))
        except stripe.APIConnectionError:
            raise ProviderUnavailable(UNAVAILABLE) from None
        except stripe.StripeError as error:
            return _refused(error, "confirm", state=payment.state)
        return self._closing_failed(payment, intent, creds)

    def _capture(self, payment, creds: dict, amount) -> PaymentResult:
        params = {}
        if amount is not None:
            params["amount_to_capture"] = money.to_minor_units(amount.amount, payment.currency)
        intent = self.client(creds).v1.payment_intents.capture(
            payment.provider_reference,
            params=params,
            options={"idempotency_key": f"{payment.token}:capture"},
        )
        return self._result(intent, creds)

    def cancel(self, payment) -> PaymentResult:
        """The shopper gave up: the intent is cancelled at Stripe so that it can no longer be
        paid; if it was paid meanwhile, that is what the answer says."""
        if not payment.provider_reference:
            return PaymentResult(state=PaymentState.CANCELLED)
        creds = self.credentials()
        client = self.client(creds)
        try:
            intent = client.v1.payment_intents.cancel(
                payment.provider_reference,
                params={"cancellation_reason": "abandoned"},
                options={"idempotency_key": f"{payment.token}:cancel"},
            )
        except stripe.InvalidRequestError:
            intent = self._intent(payment, creds)  # succeeded or cancelled meanwhile
        except stripe.APIConnectionError:
            raise ProviderUnavailable(UNAVAILABLE) from None
        return self._result(intent, creds)

    def status(self, payment) -> PaymentResult:
        """What Stripe says now (reconciliation). A payment whose creation timed out has no
        intent id: the creation is repeated with the same idempotency key, which answers the
        intent Stripe made then (or makes it now)."""
        creds = self.credentials()
        try:
            if not payment.provider_reference:
                intent = self._create_intent(payment, creds)
            else:
                intent = self._intent(payment, creds)
        except StripeNotConfigured as error:
            return PaymentResult(state=payment.state, message=str(error))
        except stripe.APIConnectionError:
            raise ProviderUnavailable(UNAVAILABLE) from None
        except stripe.StripeError as error:
            return _refused(error, "status", state=payment.state)
        return self._closing_failed(payment, intent, creds)

    def refund(self, payment, amount: money.Money) -> RefundResult:
        creds = self.credentials()
        minor = money.to_minor_units(amount.amount, payment.currency)
        before = money.to_minor_units(payment.refunded_amount, payment.currency)
        try:
            refund = self.client(creds).v1.refunds.create(
                params={
                    "payment_intent": payment.provider_reference,
                    "amount": minor,
                    "metadata": {"payment_token": str(payment.token)},
                },
                # The same refund retried (same total before it, same amount) is made once.
                options={"idempotency_key": f"{payment.token}:refund:{before}:{minor}"},
            )
        except StripeNotConfigured as error:
            return RefundResult(amount=amount, succeeded=False, message=str(error))
        except stripe.APIConnectionError:
            raise ProviderUnavailable(UNAVAILABLE) from None
        except stripe.StripeError as error:
            return RefundResult(amount=amount, succeeded=False, message=_message(error))
        succeeded = refund.status in ("succeeded", "pending", "requires_action")
        return RefundResult(
            amount=money.Money(
                money.from_minor_units(refund.amount, payment.currency), payment.currency
            ),
            succeeded=succeeded,
            provider_reference=refund.id,
            message="" if succeeded else f"Stripe refused the refund ({refund.status}).",
            data={"stripe_refund_status": refund.status},
        )

    # --- Webhooks -------------------------------------------------------------------------------

    def handle_webhook(self, body: bytes, headers) -> WebhookResult:
        """Verify the ``Stripe-Signature`` of the raw ``body`` with the store's signing secret
        (a connected store: the platform's Connect secret, and the event must be its account's),
        then say what the event is about. Refused: WebhookRejected, nothing read."""
        from payments.errors import WebhookRejected

        creds = self.credentials()
        account = connected_account(creds)
        signature = headers.get("Stripe-Signature", "")
        secrets = [creds.get("webhook_secret")]
        if account:
            secrets.insert(0, settings.STRIPE_CONNECT_WEBHOOK_SECRET)
        event = None
        for secret in filter(None, secrets):
            try:
                event = stripe.Webhook.construct_event(body, signature, secret)
                break
            except (ValueError, stripe.SignatureVerificationError):
                continue
        if event is None:
            raise WebhookRejected("The Stripe signature of this webhook is not valid.")
        if (event.get("account") or None) not in (None, account):
            raise WebhookRejected("This event belongs to another Stripe account.")
        kind = event.get("type", "")
        obj = event["data"]["object"]
        token = str((obj.get("metadata") or {}).get("payment_token", ""))
        if kind not in HANDLED_EVENTS:
            # Nothing to apply (charge.succeeded, refund.created...): still tied to its
            # payment, so that it is recorded as seen rather than waiting for one.
            about = obj.get("id") if obj.get("object") == "payment_intent" else None
            return WebhookResult(
                event_id=event["id"],
                provider_reference=str(about or obj.get("payment_intent") or ""),
                payment_token=token,
                kind=kind,
            )
        if kind.startswith("payment_intent."):
            return WebhookResult(
                event_id=event["id"],
                payment_token=token,
                provider_reference=obj["id"],
                result=self._result(obj, creds, with_action=False),
                kind=kind,
            )
        reference = obj.get("payment_intent") or ""
        currency = str(obj.get("currency", "")).upper()
        if kind == "charge.refunded" and not obj.get("captured"):
            # An authorisation released (never captured): payment_intent.canceled says it.
            return WebhookResult(event_id=event["id"], provider_reference=reference, kind=kind)
        if kind == "charge.refunded":
            refunded = money.Money(
                money.from_minor_units(obj.get("amount_refunded", 0), currency), currency
            )
            # The charge also says what was captured: a refund arriving before the payment's
            # own success event still finds the money it gives back.
            captured = money.Money(
                money.from_minor_units(obj.get("amount_captured", 0), currency), currency
            )
            return WebhookResult(
                event_id=event["id"],
                payment_token=token,
                provider_reference=reference,
                result=PaymentResult(
                    state=PaymentState.SUCCEEDED,
                    captured=captured,
                    provider_reference=reference,
                    data={"stripe_charge": obj.get("id", "")},
                ),
                refunded=refunded,
                kind=kind,
            )
        # charge.dispute.created: the money came in, and the shopper's bank now disputes it.
        amount = money.format_money(money.from_minor_units(obj.get("amount", 0), currency),
                                    currency)  # fmt: skip
        return WebhookResult(
            event_id=event["id"],
            provider_reference=reference,
            result=PaymentResult(
                state=PaymentState.SUCCEEDED,
                provider_reference=reference,
                message=f"Disputed by the cardholder's bank ({obj.get('reason', 'unknown')}): "
                f"{amount}. Answer it in the Stripe dashboard.",
                data={"dispute": obj.get("id", ""), "reason": obj.get("reason", "")},
                flags=("disputed",),
            ),
            kind=kind,
        )

    # --- Stripe Connect (OAuth, standard accounts) ----------------------------------------------

    def connect_url(self, *, user_id: int) -> str:
        """Where to send the store's owner to connect their Stripe account. Stripe sends them
        back to the platform's one redirect URI (CONNECT_CALLBACK on the platform's host: the
        one to register in the platform's Connect settings), whose ``state``, signed for an
        hour, names this store and this person; it forwards them to this store's admin."""
        from tenants.models import platform_url

        if not (settings.STRIPE_CONNECT_CLIENT_ID and settings.STRIPE_SECRET_KEY):
            raise StripeNotConfigured(
                "Stripe Connect is not set up on this platform (STRIPE_CONNECT_CLIENT_ID, "
                "STRIPE_SECRET_KEY)."
            )
        state = signing.dumps(
            {"store": connection.schema_name, "user": user_id}, salt=CONNECT_STATE_SALT
        )
        return _client(settings.STRIPE_SECRET_KEY).oauth.authorize_url(
            params={
                "client_id": settings.STRIPE_CONNECT_CLIENT_ID,
                "response_type": "code",
                "scope": "read_write",
                "redirect_uri": platform_url().rstrip("/") + CONNECT_CALLBACK,
                "state": state,
            }
        )

    def store_of_connect_state(self, state: str) -> str | None:
        """The schema of the store a Connect answer's ``state`` was signed for (None: forged
        or expired)."""
        try:
            bound = signing.loads(state, salt=CONNECT_STATE_SALT, max_age=CONNECT_STATE_MAX_AGE)
        except signing.BadSignature:
            return None
        return bound.get("store") if isinstance(bound, dict) else None

    def finish_connect(self, *, code: str, state: str, user_id: int, actor=None) -> str:
        """Exchange the authorisation ``code`` for the connected account's id, kept (signed for
        this store) in the store's credentials, with no key of theirs: the platform's key acts
        for them. Answers the account id. Raises ValueError with what to tell the owner."""
        try:
            bound = signing.loads(state, salt=CONNECT_STATE_SALT, max_age=CONNECT_STATE_MAX_AGE)
        except signing.BadSignature:
            raise ValueError("This Stripe answer has expired or is not for this store.") from None
        if bound.get("store") != connection.schema_name or bound.get("user") != user_id:
            raise ValueError("This Stripe answer is not for this store.")
        try:
            answer = _client(settings.STRIPE_SECRET_KEY).oauth.token(
                params={"grant_type": "authorization_code", "code": code}
            )
        except stripe.oauth_error.OAuthError as error:
            raise ValueError(f"Stripe refused the connection: {error.user_message}") from None
        except stripe.StripeError as error:
            raise ValueError(_message(error)) from None
        from payments import credentials

        account = answer["stripe_user_id"]
        credentials.save(CODE, {CONNECTED_ACCOUNT: sign_account(account)}, actor=actor)
        return account

    # --- Helpers --------------------------------------------------------------------------------

    def _intent(self, payment, creds: dict):
        if not payment.provider_reference:
            return self._create_intent(payment, creds)
        return self.client(creds).v1.payment_intents.retrieve(payment.provider_reference)

    def _action(self, intent, creds: dict) -> Action:
        return Action.client(intent["client_secret"], **self._publishable(creds))

    def _closing_failed(self, payment, intent, creds: dict) -> PaymentResult:
        """A declined intent is cancelled at Stripe before it is answered as failed, so that
        an element still open somewhere cannot charge a payment we closed."""
        result = self._result(intent, creds)
        if result.state != PaymentState.FAILED:
            return result
        try:
            self.client(creds).v1.payment_intents.cancel(
                intent["id"],
                params={"cancellation_reason": "abandoned"},
                options={"idempotency_key": f"{payment.token}:cancel"},
            )
        except stripe.InvalidRequestError:
            return self._result(self._intent(payment, creds), creds)  # paid meanwhile
        except stripe.StripeError:
            pass
        return result

    def _result(self, intent, creds: dict, *, with_action: bool = True) -> PaymentResult:
        status = intent["status"]
        currency = str(intent["currency"]).upper()
        error = intent.get("last_payment_error") or None
        captured = None
        message = ""
        action = Action.none()
        if status == "succeeded":
            state = PaymentState.SUCCEEDED
            captured = money.Money(
                money.from_minor_units(intent.get("amount_received") or 0, currency), currency
            )
        elif status == "requires_capture":
            state = PaymentState.AUTHORISED
        elif status == "processing":
            state = PaymentState.PENDING
        elif status == "canceled":
            state = PaymentState.CANCELLED
            message = "The card payment was cancelled; nothing was charged."
        elif status == "requires_payment_method" and error:
            state = PaymentState.FAILED
            message = error.get("message") or "The card payment failed."
        else:
            state = PaymentState.ACTION_REQUIRED
            if with_action:
                action = self._action(intent, creds)
        data = {"stripe_status": status}
        if error:
            data["stripe_error"] = error.get("decline_code") or error.get("code") or ""
        return PaymentResult(
            state=state,
            captured=captured,
            provider_reference=intent["id"],
            action=action,
            message=message,
            data=data,
        )


def sign_account(account_id: str) -> str:
    """The value kept for a connected account: its id signed for this store, so that an id
    typed into the settings form (another store's account) is never acted on."""
    return signing.Signer(salt=f"{CONNECT_STATE_SALT}:{connection.schema_name}").sign(account_id)


def connected_account(creds: dict) -> str | None:
    """The store's connected Stripe account id, if it connected one (and the value is the one
    Connect saved for this store)."""
    value = creds.get(CONNECTED_ACCOUNT) or ""
    if not value:
        return None
    try:
        return signing.Signer(salt=f"{CONNECT_STATE_SALT}:{connection.schema_name}").unsign(value)
    except signing.BadSignature:
        logger.warning(
            "stripe: the connected account saved for %s is not signed", connection.schema_name
        )
        return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _client(key: str, *, stripe_account: str | None = None) -> stripe.StripeClient:
    addresses = {}
    if settings.STRIPE_API_BASE:
        addresses["api"] = settings.STRIPE_API_BASE
    if settings.STRIPE_CONNECT_BASE:
        addresses["connect"] = settings.STRIPE_CONNECT_BASE
    return stripe.StripeClient(
        key,
        stripe_account=stripe_account,
        base_addresses=addresses,
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
    )


def _message(error: stripe.StripeError) -> str:
    if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        # Stripe's text names the key (masked): never shown to anyone.
        return "Stripe refused this store's keys: card payments are unavailable for now."
    return error.user_message or "Stripe refused the request."


def _refused(error: stripe.StripeError, what: str, *, state=PaymentState.FAILED) -> PaymentResult:
    logger.warning("stripe: %s refused: %s", what, type(error).__name__)
    return PaymentResult(
        state=state,
        message=_message(error),
        data={"stripe_error": getattr(error, "code", "") or type(error).__name__},
    )
