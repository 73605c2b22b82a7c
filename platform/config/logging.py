"""Log context: every line carries the store's schema and the request id."""

import logging
from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


class RequestContextFilter(logging.Filter):
    """Adds ``schema`` and ``request_id`` to every record (tasks and commands included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.schema = _current_schema()
        return True


def _current_schema() -> str:
    try:
        from django.db import connection

        return getattr(connection, "schema_name", "-") or "-"
    except Exception:  # noqa: BLE001 - logging must never fail because Django is not ready
        return "-"
