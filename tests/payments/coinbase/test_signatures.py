"""Coinbase's two cryptographic checks, read against the double that implements them from
CDP's documentation: the JWT our requests carry, and the X-Hook0-Signature of its webhooks."""

import time

import jwt
import pytest

from payments.errors import WebhookRejected
from payments.providers.coinbase import bearer_token, verify_signature
from tests.doubles.coinbase import CoinbaseDouble, sign_webhook

BODY = b'{"id": "68f7a946db0529ea9b6d3a12", "status": "COMPLETED"}'


def _signed(secret: str, body: bytes = BODY, timestamp: int | None = None) -> dict:
    headers = {
        "Content-Type": "application/json",
        "X-Event-Id": "3a7f8b2e-1c4d-4e9a-b5f6-d8a2c0e7f194",
        "X-Event-Type": "checkout.payment.success",
    }
    headers["X-Hook0-Signature"] = sign_webhook(secret, body, headers, timestamp)
    return headers


@pytest.mark.parametrize("algorithm", ["ES256", "EdDSA"])
def test_the_bearer_token_names_the_key_and_the_one_request_it_is_for(algorithm):
    double = CoinbaseDouble(algorithm=algorithm)
    token = bearer_token(
        double.key_id, double.key_secret, "post", "http://127.0.0.1:8123/api/v1/checkouts"
    )

    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, double._public_key, algorithms=[algorithm])
    assert header["kid"] == double.key_id and header["nonce"]
    assert claims["iss"] == "cdp" and claims["sub"] == double.key_id
    assert claims["uris"] == ["POST 127.0.0.1:8123/api/v1/checkouts"]
    assert 0 < claims["exp"] - claims["nbf"] <= 120


def test_a_webhook_signed_with_the_subscription_secret_verifies():
    verify_signature(BODY, _signed("s3cret"), "s3cret")


@pytest.mark.parametrize(
    "case",
    ["other secret", "body changed", "signed header changed", "too old", "unsigned"],
)
def test_a_webhook_that_does_not_verify_is_refused(case):
    headers = _signed("other" if case == "other secret" else "s3cret")
    body = BODY
    if case == "body changed":
        body = BODY.replace(b"COMPLETED", b"REFUNDED")
    elif case == "signed header changed":
        headers["X-Event-Type"] = "checkout.payment.failed"
    elif case == "too old":
        headers = _signed("s3cret", timestamp=int(time.time()) - 600)
    elif case == "unsigned":
        del headers["X-Hook0-Signature"]

    with pytest.raises(WebhookRejected):
        verify_signature(body, headers, "s3cret")
