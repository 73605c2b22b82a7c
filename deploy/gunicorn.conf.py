"""gunicorn's configuration for the web process (the image's default command, and ECS's web task).

    gunicorn --config deploy/gunicorn.conf.py sourceroot:wsgi_application

Workers from the CPUs the container may use (its cgroup quota, not the host's count), threads
for requests waiting on PostgreSQL/Redis/providers, timeouts that fit the load balancer, and an
access log of one JSON object per line (CloudWatch Logs Insights and jq read it as is). Every
value can be overridden from the environment (GUNICORN_*, WEB_CONCURRENCY).

Graceful reload: ``kill -HUP <master>`` starts new workers with fresh code and settings, then
stops the old ones after their requests (``graceful_timeout``); SIGTERM (ECS stopping a task)
lets requests in flight finish within the same time.

Prometheus: with ``PROMETHEUS_MULTIPROC_DIR`` set (the image sets it), every worker writes its
metrics to files there and ``/metrics`` sums them; the directory is emptied when gunicorn starts
and a dead worker's live gauges are dropped (``on_starting``, ``child_exit`` below).
"""

import json
import math
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from gunicorn.glogging import Logger

# gunicorn reads this file before it loads the application: put platform/ on the path as the
# application's entry point does (sourceroot), for the metrics hooks below.
_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))
import sourceroot  # noqa: E402

sourceroot.activate()
# prometheus_client opens its files when a metric is created (at import): the directory must
# exist first (an empty volume in ECS, a tmpfs in Compose; created here for anything else).
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

from observability.metrics import clear_multiprocess_dir, gunicorn_child_exit  # noqa: E402


def _cpus() -> int:
    """CPUs this container may use: the cgroup v2/v1 quota, else the CPUs it may run on."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        available = os.cpu_count() or 1
    quota = None
    cpu_max = Path("/sys/fs/cgroup/cpu.max")  # cgroup v2: "<quota> <period>" or "max <period>"
    if cpu_max.exists():
        limit, period = cpu_max.read_text().split()[:2]
        if limit != "max":
            quota = int(limit) / int(period)
    else:
        v1_quota = Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")
        v1_period = Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us")
        if v1_quota.exists() and v1_period.exists() and int(v1_quota.read_text()) > 0:
            quota = int(v1_quota.read_text()) / int(v1_period.read_text())
    if quota:
        available = min(available, max(1, math.ceil(quota)))
    return max(1, available)


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# 2 per CPU + 1: a sync-ish Django app spends much of a request waiting on the database.
workers = _env_int("WEB_CONCURRENCY", 2 * _cpus() + 1)
worker_class = "gthread"
threads = _env_int("GUNICORN_THREADS", 4)
# A request running longer is killed and logged; the load balancer would have given up anyway.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 25)
# Longer than the load balancer's idle timeout (60 s): otherwise gunicorn may close a connection
# the balancer is about to reuse, and the shopper gets a 502.
keepalive = _env_int("GUNICORN_KEEPALIVE", 65)
# Recycle workers now and then (memory held by a big import or export is given back).
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Heartbeat files on tmpfs: on a container's overlay disk a slow write can look like a hung worker.
_SHM = Path("/dev/shm")  # noqa: S108 - gunicorn's own advice; only its heartbeat files go there
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or (
    str(_SHM) if _SHM.is_dir() and os.access(_SHM, os.W_OK) else None
)
# The load balancer sets X-Forwarded-*; Django decides what to trust (TRUSTED_PROXY_COUNT).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "*")
# Not preloaded: a HUP then loads the new code in the new workers.
preload_app = False

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


class JsonAccessLogger(Logger):
    """Writes each access log line as one JSON object (escaped properly, unlike a format string)."""

    def access(self, resp, req, environ, request_time):
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        headers = dict((name.lower(), value) for name, value in (resp.headers or []))
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "type": "access",
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING") or None,
            "host": environ.get("HTTP_HOST"),
            "status": resp.status_code,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": headers.get("x-request-id"),
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }
        try:
            self.access_log.info(json.dumps(line, separators=(",", ":")))
        except Exception:  # noqa: BLE001 - a log line must never fail a request
            self.exception("Failed to write the access log line")


logger_class = JsonAccessLogger


def on_starting(server):
    # Files of a previous run's processes would otherwise be summed with this run's.
    clear_multiprocess_dir()


# A dead worker's live gauges are forgotten (its counters stay in the sums).
child_exit = gunicorn_child_exit
