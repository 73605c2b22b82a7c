"""Requisition lists and saved carts (b2b.bulk.requisitions, /api/v1/b2b/requisition-lists/):
shared within the company, changed only by their maker and the company's admins, unknown (404)
to everyone else; added to the cart at today's prices with a report."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import CompanyMembership
from b2b.models import RequisitionList
from cart.models import Cart, CartLine
from tests.b2b.bulk_scene import api_client, company_key, make_company, make_variant, member

pytestmark = pytest.mark.django_db

LISTS = "/api/v1/b2b/requisition-lists/"


@pytest.fixture
def scene(store_a):
    connection.set_tenant(store_a)
    acme, globex = make_company("Acme Ltd"), make_company("Globex")
    maker = member(acme, "maker@acme.test")
    colleague = member(acme, "colleague@acme.test")
    admin = member(acme, "admin@acme.test", CompanyMembership.Role.ADMIN)
    outsider = member(globex, "buyer@globex.test")
    return {
        "store": store_a,
        "acme": acme,
        "globex": globex,
        "maker": maker,
        "colleague": colleague,
        "admin": admin,
        "outsider": outsider,
        "mug": make_variant(price="12.00", b2b_price="10.00", stock=100),
        "plate": make_variant(price="5.00", stock=3),
    }


def client(scene, who):
    return api_client(scene["store"], user=scene[who])


def make_list(scene, who="maker", lines=None):
    lines = lines if lines is not None else [{"sku": scene["mug"].sku, "quantity": 4}]
    made = client(scene, who).post(LISTS, {"name": "Office", "lines": lines}, format="json")
    assert made.status_code == 201, made.content
    return made.json()


def test_a_member_makes_a_list_every_colleague_sees_it_and_another_company_does_not(scene):
    made = make_list(scene)

    assert made["name"] == "Office"
    assert (made["kind"], made["created_by"], made["can_edit"]) == (
        "requisition",
        "maker@acme.test",
        True,
    )
    assert [(line["sku"], line["quantity"]) for line in made["lines"]] == [(scene["mug"].sku, 4)]
    seen = client(scene, "colleague").get(LISTS).json()
    assert [(item["id"], item["line_count"]) for item in seen["results"]] == [(made["id"], 1)]
    assert client(scene, "colleague").get(f"{LISTS}{made['id']}/").json()["can_edit"] is False

    outsider = client(scene, "outsider")
    assert outsider.get(LISTS).json()["results"] == []
    for method, path, body in [
        ("get", f"{LISTS}{made['id']}/", None),
        ("patch", f"{LISTS}{made['id']}/", {"name": "Mine now"}),
        ("delete", f"{LISTS}{made['id']}/", None),
        ("post", f"{LISTS}{made['id']}/lines/", {"sku": scene["mug"].sku, "quantity": 1}),
        ("post", f"{LISTS}{made['id']}/add-to-cart/", {}),
    ]:
        answer = getattr(outsider, method)(path, body, format="json")
        assert answer.status_code == 404, (method, path)
        assert answer.json()["error"]["code"] == "not_found"
    assert RequisitionList.objects.get().name == "Office"


def test_only_the_maker_and_the_company_admins_change_a_list(scene):
    made = make_list(scene)
    path = f"{LISTS}{made['id']}/"

    refused = client(scene, "colleague").patch(path, {"name": "Hijacked"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == (
        "Only the person who made this list and your company's admins can change it."
    )
    assert client(scene, "colleague").delete(path).status_code == 403

    renamed = client(scene, "admin").patch(path, {"name": "Office (weekly)"}, format="json")
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Office (weekly)"
    changed = client(scene, "maker").post(
        f"{path}lines/", {"sku": scene["plate"].sku, "quantity": "2"}, format="json"
    )
    assert changed.status_code == 200
    line = next(line for line in changed.json()["lines"] if line["sku"] == scene["plate"].sku)
    removed = client(scene, "admin").delete(f"{path}lines/{line['id']}/")
    assert [item["sku"] for item in removed.json()["lines"]] == [scene["mug"].sku]
    assert client(scene, "maker").delete(path).status_code == 204
    assert not RequisitionList.objects.exists()


def test_bad_lists_are_refused_field_by_field_and_nothing_is_made(scene):
    answer = client(scene, "maker").post(
        LISTS,
        {
            "name": "  ",
            "lines": [{"sku": "NO-SUCH", "quantity": 1}, {"sku": scene["mug"].sku, "quantity": 0}],
        },
        format="json",
    )

    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {"name": ["Give the list a name."]}
    answer = client(scene, "maker").post(
        LISTS,
        {
            "name": "Office",
            "lines": [{"sku": "NO-SUCH", "quantity": 1}, {"sku": scene["mug"].sku, "quantity": 0}],
        },
        format="json",
    )
    assert answer.json()["error"]["fields"] == {
        "lines.0.sku": ["No product has this SKU."],
        "lines.1.quantity": ["At least 1 must be bought."],
    }
    made = make_list(scene)
    refused = client(scene, "maker").post(
        f"{LISTS}{made['id']}/lines/", {"sku": scene["mug"].sku, "quantity": -1}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"quantity": ["At least 1 must be bought."]}
    assert RequisitionList.objects.count() == 1


def test_a_saved_cart_keeps_the_cart_and_is_restored_at_todays_prices(scene):
    maker = client(scene, "maker")
    maker.post("/api/v1/cart/lines/", {"variant": scene["mug"].pk, "quantity": 3}, format="json")

    saved = maker.post(
        LISTS, {"name": "Friday cart", "kind": "saved_cart", "from_cart": True}, format="json"
    )

    assert saved.status_code == 201
    assert saved.json()["kind"] == "saved_cart"
    assert [(line["sku"], line["quantity"]) for line in saved.json()["lines"]] == [
        (scene["mug"].sku, 3)
    ]
    maker.delete("/api/v1/cart/")
    type(scene["mug"]).objects.filter(pk=scene["mug"].pk).update(b2b_price="9.00")

    restored = maker.post(f"{LISTS}{saved.json()['id']}/add-to-cart/", {}, format="json")

    assert restored.status_code == 200
    assert restored.json()["rows"][0]["unit_price"] == "9.00"
    assert maker.get("/api/v1/cart/").json()["subtotal"] == "27.00"
    empty = client(scene, "colleague").post(
        LISTS, {"name": "Nothing", "from_cart": True}, format="json"
    )
    assert empty.status_code == 400
    assert empty.json()["error"]["fields"] == {"cart": ["The cart is empty."]}


def test_adding_a_list_adds_what_can_be_had_and_reports_the_rest(scene):
    made = make_list(
        scene,
        lines=[
            {"sku": scene["mug"].sku, "quantity": 4},
            {"sku": scene["plate"].sku, "quantity": 3},
        ],
    )
    type(scene["plate"]).objects.filter(pk=scene["plate"].pk).update(stock_on_hand=1)
    colleague = client(scene, "colleague")

    answer = colleague.post(f"{LISTS}{made['id']}/add-to-cart/", {}, format="json")

    assert answer.status_code == 200
    body = answer.json()
    assert (body["ok"], body["added"]) == (False, True)
    assert [(row["sku"], row["status"], row["reason"]) for row in body["rows"]] == [
        (scene["mug"].sku, "ok", ""),
        (scene["plate"].sku, "invalid_quantity", "Only 1 left."),
    ]
    in_cart = CartLine.objects.filter(cart__user=scene["colleague"], cart__status=Cart.Status.OPEN)
    assert dict(in_cart.values_list("sku_at_add", "quantity")) == {scene["mug"].sku: 4}

    mug_line = made["lines"][0]["id"]
    only_mug = colleague.post(
        f"{LISTS}{made['id']}/add-to-cart/", {"lines": [mug_line]}, format="json"
    )
    assert [row["sku"] for row in only_mug.json()["rows"]] == [scene["mug"].sku]


def test_a_company_key_reads_its_companys_lists_and_adds_them_to_its_cart(scene):
    made = make_list(scene)
    key = api_client(scene["store"], key=company_key(scene["acme"], scene["admin"]))

    assert key.get(f"{LISTS}{made['id']}/").status_code == 200
    assert key.post(LISTS, {"name": "By a key"}, format="json").status_code == 403
    added = key.post(f"{LISTS}{made['id']}/add-to-cart/", {}, format="json")
    assert added.status_code == 200
    assert CartLine.objects.get(cart__api_key__company=scene["acme"]).quantity == 4


def test_listing_the_lists_costs_the_same_queries_for_2_lists_and_for_12(scene):
    maker = client(scene, "maker")
    for _ in range(2):
        make_list(scene)
    with CaptureQueriesContext(connection) as small:
        assert len(maker.get(LISTS).json()["results"]) == 2
    for _ in range(10):
        make_list(scene)
    with CaptureQueriesContext(connection) as large:
        assert len(maker.get(LISTS).json()["results"]) == 12

    assert len(large) == len(small)


def test_a_list_detail_costs_the_same_queries_for_1_line_and_for_30(scene):
    maker = client(scene, "maker")
    small_list = make_list(scene)
    variants = [make_variant() for _ in range(30)]
    large_list = make_list(scene, lines=[{"sku": v.sku, "quantity": 1} for v in variants])

    with CaptureQueriesContext(connection) as small:
        maker.get(f"{LISTS}{small_list['id']}/")
    with CaptureQueriesContext(connection) as large:
        maker.get(f"{LISTS}{large_list['id']}/")

    assert len(large) == len(small)
