"""The quotes API, the store admin's quotes screens and the storefront's company quote pages:
every role against every endpoint (tests/matrix.py), another company's quote is a 404, an
illegal move 409, an expired offer 400 "quote expired" with nothing placed, lists in constant
queries."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiKey
from b2b.models import Quote, QuoteStatus
from cart import services as cart_services
from orders.models import Order
from payments import services as payment_services
from pricing import Buyer, Channel
from tests.b2b.factories import (
    company_cart,
    delivery_option,
    make_company,
    make_member,
    make_variant,
    offered_quote,
    on_account,
)
from tests.checkout.factories import US_ADDRESS
from tests.matrix import (
    COMPANY,
    PEOPLE,
    STAFF,
    Endpoint,
    case_id,
    check_every_role,
    every_role,
    expect,
    route_of,
    send,
)
from tests.queries import statements

pytestmark = pytest.mark.django_db

ASKERS = ("company_buyer", "company_admin")


def readable(members: int = 200) -> dict:
    return expect(
        403,
        **{role: members for role in COMPANY},
        owner=200,
        order_manager=200,
        support=200,
        company_key=members,
    )


def buyers(status: int, *, approver: int = 403) -> dict:
    return expect(
        403, company_buyer=status, company_admin=status, company_approver=approver,
        company_key=status,
    )  # fmt: skip


def answerers(status: int) -> dict:
    return expect(403, owner=status, order_manager=status)


ACCEPT = {
    "shipping_address": US_ADDRESS,
    "delivery_option": "{option}",
    "payment_method": "invoice",
}

ROWS = [
    Endpoint("GET", "/api/v1/b2b/quotes/", readable()),
    Endpoint("POST", "/api/v1/b2b/quotes/", buyers(201), {"message": "Bulk price?"}),
    Endpoint("GET", "/api/v1/b2b/quotes/{requested}/", readable()),
    Endpoint("GET", "/api/v1/b2b/quotes/{other}/", readable(members=404)),
    Endpoint("POST", "/api/v1/b2b/quotes/{offered}/accept/", buyers(201), ACCEPT),
    Endpoint("POST", "/api/v1/b2b/quotes/{other}/accept/", buyers(404), ACCEPT),
    Endpoint("POST", "/api/v1/b2b/quotes/{requested}/withdraw/", buyers(200)),
    Endpoint(
        "POST",
        "/api/v1/b2b/quotes/{requested}/offer/",
        answerers(200),
        {"prices": {"{line}": "9.00"}, "valid_until": "{until}"},
    ),
    Endpoint("POST", "/api/v1/b2b/quotes/{requested}/decline/", answerers(200), {"note": "No"}),
]


@pytest.fixture(scope="module")
def scene(cast):
    connection.set_tenant(cast.store)
    payment_services.set_method_settings(data={"enabled_methods": ["invoice"]})
    buyer = cast.person("company_buyer")
    company = on_account(buyer.company_membership.company)
    option = delivery_option()
    mug = make_variant(price="10.00")
    offered = offered_quote(buyer, company, (mug, 5))
    cart_services.clear(cart=cart_services.open_cart_for_user(user=buyer))
    from b2b import quotes
    from tests.b2b.factories import b2b_buyer

    requested = quotes.request_quote(
        cart=company_cart(buyer, company, (mug, 2)), buyer=b2b_buyer(buyer, company)
    )
    cart_services.clear(cart=cart_services.open_cart_for_user(user=buyer))
    stranger_company = make_company("Other Co")
    other = offered_quote(make_member(stranger_company), stranger_company, (mug, 1))
    return {
        "company": company,
        "mug": mug,
        "option": option.pk,
        "offered": offered.pk,
        "requested": requested.pk,
        "line": str(requested.lines.get().pk),
        "other": other.pk,
        "until": (timezone.localdate() + timedelta(days=10)).isoformat(),
    }


def fill_cart(scene):
    """Each asking role's cart holds a line (the company key's own cart too)."""

    def per_role(role, person):
        if role in ASKERS:
            company_cart(person, scene["company"], (scene["mug"], 3))
        elif role == "company_key":
            key = ApiKey.objects.get(company=scene["company"])
            cart = cart_services.open_cart_for_api_key(api_key=key)
            buyer = Buyer(channel=Channel.B2B, company=scene["company"], api_key=key)
            cart_services.add_line(cart=cart, variant_id=scene["mug"].pk, quantity=3, buyer=buyer)
        return {}

    return per_role


def send_filled(client, endpoint, values):
    """The matrix's ``send``, with ``{name}`` in the body's keys filled too (prices by line)."""

    def keys(value):
        if isinstance(value, dict):
            return {key.format(**values): keys(item) for key, item in value.items()}
        return value

    return send(client, replace(endpoint, body=keys(endpoint.body)), values)


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, scene):
    check_every_role(cast, endpoint, scene, per_role=fill_cart(scene), request=send_filled)


def test_every_quote_endpoint_is_in_the_matrix():
    from b2b.api.urls import urlpatterns

    declared = {f"/api/v1/b2b/{p.pattern}" for p in urlpatterns if "quote" in str(p.pattern)}
    assert declared - {route_of(row.path) for row in ROWS} == set()


def test_a_buyer_asks_and_gets_the_quote_back(cast, scene):
    connection.set_tenant(cast.store)
    fill_cart(scene)("company_buyer", cast.person("company_buyer"))
    response = cast.client("company_buyer").post(
        "/api/v1/b2b/quotes/", {"message": "Bulk price?"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["message"], body["total"]) == ("requested", "Bulk price?", None)
    assert [(line["sku"], line["quantity"], line["list_price"]) for line in body["lines"]] == [
        (scene["mug"].sku, 3, "10.00")
    ]


def test_an_empty_cart_is_refused(cast, scene):
    response = cast.client("company_admin").post("/api/v1/b2b/quotes/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"cart": ["Add something to your cart."]}


def test_accepting_through_the_api_places_the_order(cast, scene):
    body = {**ACCEPT, "delivery_option": scene["option"]}
    response = cast.client("company_key").post(
        f"/api/v1/b2b/quotes/{scene['offered']}/accept/", body, format="json"
    )
    assert response.status_code == 201
    assert response.json()["status"] == "ordered"
    order = Order.objects.get(number=response.json()["order_number"])
    assert [line.unit_price for line in order.lines.all()] == [Decimal("9.00")]
    again = cast.client("company_buyer").post(
        f"/api/v1/b2b/quotes/{scene['offered']}/accept/", body, format="json"
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "illegal_transition"


def test_an_expired_offer_answers_400_and_places_nothing(cast, scene):
    body = {**ACCEPT, "delivery_option": scene["option"]}
    with time_machine.travel(timezone.now() + timedelta(days=30), tick=False):
        response = cast.client("company_buyer").post(
            f"/api/v1/b2b/quotes/{scene['offered']}/accept/", body, format="json"
        )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["message"][:13]) == ("quote_expired", "quote expired")
    assert Quote.objects.get(pk=scene["offered"]).status == QuoteStatus.EXPIRED
    assert not Order.objects.exists()


def test_bad_offers_are_refused_field_by_field(cast, scene):
    path = f"/api/v1/b2b/quotes/{scene['requested']}/offer/"
    response = cast.client("owner").post(
        path, {"prices": {scene["line"]: "-1"}, "valid_until": "yesterday"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"valid_until"}
    response = cast.client("owner").post(
        path, {"prices": {scene["line"]: "-1"}, "valid_until": scene["until"]}, format="json"
    )
    assert response.json()["error"]["fields"] == {f"prices.{scene['line']}": ["Enter 0 or more."]}
    assert Quote.objects.get(pk=scene["requested"]).status == QuoteStatus.REQUESTED


def test_the_list_reads_in_constant_queries(cast, scene):
    client = cast.client("support")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/b2b/quotes/").status_code == 200
        return statements(queries)

    few = count()
    buyer = cast.person("company_buyer")
    for _ in range(3):
        offered_quote(buyer, scene["company"], (make_variant(), 1))
    assert count() == few


# --- Store admin ---------------------------------------------------------------------------------


@pytest.fixture
def admin_client(store_a):
    from tests.catalog.store_admin_clients import admin_client
    from tests.conftest import HostClient

    def make(role):
        if role == "anonymous":
            connection.set_tenant(store_a)
            return HostClient(HTTP_HOST=store_a.primary_host)
        return admin_client(store_a, role)

    return make


@pytest.mark.parametrize("path", ["/admin/b2b/quotes/", "/admin/b2b/quotes/{requested}/"])
def test_staff_read_the_quote_screens(admin_client, scene, path):
    url = path.format(**scene)

    def reads(role):
        response = admin_client(role).get(url)
        if role in ("owner", "order_manager", "support"):
            assert response.status_code == 200
        elif role in STAFF:
            assert response.status_code == 403
        else:
            assert response.status_code == 302

    every_role(["anonymous", *PEOPLE], reads)


def test_owner_and_order_managers_answer_on_the_quote_screen(admin_client, scene):
    url = f"/admin/b2b/quotes/{scene['requested']}/offer/"
    form = {f"price_{scene['line']}": "8.50", "valid_until": scene["until"], "note": "Deal"}

    def answers(role):
        response = admin_client(role).post(url, form)
        quote = Quote.objects.get(pk=scene["requested"])
        if role in ("owner", "order_manager"):
            assert response.status_code == 302
            assert (quote.status, quote.lines.get().quoted_price) == ("offered", Decimal("8.50"))
        else:
            assert response.status_code == (403 if role in STAFF else 302)
            assert quote.status == "requested"

    every_role(["anonymous", *PEOPLE], answers)


def test_a_past_validity_on_the_screen_is_shown_with_what_was_typed(admin_client, scene):
    response = admin_client("owner").post(
        f"/admin/b2b/quotes/{scene['requested']}/offer/",
        {f"price_{scene['line']}": "8.50", "valid_until": "2020-01-01", "note": "typed"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "In the future." in html and "typed" in html
    assert f"Quote {scene['requested']} from" in html  # the page's title
    assert Quote.objects.get(pk=scene["requested"]).status == "requested"


def test_declining_on_the_screen(admin_client, scene):
    response = admin_client("order_manager").post(
        f"/admin/b2b/quotes/{scene['offered']}/decline/", {"note": "Sorry"}
    )
    assert response.status_code == 302
    assert Quote.objects.get(pk=scene["offered"]).status == "declined"


# --- Storefront ----------------------------------------------------------------------------------


@pytest.fixture
def shopper(store_a):
    from tests.conftest import HostClient

    def make(person):
        connection.set_tenant(store_a)
        client = HostClient(HTTP_HOST=store_a.primary_host)
        client.force_login(person)
        return client

    return make


def test_the_company_pages_show_only_the_companys_quotes(cast, scene, shopper):
    client = shopper(cast.person("company_approver"))
    listing = client.get("/account/company/quotes/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert f"Quote {scene['offered']}" in html and f"Quote {scene['other']}" not in html
    assert client.get(f"/account/company/quotes/{scene['other']}/").status_code == 404
    detail = client.get(f"/account/company/quotes/{scene['offered']}/").content.decode()
    assert "9.00" in detail and "Accept and order" not in detail  # an approver does not buy
    assert shopper(cast.person("customer")).get("/account/company/quotes/").status_code == 403
    assert shopper(cast.person("customer")).get("/account/company/invoices/").status_code == 403


def test_a_buyer_asks_from_the_cart_page_and_accepts_on_the_storefront(cast, scene, shopper):
    buyer = cast.person("company_buyer")
    client = shopper(buyer)
    fill_cart(scene)("company_buyer", buyer)
    cart_page = client.get("/cart/").content.decode()
    assert "Request a quote" in cart_page

    asked = client.post("/account/company/quotes/request/", {"message": "Cheaper?"})
    assert asked.status_code == 302
    quote = Quote.objects.filter(company=scene["company"]).latest("pk")
    assert (quote.message, quote.status) == ("Cheaper?", "requested")

    accept_url = f"/account/company/quotes/{scene['offered']}/accept/"
    assert client.get(accept_url).status_code == 200
    form = {f"shipping-{key}": value for key, value in US_ADDRESS.items()}
    form.update(delivery_option=str(scene["option"]), payment_method="invoice")
    placed = client.post(accept_url, form)
    assert placed.status_code == 302
    order = Quote.objects.get(pk=scene["offered"]).order
    assert placed["Location"] == f"/account/orders/{order.number}/"

    refused = client.post(f"/account/company/quotes/{scene['requested']}/accept/", form)
    assert refused.status_code == 409  # not offered: said on the page, nothing placed
    assert "cannot be accepted" in refused.content.decode()


def test_the_storefront_invoices_and_statement(cast, scene, shopper):
    client = shopper(cast.person("company_admin"))
    listing = client.get("/account/company/invoices/")
    assert listing.status_code == 200 and "Statement" in listing.content.decode()
    statement = client.get("/account/company/invoices/statement/")
    assert statement.status_code == 200 and "Closing balance" in statement.content.decode()
    csv_answer = client.get("/account/company/invoices/statement/?format=csv")
    assert csv_answer["Content-Type"] == "text/csv"
    bad = client.get("/account/company/invoices/statement/?from=nope")
    assert bad.status_code == 400
