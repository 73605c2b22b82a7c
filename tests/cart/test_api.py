"""The cart API, /api/v1/cart/: as anonymous clients, signed-in customers, B2B buyers and
company API keys use it; every refusal a 400 on its field with the cart unchanged."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts import services as account_services
from cart import services
from cart.models import Cart, CartLine
from catalog.models import ProductVariant
from pricing import Buyer
from tenants.models import Tenant
from tests.cart.factories import make_variant
from tests.matrix import COMPANY_KEY_SCOPES, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(store_a, in_store_a):
    return APIClient(HTTP_HOST=store_a.primary_host)


def signed_in(store, user) -> APIClient:
    client = APIClient(HTTP_HOST=store.primary_host)
    token = account_services.issue_auth_token(user=user).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def add(client, variant, quantity=1, **headers):
    return client.post(
        "/api/v1/cart/lines/",
        {"variant": variant.pk, "quantity": quantity},
        format="json",
        **headers,
    )


def test_an_anonymous_client_gets_a_token_and_sends_it_back(client, store_a):
    mug = make_variant(price="12.50", compare_at="15.00", stock=9)

    first = add(client, mug, 2)

    assert first.status_code == 201
    body = first.json()
    token = body["token"]
    assert body["lines"] == [
        {
            "variant": mug.pk,
            "sku": mug.sku,
            "product_id": mug.product_id,
            "product_name": mug.product.name,
            "product_slug": mug.product.slug,
            "variant_label": "",
            "image_url": None,
            "quantity": 2,
            "unit_price": "12.50",
            "compare_at": "15.00",
            "line_total": "25.00",
            "available": True,
            "stock_available": 9,
            "quantity_min": 1,
            "quantity_max": None,
            "quantity_step": 1,
            "notices": [],
        }
    ]
    assert (body["subtotal"], body["currency"], body["item_count"]) == ("25.00", "USD", 2)

    again = add(client, mug, 1, HTTP_X_CART_TOKEN=token)
    assert again.status_code == 200
    assert again.json()["token"] == token
    assert again.json()["lines"][0]["quantity"] == 3
    read = client.get("/api/v1/cart/", HTTP_X_CART_TOKEN=token)
    assert read.status_code == 200
    assert read.json()["subtotal"] == "37.50"
    assert Cart.objects.count() == 1


def test_without_a_cart_the_answer_is_an_empty_cart_and_nothing_is_made(client):
    answer = client.get("/api/v1/cart/")
    assert answer.status_code == 200
    assert answer.json() == {
        "token": None,
        "version": 0,
        "currency": "USD",
        "lines": [],
        "subtotal": "0.00",
        "item_count": 0,
        "line_count": 0,
        "notices": [],
    }
    assert client.delete("/api/v1/cart/").status_code == 200
    assert Cart.objects.count() == 0


@pytest.mark.parametrize("token", ["not-a-token", "00000000-0000-0000-0000-000000000000", ""])
def test_an_unknown_token_is_404_cart_not_found(client, token):
    for method, path, body in (
        ("get", "/api/v1/cart/", None),
        ("post", "/api/v1/cart/lines/", {"variant": make_variant().pk, "quantity": 1}),
        ("patch", "/api/v1/cart/lines/1/", {"quantity": 1}),
        ("delete", "/api/v1/cart/lines/1/", None),
        ("delete", "/api/v1/cart/", None),
    ):
        answer = getattr(client, method)(path, body, format="json", HTTP_X_CART_TOKEN=token)
        assert answer.status_code == 404, (method, path)
        assert answer.json()["error"]["code"] == "cart_not_found"
    assert Cart.objects.count() == 0


def test_a_cart_token_of_store_a_means_nothing_at_store_b(client, store_a, store_b):
    token = add(client, make_variant()).json()["token"]
    at_b = APIClient(HTTP_HOST=store_b.primary_host)

    answer = at_b.get("/api/v1/cart/", HTTP_X_CART_TOKEN=token)

    assert answer.status_code == 404
    assert answer.json()["error"] == {
        "code": "cart_not_found",
        "message": "No open cart has this token at this store.",
    }
    connection.set_tenant(store_b)
    assert Cart.objects.count() == 0
    connection.set_tenant(store_a)
    assert Cart.objects.filter(token=token).exists()


def test_refusals_are_400_on_their_field_and_the_cart_is_unchanged(client):
    mug = make_variant(stock=3, quantity_max=2)
    archived = make_variant(status="archived")
    token = add(client, mug, 1).json()["token"]
    cart = Cart.objects.get(token=token)
    version = cart.version

    cases = [
        ({"variant": 999999999, "quantity": 1}, {"variant": ["Unknown variant."]}),
        ({"variant": archived.pk, "quantity": 1}, {"variant": ["This product is not available."]}),
        ({"variant": mug.pk, "quantity": 2}, {"quantity": ["At most 2 per order."]}),
        (
            {"variant": mug.pk, "quantity": 0},
            {"quantity": ["Ensure this value is greater than or equal to 1."]},
        ),
        (
            {"variant": mug.pk, "quantity": -4},
            {"quantity": ["Ensure this value is greater than or equal to 1."]},
        ),
        (
            {"variant": mug.pk, "quantity": 2**31},
            {"quantity": ["Ensure this value is less than or equal to 2147483647."]},
        ),
        ({"variant": mug.pk, "quantity": "many"}, {"quantity": ["A valid integer is required."]}),
        ({"variant": "x", "quantity": 1}, {"variant": ["A valid integer is required."]}),
        ({"quantity": 1}, {"variant": ["This field is required."]}),
    ]
    for body, fields in cases:
        answer = client.post("/api/v1/cart/lines/", body, format="json", HTTP_X_CART_TOKEN=token)
        assert answer.status_code == 400, body
        assert answer.json()["error"]["fields"] == fields, body

    patch = client.patch(
        f"/api/v1/cart/lines/{mug.pk}/", {"quantity": 3}, format="json", HTTP_X_CART_TOKEN=token
    )
    assert patch.status_code == 400
    assert patch.json()["error"]["fields"] == {"quantity": ["At most 2 per order."]}
    assert dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity")) == {
        mug.pk: 1
    }
    cart.refresh_from_db()
    assert cart.version == version


def test_step_and_stock_refusals_say_why(client):
    crate = make_variant(quantity_min=6, quantity_step=6)
    few = make_variant(stock=2)
    step = add(client, crate, 8)
    assert step.status_code == 400
    assert step.json()["error"]["fields"] == {
        "quantity": ["Sold in steps of 6 from 6 (6, 12, 18…)."]
    }
    stock = add(client, few, 3)
    assert stock.json()["error"] == {
        "code": "invalid",
        "message": "Only 2 left.",
        "fields": {"quantity": ["Only 2 left."]},
    }
    assert Cart.objects.count() == 0  # a refused add makes no cart
    assert CartLine.objects.count() == 0


def test_change_quantity_remove_and_clear(client):
    mug, cup = make_variant(), make_variant()
    token = add(client, mug, 1).json()["token"]
    add(client, cup, 1, HTTP_X_CART_TOKEN=token)
    headers = {"HTTP_X_CART_TOKEN": token}

    changed = client.patch(
        f"/api/v1/cart/lines/{mug.pk}/", {"quantity": 4}, format="json", **headers
    )
    assert changed.status_code == 200
    assert [line["quantity"] for line in changed.json()["lines"]] == [4, 1]

    missing = client.patch(
        f"/api/v1/cart/lines/{10**12}/", {"quantity": 1}, format="json", **headers
    )
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    zero = client.patch(f"/api/v1/cart/lines/{mug.pk}/", {"quantity": 0}, format="json", **headers)
    assert zero.status_code == 400

    removed = client.delete(f"/api/v1/cart/lines/{mug.pk}/", **headers)
    assert removed.status_code == 200
    assert [line["sku"] for line in removed.json()["lines"]] == [cup.sku]
    assert client.delete(f"/api/v1/cart/lines/{mug.pk}/", **headers).status_code == 200

    cleared = client.delete("/api/v1/cart/", **headers)
    assert cleared.status_code == 200
    assert cleared.json()["lines"] == []
    assert cleared.json()["token"] == token


def test_a_signed_in_customer_has_one_cart_on_every_device_and_after_logout(store_a, in_store_a):
    customer = make_person("customer")
    mug = make_variant(price="4.00")
    phone, laptop = signed_in(store_a, customer), signed_in(store_a, customer)

    assert add(phone, mug, 2).status_code == 201
    on_laptop = laptop.get("/api/v1/cart/").json()

    assert [line["quantity"] for line in on_laptop["lines"]] == [2]
    assert on_laptop["token"] is None  # found by the account, not by a token
    assert phone.post("/api/v1/auth/logout/").status_code == 200
    later = signed_in(store_a, customer).get("/api/v1/cart/").json()
    assert later["subtotal"] == "8.00"


def test_a_b2b_buyer_pays_the_b2b_price_and_sees_b2b_products(store_a, in_store_a):
    buyer = make_person("company_buyer")
    client = signed_in(store_a, buyer)
    b2b_only = make_variant(price="10.00", b2b_price="7.00", visible_b2c=False)
    b2c_only = make_variant(visible_b2b=False)

    answer = add(client, b2b_only, 3)

    assert answer.status_code == 201
    line = answer.json()["lines"][0]
    assert (line["unit_price"], line["compare_at"], line["line_total"]) == (
        "7.00",
        "10.00",
        "21.00",
    )
    refused = add(client, b2c_only)
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"variant": ["This product is not available."]}


def test_a_company_key_with_orders_place_has_its_own_cart_priced_for_its_company(
    store_a, in_store_a
):
    admin = make_person("company_admin")
    company = admin.company_membership.company

    def key_client(scopes):
        issued = account_services.create_api_key(
            name="Purchasing", scopes=scopes, created_by=admin, company=company
        )
        client = APIClient(HTTP_HOST=store_a.primary_host)
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued.secret}")
        return client, issued.api_key

    placing, key = key_client(COMPANY_KEY_SCOPES)
    reading, _ = key_client(["catalog:read"])
    variant = make_variant(price="10.00", b2b_price="8.00")

    answer = add(placing, variant, 2)

    assert answer.status_code == 201
    assert answer.json()["subtotal"] == "16.00"
    assert answer.json()["token"] is None
    assert Cart.objects.get(api_key=key).lines.count() == 1
    # The company admin's own cart is another one.
    assert not Cart.objects.filter(user=admin).exists()
    assert reading.get("/api/v1/cart/").status_code == 403
    store_key = account_services.create_api_key(
        name="Store", scopes=["catalog:read", "orders:place"], created_by=make_person("owner")
    )
    as_store = APIClient(HTTP_HOST=store_a.primary_host)
    as_store.credentials(HTTP_AUTHORIZATION=f"Api-Key {store_key.secret}")
    assert add(as_store, variant).status_code == 403


def test_notices_come_through_the_api(client):
    mug = make_variant(price="12.00", stock=10)
    token = add(client, mug, 5).json()["token"]
    ProductVariant.objects.filter(pk=mug.pk).update(price=Decimal("10.00"), stock_on_hand=2)

    line = client.get("/api/v1/cart/", HTTP_X_CART_TOKEN=token).json()["lines"][0]

    assert line["notices"] == ["Only 2 left", "Price changed: was $12.00, now $10.00"]
    assert line["available"] is False


def test_an_add_answers_the_cart_a_read_then_gives(client):
    """The add's answer is made of the lines it read under the cart's lock, its own change
    applied: it must be the cart a read then answers, line for line (a repriced line, a line
    of a deleted variant, which the add takes away, a line added to, a new line)."""
    repriced, deleted, kept = make_variant(price="12.00"), make_variant(), make_variant()
    token = add(client, repriced, 2).json()["token"]
    for variant in (deleted, kept):
        add(client, variant, 1, HTTP_X_CART_TOKEN=token)
    ProductVariant.objects.filter(pk=repriced.pk).update(price=Decimal("10.00"))
    deleted.delete()
    for variant, status in ((kept, 200), (make_variant(), 201)):
        answer = add(client, variant, 1, HTTP_X_CART_TOKEN=token)
        assert answer.status_code == status
        assert answer.json() == client.get("/api/v1/cart/", HTTP_X_CART_TOKEN=token).json()
    body = answer.json()
    assert [line["quantity"] for line in body["lines"]] == [2, 2, 1]
    assert body["lines"][0]["notices"] == ["Price changed: was $12.00, now $10.00"]
    assert (body["line_count"], body["version"]) == (3, 6)


def test_a_zero_decimal_store_answers_whole_yen(client, store_a):
    Tenant.objects.filter(pk=store_a.pk).update(currency="JPY")
    connection.tenant.currency = "JPY"
    try:
        # A yen price has no decimals (money.fits_currency): answers carry none either.
        mug = make_variant(price="1500")
        answer = add(client, mug, 3)
    finally:
        connection.tenant.currency = "USD"
    body = answer.json()
    assert body["currency"] == "JPY"
    assert (body["lines"][0]["unit_price"], body["lines"][0]["line_total"]) == ("1500", "4500")
    assert body["subtotal"] == "4500"


def _queries(captured) -> list[str]:
    """The statements of a request: django-tenants' ``SET search_path`` and the savepoints of
    the test's own transaction (BEGIN and COMMIT in production) left out."""
    skipped = ("SET search_path", "SAVEPOINT", "RELEASE SAVEPOINT")
    return [query["sql"] for query in captured if not query["sql"].startswith(skipped)]


def test_read_and_add_cost_the_same_queries_for_1_or_10_lines(client):
    counts = {}
    for size in (1, 10):
        cart = services.create_anonymous_cart()
        variants = [make_variant() for _ in range(size)]
        for variant in variants:
            services.add_line(cart=cart, variant_id=variant.pk, quantity=1, buyer=Buyer())
        headers = {"HTTP_X_CART_TOKEN": str(cart.token)}
        extra = make_variant()
        with CaptureQueriesContext(connection) as read:
            assert client.get("/api/v1/cart/", **headers).status_code == 200
        with CaptureQueriesContext(connection) as added:
            assert add(client, extra, 1, **headers).status_code == 201
        with CaptureQueriesContext(connection) as added_again:
            assert add(client, variants[0], 1, **headers).status_code == 200
        counts[size] = [len(_queries(c)) for c in (read, added, added_again)]
    assert counts[1] == counts[10]
    # Read: the store's lookup by host, the cart, its lines with their variants and products.
    # Add: the store, the cart locked, its lines with the variant added (the answer is made
    # of them), the line written with the cart touched (one statement).
    assert counts[1] == [3, 4, 4]


def test_the_first_add_makes_the_cart_in_the_same_transaction(client):
    mug = make_variant()
    with CaptureQueriesContext(connection) as added:
        answer = add(client, mug, 1)
    assert answer.status_code == 201
    statements = _queries(added)
    # The store, the cart made (no token: nothing to look for), the variant (with the new
    # cart's lines: none), the line with the cart touched; no savepoint inside the add's one
    # transaction.
    assert len(statements) == 4
    assert statements[1].startswith('INSERT INTO "cart_cart"')
    assert [q for q in added.captured_queries if q["sql"].startswith("SAVEPOINT")][1:] == []


def test_the_schema_documents_the_cart_with_examples_and_the_token_header(store_client, store_a):
    schema = store_client(store_a).get("/api/schema/?format=json").json()
    cart = schema["paths"]["/api/v1/cart/"]
    lines = schema["paths"]["/api/v1/cart/lines/"]
    line = schema["paths"]["/api/v1/cart/lines/{variant_id}/"]
    assert set(cart) == {"get", "delete"}
    assert set(line) == {"patch", "delete"}
    assert {"200", "201", "400"} <= set(lines["post"]["responses"])
    assert "X-Cart-Token" in [p["name"] for p in lines["post"]["parameters"]]
    examples = lines["post"]["responses"]["201"]["content"]["application/json"]["examples"]
    (example,) = examples.values()
    assert example["value"]["lines"][0]["notices"] == ["Price changed: was $12.00, now $10.00"]
    request_examples = lines["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert [e["value"] for e in request_examples.values()] == [{"variant": 42, "quantity": 2}]


# Idempotency-Key (CONTRIBUTING.md "Idempotent API writes"): an anonymous client is named by
# its cart token's digest, a signed-in one by the account.


def test_a_replayed_add_answers_the_same_and_adds_once(client):
    mug = make_variant(price="12.50", stock=9)
    token = add(client, mug, 1).json()["token"]

    first = add(client, mug, 2, HTTP_X_CART_TOKEN=token, HTTP_IDEMPOTENCY_KEY="add-mug-2")
    again = add(client, mug, 2, HTTP_X_CART_TOKEN=token, HTTP_IDEMPOTENCY_KEY="add-mug-2")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert CartLine.objects.get(cart__token=token).quantity == 3
    reused = add(client, mug, 5, HTTP_X_CART_TOKEN=token, HTTP_IDEMPOTENCY_KEY="add-mug-2")
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert CartLine.objects.get(cart__token=token).quantity == 3
    # Another cart's key space is its own.
    other = add(client, mug, 1).json()["token"]
    fresh = add(client, mug, 5, HTTP_X_CART_TOKEN=other, HTTP_IDEMPOTENCY_KEY="add-mug-2")
    assert fresh.status_code == 200 and not fresh.has_header("Idempotent-Replayed")
    assert CartLine.objects.get(cart__token=other).quantity == 6


def test_a_key_without_a_cart_token_or_account_is_refused_and_nothing_is_made(client):
    mug = make_variant(price="12.50", stock=9)

    response = add(client, mug, 1, HTTP_IDEMPOTENCY_KEY="first-add")

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert not Cart.objects.exists()


def test_a_signed_in_customer_replays_by_account(store_a, in_store_a):
    user = make_person("customer")
    mug = make_variant(price="12.50", stock=9)
    client = signed_in(store_a, user)

    first = add(client, mug, 2, HTTP_IDEMPOTENCY_KEY="k-1")
    again = add(client, mug, 2, HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert CartLine.objects.get(cart__user=user).quantity == 2
