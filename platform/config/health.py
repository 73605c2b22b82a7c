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
    import urllib.request

    with urllib.request.urlopen(settings.ELASTICSEARCH_URL, timeout=2) as response:  # noqa: S310
        if response.status >= 500:
            raise ConnectionError(f"Elasticsearch answered {response.status}")
