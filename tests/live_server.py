"""The real platform, running: gunicorn and a Celery worker over the test database.

Tests that must see Mercato the way an attacker or a browser does (tests/security, and the
storefront's real-browser tests) share ONE running platform per test session, through the
``live_platform`` fixture of tests/conftest.py:

- two stores (unique slugs ``live-a-<hex>``, ``live-b-<hex>``), provisioned through
  ``tenants.services.provision_store`` and committed, each with a person of every role (owner,
  catalog manager, order manager, support, customer, and a company with its admin, approver
  and buyer; made by the accounts services), who sign in through ``POST /api/v1/auth/login/``
  when a test first needs them, a store API key and a company API key (issued by the
  accounts services), and a small catalog (created through the owner's API);
- ``gunicorn sourceroot:wsgi_application`` on a free port of 127.0.0.1 and a Celery worker on a
  queue of its own, both pointed at pytest-django's test database and the configured Redis;
- at the end, both processes stopped and the stores deleted and purged (schemas dropped), so
  that ``--reuse-db`` runs start clean. Stores left by an interrupted run are purged first.

Requests go to ``http://127.0.0.1:<port>`` with the store's ``Host`` header (``*.localhost``
does not resolve to loopback on every machine); browsers, which resolve ``*.localhost``
themselves, use ``LiveStore.url``. Nothing is mocked: what the tests see is what runs.

Shared state to mind: the server uses the configured Redis (cache, throttles, the broker). A
test that empties it (``cache.clear()``) while the platform runs also drops the live worker's
queue binding, after which queued tasks (imports) are lost: tests of the live platform reset
only what they own (``forget_rate_limits``, a store's catalog version), never the whole cache.
Data the tests add to the two stores stays for the session: make fresh people
(``LivePlatform.new_person``) and objects for anything a test changes.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import requests
from django.conf import settings
from django.db import connection

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SLUG_PREFIX = "live-"
PASSWORD = "Correct-horse-42"
STAFF_ROLES = ("owner", "catalog_manager", "order_manager", "support")
COMPANY_ROLES = ("company_admin", "company_approver", "company_buyer")
ROLES = (*STAFF_ROLES, "customer", *COMPANY_ROLES)
# The rates the server runs with (the settings' defaults, stated so that tests can count).
RATES = {"SIGNUP_RATE": "10/hour", "AUTH_RATE": "60/minute", "PASSWORD_RESET_RATE": "10/hour"}
STARTUP_TIMEOUT = 90


class LiveClient:
    """HTTP to one host of the running platform: a ``requests`` session that sends the host's
    name in ``Host`` and keeps its cookies (a browser session, once signed in)."""

    def __init__(self, *, server_url: str, host: str, authorization: str | None = None):
        self.server_url = server_url
        self.host = host
        self.session = requests.Session()
        self.session.headers["Host"] = host
        if authorization:
            self.session.headers["Authorization"] = authorization

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, f"{self.server_url}{path}", **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def csrf_token(self, page: str) -> str:
        """The CSRF token of the form on ``page`` (which sets the CSRF cookie)."""
        response = self.get(page)
        assert response.status_code == 200, f"GET {page}: {response.status_code}"
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
        assert found, f"no CSRF token in {page}"
        return found.group(1)

    def submit(self, page: str, data: dict, *, action: str | None = None) -> requests.Response:
        """Fill and send the form of ``page`` as a browser would (CSRF token included)."""
        token = self.csrf_token(page)
        return self.post(action or page, data={"csrfmiddlewaretoken": token, **data})

    def sign_in_page(self, email: str, password: str = PASSWORD) -> requests.Response:
        """Sign in through the storefront's login page (a browser session, cookie kept)."""
        response = self.submit("/accounts/login/", {"login": email, "password": password})
        assert response.status_code == 302, f"login page: {response.status_code}"
        return response


@dataclass
class Person:
    role: str
    email: str
    user_id: int
    token: str = ""  # the API token the login answered with
    password: str = PASSWORD


@dataclass
class LiveStore:
    """A store of the running platform, its people and its credentials."""

    server_url: str
    port: int
    slug: str
    schema_name: str
    tenant_id: int
    people: dict[str, Person] = field(default_factory=dict)
    company_id: int = 0
    store_key: str = ""  # the store's own integration key (every scope)
    company_key: str = ""  # the company's key (catalog:read, orders:read)
    products: dict[str, dict] = field(default_factory=dict)  # as the owner's API answered

    @property
    def host(self) -> str:
        return f"{self.slug}.{settings.PLATFORM_DOMAIN}"

    @property
    def url(self) -> str:
        """For browsers, which resolve ``*.localhost`` to loopback themselves."""
        return f"http://{self.host}:{self.port}"

    def token(self, role: str) -> str:
        """The API token of the person of ``role``, signed in on first use (each login is a
        password hash check on the server: a fraction of a second)."""
        person = self.people[role]
        if not person.token:
            person.token = self.log_in(person.email, person.password)
        return person.token

    def client(self, role: str | None = None, *, host: str | None = None) -> LiveClient:
        """Anonymous, or carrying the API token of the person of ``role``."""
        authorization = f"Token {self.token(role)}" if role else None
        return LiveClient(
            server_url=self.server_url, host=host or self.host, authorization=authorization
        )

    def token_client(self, token: str) -> LiveClient:
        return LiveClient(
            server_url=self.server_url, host=self.host, authorization=f"Token {token}"
        )

    def key_client(self, secret: str) -> LiveClient:
        return LiveClient(
            server_url=self.server_url, host=self.host, authorization=f"Api-Key {secret}"
        )

    def log_in(self, email: str, password: str = PASSWORD) -> str:
        """The API token ``POST /api/v1/auth/login/`` answers for this person."""
        response = self.client().post(
            "/api/v1/auth/login/", json={"email": email, "password": password}
        )
        assert response.status_code == 200, f"login {email}: {response.status_code} {response.text}"
        return response.json()["key"]


class LivePlatform:
    """The running platform: its two stores, its own host, its logs, and the database."""

    def __init__(self, *, port: int, db_blocker, log_dir: Path, queue: str):
        self.port = port
        self.server_url = f"http://127.0.0.1:{port}"
        self.db_blocker = db_blocker
        self.log_dir = log_dir
        self.queue = queue
        self.store_a: LiveStore
        self.store_b: LiveStore
        self._processes: list[subprocess.Popen] = []
        # The payment providers' local doubles (tests/doubles), started with the platform and
        # pointed at by its settings (a double's ``settings()``): code -> running double.
        self.doubles: dict[str, object] = {}

    @property
    def url(self) -> str:
        """The platform's own home, for browsers ."""
        return f"http://{settings.PLATFORM_DOMAIN}:{self.port}"

    @property
    def stores(self) -> tuple[LiveStore, LiveStore]:
        return self.store_a, self.store_b

    def platform_client(self) -> LiveClient:
        """The platform's own host (signup, plans, the platform admin)."""
        return LiveClient(server_url=self.server_url, host=settings.PLATFORM_DOMAIN)

    @contextlib.contextmanager
    def database(self, store: LiveStore | None = None) -> Iterator[None]:
        """Direct, committed access to the test database (in ``store``'s schema, or public)
        for what HTTP cannot show: what is stored, and data the API cannot make."""
        from django_tenants.utils import schema_context

        with self.db_blocker.unblock(), schema_context(store.schema_name if store else "public"):
            yield

    def server_log(self) -> str:
        """What the web server and the worker printed so far (emails too: console backend)."""
        return "".join(
            path.read_text(errors="replace") for path in sorted(self.log_dir.glob("*.log"))
        )

    def new_person(self, store: LiveStore, role: str, *, email: str | None = None) -> Person:
        """A fresh person of ``role`` at ``store`` (for tests that change a person)."""
        email = email or f"{role.replace('_', '-')}-{secrets.token_hex(4)}@example.com"
        with self.database(store):
            user = _create_person(role=role, email=email, company_id=store.company_id)
        person = Person(role=role, email=email, user_id=user.pk)
        person.token = store.log_in(email)
        return person

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        from tests.doubles import REGISTRY

        env = _server_environment(port=self.port, queue=self.queue)
        for code, double_class in REGISTRY.items():
            double = double_class()
            if hasattr(double, "settings"):
                self.doubles[code] = double.start()
                env.update({name: str(value) for name, value in double.settings().items()})
        self.log_dir.mkdir(parents=True, exist_ok=True)
        web = [
            sys.executable, "-m", "gunicorn", "sourceroot:wsgi_application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "8",
            "--timeout", "120", "--graceful-timeout", "5",
            # As in production (deploy/gunicorn.conf.py): gunicorn's default of 2 s closed a
            # test client's idle keep-alive connection just as it sent on it (a flaky
            # "Remote end closed connection" when 50 shoppers complete at once).
            "--keep-alive", "65",
        ]  # fmt: skip
        worker = [
            sys.executable, "-m", "celery", "-A", "sourceroot:celery_app", "worker",
            "--pool", "solo", "--queues", self.queue, "--loglevel", "INFO",
            "--without-heartbeat", "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        for name, command in (("web", web), ("worker", worker)):
            log = (self.log_dir / f"{name}.log").open("w")
            self._processes.append(
                subprocess.Popen(  # our own interpreter and arguments
                    command,
                    cwd=PROJECT_ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            for process in self._processes:
                if process.poll() is not None:
                    raise RuntimeError(f"the live server stopped:\n{self.server_log()[-3000:]}")
            with contextlib.suppress(requests.RequestException):  # not listening, or booting
                response = requests.get(
                    f"{self.server_url}/healthz",
                    headers={"Host": settings.PLATFORM_DOMAIN},
                    timeout=5,
                )
                if response.status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"the live server did not answer:\n{self.server_log()[-3000:]}")

    def stop(self) -> None:
        for process in self._processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self._processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self._processes.clear()
        for double in self.doubles.values():
            double.stop()
        self.doubles.clear()


def _server_environment(*, port: int, queue: str) -> dict[str, str]:
    database = connection.settings_dict  # pytest-django's test database, once set up
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@"
        f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
    )
    return {
        **os.environ,
        **RATES,
        "DATABASE_URL": url,
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "PLATFORM_DOMAIN": settings.PLATFORM_DOMAIN,
        "PLATFORM_URL_SCHEME": "http",
        "PLATFORM_URL_PORT": str(port),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "STORE_POOL_SIZE": "0",
        "TRUSTED_PROXY_COUNT": "0",
        "DEBUG": "1",
        "SECRET_KEY": settings.SECRET_KEY,
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "PYTHONUNBUFFERED": "1",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Stores and people -------------------------------------------------------------------------


def _create_person(*, role: str, email: str, company_id: int = 0):
    """A person of ``role`` in the current store schema, made by the accounts services."""
    from accounts import services
    from accounts.models import Company, CompanyMembership
    from tests.matrix import create_user

    if role == "owner":  # another owner: staff with every permission, as create_store_owner
        return create_user(email, staff_role=role, is_staff=True, is_superuser=True)
    user = create_user(email)  # a verified email, PASSWORD (hashed once per session)
    if role in STAFF_ROLES:
        return services.change_staff_role(user=user, role=role)
    if role == "company_admin" and not company_id:
        services.create_company(name="Acme Trading Ltd", admin=user)
    elif role in COMPANY_ROLES:
        services.add_company_member(
            company=Company.objects.get(pk=company_id),
            user=user,
            role=CompanyMembership.Role(role.removeprefix("company_")),
        )
    return user


def _provision(label: str, *, port: int, server_url: str) -> LiveStore:
    from tenants.models import Plan
    from tenants.services import provision_store

    slug = f"{SLUG_PREFIX}{label}-{secrets.token_hex(3)}"
    owner_email = f"owner@{slug}.example.com"
    tenant = provision_store(
        name=f"Live store {label.upper()}",
        slug=slug,
        plan=Plan.objects.get(code="pro"),  # unlimited: the tests choose what they test
        owner_email=owner_email,
        owner_password=PASSWORD,
        plan_is_complimentary=True,
    )
    store = LiveStore(
        server_url=server_url,
        port=port,
        slug=slug,
        schema_name=tenant.schema_name,
        tenant_id=tenant.pk,
    )
    from django_tenants.utils import schema_context

    from accounts.models import CompanyMembership, User

    with schema_context(tenant.schema_name):
        owner = User.objects.get(email=owner_email)
        store.people["owner"] = Person(role="owner", email=owner_email, user_id=owner.pk)
        for role in ROLES[1:]:
            email = f"{role.replace('_', '-')}@{slug}.example.com"
            user = _create_person(role=role, email=email, company_id=store.company_id)
            store.people[role] = Person(role=role, email=email, user_id=user.pk)
            if role == "company_admin":
                store.company_id = CompanyMembership.objects.get(user=user).company_id
        _issue_api_keys(store)
    return store


@contextlib.contextmanager
def _no_store_pool() -> Iterator[None]:
    from django.test import override_settings

    with override_settings(STORE_POOL_SIZE=0):
        yield


def _issue_api_keys(store: LiveStore) -> None:
    """The store's own integration key (every scope) and the company's (it buys)."""
    from accounts import services
    from accounts.models import Company, User

    owner = User.objects.get(pk=store.people["owner"].user_id)
    company_admin = User.objects.get(pk=store.people["company_admin"].user_id)
    store.store_key = services.create_api_key(
        name="ERP", scopes=["catalog:read", "orders:place", "orders:read"], created_by=owner
    ).secret
    store.company_key = services.create_api_key(
        name="Buyer integration",
        scopes=["catalog:read", "orders:read"],
        created_by=company_admin,
        company=Company.objects.get(pk=store.company_id),
    ).secret


CATALOG = (("lamp", "active", "30.00"), ("mug", "active", "9.00"), ("draft", "draft", "99.00"))


def _add_product(store: LiveStore, key: str, status: str, price: str) -> None:
    """A product with B2B and cost prices, through the owner's API."""
    tag = store.slug.split("-")[1].upper()
    answer = store.client("owner").post(
        "/api/v1/catalog/products/",
        json={
            "name": f"{key.title()} of store {tag}",
            "status": status,
            "variants": [
                {
                    "sku": f"{tag}-{key.upper()}-1",
                    "price": price,
                    "b2b_price": str(Decimal(price) - 5),
                    "cost_price": "12.00",
                    "stock_on_hand": 10,
                }
            ],
        },
    )
    assert answer.status_code == 201, answer.text
    store.products[key] = answer.json()


def _fill_catalogs(stores: tuple[LiveStore, ...]) -> None:
    """Two active products and a draft in each store, requests sent side by side."""
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda store: store.token("owner"), stores))
        jobs = [pool.submit(_add_product, store, *row) for store in stores for row in CATALOG]
        for job in jobs:
            job.result()


def purge_live_stores(*, only: list[int] | None = None) -> list[str]:
    """Delete and purge the stores this module made (all of them, or those ids): schemas
    dropped, files removed, cache keys of their schemas deleted."""
    from datetime import timedelta

    from django.utils import timezone

    from tenants.models import AuditLogEntry, Tenant
    from tenants.services import delete_store, purge_deleted_stores

    stores = Tenant.objects.filter(slug__startswith=SLUG_PREFIX)
    if only is not None:
        stores = stores.filter(pk__in=only)
    slugs = []
    for tenant in stores:
        delete_store(tenant=tenant, actor_label="tests.live_server")
        slugs.append((tenant.slug, tenant.schema_name))
    if slugs:
        AuditLogEntry.objects.filter(tenant__slug__in=[slug for slug, _ in slugs]).delete()
        far_future = timezone.now() + timedelta(days=settings.STORE_RETENTION_DAYS + 1)
        purge_deleted_stores(now=far_future)
        AuditLogEntry.objects.filter(
            tenant__isnull=True, details__slug__in=[slug for slug, _ in slugs]
        ).delete()
    for _, schema_name in slugs:
        _delete_cache_keys(f"{schema_name}:*")
    return [slug for slug, _ in slugs]


def redis_connection():
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _delete_cache_keys(pattern: str) -> int:
    redis = redis_connection()
    keys = list(redis.scan_iter(match=pattern, count=1000))
    if keys:
        redis.delete(*keys)
    return len(keys)


def forget_rate_limits() -> None:
    """Every throttle and login-lockout count of the running platform (all hosts), so that
    each test starts with its full budget, as a new client would."""
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    _delete_cache_keys(f"*:{prefix}:*throttle_*")
    _delete_cache_keys(f"*:{prefix}:*allauth:rl*")


@contextlib.contextmanager
def running_live_platform(db_blocker, *, log_dir: Path) -> Iterator[LivePlatform]:
    """Stores, people, server and worker for the session; everything removed at the end."""
    port = free_port()
    platform = LivePlatform(
        port=port, db_blocker=db_blocker, log_dir=log_dir, queue=f"live-{secrets.token_hex(4)}"
    )
    created: list[int] = []
    try:
        platform.start()  # the server boots while the stores are made
        with db_blocker.unblock():
            connection.set_schema_to_public()
            purge_live_stores()  # left by an interrupted run

            def provision(label: str) -> LiveStore:
                try:
                    store = _provision(label, port=port, server_url=platform.server_url)
                    created.append(store.tenant_id)
                    return store
                finally:
                    connection.close()  # this thread's own connection

            # Set here, not in each thread: override_settings changes the one global settings.
            with _no_store_pool(), ThreadPoolExecutor(max_workers=2) as pool:
                platform.store_a, platform.store_b = pool.map(provision, ("a", "b"))
        platform.wait_until_healthy()
        _fill_catalogs(platform.stores)
        forget_rate_limits()
        yield platform
    finally:
        platform.stop()
        with db_blocker.unblock():
            connection.set_schema_to_public()
            purge_live_stores(only=created)
            _delete_cache_keys(f"*{platform.queue}")  # the queue and kombu's bindings of it
