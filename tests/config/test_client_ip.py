"""One client IP (config.client_ip, TRUSTED_PROXY_COUNT) for throttles, lockouts, logs and audit.

With no trusted proxy, X-Forwarded-For is whatever the client wrote: varying it must not make a
new client. Behind one trusted proxy (a load balancer), the connection's address is the proxy's:
the client is the address the proxy appended, so one client behind it is locked out alone.
"""

import logging
import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from pythonjsonlogger.json import JsonFormatter

from config.client_ip import client_ip
from config.logging import RequestContextFilter
from tenants.models import AuditLogEntry
from tests.matrix import PASSWORD, create_user

LOAD_BALANCER = "10.0.0.2"


def _ip() -> str:
    # Throttles and lockouts live in Redis across tests: each test gets addresses of its own.
    return f"198.51.{random.randint(0, 255)}.{random.randint(1, 254)}"


@pytest.fixture
def behind_load_balancer(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def directly_reached(settings):
    settings.TRUSTED_PROXY_COUNT = 0


# --- The function --------------------------------------------------------------------------------


def _request(remote_addr: str = "192.0.2.1", forwarded_for: str | None = None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxy_forwarded_for_is_ignored(directly_reached):
    assert client_ip(_request("192.0.2.1", "203.0.113.9")) == "192.0.2.1"


def test_behind_one_proxy_the_client_is_the_address_the_proxy_appended(behind_load_balancer):
    assert client_ip(_request(LOAD_BALANCER, "1.2.3.4, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request(LOAD_BALANCER, " 203.0.113.9 ")) == "203.0.113.9"


def test_behind_two_proxies_the_client_is_second_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    forwarded = "6.6.6.6, 203.0.113.9, 198.51.100.4"
    assert client_ip(_request(LOAD_BALANCER, forwarded)) == "203.0.113.9"


def test_a_forwarded_for_shorter_than_the_proxies_falls_back_to_the_connection(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(LOAD_BALANCER, "203.0.113.9")) == LOAD_BALANCER
    assert client_ip(_request(LOAD_BALANCER)) == LOAD_BALANCER


def test_a_forwarded_entry_that_is_no_address_falls_back_to_the_connection(behind_load_balancer):
    assert client_ip(_request(LOAD_BALANCER, "1.2.3.4, unknown")) == LOAD_BALANCER
    assert client_ip(_request(LOAD_BALANCER, "1.2.3.4, ")) == "1.2.3.4"


def test_ports_and_brackets_are_dropped(behind_load_balancer):
    assert client_ip(_request(LOAD_BALANCER, "203.0.113.9:51234")) == "203.0.113.9"
    assert client_ip(_request(LOAD_BALANCER, "[2001:DB8::1]:443")) == "2001:db8::1"
    assert client_ip(_request(LOAD_BALANCER, "2001:db8::1")) == "2001:db8::1"


# --- Store signup throttle (platform host) ------------------------------------------------------


def _signup(client, **headers):
    # An invalid body is enough: the throttle counts every attempt before validating it.
    return client.post(
        "/api/platform/signup/", {}, content_type="application/json", headers=headers
    )


@pytest.fixture
def one_signup_an_hour(settings):
    settings.SIGNUP_RATE = "1/hour"


def test_varying_forwarded_for_does_not_bypass_the_signup_throttle(
    directly_reached, one_signup_an_hour, platform_client
):
    assert _signup(platform_client, x_forwarded_for=_ip()).status_code == 400
    response = _signup(platform_client, x_forwarded_for=_ip())
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"


def test_signup_throttle_behind_a_proxy_counts_each_client_alone(
    behind_load_balancer, one_signup_an_hour, platform_client
):
    platform_client.defaults["REMOTE_ADDR"] = LOAD_BALANCER
    client, neighbour = _ip(), _ip()
    assert _signup(platform_client, x_forwarded_for=client).status_code == 400
    # The client cannot pass for another by writing its own addresses on the left.
    assert _signup(platform_client, x_forwarded_for=f"{_ip()}, {client}").status_code == 429
    assert _signup(platform_client, x_forwarded_for=neighbour).status_code == 400


# --- Store registration throttle (store host, DRF scoped throttle) -------------------------------


def _register(client, number: int, **headers):
    body = {"email": f"reg{number}@example.com", "password1": PASSWORD, "password2": PASSWORD}
    return client.post(
        "/api/v1/auth/registration/", body, content_type="application/json", headers=headers
    )


def test_varying_forwarded_for_does_not_bypass_the_registration_throttle(
    directly_reached, store_client, store_a
):
    client = store_client(store_a)
    client.defaults["REMOTE_ADDR"] = _ip()
    for number in range(10):
        assert _register(client, number, x_forwarded_for=_ip()).status_code == 201
    assert _register(client, 10, x_forwarded_for=_ip()).status_code == 429


def test_registration_throttle_behind_a_proxy_does_not_throttle_the_neighbours(
    behind_load_balancer, store_client, store_a
):
    client = store_client(store_a)
    client.defaults["REMOTE_ADDR"] = LOAD_BALANCER
    throttled, neighbour = _ip(), _ip()
    for number in range(10):
        assert _register(client, number, x_forwarded_for=throttled).status_code == 201
    assert _register(client, 10, x_forwarded_for=throttled).status_code == 429
    assert _register(client, 11, x_forwarded_for=neighbour).status_code == 201


# --- Login lockout per IP (allauth's login_failed limit, through the adapter) --------------------


@pytest.fixture
def lockout_after_two_failures_per_ip(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/15m/ip,5/15m/key"}
    yield
    cache.clear()


def _login(client, email: str, password: str, **headers):
    return client.post(
        "/api/v1/auth/login/",
        {"email": email, "password": password},
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def shopper(store_a):
    connection.set_tenant(store_a)
    user = create_user(f"shopper{random.randint(0, 10**9)}@example.com")
    connection.set_schema_to_public()
    return user


def test_varying_forwarded_for_does_not_escape_the_ip_lockout(
    directly_reached, lockout_after_two_failures_per_ip, store_client, store_a, shopper
):
    client = store_client(store_a)
    client.defaults["REMOTE_ADDR"] = _ip()
    for attempt in range(2):
        failed = _login(client, f"guess{attempt}@example.com", "wrong", x_forwarded_for=_ip())
        assert failed.status_code == 400
    locked = _login(client, shopper.email, PASSWORD, x_forwarded_for=_ip())
    assert locked.status_code == 429


def test_ip_lockout_behind_a_proxy_locks_out_one_client_not_the_proxy(
    behind_load_balancer, lockout_after_two_failures_per_ip, store_client, store_a, shopper
):
    client = store_client(store_a)
    client.defaults["REMOTE_ADDR"] = LOAD_BALANCER
    attacker, shopper_ip = _ip(), _ip()
    for attempt in range(2):
        failed = _login(client, f"guess{attempt}@example.com", "wrong", x_forwarded_for=attacker)
        assert failed.status_code == 400
    assert _login(client, shopper.email, PASSWORD, x_forwarded_for=attacker).status_code == 429
    assert _login(client, shopper.email, PASSWORD, x_forwarded_for=shopper_ip).status_code == 200


# --- Logs and the audit log ---------------------------------------------------------------------


def _logged_client_ips(client, **headers) -> list[str]:
    import json

    from django.conf import settings

    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(self.format(record)))

    handler = Collect()
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter(settings.LOGGING["formatters"]["json"]["fmt"]))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        assert client.get("/no-such-page/", headers=headers).status_code == 404
    finally:
        logger.removeHandler(handler)
    return [line["client_ip"] for line in lines]


def test_log_lines_carry_the_connection_address_without_trusted_proxy(
    directly_reached, store_client, store_a
):
    client = store_client(store_a)
    client.defaults["REMOTE_ADDR"] = "192.0.2.44"
    assert _logged_client_ips(client, x_forwarded_for="203.0.113.9") == ["192.0.2.44"]


def test_log_lines_carry_the_forwarded_client_behind_a_proxy(
    behind_load_balancer, store_client, store_a
):
    client = store_client(store_a)
    client.defaults["REMOTE_ADDR"] = LOAD_BALANCER
    ips = _logged_client_ips(client, x_forwarded_for="6.6.6.6, 203.0.113.9")
    assert ips == ["203.0.113.9"]


@pytest.mark.parametrize(("trusted_proxies", "expected"), [(0, LOAD_BALANCER), (1, "203.0.113.9")])
def test_audit_log_records_the_client_ip(
    settings, trusted_proxies, expected, store_owner_client, store_a
):
    settings.TRUSTED_PROXY_COUNT = trusted_proxies
    client = store_owner_client(store_a)
    client.defaults["REMOTE_ADDR"] = LOAD_BALANCER
    response = client.post(
        "/api/v1/store/domains/",
        {"domain": f"shop{random.randint(0, 10**9)}.example.com"},
        content_type="application/json",
        headers={"x-forwarded-for": "6.6.6.6, 203.0.113.9"},
    )
    assert response.status_code == 201
    entry = AuditLogEntry.objects.filter(action="domain.added", tenant=store_a).latest("pk")
    assert entry.ip_address == expected
