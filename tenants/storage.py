"""File storage with a per-store prefix: a store's files live under ``<schema>/``."""

import posixpath
import shutil

from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django_tenants.files.storage import TenantFileSystemStorage as _TenantFileSystemStorage
from django_tenants.utils import get_public_schema_name, schema_context
from storages.backends.s3 import S3Storage


class TenantFileSystemStorage(_TenantFileSystemStorage):
    """Local files under ``MEDIA_ROOT/<schema>/`` (development and tests)."""


class TenantS3Storage(S3Storage):
    """S3 objects under ``<bucket>/<schema>/`` (production)."""

    @property
    def location(self) -> str:
        return connection.schema_name

    @location.setter
    def location(self, value: str) -> None:
        # S3Storage assigns its configured location on init; the schema decides instead.
        pass

    def get_object_parameters(self, name: str) -> dict:
        params = super().get_object_parameters(name)
        if "/products/renditions/" in f"/{name}":
            # As the local media route does: a rendition's path never points at other bytes.
            params.setdefault("CacheControl", "public, max-age=31536000, immutable")
        return params


def delete_store_files(schema_name: str) -> int:
    """Delete every file of one store (its whole ``<schema>/`` prefix); returns how many.

    For a purged store, whose schema is gone: no query runs, the storage's location follows
    the schema name alone. Refuses the public schema (the prefix of no store).
    """
    if not schema_name or schema_name == get_public_schema_name():
        raise ValueError("Only a store's own files can be deleted.")
    with schema_context(schema_name):
        deleted = _delete_tree(default_storage, "")
        if isinstance(default_storage._wrapped, FileSystemStorage):
            shutil.rmtree(default_storage.location, ignore_errors=True)  # the empty folders
    return deleted


def _delete_tree(storage, path: str) -> int:
    directories, files = storage.listdir(path)
    for name in files:
        storage.delete(posixpath.join(path, name))
    return len(files) + sum(
        _delete_tree(storage, posixpath.join(path, directory)) for directory in directories
    )
