"""Fixtures for identity tests: people of every role, in a store, and API clients for them."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from accounts import services
from accounts.models import User
from tests.matrix import PASSWORD, create_user, make_person

__all__ = ["PASSWORD", "make_customer", "make_person"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Throttles, lockouts and used TOTP codes live in Redis, which outlives test transactions.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client():
    """``api_client(store, token=None, api_key=None)``: a DRF client at the store's host."""

    def make(tenant, *, token: str | None = None, api_key: str | None = None) -> APIClient:
        client = APIClient(HTTP_HOST=tenant.primary_host)
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        if api_key:
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key}")
        return client

    return make


def make_customer(email: str = "shopper@example.com", *, verified: bool = True) -> User:
    user = create_user(email)
    if not verified:
        EmailAddress.objects.filter(user=user).update(verified=False)
    return user


def token_for(user: User) -> str:
    """A new sign-in token of ``user``, as the login endpoint issues."""
    return services.issue_auth_token(user=user).key


def current_totp_code(user: User, *, offset: int = 0) -> str:
    import time

    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def code_for_secret(secret: str, *, offset: int = 0) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def enrol_totp(user: User) -> str:
    secret = services.start_totp_enrolment()
    TOTP.activate(user, secret)
    return secret


@pytest.fixture
def in_store_a(store_a):
    connection.set_tenant(store_a)
    return store_a
