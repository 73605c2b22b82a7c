"""Store provisioning: signup to live store, against migrating a schema from zero.

Runs against a database of its own (``<name>_bench_provisioning``, dropped at the end unless
--keep), with the platform served by gunicorn on a loopback port. Each signup is timed from
POST /api/platform/signup/ to the new store's first page answering 200: signup to live store.

* ``signup_p50_ms`` / ``signup_p95_ms``: the designed path, a ready schema taken from the warm
  pool (topped up between signups, untimed, as the background refill does);
* ``signup_cold_p50_ms`` / ``signup_cold_p95_ms``: the pool empty, each store cloned from the
  template by replaying its DDL (a burst of signups faster than the refill);
* ``signup_first20_p50_ms`` / ``signup_last20_p50_ms``: the first and last 20 of N cold signups
  in a row (default 200): provisioning does not slow down as stores pile up;
* ``migrate_schema_ms``: one store schema built by running every migration instead, and its
  ratio to each signup path.

    python benchmarks/provisioning.py [--stores 200] [--pooled 40] [--migrations 2] [--keep]
"""

import argparse
import json
import statistics
import time

from harness import (
    bench_environment,
    drop_database,
    figure,
    migrate,
    percentile,
    request,
    web_server,
)


def sign_up(port: int, number: int) -> float:
    slug = f"bench-{number:04d}"
    body = json.dumps(
        {
            "store_name": f"Bench Store {number}",
            "subdomain": slug,
            "owner_email": f"owner{number}@bench.example.com",
            "owner_password": "Benchmark-Pass-2026",
        }
    )
    started = time.perf_counter()
    status, answer = request(port, "POST", "/api/platform/signup/", "localhost", body)
    if status != 201:
        raise RuntimeError(f"signup {slug} failed: {status} {answer[:300]!r}")
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

    environment = bench_environment("bench_provisioning")
    migrate(environment)
    import django

    django.setup()
    from tenants.pool import refill_pool

    with web_server(environment) as port:
        for number in range(args.warmup):
            sign_up(port, 9000 + number)
        cold = [sign_up(port, number) for number in range(args.stores)]
        warm = []
        for number in range(args.pooled):
            refill_pool(size=1)  # what the background refill does between signups
            warm.append(sign_up(port, 5000 + number))
    migrations = time_migrations(args.migrations)

    migrate_ms = statistics.median(migrations)
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
    figure("migrate_schema_ms", migrate_ms, "ms")
    figure("migrate_over_signup_ratio", migrate_ms / statistics.median(warm), "x")
    figure("migrate_over_cold_signup_ratio", migrate_ms / statistics.median(cold), "x")
    figure("stores_provisioned", len(cold) + len(warm) + args.warmup, "stores")
    if not args.keep:
        drop_database(environment)


if __name__ == "__main__":
    main()
