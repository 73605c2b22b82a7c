"""Error tracking with Sentry, switched on by ``SENTRY_DSN`` (config.settings calls
:func:`init`). No personal data leaves: ``send_default_pii`` is off and :func:`before_send`
scrubs what Django, Celery and our own code could still put in an event (emails anywhere in
text, addresses, names, phone numbers, secrets, the Authorization and Cookie headers, cookies,
the user's IP). Each event is tagged with the store's schema and the request id, which find
the same request in the JSON logs.
"""

import re

FILTERED = "[Filtered]"
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Headers that carry credentials or session ids: dropped whatever their value.
SECRET_HEADERS = {
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "x-cart-token",
    "x-csrftoken",
}
# A key (of a form, a JSON body, a local variable, extra data) naming personal data or a secret
# has its value replaced, at any depth.
PERSONAL_KEY_PARTS = (
    "email",
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "authorization",
    "cookie",
    "session",
    "csrf",
    "address",
    "line1",
    "line2",
    "street",
    "postal_code",
    "postcode",
    "zip",
    "city",
    "phone",
    "full_name",
    "first_name",
    "last_name",
    "iban",
    "card",
    "otp",
)


def init(
    *,
    dsn: str,
    environment: str = "",
    release: str = "",
    sample_rate: float = 1.0,
    traces_sample_rate: float = 0.0,
) -> None:
    """Start the Sentry client with the Django and Celery integrations."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        sample_rate=sample_rate,
        traces_sample_rate=traces_sample_rate,
        before_send=before_send,
        before_send_transaction=before_send,
    )


def before_send(event: dict, hint: dict | None = None) -> dict:
    """Scrub ``event`` in place of personal data and secrets, and tag it with the store's
    schema and the request id (Sentry's ``before_send``)."""
    tags = event.setdefault("tags", {})
    tags.setdefault("store", _current_schema())
    tags.setdefault("request_id", _current_request_id())

    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() not in SECRET_HEADERS
            }
        elif isinstance(headers, list):
            request["headers"] = [
                pair for pair in headers if str(pair[0]).lower() not in SECRET_HEADERS
            ]
        env = request.get("env")
        if isinstance(env, dict):
            env.pop("REMOTE_ADDR", None)
    user = event.get("user")
    if isinstance(user, dict):
        # The id finds the person in the store's own admin; nothing else is needed.
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for key in list(event):
        if key not in ("tags", "user"):
            event[key] = _scrub(event[key])
    return event


def _scrub(value, key: str = ""):
    if key and _is_personal_key(key):
        return FILTERED if value not in (None, "", [], {}) else value
    if isinstance(value, dict):
        return {k: _scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scrub(item) for item in value)
    if isinstance(value, str):
        return EMAIL.sub(FILTERED, value)
    return value


def _is_personal_key(key: str) -> bool:
    lowered = key.lower()
    return any(part in lowered for part in PERSONAL_KEY_PARTS)


def _current_schema() -> str:
    from django.db import connection

    return getattr(connection, "schema_name", None) or "-"


def _current_request_id() -> str:
    from config.logging import request_id_var

    return request_id_var.get()
