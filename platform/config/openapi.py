"""OpenAPI (drf-spectacular) hooks."""

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


def only_mercato_api(endpoints):
    """Document the /api/ routes only, not the internal endpoints of the Wagtail admin."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]


def document_error_shape(result, generator, request, public):
    """Add the error shape, and the error answers every endpoint may give, to the schema."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                responses.setdefault(status, {"description": description, "content": reference})
    return result
