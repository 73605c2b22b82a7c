"""Reorder from a past order (b2b.bulk.reorder; POST /api/v1/b2b/orders/<number>/reorder/ and
the storefront's "Reorder" button): today's prices, a report of the lines that cannot be had
again, and only the caller's own or company's orders."""

import pytest
from django.db import connection

from accounts.models import CompanyMembership
from cart.models import Cart, CartLine
from catalog.models import Product
from tests.b2b.bulk_scene import (
    api_client,
    company_key,
    make_company,
    make_variant,
    member,
    place_for,
)
from tests.conftest import HostClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(store_a):
    connection.set_tenant(store_a)
    acme, globex = make_company("Acme Ltd"), make_company("Globex")
    buyer = member(acme, "buyer@acme.test")
    colleague = member(acme, "colleague@acme.test")
    mug = make_variant(price="12.00", b2b_price="10.00", stock=100)
    plate = make_variant(price="5.00", stock=50)
    gone = make_variant(price="7.00", stock=50)
    order = place_for(buyer, acme, [(mug, 2), (plate, 4), (gone, 1)])
    # Since the order: the mug costs more, the plate is sold out, the third product is gone.
    type(mug).objects.filter(pk=mug.pk).update(b2b_price="11.00")
    type(plate).objects.filter(pk=plate.pk).update(stock_on_hand=0, stock_reserved=0)
    Product.objects.filter(pk=gone.product_id).update(status=Product.Status.DRAFT)
    return {
        "store": store_a,
        "acme": acme,
        "globex": globex,
        "buyer": buyer,
        "colleague": colleague,
        "order": order,
        "mug": mug,
        "plate": plate,
        "gone": gone,
    }


def open_lines(**owner) -> dict:
    lines = CartLine.objects.filter(cart__status=Cart.Status.OPEN, **owner)
    return dict(lines.values_list("sku_at_add", "quantity"))


def test_reorder_adds_what_can_be_had_at_todays_prices_and_reports_the_rest(scene):
    client = api_client(scene["store"], user=scene["buyer"])

    answer = client.post(f"/api/v1/b2b/orders/{scene['order'].number}/reorder/")

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["ok"], body["added"]) == (False, True)
    assert [
        (row["row"], row["sku"], row["status"], row["reason"], row["unit_price"])
        for row in body["rows"]
    ] == [
        (1, scene["mug"].sku, "ok", "", "11.00"),
        (2, scene["plate"].sku, "invalid_quantity", "Out of stock.", "5.00"),
        (3, scene["gone"].sku, "unavailable", "This product is not available.", None),
    ]
    assert open_lines(cart__user=scene["buyer"]) == {scene["mug"].sku: 2}


def test_a_colleague_and_the_companys_key_reorder_a_company_order_another_company_cannot(
    scene,
):
    number = scene["order"].number
    colleague = api_client(scene["store"], user=scene["colleague"])
    assert colleague.post(f"/api/v1/b2b/orders/{number}/reorder/").status_code == 200
    assert open_lines(cart__user=scene["colleague"]) == {scene["mug"].sku: 2}

    admin = member(scene["acme"], "admin@acme.test", CompanyMembership.Role.ADMIN)
    key = api_client(scene["store"], key=company_key(scene["acme"], admin))
    assert key.post(f"/api/v1/b2b/orders/{number}/reorder/").status_code == 200

    outsider = api_client(scene["store"], user=member(scene["globex"], "b@globex.test"))
    refused = outsider.post(f"/api/v1/b2b/orders/{number}/reorder/")
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "not_found"
    missing = colleague.post("/api/v1/b2b/orders/2147483648/reorder/")
    assert missing.status_code == 404


def test_the_storefront_reorder_button_shows_the_report(scene):
    browser = HostClient(HTTP_HOST=scene["store"].primary_host)
    browser.force_login(scene["buyer"])
    number = scene["order"].number

    detail = browser.get(f"/account/orders/{number}/")
    assert detail.status_code == 200
    assert f'action="/account/company/orders/{number}/reorder/"' in detail.content.decode()

    page = browser.post(f"/account/company/orders/{number}/reorder/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "1 line added to your cart at today's prices." in html
    assert "Out of stock." in html
    assert "This product is not available." in html
    assert open_lines(cart__user=scene["buyer"]) == {scene["mug"].sku: 2}
