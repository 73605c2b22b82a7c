"""S3 storage with a per-store prefix: a store's objects live under ``<bucket>/<schema>/``."""

from django.db import connection
from storages.backends.s3 import S3Storage


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
