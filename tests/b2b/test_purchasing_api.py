"""The B2B order API end to end with a company API key: place by SKU, idempotent replay,
status, approval by a person, updated_since and status filters, cursor pages, bad input
field by field, and store isolation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from orders.models import Order, OrderStatus
from tests.b2b.purchasing_factories import (
    US_ADDRESS,
    company,
    make_variant,
    member,
    place,
    set_up_store,
)


@pytest.fixture
def shop(store_a):
    connection.set_tenant(store_a)
    acme = company(credit_limit="1000.00")
    admin = member(acme, "admin", spending_limit="300.00")
    key = account_services.create_api_key(
        name="ERP", scopes=["orders:place", "orders:read"], created_by=admin, company=acme
    )
    return {
        "store": store_a,
        "option": set_up_store(),
        "mug": make_variant(price="100.00", stock=20),
        "company": acme,
        "admin": admin,
        "approver": member(acme, "approver"),
        "key": key.secret,
    }


def erp(shop) -> APIClient:
    client = APIClient(HTTP_HOST=shop["store"].primary_host)
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {shop['key']}")
    return client


def person(shop, user) -> APIClient:
    client = APIClient(HTTP_HOST=shop["store"].primary_host)
    token = account_services.issue_auth_token(user=user).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def body(shop, quantity=2, **extra):
    return {
        "lines": [{"sku": shop["mug"].sku, "quantity": quantity}],
        "po_number": "PO-100",
        "shipping_address": US_ADDRESS,
        **extra,
    }


def test_an_erp_places_an_order_replays_it_and_follows_its_status(shop):
    client = erp(shop)
    placed = client.post(
        "/api/v1/b2b/orders/", body(shop), format="json", HTTP_IDEMPOTENCY_KEY="erp-1"
    )
    assert placed.status_code == 201, placed.content
    order = placed.json()
    assert (order["status"], order["payment_method"], order["po_number"]) == (
        "pending",
        "invoice",
        "PO-100",
    )
    assert (order["total"], order["payment_status"], order["placed_by"]) == (
        "205.00",
        "unpaid",
        shop["admin"].email,
    )
    assert order["lines"][0]["sku"] == shop["mug"].sku
    replay = client.post(
        "/api/v1/b2b/orders/", body(shop), format="json", HTTP_IDEMPOTENCY_KEY="erp-1"
    )
    assert (replay.status_code, replay.json()["id"]) == (201, order["id"])
    assert replay["Idempotent-Replayed"] == "true"
    assert Order.objects.filter(company=shop["company"]).count() == 1
    status = client.get(f"/api/v1/b2b/orders/{order['id']}/")
    assert (status.status_code, status.json()["status"]) == (200, "pending")


def test_an_order_above_the_key_creators_limit_waits_for_a_person_to_approve(shop):
    placed = erp(shop).post("/api/v1/b2b/orders/", body(shop, quantity=3), format="json")
    assert (placed.status_code, placed.json()["status"]) == (201, "awaiting_approval")
    pk = placed.json()["id"]
    assert erp(shop).post(f"/api/v1/b2b/orders/{pk}/approve/", {}, format="json").status_code == 403
    own = person(shop, shop["admin"]).post(f"/api/v1/b2b/orders/{pk}/approve/", {}, format="json")
    assert (own.status_code, own.json()["error"]["code"]) == (403, "permission_denied")
    approved = person(shop, shop["approver"]).post(
        f"/api/v1/b2b/orders/{pk}/approve/", {"note": "OK"}, format="json"
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "pending"
    assert approved.json()["approval"]["decision"] == "approved"
    assert approved.json()["approval"]["by"] == shop["approver"].email
    assert approved.json()["approval"]["note"] == "OK"
    again = person(shop, shop["approver"]).post(
        f"/api/v1/b2b/orders/{pk}/reject/", {"note": "No"}, format="json"
    )
    assert (again.status_code, again.json()["error"]["code"]) == (409, "illegal_transition")


def test_a_rejection_through_the_api_releases_the_stock(shop):
    pk = erp(shop).post("/api/v1/b2b/orders/", body(shop, quantity=3), format="json").json()["id"]
    url = f"/api/v1/b2b/orders/{pk}/reject/"
    missing = person(shop, shop["approver"]).post(url, {}, format="json")
    assert missing.status_code == 400
    assert missing.json()["error"]["fields"] == {
        "note": ["Say why the order is rejected: the buyer reads it."]
    }
    rejected = person(shop, shop["approver"]).post(url, {"note": "Too many"}, format="json")
    assert (rejected.status_code, rejected.json()["status"]) == (200, "cancelled")
    shop["mug"].refresh_from_db()
    assert shop["mug"].stock_reserved == 0


def test_another_companys_approver_does_not_find_the_order(shop):
    pk = erp(shop).post("/api/v1/b2b/orders/", body(shop, quantity=3), format="json").json()["id"]
    stranger = member(company(name="Globex"), "approver")
    answer = person(shop, stranger).post(f"/api/v1/b2b/orders/{pk}/approve/", {}, format="json")
    assert answer.status_code == 404
    assert person(shop, stranger).get(f"/api/v1/b2b/orders/{pk}/").status_code == 404
    assert Order.objects.get(pk=pk).status == OrderStatus.AWAITING_APPROVAL


@pytest.mark.parametrize(
    ("change", "status", "fields"),
    [
        ({"lines": []}, 400, {"lines.non_field_errors": ["This list may not be empty."]}),
        (
            {"lines": [{"sku": "NOPE", "quantity": 1}]},
            400,
            {"lines.0.sku": ["No product has the SKU NOPE."]},
        ),
        (
            {"lines": [{"sku": "X", "quantity": 0}]},
            400,
            {"lines.0.quantity": ["Ensure this value is greater than or equal to 1."]},
        ),
        (
            {"lines": [{"sku": "X", "quantity": 2**40}]},
            400,
            {"lines.0.quantity": ["Ensure this value is less than or equal to 2147483647."]},
        ),
        (
            {"po_number": "P" * 65},
            400,
            {"po_number": ["Ensure this field has no more than 64 characters."]},
        ),
        (
            {"payment_method": "stripe"},
            400,
            {"payment_method": ["Use “invoice” (or “cod” where it is offered)."]},
        ),
        ({"shipping_address": {**US_ADDRESS, "postal_code": "ABC"}}, 400, None),
        ({"delivery_option": 2**62}, 400, None),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_placed(shop, change, status, fields):
    answer = erp(shop).post("/api/v1/b2b/orders/", {**body(shop), **change}, format="json")
    assert answer.status_code == status, answer.content
    if fields is not None:
        assert answer.json()["error"]["fields"] == fields
    assert not Order.objects.exists()


def test_a_reused_po_number_and_the_credit_limit_are_refused_with_the_reason(shop):
    first = erp(shop).post("/api/v1/b2b/orders/", body(shop), format="json").json()
    reused = erp(shop).post("/api/v1/b2b/orders/", body(shop), format="json")
    assert reused.status_code == 400
    assert reused.json()["error"]["code"] == "po_number_in_use"
    assert reused.json()["error"]["fields"] == {
        "po_number": [f"Already used by order #{first['number']}."]
    }
    too_much = erp(shop).post(
        "/api/v1/b2b/orders/", body(shop, quantity=9, po_number="PO-101"), format="json"
    )  # 905.00 on top of 205.00, limit 1,000.00
    assert too_much.status_code == 400
    assert too_much.json()["error"]["code"] == "credit_limit_exceeded"
    [message] = too_much.json()["error"]["fields"]["payment_method"]
    assert message.startswith("Credit limit exceeded: ")
    assert "$1,110.00" in message
    assert Order.objects.count() == 1


def test_the_list_filters_by_status_and_updated_since_and_pages_by_cursor(shop):
    client = erp(shop)
    ids = [
        client.post(
            "/api/v1/b2b/orders/", body(shop, quantity=1, po_number=f"PO-{n}"), format="json"
        ).json()["id"]
        for n in range(3)
    ]
    Order.objects.filter(pk=ids[0]).update(updated_at=timezone.now() - timedelta(days=2))
    since = (timezone.now() - timedelta(days=1)).isoformat()
    recent = client.get("/api/v1/b2b/orders/", {"updated_since": since})
    assert [o["id"] for o in recent.json()["results"]] == [ids[2], ids[1]]
    first_page = client.get("/api/v1/b2b/orders/", {"page_size": 2})
    assert [o["id"] for o in first_page.json()["results"]] == [ids[2], ids[1]]
    second = client.get(first_page.json()["next"])
    assert [o["id"] for o in second.json()["results"]] == [ids[0]]
    Order.objects.filter(pk=ids[1]).update(status=OrderStatus.PROCESSING)
    processing = client.get("/api/v1/b2b/orders/", {"status": "processing"})
    assert [o["id"] for o in processing.json()["results"]] == [ids[1]]
    for bad in ({"status": "lost"}, {"updated_since": "yesterday"}, {"page_size": "0"}):
        answer = client.get("/api/v1/b2b/orders/", bad)
        assert (answer.status_code, set(answer.json()["error"]["fields"])) == (400, set(bad))


def test_the_list_costs_the_same_queries_for_one_order_or_many(shop):
    client = erp(shop)
    client.get("/api/v1/b2b/orders/")  # the key's first use is recorded once
    place(member(shop["company"]), [(shop["mug"], 1)], option_id=shop["option"])
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/b2b/orders/").json()["results"]) == 1
    for _ in range(4):
        place(member(shop["company"]), [(shop["mug"], 1)], option_id=shop["option"])
    with CaptureQueriesContext(connection) as five:
        assert len(client.get("/api/v1/b2b/orders/").json()["results"]) == 5
    assert len(five) == len(one)


def test_a_company_sees_only_its_own_orders_and_a_key_works_only_at_its_store(shop, store_b):
    place(member(company(name="Globex")), [(shop["mug"], 1)], option_id=shop["option"])
    mine = erp(shop).post("/api/v1/b2b/orders/", body(shop), format="json").json()
    listed = erp(shop).get("/api/v1/b2b/orders/").json()["results"]
    assert [o["id"] for o in listed] == [mine["id"]]
    elsewhere = APIClient(HTTP_HOST=store_b.primary_host)
    elsewhere.credentials(HTTP_AUTHORIZATION=f"Api-Key {shop['key']}")
    assert elsewhere.get("/api/v1/b2b/orders/").status_code == 401
    connection.set_tenant(store_b)
    assert not Order.objects.exists()
    connection.set_tenant(shop["store"])
    assert Decimal(mine["total"]) == Decimal("205.00")


def test_the_checkout_api_takes_and_shows_a_po_number(shop):
    client = person(shop, member(shop["company"]))
    added = client.post(
        "/api/v1/cart/lines/", {"variant": shop["mug"].pk, "quantity": 1}, format="json"
    )
    assert added.status_code == 201, added.content
    token = client.post("/api/v1/checkout/", {}, format="json").json()["token"]
    url = f"/api/v1/checkout/{token}/"
    ready = client.patch(
        url,
        {"email": "b@acme.test", "shipping_address": US_ADDRESS, "po_number": "PO-CHK"},
        format="json",
    )
    assert ready.json()["po_number"] == "PO-CHK"
    option = client.get(f"{url}delivery-options/").json()[0]["id"]
    ready = client.patch(
        url, {"delivery_option": option, "payment_method": "invoice"}, format="json"
    )
    assert ready.json()["missing"] == {}, ready.content
    assert "invoice" in {m["code"] for m in ready.json()["payment_methods"]}
    order = client.post(f"{url}complete/", {}, format="json")
    assert (order.status_code, order.json()["po_number"]) == (201, "PO-CHK")


def _location(of, name="Warehouse"):
    from b2b.companies import services as company_services

    return company_services.save_location(
        company=of,
        name=name,
        shipping_address={**US_ADDRESS, "full_name": "Dock 4", "line1": "9 Pier Rd"},
        billing_address={**US_ADDRESS, "full_name": "Accounts payable"},
    )


def test_an_erp_ships_to_one_of_its_companys_locations_by_id(shop):
    warehouse = _location(shop["company"])
    listed = erp(shop).get("/api/v1/b2b/company/locations/")
    assert listed.status_code == 200
    assert warehouse.pk in [row["id"] for row in listed.json()]
    request = {**body(shop), "location": warehouse.pk}
    del request["shipping_address"]

    placed = erp(shop).post("/api/v1/b2b/orders/", request, format="json")

    assert placed.status_code == 201, placed.content
    assert placed.json()["shipping_address"]["line1"] == "9 Pier Rd"
    order = Order.objects.get(pk=placed.json()["id"])
    assert (order.shipping_address["full_name"], order.billing_address["full_name"]) == (
        "Dock 4",
        "Accounts payable",
    )


@pytest.mark.parametrize("which", ["other_company", "unknown", "both", "neither"])
def test_a_location_not_of_the_company_or_with_an_address_is_refused(shop, which):

    other = _location(company(name="Other Co"), name="Their depot")
    request = body(shop)
    if which == "other_company":
        request["location"] = other.pk
        del request["shipping_address"]
    elif which == "unknown":
        request["location"] = other.pk + 1000
        del request["shipping_address"]
    elif which == "both":
        request["location"] = _location(shop["company"]).pk
    else:
        del request["shipping_address"]

    answer = erp(shop).post("/api/v1/b2b/orders/", request, format="json")

    assert answer.status_code == 400, answer.content
    assert list(answer.json()["error"]["fields"]) == ["location"]
    assert not Order.objects.exists()
