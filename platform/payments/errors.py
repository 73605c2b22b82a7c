"""The payments' domain errors, answered by the API in its one error shape (config.api_errors)."""

from rest_framework import status

from config.api_errors import DomainError


class PaymentError(DomainError):
    """A payment, refund or setting was refused: ``fields`` says which and why. Nothing
    changed."""

    code = "invalid"


class InvalidAmount(PaymentError):
    """An amount that is not positive, has more decimals than the currency, is too large, or
    (a refund) is more than what was received and not refunded yet."""

    code = "invalid_amount"


class MethodUnavailable(DomainError):
    """The payment method is unknown, not enabled by the store, or not offered for this order
    (COD: the delivery option does not allow it, or the total is above its maximum)."""

    code = "payment_method_unavailable"


class NotSupported(DomainError):
    """The payment's method cannot do this (a COD payment has no webhook; only COD payments are
    marked paid by staff)."""

    status_code = status.HTTP_409_CONFLICT
    code = "not_supported"


class PaymentClosed(DomainError):
    """The payment can no longer change this way (failed or cancelled)."""

    status_code = status.HTTP_409_CONFLICT
    code = "payment_closed"


class WebhookRejected(DomainError):
    """A webhook whose signature (or shape) does not verify: answered 400, nothing stored."""

    code = "webhook_rejected"


class ProviderUnavailable(DomainError):
    """The provider did not answer (timeout, 5xx, connection refused): nothing is known about
    the payment yet; it stays pending and reconciliation asks again later."""

    status_code = status.HTTP_502_BAD_GATEWAY
    code = "provider_unavailable"


class CredentialsMissing(DomainError):
    """The store has not saved this provider's credentials (Settings > Payments)."""

    status_code = status.HTTP_409_CONFLICT
    code = "credentials_missing"


class EncryptionKeysMissing(Exception):
    """MERCATO_ENCRYPTION_KEYS is not set outside DEBUG: credentials cannot be read or saved."""
