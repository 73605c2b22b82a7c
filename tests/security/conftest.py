"""The security suite: attacks through HTTP against the running platform (tests/live_server.py).

Every test here talks to the real server (gunicorn, a Celery worker, PostgreSQL, Redis) the way
an attacker would: with a stolen or foreign credential, a forged header, a crafted value. The
database is read directly only to learn what is stored (is a secret kept in clear?), and written
directly only for what no API makes (an OAuth app and token, a DNS record's verification).
"""

import hashlib
import secrets
import time

import pytest
from django.db import connection

from tests.live_server import PASSWORD, LivePlatform, LiveStore, forget_rate_limits


@pytest.fixture
def live(live_platform) -> LivePlatform:
    """The running platform, each test starting with no throttle or lockout counted."""
    forget_rate_limits()
    return live_platform


@pytest.fixture
def store_a(live) -> LiveStore:
    return live.store_a


@pytest.fixture
def store_b(live) -> LiveStore:
    return live.store_b


def error_of(response) -> dict:
    """The API's one error shape, asserted: ``{"error": {"code", "message", "fields"?}}``."""
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]


def wait_for_import(client, job_id: int, *, timeout: float = 60) -> dict:
    """The import job as the API shows it once the worker has finished with it."""
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/api/v1/catalog/imports/{job_id}/").json()
        if job["status"] not in ("pending", "validating", "importing"):
            return job
        assert time.monotonic() < deadline, f"import {job_id} still {job['status']}"
        time.sleep(0.2)  # the job runs in the worker process; nothing to wait on but its row


def tables_holding(live: LivePlatform, store: LiveStore, value: str) -> list[str]:
    """Every table of the store's schema with a row whose text contains ``value``."""
    with live.database(store), connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [store.schema_name],
        )
        tables = [row[0] for row in cursor.fetchall()]
        found = []
        for table in tables:
            cursor.execute(
                f'SELECT 1 FROM "{store.schema_name}"."{table}" AS r '  # names from the catalog
                "WHERE r::text LIKE %s LIMIT 1",
                [f"%{value}%"],
            )
            if cursor.fetchone():
                found.append(table)
        return found


def totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture(scope="session")
def store_a_secrets(live_platform) -> dict[str, str]:
    """One of every secret-bearing object at store A, made as its people would make them, and
    the secret values they hold (what must never be readable in an admin or an export)."""
    live, store = live_platform, live_platform.store_a
    found: dict[str, str] = {}

    customer = live.new_person(store, "customer")
    found["customer's API token"] = customer.token
    found["owner's API token"] = store.token("owner")
    found["store API key"] = store.store_key
    found["company API key"] = store.company_key
    found["store API key digest"] = hashlib.sha256(store.store_key.encode()).hexdigest()
    found["company API key digest"] = hashlib.sha256(store.company_key.encode()).hexdigest()

    # A staff member turns two-factor on through the API: the TOTP secret is now stored.
    enrolling = live.new_person(store, "catalog_manager")
    totp = store.token_client(enrolling.token)
    secret = totp.get("/api/v1/auth/mfa/totp/").json()["secret"]
    answer = totp.post("/api/v1/auth/mfa/totp/", json={"secret": secret, "code": totp_code(secret)})
    assert answer.status_code == 201, answer.text
    found["TOTP secret"] = secret

    # Someone registers: an email confirmation (its key is the emailed link's secret).
    email = f"newcomer-{secrets.token_hex(4)}@example.com"
    answer = store.client().post(
        "/api/v1/auth/registration/",
        json={"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert answer.status_code == 201, answer.text

    # A browser session (its key is the session cookie).
    browser = store.client()
    browser.sign_in_page(customer.email)
    found["session key"] = browser.session.cookies["sessionid"]

    with live.database(store):
        from allauth.account.models import EmailConfirmation
        from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken

        from accounts.models import User

        found["email confirmation key"] = EmailConfirmation.objects.get(
            email_address__email=email
        ).key
        found["password hash"] = User.objects.get(pk=customer.user_id).password
        # The store's OAuth client (entered in its admin) and a shopper's social login.
        app = SocialApp.objects.create(
            provider="google",
            name="Google",
            client_id=f"client-{secrets.token_hex(6)}",
            secret=f"oauth-app-secret-{secrets.token_hex(12)}",
        )
        account = SocialAccount.objects.create(
            user_id=customer.user_id, provider="google", uid=secrets.token_hex(8)
        )
        token = SocialToken.objects.create(
            app=app,
            account=account,
            token=f"oauth-access-{secrets.token_hex(12)}",
            token_secret=f"oauth-refresh-{secrets.token_hex(12)}",
        )
        found["OAuth app secret"] = app.secret
        found["OAuth access token"] = token.token
        found["OAuth token secret"] = token.token_secret
    return found
