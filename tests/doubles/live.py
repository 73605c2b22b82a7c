"""The provider doubles the live platform (tests/live_server.py) talks to: one of each
registered double that names its setting (``setting = "PAYPAL_API_BASE"``), started once per
test session, before the server, so that the server's ``<CODE>_API_BASE`` points at it.

Browser tests reach the same instance with ``running(code)`` (to play the provider's side:
approve, send webhooks) and give back what they change on it.
"""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_running: dict[str, object] = {}


def running(code: str):
    """The session's double of provider ``code``, started on first use."""
    from tests.doubles import REGISTRY

    with _lock:
        double = _running.get(code)
        if double is None:
            double = _running[code] = REGISTRY[code]().start()
        return double


def environment() -> dict[str, str]:
    """``{setting: base URL}`` for every registered double that names its setting."""
    from tests.doubles import REGISTRY

    env = {}
    for code, double_class in REGISTRY.items():
        setting = getattr(double_class, "setting", "")
        if not setting:
            continue
        try:
            env[setting] = running(code).url
        except Exception:  # one double that cannot start must not stop the live platform
            logger.exception("the %s double did not start", code)
    return env
