"""The client's IP address: the one answer for throttles, lockouts, logs and the audit log.

Which address to believe is a deployment fact, set once in ``TRUSTED_PROXY_COUNT``: the number of
proxies in front of the application that each append the address they received the request from
to ``X-Forwarded-For`` (a load balancer: 1; a CDN in front of it: 2).

- 0 (the default, the application reached directly): ``X-Forwarded-For`` is ignored entirely,
  since anyone can send it, and ``REMOTE_ADDR`` is the client.
- N > 0: the client is the Nth address from the right of ``X-Forwarded-For``, the one the
  outermost trusted proxy appended. Whatever a client wrote further left is never read. When the
  header holds fewer than N addresses (a request that bypassed a proxy) or that entry is not an
  IP address, ``REMOTE_ADDR`` is the client.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent ``request`` (normalised), or "" if there is none."""
    remote_addr = _normalised(request.META.get("REMOTE_ADDR", "")) or ""
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote_addr
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < trusted:
        return remote_addr
    return _normalised(forwarded[-trusted]) or remote_addr


def _normalised(value: str) -> str | None:
    """``value`` as an IP address in canonical form (ports and IPv6 brackets removed)."""
    value = value.strip()
    if value.startswith("["):  # "[2001:db8::1]:443"
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
