"""The store admin's inventory: low stock first, adjustments with a reason, history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.inventory import adjust_stock
from catalog.models import ProductVariant, StockAdjustment
from tests.catalog.factories import make_product
from tests.catalog.store_admin_clients import EDITORS, admin_client, login_redirect

pytestmark = pytest.mark.django_db

INVENTORY = "/admin/inventory/"
DASHBOARD = "/admin/"


def adjust_url(variant) -> str:
    return f"{INVENTORY}{variant.pk}/adjust/"


def history_url(variant) -> str:
    return f"{INVENTORY}{variant.pk}/history/"


@pytest.fixture
def as_role(store_a):
    return lambda role: admin_client(store_a, role)


@pytest.fixture
def manager(as_role):
    return as_role("catalog_manager")


@pytest.fixture
def stock(store_a):
    """Three variants: plenty (40), low (3, threshold 5) and none (0)."""
    connection.set_tenant(store_a)
    make_product("lamp", skus=("LAMP-1",), stock=40)
    make_product("mug", skus=("MUG-1",), stock=3)
    make_product("tee", skus=("TEE-M",), stock=0)
    ProductVariant.objects.filter(sku__in=["MUG-1", "LAMP-1"]).update(low_stock_threshold=5)
    return {variant.sku: variant for variant in ProductVariant.objects.all()}


def skus(response) -> list[str]:
    return [variant.sku for variant in response.context["page_obj"].object_list]


def on_hand(variant) -> int:
    return ProductVariant.objects.get(pk=variant.pk).stock_on_hand


def errors_of(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


# --- The list ----------------------------------------------------------------------------------


def test_variants_are_listed_least_available_first_with_low_stock_highlighted(manager, stock):
    response = manager.get(INVENTORY)

    assert response.status_code == 200
    assert skus(response) == ["TEE-M", "MUG-1", "LAMP-1"]
    html = response.content.decode()
    assert 'data-sku="TEE-M" class="inventory__out"' in html
    assert 'data-sku="MUG-1" class="inventory__low"' in html
    assert 'data-sku="LAMP-1" class=""' in html
    assert "Out of stock" in html and "Low stock" in html


def test_reserved_units_count_against_what_is_available(manager, stock):
    ProductVariant.objects.filter(sku="LAMP-1").update(stock_reserved=39)

    response = manager.get(INVENTORY)

    assert skus(response) == ["TEE-M", "LAMP-1", "MUG-1"]
    assert 'data-sku="LAMP-1" class="inventory__low"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"stock": "low"}, ["TEE-M", "MUG-1"]),
        ({"stock": "out"}, ["TEE-M"]),
        ({"q": "mug"}, ["MUG-1"]),
        ({"q": "lamp-1"}, ["LAMP-1"]),
        ({"q": "nothing like it"}, []),
        ({"stock": "everything"}, ["TEE-M", "MUG-1", "LAMP-1"]),  # an unknown filter: all
    ],
)
def test_variants_are_searched_by_sku_or_name_and_filtered_by_stock(
    manager, stock, query, expected
):
    response = manager.get(INVENTORY, query)

    assert response.status_code == 200
    assert skus(response) == expected


def test_the_inventory_takes_the_same_queries_for_3_or_30_variants(manager, stock):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert manager.get(INVENTORY).status_code == 200
        return len(queries)

    few = count_queries()
    for number in range(9):
        make_product(f"extra-{number}", skus=[f"X{number}-{size}" for size in "SML"], stock=2)
    assert ProductVariant.objects.count() == 30
    assert count_queries() == few


# --- Adjusting ---------------------------------------------------------------------------------


def test_a_delivery_is_added_with_its_reason_note_and_who(manager, stock):
    mug = stock["MUG-1"]

    response = manager.post(
        adjust_url(mug),
        {"kind": "change", "quantity": "12", "reason": "received", "note": "PO 1234"},
    )

    assert response.status_code == 302
    assert response["Location"] == history_url(mug)
    assert on_hand(mug) == 15
    latest = StockAdjustment.objects.filter(variant=mug).first()
    assert (latest.delta, latest.stock_after, latest.reason, latest.note, latest.actor) == (
        12,
        15,
        "received",
        "PO 1234",
        "catalog_manager@example.com",
    )


def test_a_count_sets_the_stock_and_records_the_difference(manager, stock):
    lamp = stock["LAMP-1"]

    response = manager.post(
        adjust_url(lamp), {"kind": "set", "quantity": "37", "reason": "correction", "note": ""}
    )

    assert response.status_code == 302
    assert on_hand(lamp) == 37
    assert StockAdjustment.objects.filter(variant=lamp).first().delta == -3


def test_setting_the_stock_it_already_has_records_nothing(manager, stock):
    lamp = stock["LAMP-1"]
    before = StockAdjustment.objects.count()

    response = manager.post(
        adjust_url(lamp),
        {"kind": "set", "quantity": "40", "reason": "correction"},
        follow=True,
    )

    assert "LAMP-1 already had that stock: no change." in response.content.decode()
    assert StockAdjustment.objects.count() == before


def test_removing_more_than_there_is_is_refused_next_to_the_quantity(manager, stock):
    mug = stock["MUG-1"]

    response = manager.post(
        adjust_url(mug),
        {"kind": "change", "quantity": "-5", "reason": "damaged", "note": "Broken in transit"},
    )

    assert response.status_code == 200
    assert errors_of(response, "quantity") == ["MUG-1: stock cannot go below zero."]
    html = response.content.decode()
    assert 'value="-5"' in html and 'value="Broken in transit"' in html
    assert on_hand(mug) == 3


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "change", "quantity": "0"}, "quantity", "Give a number of units to add"),
        ({"kind": "set", "quantity": "-1"}, "quantity", "cannot be set below zero"),
        ({"kind": "change", "quantity": "many"}, "quantity", "Enter a whole number."),
        ({"kind": "change", "quantity": "99999999999"}, "quantity", "less than or equal to"),
        ({"kind": "change", "quantity": "1", "reason": "import"}, "reason", "Select a valid"),
        ({"kind": "change", "quantity": "1", "note": "x" * 301}, "note", "at most 300"),
        ({"kind": "sideways", "quantity": "1"}, "kind", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_next_to_its_field(manager, stock, data, field, message):
    mug = stock["MUG-1"]

    response = manager.post(adjust_url(mug), {"reason": "received", "note": "", **data})

    assert response.status_code == 200
    assert any(message in error for error in errors_of(response, field)), errors_of(response, field)
    assert on_hand(mug) == 3


def test_a_stock_beyond_what_can_be_stored_is_refused_next_to_the_quantity(manager, stock):
    lamp = stock["LAMP-1"]

    response = manager.post(
        adjust_url(lamp), {"kind": "change", "quantity": str(2**31 - 1), "reason": "received"}
    )

    assert response.status_code == 200
    assert errors_of(response, "quantity") == [
        f"The stock would be {40 + 2**31 - 1}, beyond what can be stored."
    ]


def test_an_unknown_variant_is_a_404(manager, stock):
    assert manager.get(f"{INVENTORY}999999/adjust/").status_code == 404
    assert manager.get(f"{INVENTORY}999999/history/").status_code == 404


# --- History -----------------------------------------------------------------------------------


def test_a_variants_history_lists_its_adjustments_newest_first(manager, stock):
    mug = stock["MUG-1"]
    adjust_stock(variant_id=mug.pk, delta=10, reason="received", note="Delivery", actor="a@b.c")
    adjust_stock(variant_id=mug.pk, delta=-1, reason="damaged", note="Chipped")

    response = manager.get(history_url(mug))

    assert response.status_code == 200
    rows = [(a.delta, a.stock_after, a.note) for a in response.context["page_obj"].object_list]
    assert rows == [(-1, 12, "Chipped"), (10, 13, "Delivery"), (3, 3, "")]
    html = response.content.decode()
    assert "Damaged or lost" in html and "+10" in html


def test_the_history_takes_the_same_queries_for_1_or_20_adjustments(manager, stock):
    mug = stock["MUG-1"]

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert manager.get(history_url(mug)).status_code == 200
        return len(queries)

    few = count_queries()
    for _ in range(19):
        adjust_stock(variant_id=mug.pk, delta=1, reason="received")
    assert count_queries() == few


# --- Who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", EDITORS)
def test_owner_and_catalog_manager_adjust_stock(as_role, stock, role):
    client = as_role(role)
    mug = stock["MUG-1"]

    assert f'href="{adjust_url(mug)}"' in client.get(INVENTORY).content.decode()
    assert client.get(adjust_url(mug)).status_code == 200
    response = client.post(adjust_url(mug), {"kind": "change", "quantity": 1, "reason": "returned"})
    assert response.status_code == 302
    assert on_hand(mug) == 4


def test_support_reads_stock_and_history_but_cannot_adjust(as_role, stock):
    support = as_role("support")
    mug = stock["MUG-1"]

    listing = support.get(INVENTORY)
    history = support.get(history_url(mug))
    page = support.get(adjust_url(mug))
    write = support.post(adjust_url(mug), {"kind": "change", "quantity": 1, "reason": "received"})

    assert listing.status_code == 200
    assert "/adjust/" not in listing.content.decode()
    assert history.status_code == 200
    assert "/adjust/" not in history.content.decode()
    assert (page.status_code, page["Location"]) == (302, DASHBOARD)
    assert write.status_code == 403
    assert on_hand(mug) == 3


def test_an_order_manager_is_refused_the_inventory(as_role, stock):
    order_manager = as_role("order_manager")
    mug = stock["MUG-1"]

    for url in (INVENTORY, history_url(mug), adjust_url(mug)):
        response = order_manager.get(url)
        assert (response.status_code, response["Location"]) == (302, DASHBOARD)
    write = order_manager.post(adjust_url(mug), {"kind": "change", "quantity": 1, "reason": "sold"})
    assert write.status_code == 403
    assert on_hand(mug) == 3


def test_customers_and_strangers_are_sent_to_sign_in(as_role, store_client, store_a, stock):
    mug = stock["MUG-1"]
    for client in (as_role("customer"), store_client(store_a)):
        response = client.get(INVENTORY)
        assert (response.status_code, response["Location"]) == (302, login_redirect(INVENTORY))
        write = client.post(adjust_url(mug), {"kind": "change", "quantity": 1, "reason": "sold"})
        assert write.status_code == 302
    assert on_hand(mug) == 3
