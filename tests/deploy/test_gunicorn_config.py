"""deploy/gunicorn.conf.py, run for real: gunicorn with it serves the platform and writes one
JSON object per access log line."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]


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
    namespace: dict = {}
    source = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    exec(compile(source, "gunicorn.conf.py", "exec"), namespace)
    cpus = namespace["_cpus"]()
    assert 1 <= cpus <= (os.cpu_count() or 1)
    if not os.environ.get("WEB_CONCURRENCY"):
        assert namespace["workers"] == 2 * cpus + 1
    # Longer than the load balancer's idle timeout (60 s in deploy/terraform/modules/service).
    assert namespace["keepalive"] > 60
    assert namespace["timeout"] >= 30
    assert namespace["graceful_timeout"] < namespace["timeout"]


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
