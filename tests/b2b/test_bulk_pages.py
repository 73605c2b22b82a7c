"""The storefront's bulk purchasing pages (/account/company/...): they work without
JavaScript (the form posts, the page answers the same report), the quick order's live check
answers a fragment, and only a company's members reach them."""

import io

import pytest
from django.db import connection

from accounts.models import CompanyMembership
from b2b.models import RequisitionList
from cart.models import Cart, CartLine
from tests.b2b.bulk_scene import make_company, make_variant, member
from tests.conftest import HostClient
from tests.matrix import create_user, every_role

pytestmark = pytest.mark.django_db

PAGE = "/account/company/quick-order/"


@pytest.fixture
def scene(store_a):
    connection.set_tenant(store_a)
    company = make_company()
    buyer = member(company, "buyer@acme.test")
    browser = HostClient(HTTP_HOST=store_a.primary_host)
    browser.force_login(buyer)
    return {
        "store": store_a,
        "company": company,
        "buyer": buyer,
        "browser": browser,
        "mug": make_variant(price="12.00", b2b_price="10.00", stock=100),
    }


def cart_of(user) -> dict:
    lines = CartLine.objects.filter(cart__user=user, cart__status=Cart.Status.OPEN)
    return dict(lines.values_list("sku_at_add", "quantity"))


def test_the_header_links_quick_order_for_company_buyers_only(scene):
    home = scene["browser"].get(PAGE)
    assert home.status_code == 200
    assert 'href="/account/company/quick-order/" class="quick-order-link"' in home.content.decode()

    shopper = HostClient(HTTP_HOST=scene["store"].primary_host)
    shopper.force_login(create_user("shopper@example.com"))
    page = shopper.get("/account/")
    assert "quick-order-link" not in page.content.decode()


def test_who_reaches_the_pages(scene):
    store = scene["store"]
    people = {
        "buyer": scene["buyer"],
        "approver": member(scene["company"], "ap@acme.test", CompanyMembership.Role.APPROVER),
        "shopper": create_user("shopper@example.com"),
    }
    expected = {
        "buyer": {PAGE: 200, "/account/company/requisition-lists/": 200},
        "approver": {PAGE: 403, "/account/company/requisition-lists/": 200},
        "shopper": {PAGE: 403, "/account/company/requisition-lists/": 403},
        "anonymous": {PAGE: 302, "/account/company/requisition-lists/": 302},
    }

    def check(who):
        browser = HostClient(HTTP_HOST=store.primary_host)
        if who != "anonymous":
            browser.force_login(people[who])
        for path, status in expected[who].items():
            answer = browser.get(path)
            assert answer.status_code == status, (path, answer.status_code)

    every_role(list(expected), check)


def test_a_pending_companys_buyer_gets_no_quick_order_and_is_told_why(scene):
    """A pending (or rejected) company's people buy as consumers: no "Quick order" link, and
    the pages answer 403 with the reason; nothing reaches the cart."""
    company, browser, mug = scene["company"], scene["browser"], scene["mug"]
    type(company).objects.filter(pk=company.pk).update(status="pending")
    upload = io.BytesIO(f"{mug.sku},2\n".encode())
    upload.name = "order.csv"

    answers = [
        browser.get(PAGE),
        browser.post(PAGE, {"lines": f"{mug.sku} 3", "action": "add"}),
        browser.post("/account/company/quick-order/check/", {"lines": f"{mug.sku} 3"}),
        browser.post("/account/company/quick-order/upload/", {"file": upload}),
    ]

    for answer in answers:
        assert answer.status_code == 403
        html = answer.content.decode()
        assert f"{company.name} is awaiting the store&#x27;s approval" in html
        assert "until then you buy as a consumer" in html
    assert cart_of(scene["buyer"]) == {}
    assert "quick-order-link" not in browser.get("/account/").content.decode()

    type(company).objects.filter(pk=company.pk).update(status="rejected")
    rejected = browser.get(PAGE)
    assert rejected.status_code == 403
    assert f"The store did not approve {company.name}" in rejected.content.decode()


def test_without_javascript_check_shows_the_report_and_add_all_adds_or_refuses(scene):
    browser, mug = scene["browser"], scene["mug"]

    checked = browser.post(PAGE, {"lines": f"{mug.sku} 3\nNO-SUCH 1", "action": "check"})
    assert checked.status_code == 200
    html = checked.content.decode()
    assert "2 lines:" in html and "1 ready" in html and "1 to fix" in html
    assert "No product has this SKU." in html
    assert "$10.00" in html

    refused = browser.post(PAGE, {"lines": f"{mug.sku} 3\nNO-SUCH 1", "action": "add"})
    assert refused.status_code == 400
    assert "nothing was added" in refused.content.decode()
    assert f"{mug.sku} 3\nNO-SUCH 1" in refused.content.decode()  # what was typed is kept
    assert cart_of(scene["buyer"]) == {}

    added = browser.post(PAGE, {"lines": f"{mug.sku} 3", "action": "add"})
    assert (added.status_code, added["Location"]) == (302, "/cart/")
    assert cart_of(scene["buyer"]) == {mug.sku: 3}
    cart_page = browser.get("/cart/")
    assert "Added 1 line to your cart from quick order." in cart_page.content.decode()


def test_the_live_check_answers_the_report_fragment_and_changes_nothing(scene):
    answer = scene["browser"].post(
        "/account/company/quick-order/check/",
        {"lines": f"{scene['mug'].sku} 0"},
        HTTP_HX_REQUEST="true",
    )

    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'id="quick-order-report"' in html
    assert "<html" not in html
    assert "At least 1 must be bought." in html
    assert cart_of(scene["buyer"]) == {}


def test_an_uploaded_csv_is_checked_and_put_in_the_box(scene):
    data = f"sku,quantity\n{scene['mug'].sku},2\nNO-SUCH,1\n".encode()
    upload = io.BytesIO(data)
    upload.name = "order.csv"

    page = scene["browser"].post("/account/company/quick-order/upload/", {"file": upload})

    assert page.status_code == 200
    html = page.content.decode()
    assert f"{scene['mug'].sku} 2\nNO-SUCH 1" in html
    assert "Read order.csv" in html
    assert "No product has this SKU." in html

    bad = io.BytesIO(b"\xff\xfe\x00\x00")
    bad.name = "order.xlsx"
    refused = scene["browser"].post("/account/company/quick-order/upload/", {"file": bad})
    assert refused.status_code == 400
    assert "The file is not a CSV file in UTF-8." in refused.content.decode()


def test_requisition_list_pages_make_show_and_add_a_list_to_the_cart(scene):
    browser, mug = scene["browser"], scene["mug"]

    made = browser.post(
        "/account/company/requisition-lists/",
        {"action": "create", "name": "Weekly", "lines": f"{mug.sku} 5"},
    )
    listed = RequisitionList.objects.get()
    assert (made.status_code, made["Location"]) == (
        302,
        f"/account/company/requisition-lists/{listed.pk}/",
    )
    detail = browser.get(made["Location"])
    assert detail.status_code == 200
    assert mug.sku in detail.content.decode()

    added = browser.post(f"/account/company/requisition-lists/{listed.pk}/add-to-cart/")
    assert (added.status_code, added["Location"]) == (302, "/cart/")
    assert cart_of(scene["buyer"]) == {mug.sku: 5}

    saved = browser.post(
        "/account/company/requisition-lists/", {"action": "save_cart", "name": "Cart"}
    )
    assert saved.status_code == 302
    assert RequisitionList.objects.filter(kind="saved_cart").count() == 1

    bad = browser.post(
        "/account/company/requisition-lists/", {"action": "create", "name": "", "lines": ""}
    )
    assert bad.status_code == 400
    assert "Give the list a name." in bad.content.decode()


def test_another_companys_list_page_is_not_found(scene):
    other = make_company("Globex")
    theirs = RequisitionList.objects.create(company=other, name="Theirs")

    answer = scene["browser"].get(f"/account/company/requisition-lists/{theirs.pk}/")

    assert answer.status_code == 404
    assert "Theirs" not in answer.content.decode()


def test_nul_characters_typed_in_a_sku_or_a_name_are_no_error(scene):
    checked = scene["browser"].post(PAGE, {"lines": "MUG\x00-1 2", "action": "check"})
    assert checked.status_code == 200
    assert "No product has this SKU." in checked.content.decode()

    made = scene["browser"].post(
        "/account/company/requisition-lists/",
        {"action": "create", "name": "Week\x00ly", "lines": "MUG\x00 1"},
    )
    assert made.status_code == 400
    assert "Line 1: No product has this SKU." in made.content.decode()
