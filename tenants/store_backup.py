"""One store's backup, and its restore into the same store or a new one.

The drill a support engineer runs when a merchant deletes their catalog by mistake
(``manage.py export_store`` / ``manage.py restore_store``; docs/readme/prod-data.md).

An archive is one tar file::

    manifest.json   format, the store's schema, its applied migrations, its public rows
                    (Tenant, domains), the PostgreSQL version, every media file with its digest
    schema.dump     pg_dump --format=custom --schema=<schema>: the store's tables and rows
    media/...       the files under the store's media prefix (MEDIA_ROOT/<schema>/ or
                    s3://<bucket>/<schema>/), read through the storage, so either works

Restoring, the store is never half-restored. A dump of schema X restores into a schema named
X (every statement in it names X), and pg_restore cannot rename it. Rewriting the SQL text is
unsafe (a row may hold "X." in its data), and renaming the live schema away first would take
the store offline for the whole restore. So:

1. the dump is restored into a scratch *database* (created for the purpose, with the live
   database's extensions), where it is X again; there X is renamed to a staging name
   (``restore_<token>``), and that schema is dumped once more and restored into the live
   database: the live store has not been touched yet;
2. if the archive is older than the code, the staging schema is migrated;
3. one transaction swaps the names (X -> ``replaced_<token>``, staging -> X), or, for a new
   store, renames staging to the new schema and creates its Tenant, Subscription and Domain
   rows; ``ALTER SCHEMA ... RENAME`` is instant, so requests see the old store or the restored
   one, never a mix;
4. after commit the replaced schema is dropped and the media files are put back.

An archive recording a migration this code does not have is refused before anything is done
(restore it with the code that wrote it, or newer).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import secrets
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.serializers import serialize
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from tenants import audit
from tenants.errors import ArchiveFromNewerCode, BackupError
from tenants.models import Domain, Plan, Subscription, Tenant
from tenants.postgres_tools import (
    connection_arguments,
    postgres_tool,
    run_tool,
    server_major_version,
)

ARCHIVE_FORMAT = 1
_MANIFEST = "manifest.json"
_DUMP = "schema.dump"
_MEDIA = "media/"
# Store details copied into a new store from the archive (never its plan's billing state).
_STORE_DETAILS = (
    "owner_email",
    "contact_email",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "weight_unit",
    "time_zone",
    "currency",
    "abandoned_cart_hours",
)


@dataclass(frozen=True)
class RestoreResult:
    schema_name: str
    tenant: Tenant
    created: bool
    migrated: bool
    media_files: int


def export_store(*, schema_name: str, path: Path) -> dict:
    """Write one store's schema, rows and media files to the tar archive ``path``.

    The rows are one consistent snapshot (pg_dump's). Returns the manifest. Reads only.
    """
    tenant = Tenant.objects.filter(schema_name=schema_name).first()
    if tenant is None or tenant.schema_name == get_public_schema_name():
        raise BackupError(f"no store has the schema {schema_name!r}")
    with tempfile.TemporaryDirectory(prefix="mercato-export-") as work:
        work = Path(work)
        dump = work / _DUMP
        arguments, environment = connection_arguments()
        run_tool(
            [
                postgres_tool("pg_dump"),
                "--format=custom",
                f"--schema={schema_name}",
                "--no-owner",
                "--no-privileges",
                f"--file={dump}",
                *arguments,
            ],
            environment,
            what=f"pg_dump of {schema_name}",
        )
        media = _copy_media_out(schema_name, work / "media")
        manifest = {
            "format": ARCHIVE_FORMAT,
            "schema_name": schema_name,
            "exported_at": timezone.now().isoformat(),
            "postgres_major_version": server_major_version(),
            "migrations": _applied_migrations(schema_name),
            "tenant": json.loads(serialize("json", [tenant]))[0],
            "plan_code": tenant.plan.code if tenant.plan else None,
            "domains": list(tenant.domains.values("domain", "is_primary", "is_verified")),
            "media": media,
        }
        (work / _MANIFEST).write_text(json.dumps(manifest, indent=2, default=str))
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(path, "w") as archive:
            archive.add(work / _MANIFEST, arcname=_MANIFEST)
            archive.add(dump, arcname=_DUMP)
            for name in media:
                archive.add(work / "media" / name, arcname=_MEDIA + name)
    return manifest


def read_manifest(path: Path) -> dict:
    """The manifest of an archive, checked for its format."""
    try:
        with tarfile.open(path) as archive:
            manifest = json.load(archive.extractfile(_MANIFEST))
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError) as error:
        raise BackupError(f"{path} is not a store archive ({error})") from error
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"{path} has archive format {manifest.get('format')!r}, not 1")
    return manifest


def restore_store(
    *, path: Path, schema_name: str, new: bool = False, slug: str | None = None
) -> RestoreResult:
    """Restore the archive ``path`` into the store of ``schema_name`` (replacing its data
    and files), or, with ``new``, into a new store of that schema (and ``slug``).

    Refuses an archive from newer code, and (without ``new``) a schema that is no store's;
    with ``new``, a schema or slug already taken. The swap is one transaction (see the module
    docstring); audited as ``store.restored``.
    """
    manifest = read_manifest(path)
    _refuse_newer_migrations(manifest)
    slug = slug or schema_name.replace("_", "-")
    _check_target(schema_name=schema_name, new=new, slug=slug)
    staging = f"restore_{secrets.token_hex(6)}"
    with tempfile.TemporaryDirectory(prefix="mercato-restore-") as work:
        work = Path(work)
        with tarfile.open(path) as archive:
            archive.extractall(work, filter="data")
        _restore_into_staging(work / _DUMP, source=manifest["schema_name"], staging=staging)
        try:
            migrated = _migrate_if_behind(staging)
            tenant, replaced = _swap_in(
                staging=staging, schema_name=schema_name, new=new, slug=slug, manifest=manifest
            )
        except BaseException:
            _drop_schema(staging)
            raise
        if replaced:
            _drop_schema(replaced)
        files = _copy_media_in(schema_name, work / "media", manifest["media"])
    _forget_cached_answers(schema_name)
    return RestoreResult(
        schema_name=schema_name,
        tenant=tenant,
        created=new,
        migrated=migrated,
        media_files=files,
    )


# --- Restore steps ------------------------------------------------------------------------------


def _refuse_newer_migrations(manifest: dict) -> None:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known
    )
    if unknown:
        raise ArchiveFromNewerCode(
            f"the archive was written by newer code: its schema has {len(unknown)} migration(s) "
            f"this code does not have ({', '.join(unknown[:5])}); restore it with that code"
        )


def _check_target(*, schema_name: str, new: bool, slug: str) -> None:
    tenant = Tenant.objects.filter(schema_name=schema_name).first()
    if not new:
        if tenant is None or tenant.status in (Tenant.Status.TEMPLATE, Tenant.Status.POOLED):
            raise BackupError(f"no store has the schema {schema_name!r} (use --new to create it)")
        return
    if tenant is not None or _schema_exists(schema_name):
        raise BackupError(f"the schema {schema_name!r} is taken; choose another for a new store")
    if Tenant.objects.filter(slug=slug).exists():
        raise BackupError(f"the slug {slug!r} is taken; choose another for a new store")


def _restore_into_staging(dump: Path, *, source: str, staging: str) -> None:
    """The dump's schema, renamed ``staging``, in the live database (through a scratch one)."""
    scratch = f"mercato_restore_{secrets.token_hex(6)}"
    pg_restore = postgres_tool("pg_restore")
    with _maintenance_connection() as maintenance:
        maintenance.execute(f'CREATE DATABASE "{scratch}" TEMPLATE template0')
    try:
        _copy_extensions(scratch)
        arguments, environment = connection_arguments(scratch)
        common = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        run_tool(
            [pg_restore, *common, *arguments, str(dump)],
            environment,
            what="pg_restore into the scratch database",
        )
        with _maintenance_connection(scratch) as scratch_connection:
            scratch_connection.execute(f'ALTER SCHEMA "{source}" RENAME TO "{staging}"')
        staged = dump.with_name("staging.dump")
        run_tool(
            [
                postgres_tool("pg_dump"),
                "--format=custom",
                f"--schema={staging}",
                "--no-owner",
                "--no-privileges",
                f"--file={staged}",
                *arguments,
            ],
            environment,
            what="pg_dump of the staging schema",
        )
        live_arguments, environment = connection_arguments()
        run_tool(
            [pg_restore, *common, *live_arguments, str(staged)],
            environment,
            what="pg_restore of the staging schema",
        )
    finally:
        with _maintenance_connection() as maintenance:
            maintenance.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def _copy_extensions(scratch: str) -> None:
    # A store's indexes use operator classes of extensions kept in public (pg_trgm's).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.extname, n.nspname FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql'"
        )
        extensions = cursor.fetchall()
    with _maintenance_connection(scratch) as scratch_connection:
        for name, schema in extensions:
            scratch_connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            scratch_connection.execute(
                f'CREATE EXTENSION IF NOT EXISTS "{name}" WITH SCHEMA "{schema}"'
            )


def _migrate_if_behind(staging: str) -> bool:
    from tenants.migration_status import schemas_behind

    if not schemas_behind([staging]):
        return False
    from django.core.management import call_command

    call_command("migrate_schemas", schema_name=staging, interactive=False, verbosity=0)
    connection.set_schema_to_public()
    return True


def _swap_in(
    *, staging: str, schema_name: str, new: bool, slug: str, manifest: dict
) -> tuple[Tenant, str | None]:
    """One transaction: the staging schema becomes the store's. Returns the replaced name."""
    replaced = None if new else f"replaced_{secrets.token_hex(6)}"
    with transaction.atomic():
        if new:
            tenant = _create_tenant(schema_name=schema_name, slug=slug, manifest=manifest)
        else:
            tenant = Tenant.objects.select_for_update().get(schema_name=schema_name)
        with connection.cursor() as cursor:
            if replaced:
                cursor.execute(f'ALTER SCHEMA "{schema_name}" RENAME TO "{replaced}"')
            cursor.execute(f'ALTER SCHEMA "{staging}" RENAME TO "{schema_name}"')
        audit.record(
            action="store.restored",
            tenant=tenant,
            actor_label="restore_store",
            source_schema=manifest["schema_name"],
            exported_at=manifest["exported_at"],
            new_store=new,
        )
    return tenant, replaced


def _create_tenant(*, schema_name: str, slug: str, manifest: dict) -> Tenant:
    fields = manifest["tenant"]["fields"]
    plan = Plan.objects.filter(code=manifest.get("plan_code")).first()
    tenant = Tenant.objects.create(
        name=fields["name"],
        slug=slug,
        schema_name=schema_name,
        status=Tenant.Status.ACTIVE,
        plan=plan,
        plan_is_complimentary=fields.get("plan_is_complimentary", False),
        **{field: fields[field] for field in _STORE_DETAILS if field in fields},
    )
    Subscription.objects.create(tenant=tenant)
    Domain.objects.create(domain=tenant.primary_host, tenant=tenant, is_primary=True)
    return tenant


def _forget_cached_answers(schema_name: str) -> None:
    # Cached catalog answers and the storefront's shell are keyed by versions kept in Redis,
    # which the restore did not roll back.
    from catalog.catalog_version import bump_catalog_version
    from storefront_cms.shell import drop_cached_shell

    with schema_context(schema_name):
        bump_catalog_version()
        drop_cached_shell()


# --- Media --------------------------------------------------------------------------------------


def _copy_media_out(schema_name: str, target: Path) -> dict[str, dict]:
    """Every file under the store's prefix, copied to ``target``: name -> size and sha256."""
    copied = {}
    with schema_context(schema_name):
        for name in _walk(default_storage, ""):
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with default_storage.open(name, "rb") as source, open(destination, "wb") as out:
                for chunk in iter(lambda: source.read(1 << 20), b""):
                    digest.update(chunk)
                    out.write(chunk)
            copied[name] = {"size": destination.stat().st_size, "sha256": digest.hexdigest()}
    return copied


def _copy_media_in(schema_name: str, source: Path, media: dict[str, dict]) -> int:
    """Put every file of the archive back under the store's prefix (overwriting).

    Files uploaded after the backup are left in place: no restored row points at them, and a
    file deleted by mistake could not be brought back.
    """
    with schema_context(schema_name):
        for name, expected in media.items():
            path = source / name
            if hashlib.sha256(path.read_bytes()).hexdigest() != expected["sha256"]:
                raise BackupError(f"the archive's copy of {name} is damaged (digest differs)")
            if default_storage.exists(name):
                default_storage.delete(name)
            with open(path, "rb") as handle:
                saved = default_storage.save(name, File(handle))
            if saved != name:
                raise BackupError(f"{name} was stored as {saved}; check the storage's settings")
    return len(media)


def _walk(storage, path: str):
    directories, files = storage.listdir(path)
    for name in sorted(files):
        yield posixpath.join(path, name) if path else name
    for directory in sorted(directories):
        yield from _walk(storage, posixpath.join(path, directory) if path else directory)


# --- Database helpers ---------------------------------------------------------------------------


def _applied_migrations(schema_name: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT app, name FROM "{schema_name}".django_migrations ORDER BY id'  # noqa: S608
        )
        return [list(row) for row in cursor.fetchall()]


def _schema_exists(schema_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema_name])
        return cursor.fetchone() is not None


def _drop_schema(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')


def _maintenance_connection(database: str | None = None) -> psycopg.Connection:
    """An autocommit connection of our own (CREATE/DROP DATABASE refuse a transaction)."""
    settings_dict = connection.settings_dict
    return psycopg.connect(
        dbname=database or settings_dict["NAME"],
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        autocommit=True,
    )
