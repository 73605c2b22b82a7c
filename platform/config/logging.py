"""Log context: every line carries the store's schema, the request id and the client's IP."""

import logging
from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
# Set per request by config.middleware.RequestIdMiddleware, from config.client_ip.
client_ip_var: ContextVar[str] = ContextVar("client_ip", default="-")


class RequestContextFilter(logging.Filter):
    """Adds ``schema``, ``request_id`` and ``client_ip`` to every record (tasks and commands
    included, where the last two are "-")."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.client_ip = client_ip_var.get()
        record.schema = _current_schema()
        return True


def current_client_ip() -> str | None:
    """The client IP of the request being handled, None outside a request."""
    ip = client_ip_var.get()
    return None if ip == "-" else ip


def _current_schema() -> str:
    try:
        from django.db import connection

        return getattr(connection, "schema_name", "-") or "-"
    except Exception:  # noqa: BLE001 - logging must never fail because Django is not ready
        return "-"
