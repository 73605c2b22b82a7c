"""File storage with a per-store prefix: a store's files live under ``<schema>/``."""

import posixpath
import shutil

from django.core.files.storage import FileSystemStorage, default_storage
from django_tenants.files.storage import TenantFileSystemStorage as _TenantFileSystemStorage
from django_tenants.utils import get_public_schema_name, schema_context


class TenantFileSystemStorage(_TenantFileSystemStorage):
    """Local files under ``MEDIA_ROOT/<schema>/`` (development and tests)."""

    def _clear_cached_properties(self, setting, **kwargs):
        # django-tenants caches the root it derives from MEDIA_ROOT and MEDIA_URL but forgets it
        # only when MULTITENANT_RELATIVE_MEDIA_ROOT changes (and hands Django the settings module
        # instead of the setting's name): a changed MEDIA_ROOT kept writing to the old one.
        FileSystemStorage._clear_cached_properties(self, setting, **kwargs)
        if setting in {"MEDIA_ROOT", "MULTITENANT_RELATIVE_MEDIA_ROOT"}:
            self.__dict__.pop("relative_media_root", None)
        if setting in {"MEDIA_URL", "MULTITENANT_RELATIVE_MEDIA_ROOT"}:
            self.__dict__.pop("relative_media_url", None)


def __getattr__(name: str):
    # The S3 storage (and boto3, a third of a second to import) loads only where it is used.
    if name == "TenantS3Storage":
        from tenants.storage_s3 import TenantS3Storage

        return TenantS3Storage
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
