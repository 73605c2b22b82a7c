"""Idempotency-Key on the API's creating POSTs: one creation per key, the first answer replayed."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from catalog.models import Brand, Category, ImportJob, Product
from idempotency import services
from idempotency.models import IdempotencyKey

from .conftest import product_body, staff_client

PRODUCTS = "/api/v1/catalog/products/"
KEY = "3f2b6c1e-8f0a-4a51-9d7e-5b8a0c2d4e6f"


def post(client, path: str, body: dict, key: str | None = KEY):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(path, body, format="json", headers=headers)


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]


def test_a_retried_creation_gets_the_first_answer_and_creates_nothing_more(manager):
    first = post(manager, PRODUCTS, product_body())
    again = post(manager, PRODUCTS, product_body())

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] == "application/json"
    assert "Idempotent-Replayed" not in first
    assert again["Idempotent-Replayed"] == "true"
    assert Product.objects.filter(slug="linen-shirt").count() == 1


def test_the_order_of_json_keys_and_spacing_do_not_make_another_request(manager):
    first = manager.post(
        PRODUCTS,
        '{"name": "Linen Shirt", "status": "active", "variants": [{"sku": "LS-1", "price": "9"}]}',
        content_type="application/json",
        headers={"Idempotency-Key": KEY},
    )
    again = manager.post(
        PRODUCTS,
        '{"variants":[{"price":"9","sku":"LS-1"}],"status":"active","name":"Linen Shirt"}',
        content_type="application/json",
        headers={"Idempotency-Key": KEY},
    )

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert Product.objects.count() == 1


def test_the_same_key_with_another_body_is_refused_with_422_and_changes_nothing(manager):
    assert post(manager, PRODUCTS, product_body()).status_code == 201

    reused = post(manager, PRODUCTS, product_body(name="Wool Shirt", sku="WS-1"))

    assert reused.status_code == 422
    assert error_of(reused)["code"] == "idempotency_key_reused"
    assert "Idempotent-Replayed" not in reused
    assert list(Product.objects.values_list("name", flat=True)) == ["Linen Shirt"]


def test_the_same_key_on_another_endpoint_is_refused_with_422(manager):
    assert post(manager, "/api/v1/catalog/brands/", {"name": "Acme"}).status_code == 201

    reused = post(manager, "/api/v1/catalog/categories/", {"name": "Acme"})

    assert reused.status_code == 422
    assert error_of(reused)["code"] == "idempotency_key_reused"
    assert not Category.objects.exists()


def test_a_key_whose_request_is_still_running_answers_409_with_retry_after(manager, store_a):
    connection.set_tenant(store_a)
    caller = services.person_caller(manager.person.pk)
    # The first request claimed the key and is running (its answer not stored yet).
    services.claim_key(caller=caller, key=KEY, fingerprint=_fingerprint_of_product_post())

    running = post(manager, PRODUCTS, product_body())

    assert running.status_code == 409
    assert running["Retry-After"] == "1"
    assert error_of(running)["code"] == "idempotency_key_in_flight"
    assert not Product.objects.exists()


def test_a_different_body_while_the_first_runs_is_still_a_reuse(manager, store_a):
    connection.set_tenant(store_a)
    caller = services.person_caller(manager.person.pk)
    services.claim_key(caller=caller, key=KEY, fingerprint="0" * 64)

    assert post(manager, PRODUCTS, product_body()).status_code == 422


def test_a_request_left_running_past_the_in_flight_limit_is_taken_over(manager, store_a, settings):
    connection.set_tenant(store_a)
    caller = services.person_caller(manager.person.pk)
    long_ago = timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_IN_FLIGHT_SECONDS + 1)
    services.claim_key(
        caller=caller, key=KEY, fingerprint=_fingerprint_of_product_post(), now=long_ago
    )

    retried = post(manager, PRODUCTS, product_body())

    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried
    assert Product.objects.count() == 1


def _fingerprint_of_product_post() -> str:
    from idempotency.keys import request_fingerprint

    return request_fingerprint(method="POST", path=PRODUCTS, data=product_body())


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "1 to 255"),
        ("k" * 256, "at most 255"),
        ("two words", "visible ASCII"),
        ("tab\there", "visible ASCII"),
        ("caf\xe9", "visible ASCII"),
    ],
)
def test_a_key_out_of_bounds_is_refused_with_400_and_nothing_is_created(manager, key, message):
    refused = post(manager, PRODUCTS, product_body(), key=key)

    assert refused.status_code == 400
    error = error_of(refused)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["Idempotency-Key"]
    assert message in error["fields"]["Idempotency-Key"][0]
    assert not Product.objects.exists()
    assert not IdempotencyKey.objects.exists()


def test_a_key_of_255_visible_characters_is_accepted(manager):
    key = "".join(chr(33 + index % 94) for index in range(255))

    assert post(manager, PRODUCTS, product_body(), key=key).status_code == 201
    assert post(manager, PRODUCTS, product_body(), key=key)["Idempotent-Replayed"] == "true"


def test_without_a_key_each_post_runs(manager):
    assert post(manager, "/api/v1/catalog/brands/", {"name": "Acme"}, key=None).status_code == 201
    again = post(manager, "/api/v1/catalog/brands/", {"name": "Acme"}, key=None)

    assert again.status_code == 400  # the slug is taken: the second one ran
    assert "Idempotent-Replayed" not in again


def test_a_refusal_is_stored_and_replayed_like_a_success(manager):
    invalid = {"name": "", "variants": []}
    first = post(manager, PRODUCTS, invalid)
    again = post(manager, PRODUCTS, invalid)

    assert (first.status_code, again.status_code) == (400, 400)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"


def test_two_people_of_one_store_have_keys_of_their_own(manager, store_a):
    colleague = staff_client(store_a, "colleague@store-a.test")

    mine = post(manager, "/api/v1/catalog/brands/", {"name": "Acme"})
    theirs = post(colleague, "/api/v1/catalog/brands/", {"name": "Zenith"})

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in theirs
    connection.set_tenant(store_a)
    assert sorted(Brand.objects.values_list("name", flat=True)) == ["Acme", "Zenith"]


def test_the_same_key_at_two_stores_is_two_keys(store_a, store_b):
    at_a = staff_client(store_a, "manager@store-a.test")
    at_b = staff_client(store_b, "manager@store-b.test")

    first_a = post(at_a, PRODUCTS, product_body())
    first_b = post(at_b, PRODUCTS, product_body(name="Wool Shirt", sku="WS-1"))
    again_b = post(at_b, PRODUCTS, product_body(name="Wool Shirt", sku="WS-1"))

    assert (first_a.status_code, first_b.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in first_b  # store A's answer means nothing at B
    assert again_b.json() == first_b.json() and again_b["Idempotent-Replayed"] == "true"
    for tenant, name in ((store_a, "Linen Shirt"), (store_b, "Wool Shirt")):
        connection.set_tenant(tenant)
        assert list(Product.objects.values_list("name", flat=True)) == [name]
        assert IdempotencyKey.objects.count() == 1


def test_a_key_older_than_24_hours_is_free_again(manager, store_a):
    assert post(manager, PRODUCTS, product_body()).status_code == 201
    connection.set_tenant(store_a)
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=24, seconds=1))

    later = post(manager, PRODUCTS, product_body(name="Wool Shirt", sku="WS-1"))

    assert later.status_code == 201
    assert "Idempotent-Replayed" not in later
    assert Product.objects.count() == 2


def test_an_import_upload_retried_with_its_key_makes_one_job(manager, store_a):
    """A multipart body counts by its parsed content; the 202 (a job to poll) is replayed."""
    client = manager
    csv = b"product_name,variant_sku,variant_price\nLamp,L-1,30.00\n"

    def upload():
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(
            "/api/v1/catalog/imports/",
            {"file": SimpleUploadedFile("catalog.csv", csv, "text/csv"), "dry_run": "true"},
            format="multipart",
            headers={"Idempotency-Key": KEY},
        )

    first, again = upload(), upload()

    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    connection.set_tenant(store_a)
    assert ImportJob.objects.count() == 1


def test_a_replay_answers_from_the_stored_answer_without_running_the_view(manager, store_a):
    from django.test.utils import CaptureQueriesContext

    post(manager, PRODUCTS, product_body(name="Lamp", sku="L-1"))
    connection.set_tenant(store_a)

    with CaptureQueriesContext(connection) as queries:
        replay = post(manager, PRODUCTS, product_body(name="Lamp", sku="L-1"))

    assert replay["Idempotent-Replayed"] == "true"
    assert not [query for query in queries if "catalog_" in query["sql"]]
    keys = [query["sql"].split()[0] for query in queries if "idempotencykey" in query["sql"]]
    assert keys == ["INSERT", "SELECT"]  # the claim, refused, and the read of the answer
