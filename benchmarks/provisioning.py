"""Store provisioning: signup to live store, against migrating a schema from zero.

Runs against a database of its own (``<name>_bench`` on the configured or embedded PostgreSQL,
dropped at the end unless --keep), with the web app served by gunicorn on a loopback port.
Each signup is timed from POST /api/platform/signup/ to the new store's first page answering
200 -- signup to live store, over HTTP.

* ``signup_p50_ms`` / ``signup_p95_ms``: the designed path, a ready schema taken from the warm
  pool (the pool is topped up between signups, untimed, as the background refill does);
* ``signup_cold_p50_ms`` / ``signup_cold_p95_ms``: the pool empty, each store cloned from the
  template by replaying its DDL (a burst of signups faster than the refill);
* ``signup_first20_p50_ms`` / ``signup_last20_p50_ms``: the first and last 20 of N cold signups
  in a row (default 200), to show provisioning does not slow down as stores pile up;
* ``migrate_schema_ms``: one store schema built by running every migration instead, and its
  ratio to each signup path.

    python benchmarks/provisioning.py [--stores 200] [--pooled 40] [--migrations 2] [--keep]
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def figure(name: str, value: float, unit: str) -> None:
    digits = 2 if unit == "x" else 1
    print(f"figure {name} {value:.{digits}f} {unit}", flush=True)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_database_url() -> str:
    import sourceroot

    sourceroot.activate()
    from config import embedded

    base = os.environ.get("DATABASE_URL") or embedded.ensure_postgres()
    return base.rsplit("/", 1)[0] + "/" + base.rsplit("/", 1)[1].split("?")[0] + "_bench"


def create_database(url: str) -> None:
    import psycopg

    admin_url, name = url.rsplit("/", 1)
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    admin_url, name = url.rsplit("/", 1)
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the web server did not start")


def request(port: int, method: str, path: str, host: str, body: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": host}
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=payload, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def sign_up(port: int, number: int) -> float:
    slug = f"bench-{number:04d}"
    started = time.perf_counter()
    status, body = request(
        port,
        "POST",
        "/api/platform/signup/",
        "localhost",
        {
            "store_name": f"Bench Store {number}",
            "subdomain": slug,
            "owner_email": f"owner{number}@bench.example.com",
            "owner_password": "Benchmark-Pass-2026",
        },
    )
    if status != 201:
        raise RuntimeError(f"signup {slug} failed: {status} {body[:300]!r}")
    status, _ = request(port, "GET", "/", f"{slug}.localhost")
    if status != 200:
        raise RuntimeError(f"store {slug} is not live: {status}")
    return (time.perf_counter() - started) * 1000


def time_migrations(repetitions: int) -> list[float]:
    from django.core.management import call_command
    from django.db import connection

    timings = []
    for number in range(repetitions):
        schema = f"bench_migrated_{number}"
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
        started = time.perf_counter()
        call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
        timings.append((time.perf_counter() - started) * 1000)
        connection.set_schema_to_public()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=200)
    parser.add_argument("--pooled", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--migrations", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()

    url = bench_database_url()
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": os.environ.get("DEBUG", "1"),
        "SIGNUP_RATE": "1000000/hour",
        # The benchmark tops the pool up itself, between timed signups.
        "STORE_POOL_SIZE": "0",
        "PLATFORM_DOMAIN": "localhost",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(environment)
    create_database(url)
    python = sys.executable
    subprocess.run(  # noqa: S603
        [python, "manage.py", "migrate_schemas", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            python,
            "-m",
            "gunicorn",
            "sourceroot:wsgi_application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    import django

    django.setup()
    from tenants.pool import refill_pool

    try:
        wait_for(port)
        for number in range(args.warmup):
            sign_up(port, 9000 + number)
        cold = [sign_up(port, number) for number in range(args.stores)]
        warm = []
        for number in range(args.pooled):
            refill_pool(size=1)  # what the background refill does between signups
            warm.append(sign_up(port, 5000 + number))
    finally:
        server.terminate()
        server.wait(timeout=30)

    migrations = time_migrations(args.migrations)
    migrate = statistics.median(migrations)
    figure("signup_p50_ms", statistics.median(warm), "ms")
    figure("signup_p95_ms", percentile(warm, 95), "ms")
    figure("signup_cold_p50_ms", statistics.median(cold), "ms")
    figure("signup_cold_p95_ms", percentile(cold, 95), "ms")
    figure("signup_first20_p50_ms", statistics.median(cold[:20]), "ms")
    figure("signup_last20_p50_ms", statistics.median(cold[-20:]), "ms")
    figure(
        "signup_last20_over_first20_ratio",
        statistics.median(cold[-20:]) / statistics.median(cold[:20]),
        "x",
    )
    figure("migrate_schema_ms", migrate, "ms")
    figure("migrate_over_signup_ratio", migrate / statistics.median(warm), "x")
    figure("migrate_over_cold_signup_ratio", migrate / statistics.median(cold), "x")
    figure("stores_provisioned", len(cold) + len(warm) + args.warmup, "stores")

    if not args.keep:
        from django.db import connections

        connections.close_all()
        drop_database(url)


if __name__ == "__main__":
    main()
