"""The support engineer's restore drill, end to end on the suite's PostgreSQL (system or embedded).

A store is exported, damaged (its catalog and its files deleted), restored, and compared with
what it was: every table's row count and checksum, every media file. pg_dump and pg_restore
read and write committed data from their own connections, so this module works on committed
data (through ``django_db_blocker``, not the test transaction) and cleans up after itself. It
provisions its own store once (the drill deletes a catalog: never the session's store_a), and
a second one when it restores into a new store.
"""

import io
import json
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_context

from catalog.models import Product
from tenants.errors import ArchiveFromNewerCode, BackupError
from tenants.models import Domain, Tenant
from tenants.services import provision_store
from tenants.storage import delete_store_files
from tenants.store_backup import restore_store
from tests.catalog.factories import product

DRILL = "drill_store"
COPY = "drill_copy"
PHOTO = b"\xff\xd8 a product photo \xff\xd9"


def table_checksums(schema_name: str) -> dict[str, tuple[int, str]]:
    """Every table of the schema: (row count, md5 of its rows in a stable order)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename",
            [schema_name],
        )
        tables = [row[0] for row in cursor.fetchall()]
        checksums = {}
        for table in tables:
            cursor.execute(
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                f'FROM "{schema_name}"."{table}" t'
            )
            checksums[table] = cursor.fetchone()
    return checksums


def media_files(schema_name: str) -> dict[str, bytes]:
    with schema_context(schema_name):
        _directories, files = default_storage.listdir("products")
        return {name: default_storage.open(f"products/{name}").read() for name in files}


def schemas_like(pattern: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", [pattern])
        return [row[0] for row in cursor.fetchall()]


def _remove_store(schema_name: str) -> None:
    connection.set_schema_to_public()
    tenant = Tenant.objects.filter(schema_name=schema_name).first()
    if tenant is not None:
        tenant.delete()  # its domains and subscription with it
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
    delete_store_files(schema_name)


@pytest.fixture(scope="module")
def drill(django_db_setup, django_db_blocker, tmp_path_factory):
    """A store with a catalog and a product photo, committed, and its archive."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for schema_name in (DRILL, COPY):
            _remove_store(schema_name)
        with override_settings(STORE_POOL_SIZE=0):  # no refill task sent for this store
            tenant = provision_store(name="Drill Store", slug="drill-store", schema_name=DRILL)
        with schema_context(DRILL):
            for number in range(3):
                product(f"Lamp {number}", price="19.90", stock=4)
            default_storage.save("products/lamp.jpg", ContentFile(PHOTO))
        archive = tmp_path_factory.mktemp("drill") / "drill_store.tar"
        output = io.StringIO()
        call_command("export_store", DRILL, str(archive), stdout=output)
        yield {
            "tenant": tenant,
            "archive": archive,
            "before": table_checksums(DRILL),
            "export_output": output.getvalue(),
        }
        for schema_name in (DRILL, COPY):
            _remove_store(schema_name)


@pytest.fixture
def committed(django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


def test_the_archive_holds_the_schema_the_media_and_a_manifest(drill, committed):
    with tarfile.open(drill["archive"]) as archive:
        names = archive.getnames()
        manifest = json.load(archive.extractfile("manifest.json"))
    assert names[:2] == ["manifest.json", "schema.dump"]
    assert "media/products/lamp.jpg" in names
    assert manifest["schema_name"] == DRILL
    assert manifest["tenant"]["fields"]["slug"] == "drill-store"
    assert ["catalog", "0001_initial"] in manifest["migrations"]
    assert manifest["media"]["products/lamp.jpg"]["size"] == len(PHOTO)
    assert drill["export_output"].startswith(f"Exported {DRILL} to ")


def test_a_deleted_catalog_is_restored_exactly_and_other_stores_are_untouched(drill, committed):
    store_b_before = table_checksums("store_b")
    with schema_context(DRILL):
        Product.objects.all().delete()
        assert not Product.objects.exists()
    delete_store_files(DRILL)
    assert table_checksums(DRILL) != drill["before"]

    output = io.StringIO()
    call_command("restore_store", str(drill["archive"]), "--into", DRILL, stdout=output)

    assert table_checksums(DRILL) == drill["before"]
    assert media_files(DRILL) == {"lamp.jpg": PHOTO}
    with schema_context(DRILL):
        assert sorted(Product.objects.values_list("name", flat=True)) == [
            "Lamp 0",
            "Lamp 1",
            "Lamp 2",
        ]
    assert table_checksums("store_b") == store_b_before
    # Nothing left over: no staging or replaced schema, no scratch database.
    assert schemas_like("restore_%") == schemas_like("replaced_%") == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'mercato_restore_%'")
        assert cursor.fetchone()[0] == 0
    assert "1 media files put back" in output.getvalue()


def test_an_archive_restores_into_a_new_store(drill, committed):
    result = restore_store(path=drill["archive"], schema_name=COPY, new=True, slug="drill-copy")

    tenant = Tenant.objects.get(schema_name=COPY)
    assert result.tenant == tenant
    assert tenant.status == Tenant.Status.ACTIVE
    assert tenant.name == "Drill Store"
    assert Domain.objects.get(tenant=tenant, is_primary=True).domain == tenant.primary_host
    assert table_checksums(COPY) == drill["before"]
    assert media_files(COPY) == {"lamp.jpg": PHOTO}
    # The original is still there, and still its own.
    assert Tenant.objects.get(schema_name=DRILL).slug == "drill-store"


def test_a_new_store_is_refused_a_schema_or_slug_already_taken(drill, committed):
    with pytest.raises(BackupError, match="schema 'store_b' is taken"):
        restore_store(path=drill["archive"], schema_name="store_b", new=True, slug="anything")
    with pytest.raises(BackupError, match="slug 'store-b' is taken"):
        restore_store(path=drill["archive"], schema_name="drill_other", new=True, slug="store-b")


def test_an_archive_from_newer_code_is_refused_and_nothing_changes(drill, committed, tmp_path):
    newer = tmp_path / "newer.tar"
    with tarfile.open(drill["archive"]) as source, tarfile.open(newer, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["migrations"].append(["catalog", "9999_from_the_future"])
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    before = table_checksums(DRILL)

    with pytest.raises(ArchiveFromNewerCode, match=r"catalog\.9999_from_the_future"):
        restore_store(path=newer, schema_name=DRILL)

    assert table_checksums(DRILL) == before
    assert schemas_like("restore_%") == []
