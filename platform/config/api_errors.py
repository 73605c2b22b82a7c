"""One JSON error shape for the whole API.

Every error response looks like::

    {"error": {"code": "invalid", "message": "...", "fields": {"subdomain": ["..."]}}}

``code`` is stable and machine-readable, ``message`` is for people, ``fields`` (only for
validation errors) maps each input field to its messages. Domain errors raised by services
(subclasses of :class:`DomainError`) are mapped here too, so views never build errors by hand.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class DomainError(Exception):
    """A business rule refused the request. Subclasses set the status and code."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    body: dict = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            "invalid", "The request has invalid fields.", _field_messages(exc.detail)
        )
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = codes if isinstance(codes, str) else "error"
        response.data = error_body(code, _message(response.data))
    return response


def _field_messages(detail) -> dict[str, list[str]]:
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    fields: dict[str, list[str]] = {}
    for field, messages in detail.items():
        if isinstance(messages, dict):
            for sub_field, sub_messages in _field_messages(messages).items():
                fields[f"{field}.{sub_field}"] = sub_messages
        elif isinstance(messages, list):
            fields[field] = [str(message) for message in messages]
        else:
            fields[field] = [str(messages)]
    return fields


def _message(data) -> str:
    if isinstance(data, dict) and "detail" in data:
        return str(data["detail"])
    return str(data)
