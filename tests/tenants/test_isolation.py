"""Tenant isolation: a store sees only its own rows, cache entries and files."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django_redis import get_redis_connection

from tenants.storage import TenantS3Storage

User = get_user_model()


def test_two_stores_see_only_their_own_rows(store_a, store_b):
    connection.set_tenant(store_a)
    User.objects.create_user(username="ana", email="ana@example.com", password="x-Secret-123")
    assert User.objects.filter(email="ana@example.com").count() == 1

    connection.set_tenant(store_b)
    assert not User.objects.filter(email="ana@example.com").exists()
    # Users are per store: the same email can open an unrelated account at store B.
    User.objects.create_user(username="ana", email="ana@example.com", password="y-Secret-456")

    connection.set_tenant(store_a)
    assert User.objects.filter(email="ana@example.com").count() == 1


def test_store_tables_are_not_visible_from_the_public_schema(store_a):
    connection.set_tenant(store_a)
    User.objects.create_user(username="only-a", email="only-a@example.com", password="x-Secret-1")
    connection.set_schema_to_public()
    assert not User.objects.filter(email="only-a@example.com").exists()


@pytest.fixture
def clean_cache(store_a, store_b):
    yield
    for tenant in (store_a, store_b):
        connection.set_tenant(tenant)
        cache.delete("greeting")
    connection.set_schema_to_public()


def test_a_cache_entry_set_in_store_a_is_invisible_in_store_b(store_a, store_b, clean_cache):
    connection.set_tenant(store_a)
    cache.set("greeting", "hello from A")

    connection.set_tenant(store_b)
    assert cache.get("greeting") is None
    cache.set("greeting", "hello from B")

    connection.set_tenant(store_a)
    assert cache.get("greeting") == "hello from A"


def test_cache_keys_in_redis_carry_the_store_schema(store_a, clean_cache):
    connection.set_tenant(store_a)
    cache.set("greeting", "hello from A")
    keys = [key.decode() for key in get_redis_connection("default").keys("*greeting")]
    assert keys
    assert all(key.startswith("store_a:") for key in keys)


def test_a_file_stored_for_store_a_lands_under_its_prefix(store_a, store_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    connection.set_tenant(store_a)
    name = default_storage.save("products/label.txt", ContentFile(b"A's label"))

    assert (tmp_path / "store_a" / name).read_bytes() == b"A's label"
    assert default_storage.url(name) == f"/media/store_a/{name}"

    connection.set_tenant(store_b)
    assert not default_storage.exists(name)


def test_s3_objects_are_keyed_under_the_store_schema(store_a, store_b):
    storage = TenantS3Storage(bucket_name="mercato-media")
    connection.set_tenant(store_a)
    assert storage._normalize_name("products/shoe.jpg") == "store_a/products/shoe.jpg"
    connection.set_tenant(store_b)
    assert storage._normalize_name("products/shoe.jpg") == "store_b/products/shoe.jpg"


def test_a_store_serves_its_own_media_and_not_another_stores(
    store_a, store_b, store_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "store_b").mkdir()
    (tmp_path / "store_b" / "secret.txt").write_text("B only")
    (tmp_path / "store_a").mkdir()
    (tmp_path / "store_a" / "public.txt").write_text("A's file")

    assert store_client(store_a).get("/media/store_a/public.txt").status_code == 200
    assert store_client(store_a).get("/media/store_b/secret.txt").status_code == 404


def test_a_changed_media_root_takes_effect_after_the_storage_was_used(store_a, settings, tmp_path):
    connection.set_tenant(store_a)
    default_storage.exists("warm-up.txt")  # the storage derives (and caches) its root
    settings.MEDIA_ROOT = tmp_path / "moved"
    name = default_storage.save("products/label.txt", ContentFile(b"label"))

    assert (tmp_path / "moved" / "store_a" / name).read_bytes() == b"label"
