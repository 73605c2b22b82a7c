"""Migrations at scale: a deploy's ``migrate_pending`` over 1,000 stores.

Runs against a database of its own (``<name>_bench_migrations``: a copy of the configured
database when that one is migrated and idle, else a new one migrated from zero), dropped at
the end with its 1,000 schemas unless --keep.

* ``stores_created_s``: 1,000 stores made the way the store pool makes them (a Tenant row and
  a clone of the template schema, tenants.cloning), in parallel processes;
* ``noop_migrate_1000_s``: ``manage.py migrate_pending`` (a process of its own, start-up
  included, as a deploy runs it) when every schema is current (goal < 30 s);
* ``migrate_schema_ms``: Django's own path (``migrate_schemas --schema``) applying a new
  additive migration to one store, in this process (start-up excluded);
* ``one_migration_1000_s``: ``manage.py migrate_pending`` applying that migration to the
  template and every other store (goal < 120 s), and ``migrate_schema_parallel_ms``, its time
  per store; ``migrate_speedup_x`` compares the two paths per store.

The additive migration is a throwaway file (a nullable column on wishlists) written for the
run and removed afterwards, whatever happens; it never stays in the repository.

    python benchmarks/migrations.py [--stores 1000] [--keep]
"""

import argparse
import multiprocessing
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from harness import ROOT, bench_environment, drop_database, figure

THROWAWAY_APP = "wishlists"
THROWAWAY_NAME = "9999_bench_throwaway_note"
THROWAWAY_COLUMN = "bench_throwaway_note"


def prepare_database() -> dict[str, str]:
    """The benchmark's database: a copy of the configured one if possible (seconds), else
    migrated from zero (minutes)."""
    import psycopg

    source_url = os.environ.get("DATABASE_URL")
    environment = bench_environment("bench_migrations", fresh=False)
    admin_url, name = environment["DATABASE_URL"].rsplit("/", 1)
    if source_url:
        source = source_url.rsplit("/", 1)[1].split("?")[0]
        try:
            with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        except psycopg.Error as error:
            print(f"# could not copy {source} ({error}); migrating from zero", flush=True)
            with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
    environment["MIGRATION_PROCESSES"] = os.environ.get("MIGRATION_PROCESSES", "")
    run_manage(environment, "migrate_pending")
    return environment


def run_manage(environment: dict[str, str], *arguments: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env={key: value for key, value in environment.items() if value != ""},
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(arguments)} failed:\n{result.stderr[-3000:]}")
    return elapsed, result.stdout


def _create_stores(numbers: list[int]) -> None:
    from django.db import connection, transaction

    from tenants.cloning import clone_template_schema
    from tenants.models import Tenant

    for number in numbers:
        schema_name = f"bench_mig_{number:05d}"
        with transaction.atomic():
            Tenant.objects.create(
                name=f"Bench store {number}",
                slug=schema_name.replace("_", "-"),
                schema_name=schema_name,
                status=Tenant.Status.ACTIVE,
            )
            clone_template_schema(schema_name)
    connection.close()


def create_stores(count: int, processes: int) -> float:
    from django.db import connections

    connections.close_all()
    started = time.perf_counter()
    shares = [list(range(start, count, processes)) for start in range(processes)]
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_create_stores, args=(share,)) for share in shares]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            raise RuntimeError("creating the stores failed (see above)")
    return time.perf_counter() - started


def write_throwaway_migration() -> Path:
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    leaves = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes(THROWAWAY_APP)
    directory = Path(apps.get_app_config(THROWAWAY_APP).path) / "migrations"
    path = directory / f"{THROWAWAY_NAME}.py"
    path.write_text(
        "# Written by benchmarks/migrations.py for one run and removed after it.\n"
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = [{leaves[0]!r}]\n"
        "    operations = [\n"
        "        migrations.AddField(\n"
        f'            model_name="wishlist", name="{THROWAWAY_COLUMN}",\n'
        "            field=models.TextField(null=True),\n"
        "        ),\n"
        "    ]\n"
    )
    return path


def remove_throwaway_migration(path: Path) -> None:
    path.unlink(missing_ok=True)
    for compiled in path.parent.glob(f"__pycache__/{THROWAWAY_NAME}.*"):
        compiled.unlink(missing_ok=True)


def time_one_store(schema_name: str) -> float:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command(
        "migrate_schemas",
        schema_name=schema_name,
        interactive=False,
        verbosity=0,
        executor="standard",
    )
    elapsed = time.perf_counter() - started
    connection.set_schema_to_public()
    return elapsed


def schemas_with_column() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'wishlists_wishlist' AND column_name = %s",
            [THROWAWAY_COLUMN],
        )
        return cursor.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark's database")
    options = parser.parse_args()

    environment = prepare_database()
    import django

    django.setup()
    from django.db import connection

    processes = int(environment.get("MIGRATION_PROCESSES") or os.cpu_count() or 2)
    migration = None
    try:
        figure("stores_created_s", create_stores(options.stores, processes), "s")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM tenants_tenant WHERE schema_name <> 'public'")
            schemas = cursor.fetchone()[0]
        print(f"# {schemas} store schemas (template included), {processes} processes")

        elapsed, output = run_manage(environment, "migrate_pending")
        assert f"{schemas} of {schemas} store schemas were already current" in output, output
        figure(f"noop_migrate_{options.stores}_s", elapsed, "s")

        migration = write_throwaway_migration()
        one = time_one_store("bench_mig_00000")
        figure("migrate_schema_ms", one * 1000, "ms")

        elapsed, output = run_manage(environment, "migrate_pending")
        progress = re.findall(r"migrated (\d+)/(\d+) stores, (\d+) failed", output)
        assert progress and progress[-1][0] == progress[-1][1], output
        assert progress[-1][2] == "0", output
        # Every store schema and the template has the column (public has no such table).
        assert schemas_with_column() == schemas, (schemas_with_column(), schemas)
        figure(f"one_migration_{options.stores}_s", elapsed, "s")
        per_store = elapsed / (schemas - 1)
        figure("migrate_schema_parallel_ms", per_store * 1000, "ms")
        figure("migrate_speedup_x", one / per_store, "x")
        median = re.search(r"(\d+) ms each \(median\)", output)
        figure("migrate_schema_worker_p50_ms", float(median.group(1)), "ms")
    finally:
        if migration is not None:
            remove_throwaway_migration(migration)
        if not options.keep:
            drop_database(environment)


if __name__ == "__main__":
    main()
