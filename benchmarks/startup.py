"""Starting the platform with nothing to migrate: ``make migrate`` against ``migrate_schemas``.

Runs against a database of its own (``<name>_bench_startup``, dropped at the end unless --keep):
migrated, then --stores stores provisioned as signup does. Then, with every schema current:

* ``check_schemas_ms``: finding the schemas behind (tenants.migration_status.schemas_behind
  over the public schema, the template and every store; p50 of 20);
* ``migrate_current_schema_ms``: ``migrate_schemas`` of one store already current (p50 of
  --migrations), what every start used to pay per schema, and its ratio to the check;
* ``make_migrate_s`` / ``migrate_schemas_all_s``: the whole command as ``make migrate`` runs it
  now (``manage.py migrate_pending``) and as it ran before (``manage.py migrate_schemas``), each
  a new process (Django's start-up included), and their ratio.

    python benchmarks/startup.py [--stores 10] [--migrations 3] [--keep]
"""

import argparse
import statistics
import subprocess
import sys
import time

from harness import ROOT, bench_environment, drop_database, figure, migrate


def timed_command(environment: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own manage.py, with our own arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=10)
    parser.add_argument("--migrations", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()

    environment = bench_environment("bench_startup")
    try:
        migrate(environment)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from tenants.migration_status import schemas_behind
        from tenants.models import Tenant
        from tenants.services import provision_store

        for number in range(args.stores):
            provision_store(name=f"Bench {number}", slug=f"bench-{number:03d}")
        connection.set_schema_to_public()
        schemas = [
            "public",
            *Tenant.objects.exclude(schema_name="public").values_list("schema_name", flat=True),
        ]
        assert schemas_behind(schemas) == [], "every schema should be current"

        checks = []
        for _ in range(20):
            started = time.perf_counter()
            schemas_behind(schemas)
            checks.append((time.perf_counter() - started) * 1000)
        migrations = []
        for _ in range(args.migrations):
            started = time.perf_counter()
            call_command("migrate_schemas", schema_name="bench_000", interactive=False, verbosity=0)
            migrations.append((time.perf_counter() - started) * 1000)
            connection.set_schema_to_public()
        check_ms, migrate_ms = statistics.median(checks), statistics.median(migrations)
        figure("check_schemas_ms", check_ms, "ms")
        figure("migrate_current_schema_ms", migrate_ms, "ms")
        figure("migrate_current_schema_vs_check_ratio", migrate_ms / check_ms, "x")

        connection.close()
        pending = timed_command(environment, "migrate_pending")
        everything = timed_command(environment, "migrate_schemas", "--noinput", "-v", "0")
        figure("make_migrate_s", pending, "s")
        figure("migrate_schemas_all_s", everything, "s")
        figure("migrate_schemas_all_vs_make_migrate_ratio", everything / pending, "x")
    finally:
        if not args.keep:
            drop_database(environment)


if __name__ == "__main__":
    main()
