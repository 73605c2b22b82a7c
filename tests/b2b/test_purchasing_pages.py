"""The storefront's purchasing pages, as people see them: the PO number and the invoice method
at checkout, the approvals pages of a company's approvers (who may see them, approve, reject
with a reason, their own order), and "awaiting approval" on the buyer's order."""

import io

import pytest
from django.db import connection
from pypdf import PdfReader

from orders.models import OrderStatus
from tests.b2b.purchasing_factories import (
    checkout_for,
    company,
    make_variant,
    member,
    place,
    set_up_store,
)
from tests.matrix import create_user, every_role


@pytest.fixture
def shop(store_a):
    connection.set_tenant(store_a)
    acme = company()
    return {
        "store": store_a,
        "option": set_up_store(),
        "mug": make_variant(price="100.00", stock=10),
        "company": acme,
        "buyer": member(acme, "buyer", spending_limit="150.00"),
        "approver": member(acme, "approver"),
        "admin": member(acme, "admin"),
    }


@pytest.fixture
def as_person(store_client, shop):
    def make(user):
        client = store_client(shop["store"])
        if user is not None:
            client.force_login(user)
        return client

    return make


def awaiting(shop):
    order = place(shop["buyer"], [(shop["mug"], 2)], option_id=shop["option"], po_number="PO-5")
    assert order.status == OrderStatus.AWAITING_APPROVAL
    return order


def test_a_company_buyer_sees_the_po_number_field_and_the_invoice_method(shop, as_person):
    checkout_for(shop["buyer"], [(shop["mug"], 1)], option_id=shop["option"])
    page = as_person(shop["buyer"]).get("/checkout/payment/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Invoice / purchase order" in html
    assert 'name="po_number"' in html
    answer = as_person(shop["buyer"]).post(
        "/checkout/payment/", {"payment_method": "invoice", "po_number": "PO-77"}
    )
    assert answer.status_code == 302
    review = as_person(shop["buyer"]).get("/checkout/review/").content.decode()
    assert "PO number: PO-77" in review


def test_a_shopper_sees_neither(shop, as_person):
    shopper = create_user("shopper@example.com")
    checkout_for(shopper, [(shop["mug"], 1)], option_id=shop["option"], payment_method="cod")
    html = as_person(shopper).get("/checkout/payment/").content.decode()
    assert "Invoice / purchase order" not in html
    assert 'name="po_number"' not in html


def test_a_reused_po_number_is_shown_next_to_its_field(shop, as_person):
    first = awaiting(shop)
    checkout_for(shop["admin"], [(shop["mug"], 1)], option_id=shop["option"])
    answer = as_person(shop["admin"]).post(
        "/checkout/payment/", {"payment_method": "invoice", "po_number": "PO-5"}
    )
    assert answer.status_code == 400
    assert f"Already used by order #{first.number}." in answer.content.decode()
    assert 'value="PO-5"' in answer.content.decode()


def test_only_the_companys_approvers_and_admins_see_its_approvals(shop, as_person):
    order = awaiting(shop)
    people = {
        "approver": shop["approver"],
        "admin": shop["admin"],
        "buyer": member(shop["company"], "buyer"),
        "other_approver": member(company(name="Globex"), "approver"),
        "customer": create_user("c@example.com"),
        "anonymous": None,
    }
    expected = {
        "approver": (200, 200),
        "admin": (200, 200),
        "buyer": (403, 403),
        "other_approver": (200, 404),
        "customer": (403, 403),
        "anonymous": (302, 302),
    }

    def check(role):
        client = as_person(people[role])
        listed = client.get("/account/company/approvals/")
        detail = client.get(f"/account/company/approvals/{order.pk}/")
        assert (listed.status_code, detail.status_code) == expected[role], role
        if listed.status_code == 200:
            visible = f'data-order="{order.number}"' in listed.content.decode()
            assert visible is (role in ("approver", "admin")), role

    every_role(list(people), check)


def test_an_approver_approves_from_the_page(shop, as_person):
    order = awaiting(shop)
    client = as_person(shop["approver"])
    page = client.get(f"/account/company/approvals/{order.pk}/").content.decode()
    assert "PO-5" in page and f"Approve order #{order.number}" in page
    answer = client.post(f"/account/company/approvals/{order.pk}/approve/", {"note": ""})
    assert answer.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert "No order is waiting for approval." in client.get(answer.url).content.decode()


def test_a_rejection_without_a_reason_is_refused_on_the_page(shop, as_person):
    order = awaiting(shop)
    client = as_person(shop["admin"])
    answer = client.post(f"/account/company/approvals/{order.pk}/reject/", {"note": ""})
    assert answer.status_code == 400
    assert "Say why the order is rejected: the buyer reads it." in answer.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_APPROVAL
    answer = client.post(f"/account/company/approvals/{order.pk}/reject/", {"note": "No"})
    assert answer.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_an_approvers_own_order_offers_no_decision_to_them(shop, as_person):
    approver = member(shop["company"], "approver", spending_limit="10.00")
    order = place(approver, [(shop["mug"], 1)], option_id=shop["option"])
    page = as_person(approver).get(f"/account/company/approvals/{order.pk}/")
    assert "another approver of your company decides on it" in page.content.decode()
    refused = as_person(approver).post(f"/account/company/approvals/{order.pk}/approve/")
    assert refused.status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_APPROVAL


def test_the_buyer_sees_the_order_awaiting_approval_with_its_po_number(shop, as_person):
    order = awaiting(shop)
    html = as_person(shop["buyer"]).get(f"/account/orders/{order.number}/").content.decode()
    assert "Awaiting approval" in html
    assert "This order awaits approval by your company" in html
    assert "PO-5" in html


def test_staff_see_an_awaiting_order_as_not_to_be_handled(shop, store_owner_client):
    order = awaiting(shop)
    client = store_owner_client(shop["store"])
    detail = client.get(f"/admin/orders/{order.pk}/").content.decode()
    assert "data-awaiting-approval" in detail
    assert 'data-form="fulfil"' not in detail
    assert 'data-form="start"' not in detail
    listing = client.get("/admin/orders/").content.decode()
    assert "data-awaiting-approval" in listing


def test_the_invoice_pdf_carries_the_po_number(shop, as_person):
    order = awaiting(shop)
    response = as_person(shop["buyer"]).get(f"/account/orders/{order.number}/invoice.pdf")
    assert response.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "PO number: PO-5" in text
