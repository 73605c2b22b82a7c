"""Liveness and readiness probes, used by the deployment's load balancer and orchestrator."""

import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse


def liveness(request: HttpRequest) -> JsonResponse:
    """The process is up and serving; checks nothing else, so it never flaps with a dependency."""
    return JsonResponse({"status": "ok"})


def readiness(request: HttpRequest) -> JsonResponse:
    """Every service the platform needs answers; 503 with the failing ones otherwise."""
    checks = {"database": _check_database, "redis": _check_redis}
    if settings.ELASTICSEARCH_URL:
        checks["elasticsearch"] = _check_elasticsearch
    results = {name: _timed(check) for name, check in checks.items()}
    ready = all(result["status"] == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results},
        status=200 if ready else 503,
    )


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception as error:  # noqa: BLE001 - any failure means "not ready", reported by name
        return {"status": "error", "error": type(error).__name__}
    return {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_redis() -> None:
    from django_redis import get_redis_connection

    get_redis_connection("default").ping()


def _check_elasticsearch() -> None:
    # The search backend's own client, not a bare HTTP GET: the credentials in the URL (Elastic
    # Cloud's elastic user) become its Basic header, and a server that is not Elasticsearch
    # (Amazon OpenSearch) fails here as it would fail every search, on the product check.
    from elasticsearch import Elasticsearch

    client = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=2, max_retries=0)
    try:
        client.info()
    finally:
        client.close()
