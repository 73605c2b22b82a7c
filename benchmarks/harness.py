"""What every benchmark shares: its own database, a real HTTP server, timing, figures."""

import http.client
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def figure(name: str, value: float, unit: str) -> None:
    """Print one figure as ``figure <name> <value> <unit>``."""
    digits = 2 if unit == "x" else 1
    print(f"figure {name} {value:.{digits}f} {unit}", flush=True)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def bench_environment(suffix: str, *, fresh: bool = True) -> dict[str, str]:
    """Point this process (and its children) at the database ``<name>_<suffix>``, recreated
    empty unless ``fresh`` is false (to measure again a database kept by an earlier run)."""
    import sourceroot

    sourceroot.activate()
    from config import embedded

    base = os.environ.get("DATABASE_URL") or embedded.ensure_postgres()
    admin_url, name = base.rsplit("/", 1)
    url = f"{admin_url}/{name.split('?')[0]}_{suffix}"
    if fresh:
        _recreate_database(url)
    environment = {
        "DATABASE_URL": url,
        "DEBUG": os.environ.get("DEBUG", "1"),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-secret-key"),
        "PLATFORM_DOMAIN": "localhost",
        "LOG_LEVEL": "WARNING",
        "SIGNUP_RATE": "1000000/hour",
        "STORE_POOL_SIZE": "0",
    }
    os.environ.update(environment)
    return {**os.environ}


def migrate(environment: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate_schemas", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )


def manage(environment: dict[str, str], *arguments: str) -> None:
    """Run ``manage.py <arguments>`` in a process of its own, on the benchmark's database."""
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=environment, check=True
    )


def seed_bench_store(
    environment: dict[str, str], variants: int, *, per_product: int, reindex: bool = False
) -> None:
    """The store ``bench`` with ``variants`` seeded variants (indexed for search when
    ``reindex``), timed as ``seed_catalog_s``; then a checkpoint, so that the load's dirty
    pages are written now and not during the measurement."""
    import psycopg

    started = time.perf_counter()
    manage(
        environment,
        "shell",
        "-c",
        "from tenants.services import provision_store; "
        "provision_store(name='Bench Store', slug='bench')",
    )
    manage(
        environment,
        "seed_catalog",
        "--store",
        "bench",
        "--variants",
        str(variants),
        "--variants-per-product",
        str(per_product),
    )
    if reindex:
        manage(environment, "search_reindex", "--tenant", "bench")
    figure("seed_catalog_s", time.perf_counter() - started, "s")
    with psycopg.connect(environment["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("CHECKPOINT")


def drop_database(environment: dict[str, str]) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    admin_url, name = environment["DATABASE_URL"].rsplit("/", 1)
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def web_server(environment: dict[str, str], *, workers: int = 1):
    """gunicorn serving the platform on a free loopback port; yields the port."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "sourceroot:wsgi_application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    try:
        _wait_for(port)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def request(port: int, method: str, path: str, host: str, body: str | None = None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    all_headers = {"Host": host, **(headers or {})}
    if body is not None:
        all_headers["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=all_headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def timed_get(port: int, path: str, host: str) -> float:
    started = time.perf_counter()
    status, body = request(port, "GET", path, host)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise RuntimeError(f"GET {host}{path} answered {status}: {body[:300]!r}")
    return elapsed


def _recreate_database(url: str) -> None:
    import psycopg

    admin_url, name = url.rsplit("/", 1)
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the web server did not start")
