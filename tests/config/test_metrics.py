"""Prometheus metrics: real requests, orders, payments, signups and tasks move the right series;
``/metrics`` answers only on the platform's host and only to a scraper with the token (or from
an allowed network); no series carries a store."""

import random
import uuid

import pytest
from django.db import connection
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from config.celery import app as celery_app
from observability import metrics
from tenants import audit
from tests.matrix import PASSWORD

TOKEN = "scrape-token-for-tests"


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []
    return TOKEN


@pytest.fixture
def cod_enabled(store_a):
    from payments import services

    connection.set_tenant(store_a)
    return services.set_method_settings(data={"enabled_methods": ["cod"]})


def scrape(platform_client) -> str:
    response = platform_client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    return response.content.decode()


# --- Requests -----------------------------------------------------------------------------------


def test_a_store_request_is_counted_by_url_name_and_status(store_client, store_a):
    labels = {"view": "shop-products", "method": "GET", "status": "200", "host": "store"}
    before = value("mercato_http_requests_total", **labels)
    latency_before = value(
        "mercato_http_request_duration_seconds_count",
        view="shop-products",
        method="GET",
        host="store",
    )

    assert store_client(store_a).get("/api/v1/shop/products/").status_code == 200

    assert value("mercato_http_requests_total", **labels) == before + 1
    assert (
        value(
            "mercato_http_request_duration_seconds_count",
            view="shop-products",
            method="GET",
            host="store",
        )
        == latency_before + 1
    )


def test_paths_with_ids_share_one_series_and_unknown_hosts_are_unresolved(store_client, store_a):
    not_found = {"view": "shop-product", "method": "GET", "status": "404", "host": "store"}
    before = value("mercato_http_requests_total", **not_found)
    client = store_client(store_a)
    for slug in ("no-such-thing", "nor-this-one"):
        assert client.get(f"/api/v1/shop/products/{slug}/").status_code == 404
    assert value("mercato_http_requests_total", **not_found) == before + 2

    unknown = {"view": metrics.UNRESOLVED, "method": "GET", "status": "404", "host": "unknown"}
    before = value("mercato_http_requests_total", **unknown)
    from django.test import Client

    assert Client(HTTP_HOST="nobody.localhost").get("/").status_code == 404
    assert value("mercato_http_requests_total", **unknown) == before + 1


def test_an_unknown_method_is_counted_as_other(store_client, store_a):
    labels = {"view": "shop-products", "method": "other", "status": "405", "host": "store"}
    before = value("mercato_http_requests_total", **labels)
    response = store_client(store_a).generic("BREW", "/api/v1/shop/products/")
    assert response.status_code == 405
    assert value("mercato_http_requests_total", **labels) == before + 1


def test_no_series_names_a_store(platform_client, metrics_token, store_client, store_a, store_b):
    for store in (store_a, store_b):
        store_client(store).get("/api/v1/shop/products/")
        store_client(store).get("/")
    text = scrape(platform_client)

    stores = {store_a.schema_name, store_b.schema_name, store_a.primary_host}
    families = list(text_string_to_metric_families(text))
    assert {f.name for f in families} >= {
        "mercato_http_requests",
        "mercato_http_request_duration_seconds",
        "django_http_requests_latency_seconds_by_view_method",
        "mercato_celery_queue_depth",
    }
    for family in families:
        for sample in family.samples:
            assert not {"store", "schema", "tenant", "host_name", "path"} & set(sample.labels)
            assert not stores & set(sample.labels.values()), sample


# --- /metrics: where and to whom ----------------------------------------------------------------


def test_metrics_need_the_token(platform_client, metrics_token):
    refused = platform_client.get("/metrics")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert "mercato_" not in refused.content.decode()
    assert platform_client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert platform_client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 401
    answered = platform_client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert answered.status_code == 200
    assert answered["Content-Type"].startswith("text/plain; version=")
    assert answered["Cache-Control"] == "no-store"
    assert platform_client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


def test_metrics_are_not_served_on_a_store_host(store_client, store_a, metrics_token):
    client = store_client(store_a)
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", follow=True)
    # CommonMiddleware adds the slash first; no page of the store answers either.
    assert response.redirect_chain == [("/metrics/", 301)]
    assert response.status_code == 404
    assert b"mercato_http_requests_total" not in response.content


def test_a_task_scraped_at_its_address_answers(metrics_token):
    from django.test import Client

    for host in ("10.0.3.17:8000", "[fd00::17]:8000"):
        client = Client(HTTP_HOST=host)
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def test_metrics_from_an_allowed_network_need_no_token(platform_client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "fd00::/8"]
    platform_client.defaults["REMOTE_ADDR"] = "10.20.30.40"
    assert platform_client.get("/metrics").status_code == 200
    platform_client.defaults["REMOTE_ADDR"] = "192.0.2.7"
    assert platform_client.get("/metrics").status_code == 401


def test_metrics_are_off_when_neither_token_nor_network_is_set(platform_client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    assert platform_client.get("/metrics").status_code == 404


def test_queue_depth_is_read_at_scrape_time(platform_client, metrics_token, settings):
    import redis

    queue = f"metrics-test-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        client.rpush(queue, "a", "b", "c")
        assert f'mercato_celery_queue_depth{{queue="{queue}"}} 3.0' in scrape(platform_client)
        client.lpop(queue)
        assert f'mercato_celery_queue_depth{{queue="{queue}"}} 2.0' in scrape(platform_client)
    finally:
        client.delete(queue)


# --- Business events ----------------------------------------------------------------------------


def test_orders_and_payments_are_counted_once_committed(
    cod_enabled, django_capture_on_commit_callbacks
):
    from payments import services
    from tests.payments.factories import cod_payment

    orders = value("mercato_orders_placed_total")
    pending = value("mercato_payments_total", provider="cod", result="pending")
    succeeded = value("mercato_payments_total", provider="cod", result="succeeded")

    with django_capture_on_commit_callbacks(execute=True):
        payment = cod_payment(2)
    assert value("mercato_orders_placed_total") == orders + 1
    assert value("mercato_payments_total", provider="cod", result="pending") == pending + 1

    with django_capture_on_commit_callbacks(execute=True):
        services.mark_paid(payment=payment, amount="25.00")
    assert value("mercato_payments_total", provider="cod", result="succeeded") == succeeded + 1
    assert value("mercato_payments_total", provider="cod", result="pending") == pending + 1


def test_rolled_back_payments_are_not_counted(cod_enabled):
    from tests.payments.factories import cod_payment

    pending = value("mercato_payments_total", provider="cod", result="pending")
    cod_payment(2)  # the test's transaction is rolled back: its on-commit callbacks never run
    assert value("mercato_payments_total", provider="cod", result="pending") == pending


def test_a_shopper_signup_is_counted(store_client, store_a, django_capture_on_commit_callbacks):
    before = value("mercato_signups_total", kind="shopper")
    client = store_client(store_a)
    client.defaults["REMOTE_ADDR"] = f"10.9.{random.randint(0, 255)}.{random.randint(1, 254)}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/auth/registration/",
            {"email": "counted@example.com", "password1": PASSWORD, "password2": PASSWORD},
            content_type="application/json",
        )
    assert response.status_code == 201
    assert value("mercato_signups_total", kind="shopper") == before + 1


def test_a_store_signup_is_counted_from_its_audit_entry(
    store_a, django_capture_on_commit_callbacks
):
    # What tenants.services.sign_up_store records in its transaction; provisioning a store here
    # would cost a schema (CONTRIBUTING: never a store per test) to test one receiver.
    connection.set_schema_to_public()
    before = value("mercato_signups_total", kind="store")
    with django_capture_on_commit_callbacks(execute=True):
        audit.record(action="store.signed_up", tenant=store_a, actor_label="x@example.com")
        audit.record(action="store.suspended", tenant=store_a, actor_label="x@example.com")
    assert value("mercato_signups_total", kind="store") == before + 1


# --- Celery -------------------------------------------------------------------------------------


@celery_app.task(bind=True, name="tests.metrics.flaky", max_retries=1, default_retry_delay=0)
def flaky(self, fail_first: bool):
    if fail_first and self.request.retries == 0:
        raise self.retry(countdown=0)
    return "done"


@celery_app.task(name="tests.metrics.broken")
def broken():
    raise RuntimeError("broken on purpose")


def test_task_outcomes_are_counted():
    def outcome(task, kind):
        return value("mercato_celery_tasks_total", task=task, outcome=kind)

    before = {
        kind: outcome("tests.metrics.flaky", kind) for kind in ("success", "retry", "failure")
    }
    durations = value("mercato_celery_task_duration_seconds_count", task="tests.metrics.flaky")
    failures = outcome("tests.metrics.broken", "failure")

    # Run in this process as a worker runs them (Celery's tracer sends the same signals).
    # (.result, not .get(): after a test that ran a worker in this process, Celery refuses to
    # block on a result, as it would inside a task.)
    assert flaky.apply(args=(False,)).result == "done"
    assert flaky.apply(args=(True,)).result == "done"  # retried once, then succeeds
    assert broken.apply().failed()

    assert outcome("tests.metrics.flaky", "success") == before["success"] + 2
    assert outcome("tests.metrics.flaky", "retry") == before["retry"] + 1
    assert outcome("tests.metrics.flaky", "failure") == before["failure"]
    assert outcome("tests.metrics.broken", "failure") == failures + 1
    assert (
        value("mercato_celery_task_duration_seconds_count", task="tests.metrics.flaky")
        >= durations + 2
    )


# --- Settings and several processes -------------------------------------------------------------


def test_metrics_wrap_the_store_routing_without_replacing_it(settings):
    middleware = settings.MIDDLEWARE
    assert middleware[0] == "django_prometheus.middleware.PrometheusBeforeMiddleware"
    assert middleware[-1] == "django_prometheus.middleware.PrometheusAfterMiddleware"
    assert middleware.index("observability.middleware.RequestMetricsMiddleware") < (
        middleware.index("tenants.middleware.StoreRoutingMiddleware")
    )
    # django-prometheus's database wrapper would replace django-tenants' backend (the schema
    # switch): the tenants' backend stays.
    assert settings.DATABASES["default"]["ENGINE"] == "django_tenants.postgresql_backend"
    assert settings.PROMETHEUS_EXPORT_MIGRATIONS is False


COUNT_IN_A_PROCESS = (
    "import sourceroot; sourceroot.activate(); from observability import metrics; "
    "metrics.ORDERS_PLACED.inc(); "
    "metrics.REQUESTS.labels('shop-products', 'GET', '200', 'store').inc(3)"
)
SCRAPE_IN_A_PROCESS = (
    "import sourceroot; sourceroot.activate(); import django; django.setup(); "
    "from observability import metrics; print(metrics.render()[0].decode())"
)


def test_several_processes_are_summed_at_scrape_time(tmp_path, settings):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    environment = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "DATABASE_URL": settings.DATABASE_URL,
        "REDIS_URL": settings.REDIS_URL,
    }
    (tmp_path / "counter_999999.db").write_bytes(b"")  # a previous run's file

    def run(code):
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path)
    try:
        metrics.clear_multiprocess_dir()  # gunicorn's on_starting
    finally:
        del os.environ["PROMETHEUS_MULTIPROC_DIR"]
    assert list(tmp_path.iterdir()) == []

    run(COUNT_IN_A_PROCESS)
    run(COUNT_IN_A_PROCESS)  # another worker
    text = run(SCRAPE_IN_A_PROCESS)
    assert "mercato_orders_placed_total 2.0" in text
    assert (
        'mercato_http_requests_total{host="store",method="GET",status="200",'
        'view="shop-products"} 6.0'
    ) in text
    assert "mercato_celery_broker_up 1.0" in text
