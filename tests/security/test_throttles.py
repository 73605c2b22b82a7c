"""Item 3: throttles count the client, not the ``X-Forwarded-For`` header it makes up.

The server runs with ``TRUSTED_PROXY_COUNT=0`` (the default: no proxy in front), so the header
is the client's own words and must change nothing.
"""

import pytest

from tests.live_server import RATES

NOBODY = {"email": "nobody@example.com"}
ENDPOINTS = [
    # (host, path, body, rate): each answers 4xx to this body until the throttle answers 429.
    ("platform", "/api/platform/signup/", {}, RATES["SIGNUP_RATE"]),
    ("store", "/api/v1/auth/registration/", {}, RATES["SIGNUP_RATE"]),
    ("store", "/api/v1/auth/login/", {}, RATES["AUTH_RATE"]),
    ("store", "/api/v1/auth/password/reset/", NOBODY, RATES["PASSWORD_RESET_RATE"]),
]


def client_for(live, host: str):
    return live.platform_client() if host == "platform" else live.store_a.client()


def allowed(rate: str) -> int:
    return int(rate.split("/")[0])


@pytest.mark.parametrize(("host", "path", "body", "rate"), ENDPOINTS, ids=lambda v: str(v))
def test_a_new_forwarded_for_address_per_request_does_not_escape_the_throttle(
    live, host, path, body, rate
):
    client = client_for(live, host)
    statuses = [
        client.post(
            path, json=body, headers={"X-Forwarded-For": f"203.0.113.{n}, 10.0.0.1"}
        ).status_code
        for n in range(allowed(rate) + 1)
    ]

    assert 429 not in statuses[:-1]
    assert statuses[-1] == 429


@pytest.mark.parametrize(("host", "path", "body", "rate"), ENDPOINTS, ids=lambda v: str(v))
def test_the_throttle_stops_a_client_past_its_rate(live, host, path, body, rate):
    client = client_for(live, host)
    statuses = [client.post(path, json=body).status_code for _ in range(allowed(rate) + 1)]

    assert 429 not in statuses[:-1]
    assert statuses[-1] == 429
