"""The B2B app's domain errors, answered by the API in its one error shape (config.api_errors)."""

from rest_framework import status

from config.api_errors import DomainError


class IllegalTransition(DomainError):
    """An invoice's or a quote's state machine (b2b.state) has no such move from where it
    stands. Nothing changed."""

    status_code = status.HTTP_409_CONFLICT
    code = "illegal_transition"


class InvoiceError(DomainError):
    """An invoice action refused (bad input: field by field). Nothing changed."""

    code = "invalid_invoice"


class QuoteError(DomainError):
    """A quote request or answer refused (an empty cart, a missing price...). Nothing changed."""

    code = "invalid_quote"


class QuoteExpired(DomainError):
    """The offer's ``valid_until`` has passed: it can no longer be accepted. Nothing placed."""

    code = "quote_expired"
