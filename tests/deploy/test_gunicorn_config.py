"""deploy/gunicorn.conf.py, run for real: gunicorn with it serves the platform, writes one
JSON object per access log line, and in Prometheus's multiprocess mode serves /metrics summed
over its workers, dead ones included, from a directory emptied when it starts."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families

from observability import metrics
from tests.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


def test_gunicorn_serves_with_the_config_and_logs_json_lines(tmp_path):
    port = free_port()
    access_log = tmp_path / "access.log"
    environment = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": str(access_log),
    }
    command = [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py"]
    server = subprocess.Popen(
        [*command, "sourceroot:wsgi_application"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        response = _get_when_up(f"http://127.0.0.1:{port}/healthz", server)
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        request_id = response.headers["X-Request-ID"]
        lines = _wait_for_lines(access_log)
    finally:
        server.terminate()
        server.wait(timeout=30)
    line = json.loads(lines[-1])
    assert line["type"] == "access"
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert line["request_id"] == request_id
    assert line["duration_ms"] >= 0


def test_workers_follow_the_cpus_the_container_may_use():
    namespace = _load_config()
    cpus = namespace["_cpus"]()
    assert 1 <= cpus <= (os.cpu_count() or 1)
    if not os.environ.get("WEB_CONCURRENCY"):
        assert namespace["workers"] == 2 * cpus + 1
    # Longer than the load balancer's idle timeout (60 s in deploy/terraform/modules/service).
    assert namespace["keepalive"] > 60
    assert namespace["timeout"] >= 30
    assert namespace["graceful_timeout"] < namespace["timeout"]


def test_the_prometheus_hooks_are_wired_and_empty_the_directory(tmp_path, monkeypatch):
    directory = tmp_path / "prometheus"
    directory.mkdir()
    stale = directory / "counter_4242.db"
    stale.write_bytes(b"from a previous run")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    namespace = _load_config()
    assert namespace["child_exit"] is metrics.gunicorn_child_exit
    namespace["on_starting"](None)
    assert not stale.exists()


def test_gunicorn_serves_metrics_summed_over_its_workers(tmp_path):
    # Each worker is recycled after 3 requests (max_requests, no jitter): the 10 requests are
    # answered by at least four worker processes, most of them gone by the scrape. /metrics must
    # count all 10, and nothing of the previous run's file left in the directory.
    port = free_port()
    directory = tmp_path / "prometheus"
    directory.mkdir()
    _previous_run_counted_orders(directory, 1000)
    environment = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_MAX_REQUESTS": "3",
        "GUNICORN_MAX_REQUESTS_JITTER": "0",
        "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"),
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        "METRICS_ALLOWED_NETWORKS": "127.0.0.1/32",
    }
    server = _start_gunicorn(environment)
    try:
        assert _get_when_up(f"http://127.0.0.1:{port}/healthz", server).status_code == 200
        for _ in range(9):
            assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200
        scrape = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert scrape.status_code == 200
    samples = {
        sample.name: sample.value
        for family in text_string_to_metric_families(scrape.text)
        for sample in family.samples
        if not sample.labels
    }
    # django-prometheus's first middleware counts every request, this scrape included.
    assert samples["django_http_requests_before_middlewares_total"] == 11
    assert samples["mercato_orders_placed_total"] == 0
    writers = {path.stem.rsplit("_", 1)[1] for path in directory.glob("counter_*.db")}
    assert len(writers) >= 4  # the workers that answered, recycled ones included


def _previous_run_counted_orders(directory: Path, count: int) -> None:
    """A real metrics file left by a process of an earlier run (as after a container restart)."""
    code = (
        "import sourceroot; sourceroot.activate(); "
        f"from observability.metrics import ORDERS_PLACED; ORDERS_PLACED.inc({count})"
    )
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, check=True)
    assert list(directory.glob("counter_*.db"))


def _load_config() -> dict:
    namespace: dict = {"__file__": str(CONFIG), "__name__": "gunicorn_conf"}
    exec(compile(CONFIG.read_text(), str(CONFIG), "exec"), namespace)
    return namespace


def _start_gunicorn(environment: dict) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "--config", str(CONFIG)]
    return subprocess.Popen(
        [*command, "sourceroot:wsgi_application"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _get_when_up(url: str, server: subprocess.Popen) -> requests.Response:
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited: {server.stderr.read()[-2000:]}")
        try:
            # gunicorn accepts before its worker has imported Django: the first answer is slow.
            return requests.get(url, timeout=30)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _wait_for_lines(path: Path) -> list[str]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if path.exists() and (lines := path.read_text().splitlines()):
            return lines
        time.sleep(0.1)
    raise AssertionError("no access log line written")
