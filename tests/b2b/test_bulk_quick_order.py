"""Quick order by SKU list and CSV upload (b2b.bulk.quick_order, POST /api/v1/b2b/quick-order/
and .../csv/): the row-by-row report, all-or-nothing adding through cart.services, bounds,
store isolation and constant query counts."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import CompanyMembership
from b2b.bulk import quick_order
from b2b.bulk.lines import MAX_LINES, RequestedLine
from cart import services as cart_services
from cart.errors import CartError
from cart.identify import CartOwner
from cart.models import Cart, CartLine
from tests.b2b.bulk_scene import (
    api_client,
    buyer_of,
    company_key,
    make_company,
    make_variant,
    member,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/b2b/quick-order/"
CSV_URL = "/api/v1/b2b/quick-order/csv/"


@pytest.fixture
def scene(store_a):
    connection.set_tenant(store_a)
    company = make_company()
    buyer = member(company, "buyer@acme.test")
    return {
        "store": store_a,
        "company": company,
        "buyer": buyer,
        "client": api_client(store_a, user=buyer),
        "mug": make_variant(price="12.00", b2b_price="10.00", stock=100),
        "boxed": make_variant(price="3.00", stock=1000, quantity_min=6, quantity_step=6),
        "sold_out": make_variant(stock=0),
        "b2c_only": make_variant(visible_b2b=False),
        "draft": make_variant(status="draft"),
    }


def cart_lines(user) -> dict:
    return dict(
        CartLine.objects.filter(cart__user=user, cart__status=Cart.Status.OPEN).values_list(
            "sku_at_add", "quantity"
        )
    )


def rows(response) -> list[tuple]:
    return [(row["row"], row["sku"], row["status"], row["reason"]) for row in response["rows"]]


def test_every_kind_of_bad_row_is_reported_on_its_row_and_nothing_is_added(scene):
    mug, boxed = scene["mug"], scene["boxed"]
    lines = [
        {"sku": mug.sku, "quantity": 2},
        {"sku": "NO-SUCH", "quantity": 1},
        {"sku": mug.sku.lower(), "quantity": 0},
        {"sku": boxed.sku, "quantity": -3},
        {"sku": boxed.sku, "quantity": "99999999999"},
        {"sku": boxed.sku, "quantity": 7},
        {"sku": scene["sold_out"].sku, "quantity": 1},
        {"sku": scene["b2c_only"].sku, "quantity": 1},
        {"sku": scene["draft"].sku, "quantity": 1},
        {"sku": mug.sku, "quantity": 500},
        {"sku": mug.sku, "quantity": "two"},
    ]

    refused = scene["client"].post(URL, {"lines": lines}, format="json")

    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "invalid_lines"
    assert error["message"] == "11 of 11 lines cannot be ordered as asked: nothing was added."
    assert error["fields"]["lines.1.sku"] == ["No product has this SKU."]
    assert error["fields"]["lines.2.quantity"] == ["At least 1 must be bought."]
    assert error["fields"]["lines.4.quantity"] == ["At most 2147483647."]
    assert error["fields"]["lines.5.quantity"] == ["Sold in steps of 6 from 6 (6, 12, 18…)."]
    assert error["fields"]["lines.6.quantity"] == ["Out of stock."]
    assert error["fields"]["lines.7.sku"] == ["This product is not available."]
    assert error["fields"]["lines.8.sku"] == ["This product is not available."]
    assert error["fields"]["lines.10.quantity"] == ["A whole number is required."]
    # Rows of one SKU count together (2 + 500 of 100 in stock), and say so.
    assert error["fields"]["lines.0.quantity"] == ["Only 100 left. (counted with row 10)"]
    assert cart_lines(scene["buyer"]) == {}


def test_validate_only_answers_the_report_with_prices_and_stock_and_changes_nothing(scene):
    mug, boxed = scene["mug"], scene["boxed"]
    lines = [
        {"sku": mug.sku, "quantity": "3"},
        {"sku": boxed.sku.lower()},
        {"sku": "NO-SUCH", "quantity": 1},
    ]

    answer = scene["client"].post(URL, {"lines": lines, "validate_only": True}, format="json")

    assert answer.status_code == 200
    body = answer.json()
    assert (body["ok"], body["added"], body["currency"], body["subtotal"]) == (
        False,
        False,
        "USD",
        "48.00",
    )
    first, second, third = body["rows"]
    assert first == {
        "row": 1,
        "sku": mug.sku,
        "quantity": 3,
        "status": "ok",
        "reason": "",
        "field": "",
        "variant": mug.pk,
        "product_name": mug.product.name,
        "unit_price": "10.00",  # the B2B price: the buyer is a company's
        "line_total": "30.00",
        "available": 100,
        "in_cart": 0,
    }
    # A SKU typed in lower case is found; left without a quantity, its minimum.
    assert (second["sku"], second["quantity"], second["status"], second["line_total"]) == (
        boxed.sku,
        6,
        "ok",
        "18.00",
    )
    assert (third["status"], third["field"], third["variant"]) == ("not_found", "sku", None)
    assert cart_lines(scene["buyer"]) == {}


def test_adding_good_lines_puts_them_all_in_the_cart_at_the_buyers_prices(scene):
    mug, boxed = scene["mug"], scene["boxed"]
    client = scene["client"]
    client.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 1}, format="json")

    added = client.post(
        URL,
        {"lines": [{"sku": mug.sku, "quantity": 4}, {"sku": boxed.sku, "quantity": 12}]},
        format="json",
    )

    assert added.status_code == 200, added.content
    assert (added.json()["ok"], added.json()["added"]) == (True, True)
    assert added.json()["rows"][0]["in_cart"] == 1
    assert cart_lines(scene["buyer"]) == {mug.sku: 5, boxed.sku: 12}
    cart = client.get("/api/v1/cart/").json()
    assert cart["subtotal"] == "86.00"  # 5 x 10.00 (B2B) + 12 x 3.00


def test_what_the_cart_holds_counts_towards_the_stock(scene):
    mug = scene["mug"]
    scene["client"].post(URL, {"lines": [{"sku": mug.sku, "quantity": 60}]}, format="json")

    again = scene["client"].post(URL, {"lines": [{"sku": mug.sku, "quantity": 60}]}, format="json")

    assert again.status_code == 400
    assert again.json()["error"]["fields"] == {
        "lines.0.quantity": ["Only 100 left. (counted with the 60 already in your cart)"]
    }
    assert cart_lines(scene["buyer"]) == {mug.sku: 60}


def test_more_than_500_lines_are_refused_with_a_clear_error(scene):
    lines = [{"sku": f"SKU-{n}", "quantity": 1} for n in range(MAX_LINES + 1)]

    refused = scene["client"].post(URL, {"lines": lines}, format="json")

    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {
        "lines": ["At most 500 lines at once: split the order."]
    }


def test_a_sku_of_another_store_is_not_found(scene, store_b):
    connection.set_tenant(store_b)
    elsewhere = make_variant(price="1.00")
    connection.set_tenant(scene["store"])

    lines = [{"sku": elsewhere.sku, "quantity": 1}]
    answer = scene["client"].post(URL, {"lines": lines, "validate_only": True}, format="json")

    assert rows(answer.json()) == [(1, elsewhere.sku, "not_found", "No product has this SKU.")]


def test_a_company_key_with_orders_place_orders_into_its_own_cart(scene):
    admin = member(scene["company"], "admin@acme.test", CompanyMembership.Role.ADMIN)
    client = api_client(scene["store"], key=company_key(scene["company"], admin))

    added = client.post(URL, {"lines": [{"sku": scene["mug"].sku, "quantity": 2}]}, format="json")

    assert added.status_code == 200
    assert CartLine.objects.get(cart__api_key__company=scene["company"]).quantity == 2
    assert cart_lines(admin) == {}


def test_a_csv_upload_reports_row_by_row_with_the_files_row_numbers(scene):
    mug = scene["mug"]
    data = f"sku,quantity\n{mug.sku},2\nNO-SUCH,1\n{mug.sku},x\n".encode()

    answer = scene["client"].post(
        CSV_URL,
        {"file": io.BytesIO(data), "validate_only": "true"},
        format="multipart",
    )

    assert answer.status_code == 200, answer.content
    assert rows(answer.json()) == [
        (2, mug.sku, "ok", ""),
        (3, "NO-SUCH", "not_found", "No product has this SKU."),
        (4, mug.sku, "invalid_quantity", "A whole number is required."),
    ]
    refused = scene["client"].post(CSV_URL, {"file": io.BytesIO(data)}, format="multipart")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {
        "lines.2.sku": ["No product has this SKU."],
        "lines.3.quantity": ["A whole number is required."],
    }
    assert cart_lines(scene["buyer"]) == {}


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("pending", "is awaiting the store's approval: until then you buy as a consumer"),
        ("rejected", "The store did not approve"),
    ],
)
def test_a_pending_or_rejected_companys_buyer_is_refused_quick_order_and_csv(scene, status, reason):
    """Such a company's people buy as consumers (pricing.channel_for): quick order, which adds
    at the company's prices, answers 403 with the reason and adds nothing."""
    company, mug = scene["company"], scene["mug"]
    type(company).objects.filter(pk=company.pk).update(status=status)
    lines = {"lines": [{"sku": mug.sku, "quantity": 2}]}
    client = api_client(scene["store"], user=scene["buyer"])

    answers = [
        client.post(URL, lines, format="json"),
        client.post(URL, {**lines, "validate_only": True}, format="json"),
        client.post(CSV_URL, {"file": io.BytesIO(f"{mug.sku},2\n".encode())}, format="multipart"),
    ]

    for answer in answers:
        assert answer.status_code == 403, answer.content
        error = answer.json()["error"]
        assert error["code"] == "company_not_approved"
        assert company.name in error["message"] and reason in error["message"]
    assert cart_lines(scene["buyer"]) == {}
    # The cart itself sells to them as to any consumer: the B2C price.
    client.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 1}, format="json")
    assert client.get("/api/v1/cart/").json()["subtotal"] == "12.00"


def test_once_approved_the_same_buyer_orders_at_the_companys_prices(scene):
    company, mug = scene["company"], scene["mug"]
    type(company).objects.filter(pk=company.pk).update(status="pending")
    client = api_client(scene["store"], user=scene["buyer"])
    lines = {"lines": [{"sku": mug.sku, "quantity": 2}]}
    assert client.post(URL, lines, format="json").status_code == 403

    type(company).objects.filter(pk=company.pk).update(status="approved")
    added = client.post(URL, lines, format="json")

    assert added.status_code == 200, added.content
    assert added.json()["rows"][0]["unit_price"] == "10.00"
    assert cart_lines(scene["buyer"]) == {mug.sku: 2}


def test_a_malformed_csv_file_is_refused_and_a_good_one_added(scene):
    bad = scene["client"].post(
        CSV_URL, {"file": io.BytesIO(b"\xff\xfe\x00\x00")}, format="multipart"
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "malformed_file"

    good = scene["client"].post(
        CSV_URL, {"file": io.BytesIO(f"{scene['mug'].sku};3\n".encode())}, format="multipart"
    )
    assert good.status_code == 200
    assert cart_lines(scene["buyer"]) == {scene["mug"].sku: 3}


def test_the_report_costs_the_same_queries_for_3_lines_and_for_60(scene):
    variants = [make_variant(stock=50) for _ in range(60)]
    buyer = buyer_of(scene["buyer"], scene["company"])
    owner = CartOwner(user=scene["buyer"])
    few = [RequestedLine(row=n, sku=v.sku, quantity=1) for n, v in enumerate(variants[:3])]
    many = [RequestedLine(row=n, sku=v.sku, quantity=1) for n, v in enumerate(variants)]
    quick_order.validate_lines(lines=few, buyer=buyer, owner=owner)  # warm caches

    with CaptureQueriesContext(connection) as small:
        quick_order.validate_lines(lines=few, buyer=buyer, owner=owner)
    with CaptureQueriesContext(connection) as large:
        quick_order.validate_lines(lines=many, buyer=buyer, owner=owner)

    assert len(large) == len(small)


def test_adding_costs_the_same_queries_for_3_lines_and_for_60(scene):
    variants = [make_variant(stock=50) for _ in range(63)]
    client = scene["client"]
    few = [{"sku": v.sku, "quantity": 1} for v in variants[:3]]
    many = [{"sku": v.sku, "quantity": 1} for v in variants[3:]]
    client.post(URL, {"lines": [{"sku": scene["mug"].sku, "quantity": 1}]}, format="json")

    with CaptureQueriesContext(connection) as small:
        assert client.post(URL, {"lines": few}, format="json").status_code == 200
    with CaptureQueriesContext(connection) as large:
        assert client.post(URL, {"lines": many}, format="json").status_code == 200

    assert len(large) == len(small)
    assert len(cart_lines(scene["buyer"])) == 64


def test_the_carts_bulk_add_refuses_all_lines_when_one_is_refused(scene):
    """cart.services.add_lines checks again under the cart's lock (what changed since a
    report): one bad line and nothing is added."""
    owner = CartOwner(user=scene["buyer"])
    buyer = buyer_of(scene["buyer"], scene["company"])

    with pytest.raises(CartError) as refused:
        cart_services.add_lines(
            owner=owner,
            lines=[(scene["mug"].pk, 10), (scene["sold_out"].pk, 1)],
            buyer=buyer,
        )

    assert refused.value.fields == {"lines": [f"{scene['sold_out'].sku}: Out of stock."]}
    assert cart_lines(scene["buyer"]) == {}
