"""Stock adjustments by API (history, changes) and the low-stock email to the merchant."""

import pytest
from django.core import mail
from django.db import connection

from accounts import services as accounts_services
from catalog.inventory import adjust_stock, set_stock_levels
from catalog.models import ProductVariant, StockAdjustment
from tests.catalog.factories import make_product

pytestmark = pytest.mark.django_db


def adjustments_url(variant_id: int) -> str:
    return f"/api/v1/catalog/variants/{variant_id}/stock-adjustments/"


@pytest.fixture
def variant(in_store_a):
    return make_product("tee", skus=("TEE-M",), stock=10).variants.get()


def test_an_adjustment_changes_stock_and_records_who_and_why(owner, variant):
    response = owner.post(
        adjustments_url(variant.pk),
        {"delta": -3, "reason": "damaged", "note": "Dropped in the warehouse"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["delta"], body["stock_after"], body["reason"]) == (-3, 7, "damaged")
    assert body["actor"] == "owner@store-a.test"
    assert ProductVariant.objects.get(pk=variant.pk).stock_on_hand == 7


def test_history_lists_adjustments_newest_first(owner, variant):
    for delta, reason in ((5, "received"), (-2, "sold")):
        owner.post(
            adjustments_url(variant.pk),
            {"delta": delta, "reason": reason},
            content_type="application/json",
        )

    response = owner.get(adjustments_url(variant.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3  # the initial stock was received too
    assert [(row["delta"], row["stock_after"]) for row in body["results"]] == [
        (-2, 13),
        (5, 15),
        (10, 10),
    ]


def test_history_is_listed_with_a_constant_number_of_queries(
    owner, variant, django_assert_num_queries
):
    with django_assert_num_queries(QUERIES_FOR_HISTORY):
        owner.get(adjustments_url(variant.pk))
    for _ in range(10):
        adjust_stock(variant_id=variant.pk, delta=1, reason="received")
    with django_assert_num_queries(QUERIES_FOR_HISTORY):
        response = owner.get(adjustments_url(variant.pk))
    assert response.json()["count"] == 11


# Store, session, user, membership, security policy, variant, count, page: eight queries, and
# no ``SET search_path``: the connection is already the store's (TENANT_LIMIT_SET_CALLS), and
# the store lookup reads public tables by their full names.
QUERIES_FOR_HISTORY = 8


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"delta": 0, "reason": "received"}, "delta"),
        ({"delta": "many", "reason": "received"}, "delta"),
        ({"delta": 2, "reason": "found it"}, "reason"),
        ({"reason": "received"}, "delta"),
    ],
)
def test_bad_adjustments_are_refused_with_field_errors(owner, variant, body, field):
    response = owner.post(adjustments_url(variant.pk), body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert StockAdjustment.objects.filter(variant=variant).count() == 1


def test_stock_cannot_go_below_zero(owner, variant):
    response = owner.post(
        adjustments_url(variant.pk),
        {"delta": -11, "reason": "sold"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "insufficient_stock"
    assert ProductVariant.objects.get(pk=variant.pk).stock_on_hand == 10


def test_another_stores_variant_is_404(variant, store_b, store_owner_client):
    owner_b = store_owner_client(store_b)
    assert owner_b.get(adjustments_url(variant.pk)).status_code == 404
    response = owner_b.post(
        adjustments_url(variant.pk),
        {"delta": 1, "reason": "received"},
        content_type="application/json",
    )
    assert response.status_code == 404


# --- Low stock ---------------------------------------------------------------------------------


@pytest.fixture
def staff(in_store_a):
    """The owner, a catalog manager and an order manager of store A."""
    make = accounts_services.create_staff_member
    return {
        "owner": accounts_services.create_store_owner(email="boss@a.test", password="x-Pass-1234!"),
        "catalog": make(email="cat@a.test", password="x-Pass-1234!", role="catalog_manager"),
        "orders": make(email="ord@a.test", password="x-Pass-1234!", role="order_manager"),
    }


def test_crossing_the_threshold_emails_the_catalog_staff_once(
    staff, variant, celery_eager, django_capture_on_commit_callbacks
):
    ProductVariant.objects.filter(pk=variant.pk).update(low_stock_threshold=3)

    with django_capture_on_commit_callbacks(execute=True):
        adjust_stock(variant_id=variant.pk, delta=-6, reason="sold")  # 4 left: above
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        adjust_stock(variant_id=variant.pk, delta=-1, reason="sold")  # 3 left: at the threshold
    with django_capture_on_commit_callbacks(execute=True):
        adjust_stock(variant_id=variant.pk, delta=-1, reason="sold")  # 2: already low

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "TEE-M" in message.subject
    assert "has 3 available" in message.body
    assert sorted(message.to) == ["boss@a.test", "cat@a.test"]


def test_no_email_before_the_change_commits(staff, variant, celery_eager):
    ProductVariant.objects.filter(pk=variant.pk).update(low_stock_threshold=5)
    # Inside the test's transaction, which never commits: the change could still roll back.
    adjust_stock(variant_id=variant.pk, delta=-8, reason="sold")
    assert mail.outbox == []


def test_low_stock_counts_reserved_stock_and_bulk_levels(
    staff, variant, celery_eager, django_capture_on_commit_callbacks
):
    ProductVariant.objects.filter(pk=variant.pk).update(low_stock_threshold=2, stock_reserved=6)
    with django_capture_on_commit_callbacks(execute=True):
        set_stock_levels(levels=[(variant.pk, 8)], reason="correction")  # 8 - 6 = 2 available
    assert len(mail.outbox) == 1
    assert "has 2 available" in mail.outbox[0].body


def test_restocked_before_the_email_is_sent_means_no_email(
    staff, variant, celery_eager, django_capture_on_commit_callbacks
):
    from catalog.notifications import notify_low_stock

    ProductVariant.objects.filter(pk=variant.pk).update(low_stock_threshold=3)
    adjust_stock(variant_id=variant.pk, delta=-8, reason="sold")
    adjust_stock(variant_id=variant.pk, delta=20, reason="received")
    assert notify_low_stock(variant_id=variant.pk) == []
    assert mail.outbox == []
    assert connection.schema_name == "store_a"


def test_setting_many_stock_levels_costs_the_same_queries_as_a_few(in_store_a):
    from django.test.utils import CaptureQueriesContext

    few = make_product("few", skus=[f"FEW-{n}" for n in range(2)], stock=1)
    many = make_product("many", skus=[f"MANY-{n}" for n in range(60)], stock=1)

    def queries_to_restock(product, level: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            set_stock_levels(
                levels=[(pk, level) for pk in product.variants.values_list("pk", flat=True)],
                reason="received",
            )
        return len(captured.captured_queries)

    assert queries_to_restock(few, 5) == queries_to_restock(many, 5)
    assert set(many.variants.values_list("stock_on_hand", flat=True)) == {5}
    assert StockAdjustment.objects.filter(variant__product=many, delta=4).count() == 60


def test_one_level_below_zero_refuses_the_whole_set(in_store_a):
    from catalog.errors import InsufficientStock

    product = make_product("pair", skus=("PAIR-A", "PAIR-B"), stock=3)
    first, second = product.variants.order_by("sku")
    with pytest.raises(InsufficientStock):
        set_stock_levels(levels=[(first.pk, 9), (second.pk, -1)], reason="correction")
    assert set(product.variants.values_list("stock_on_hand", flat=True)) == {3}
    assert not StockAdjustment.objects.filter(variant__product=product, reason="correction")
