"""Mercato's own Prometheus metrics (beside django-prometheus's), in one place.

**No store label.** A label's every value is a time series in every process that reports it:
10,000 stores x ~300 view names x ~10 statuses x 2 methods is 60 million series for one
counter, and histograms multiply that by their buckets. Prometheus holds a few million in all.
So the labels here are bounded sets that do not grow with the number of stores: a view's URL
*name* (never its path, which carries ids and slugs), the status code, the host kind
(``platform`` or ``store``), a task's name, a payment provider's code. Per-store figures live
in the JSON logs (every line carries the store's schema and the request id) and in traces
(the ``mercato.store`` span attribute), where a store's own numbers are searched, not summed.

**Several processes.** gunicorn's workers and Celery's prefork children each count for
themselves. With ``PROMETHEUS_MULTIPROC_DIR`` set (before any process imports
``prometheus_client``: in the environment of gunicorn and of the worker) each process writes
its values to files there and :func:`scrape_registry` sums them at scrape time; the directory is
emptied when the server starts and a dead worker's gauges are dropped
(:func:`gunicorn_child_exit`). Without it (development, tests) the default registry is used.
"""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

# Seconds: a storefront page is tens of milliseconds; the alert is on p95 > 0.5 s.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, 5, 10)

REQUESTS = Counter(
    "mercato_http_requests_total",
    "HTTP requests answered, by resolved URL name, method, status and host kind.",
    ["view", "method", "status", "host"],
)
REQUEST_LATENCY = Histogram(
    "mercato_http_request_duration_seconds",
    "Time from the request's arrival in Django to its response, by resolved URL name.",
    ["view", "method", "host"],
    buckets=LATENCY_BUCKETS,
)
CELERY_TASKS = Counter(
    "mercato_celery_tasks_total",
    "Celery tasks finished, by task name and outcome (success, failure, retry).",
    ["task", "outcome"],
)
CELERY_TASK_DURATION = Histogram(
    "mercato_celery_task_duration_seconds",
    "Time a Celery task ran, by task name.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
SIGNUPS = Counter(
    "mercato_signups_total",
    "Sign-ups: kind=store (a merchant opened a store), kind=shopper (an account at a store).",
    ["kind"],
)
ORDERS_PLACED = Counter("mercato_orders_placed_total", "Orders placed (committed).")
PAYMENTS = Counter(
    "mercato_payments_total",
    "Payments created or moved to a state, by provider code and resulting state "
    "(pending, action_required, authorised, succeeded, failed, cancelled...).",
    ["provider", "result"],
)

# What a view label says when no URL pattern matched (a 404, a store that does not exist, a
# request the routing middleware answered itself): one value, not the unmatched path.
UNRESOLVED = "<unresolved>"


def scrape_registry() -> CollectorRegistry:
    """The registry a scrape reads: every process's values when several processes count
    (``PROMETHEUS_MULTIPROC_DIR``), else this process's; plus the queue depths, read now."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(QueueDepthCollector())
        return registry
    _register_queue_depth_once()
    return REGISTRY


def render() -> tuple[bytes, str]:
    """The exposition text of :func:`scrape_registry` and its content type."""
    return generate_latest(scrape_registry()), CONTENT_TYPE_LATEST


class QueueDepthCollector:
    """``mercato_celery_queue_depth{queue}``: messages waiting in each Celery queue (Redis
    ``LLEN``), asked at scrape time, so a stuck worker shows even when no process counts."""

    def collect(self):
        from django.conf import settings

        family = GaugeMetricFamily(
            "mercato_celery_queue_depth",
            "Messages waiting in a Celery queue (Redis LLEN at scrape time).",
            labels=["queue"],
        )
        try:
            client = _broker_client()
            for queue in queue_names(settings):
                family.add_metric([queue], client.llen(queue))
        except Exception:  # noqa: BLE001 - a scrape must answer even when Redis does not
            up = GaugeMetricFamily(
                "mercato_celery_broker_up", "Whether the broker answered the last scrape."
            )
            up.add_metric([], 0)
            yield up
            return
        up = GaugeMetricFamily(
            "mercato_celery_broker_up", "Whether the broker answered the last scrape."
        )
        up.add_metric([], 1)
        yield up
        yield family


def queue_names(settings) -> list[str]:
    """The queues tasks are sent to: the default one and any named by the task routes."""
    names = [settings.CELERY_TASK_DEFAULT_QUEUE]
    for route in (getattr(settings, "CELERY_TASK_ROUTES", None) or {}).values():
        queue = route.get("queue") if isinstance(route, dict) else None
        if queue and queue not in names:
            names.append(queue)
    return names


def _broker_client():
    import redis
    from django.conf import settings

    return redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1
    )


_queue_depth_registered = False


def _register_queue_depth_once() -> None:
    global _queue_depth_registered
    if not _queue_depth_registered:
        REGISTRY.register(QueueDepthCollector())
        _queue_depth_registered = True


def gunicorn_child_exit(server, worker) -> None:
    """gunicorn's ``child_exit`` hook: forget a dead worker's live gauges (its counters stay
    in the sums). deploy/gunicorn.conf.py: ``child_exit = gunicorn_child_exit``."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)


def clear_multiprocess_dir() -> None:
    """Empty ``PROMETHEUS_MULTIPROC_DIR`` (gunicorn's ``on_starting``): files of a previous
    run's processes would otherwise be summed with this run's."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.endswith(".db"):
            os.remove(os.path.join(directory, name))
