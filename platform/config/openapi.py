"""OpenAPI (drf-spectacular): the hooks, and the platform host's own schema.

Each host documents the routes it serves: a store host its store API (``config.urls_tenant``),
the platform host its own API under ``/api/platform/`` (``config.urls_public``).
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers

from idempotency import keys as idempotency_keys

PLATFORM_SCHEMA_SETTINGS = {
    "TITLE": "Mercato platform API",
    "DESCRIPTION": (
        "The platform's own API, at the root domain: the public plans, subdomain availability, "
        "store signup (the store is live at `store_url` when the answer returns) and the Stripe "
        "Billing webhook (authenticated by Stripe's signature). Each store's API is at "
        "`https://<store>.<platform domain>/api/v1/` and documented at its `/api/schema/`.\n\n"
        '**Errors** all have one shape: `{"error": {"code", "message", "fields"}}` '
        "(`fields` only for invalid input)."
    ),
}

ERROR_RESPONSES = {
    "400": "Invalid input: `error.fields` maps each field to its messages.",
    "401": "Not authenticated (no, expired or unknown token, session or API key).",
    "403": "Authenticated, but not allowed.",
    "404": "Not found (also for another store's or another person's objects).",
    "429": "Throttled or locked out; retry after `Retry-After` seconds.",
}

ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error shape of the whole API (config.api_errors).",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "description": "Stable, machine-readable."},
                "message": {"type": "string", "description": "For people."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    "description": "Validation errors only: messages per input field.",
                },
            },
            "required": ["code", "message"],
        }
    },
    "required": ["error"],
}


# The answer of the endpoints that only confirm what they did (dj-rest-auth's flows).
DETAIL_RESPONSE = inline_serializer("Detail", fields={"detail": serializers.CharField()})

# What an operation of a view with idempotency.api.IdempotentCreateMixin adds to its own.
IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    idempotency_keys.HEADER,
    {
        "type": "string",
        "minLength": 1,
        "maxLength": idempotency_keys.MAX_LENGTH,
        "pattern": idempotency_keys.PATTERN,
    },
    location=OpenApiParameter.HEADER,
    required=False,
    description=idempotency_keys.HEADER_DESCRIPTION,
)
IDEMPOTENCY_RESPONSES = {
    "409": "`idempotency_key_in_flight`: a request with this Idempotency-Key is still running; "
    "retry after `Retry-After` seconds to get its answer.",
    "422": "`idempotency_key_reused`: this Idempotency-Key was used for another request "
    "(method, path or body).",
}
REPLAYED_HEADER = {
    "schema": {"type": "string", "enum": ["true"]},
    "description": "Present when this is the stored answer to an earlier request with the "
    "same Idempotency-Key, sent again.",
}


class MercatoAutoSchema(AutoSchema):
    """drf-spectacular's schema, plus the body of a DELETE that declares one with
    ``extend_schema(request=...)``: some deletions need a confirmation (a password, a TOTP
    code), and a client must know it has to send it; and, on the operations of idempotent
    views (``idempotent_methods``), the ``Idempotency-Key`` header with its answers."""

    def _is_idempotent(self) -> bool:
        return self.method in getattr(self.view, "idempotent_methods", ())

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self._is_idempotent():
            parameters = [*parameters, IDEMPOTENCY_KEY_PARAMETER]
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = self._with_error_examples(super()._get_response_bodies(direction))
        if not self._is_idempotent():
            return responses
        for status, response in responses.items():
            if status.startswith("2"):
                response.setdefault("headers", {})[idempotency_keys.REPLAYED_HEADER] = (
                    REPLAYED_HEADER
                )
        for status, description in IDEMPOTENCY_RESPONSES.items():
            responses.setdefault(status, {"description": description})
        return responses

    def _with_error_examples(self, responses):
        """An error answer an operation shows by example (``OpenApiExample(status_codes=["400"])``)
        gets the one error shape with those examples; drf-spectacular drops examples of an answer
        declared without a body, or not declared at all."""
        codes = {
            str(code)
            for example in self.get_examples()
            if not (example.request_only or example.parameter_only)
            for code in (example.status_codes or ())
            if str(code)[0] in "45"
        }
        for code in sorted(codes):
            response = responses.setdefault(
                code, {"description": ERROR_RESPONSES.get(code, "Refused: see `error.code`.")}
            )
            content = response.get("content") or {}
            media = content.get("application/json") or {}
            examples = self._get_examples(None, "response", "application/json", code)
            if examples:
                media["examples"] = {**examples, **media.get("examples", {})}
            media["schema"] = {"$ref": "#/components/schemas/Error"}
            response["content"] = {**content, "application/json": media}
        return responses

    def _get_request_body(self, direction="request"):
        if self.method != "DELETE" or not self._declares_request_body():
            return super()._get_request_body(direction)
        # drf-spectacular documents bodies of unsafe methods only: describe this one as such.
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"

    def _declares_request_body(self) -> bool:
        # What the view declares, told apart from the serializer drf-spectacular would guess
        # (guessing for a plain APIView logs an error, so the guess is stubbed out here).
        guessed = object()
        self._get_serializer = lambda: guessed
        try:
            declared = self.get_request_serializer()
        finally:
            del self._get_serializer
        return declared is not None and declared is not guessed


def only_mercato_api(endpoints):
    """Document the /api/ routes only, not the internal endpoints of the Wagtail admin."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]


def document_error_shape(result, generator, request, public):
    """Add the error shape, and the error answers every endpoint may give, to the schema.

    An error answer a view documents itself (a 409, a 503) gets the one error shape too."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                responses.setdefault(status, {"description": description, "content": reference})
            for status, response in responses.items():
                if status.isdigit() and int(status) >= 400 and not response.get("content"):
                    response["content"] = reference
    return result
