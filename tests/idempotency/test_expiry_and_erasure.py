"""Keys expire after 24 hours (a periodic task per store), and go with an erased person."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts import services as accounts_services
from idempotency import services
from idempotency.models import IdempotencyKey
from idempotency.tasks import expire_idempotency_keys

from .conftest import customer_client


def _key(caller: str, key: str, *, age: timedelta) -> IdempotencyKey:
    claim = services.claim_key(
        caller=caller, key=key, fingerprint="f" * 64, now=timezone.now() - age
    )
    return claim.row


def test_the_periodic_task_deletes_each_stores_keys_older_than_24_hours(
    store_a, store_b, celery_eager
):
    day = timedelta(hours=24)
    for tenant in (store_a, store_b):
        connection.set_tenant(tenant)
        _key("user:1", "old", age=day + timedelta(minutes=1))
        _key("user:1", "recent", age=day - timedelta(minutes=1))
    connection.set_schema_to_public()

    stores = expire_idempotency_keys.delay().get()

    assert stores >= 2
    for tenant in (store_a, store_b):
        connection.set_tenant(tenant)
        assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["recent"]


def test_expiry_is_scheduled():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "idempotency.tasks.expire_idempotency_keys" in scheduled


def test_erasing_a_person_deletes_their_keys_and_stored_answers(store_a):
    shopper_client = customer_client(store_a, "erased@store-a.test")
    shopper = shopper_client.person
    address = {
        "full_name": "Ada Lovelace",
        "line1": "12 St James's Square",
        "city": "London",
        "postal_code": "SW1Y 4JH",
        "country": "GB",
    }
    created = shopper_client.post(
        "/api/v1/auth/user/addresses/",
        address,
        format="json",
        headers={"Idempotency-Key": "address-1"},
    )
    assert created.status_code == 201, created.json()
    connection.set_tenant(store_a)
    _key("user:999999", "someone-else", age=timedelta(0))

    accounts_services.erase_account(user=shopper, password="Correct-horse-42")

    assert list(IdempotencyKey.objects.values_list("caller", flat=True)) == ["user:999999"]
