"""Domain errors of idempotent writes, mapped to the API's error shape by config.api_errors."""

from rest_framework import status

from config.api_errors import DomainError
from idempotency.keys import HEADER


class InvalidIdempotencyKey(DomainError):
    """The header is empty, too long or holds characters a key may not (400, field error)."""

    code = "invalid"

    def __init__(self, message: str):
        super().__init__("The request has invalid fields.", fields={HEADER: [message]})


class IdempotencyKeyReused(DomainError):
    """The key was first used for another request (method, path or body)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    code = "idempotency_key_reused"


class IdempotencyKeyInFlight(DomainError):
    """The first request with this key is still running: retry in a moment."""

    status_code = status.HTTP_409_CONFLICT
    code = "idempotency_key_in_flight"
