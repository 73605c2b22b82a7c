"""Prices are in the store's currency: a variant has none of its own, amounts are answered
with the currency's decimals, and a price the currency cannot hold (12.50 in a JPY store) is
refused as a field error wherever it is typed (API, import, store admin, Django admin).
Quantity rules (fewest, most, step per cart line) are read and written with the variant."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from catalog import services
from catalog.errors import CatalogError
from catalog.models import Product, ProductVariant
from tests.catalog import factories
from tests.catalog.store_admin_clients import admin_client

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/catalog/products/"
VARIANTS = "/api/v1/catalog/variants/"
IMPORTS = "/api/v1/catalog/imports/"


@pytest.fixture
def jpy_store(store_a):
    """Store A, selling in Japanese yen; the test goes on in its schema."""
    store_a.currency = "JPY"
    store_a.save(update_fields=["currency"])
    connection.set_tenant(store_a)
    return store_a


@pytest.fixture
def shop(settings):
    settings.CATALOG_ANSWER_CACHE_SECONDS = 0

    def make(store):
        connection.set_tenant(store)
        return APIClient(HTTP_HOST=store.primary_host)

    return make


def a_product(**fields):
    return {
        "name": "Teapot",
        "status": "active",
        "variants": [{"sku": "TP-1", "price": "1200", **fields}],
    }


# --- The store's currency, answered -------------------------------------------------------


def test_a_jpy_store_answers_whole_yen_in_the_shop_and_staff_api(jpy_store, owner, shop):
    factories.product(
        "Teapot",
        variants=[
            {"sku": "TP-1", "price": Decimal("1200"), "compare_at_price": Decimal("1500")},
            {"sku": "TP-2", "price": Decimal("1800")},
        ],
    )
    card = shop(jpy_store).get("/api/v1/shop/products/teapot/").json()
    assert (card["price_from"], card["currency"]) == ("1200", "JPY")
    assert card["variants"][0]["price"] == "1200"
    assert card["variants"][0]["compare_at_price"] == "1500"
    assert card["variants"][0]["currency"] == "JPY"

    staff = owner.get(PRODUCTS).json()["results"][0]
    assert (staff["min_price"], staff["max_price"]) == ("1200", "1800")
    variant = staff["variants"][0] if "variants" in staff else None
    if variant is None:
        variant = owner.get(f"{PRODUCTS}{staff['id']}/").json()["variants"][0]
    assert (variant["price"], variant["currency"]) == ("1200", "JPY")


def test_a_usd_store_answers_cents_and_its_own_currency(store_a, shop):
    connection.set_tenant(store_a)
    factories.product("Mug", variants=[{"sku": "MUG-1", "price": Decimal("12.5")}])
    card = shop(store_a).get("/api/v1/shop/products/mug/").json()
    assert (card["price_from"], card["currency"]) == ("12.50", "USD")
    assert card["variants"][0]["price"] == "12.50"


def test_each_store_answers_in_its_own_currency(jpy_store, store_b, shop):
    factories.product("Teapot", variants=[{"sku": "TP-1", "price": Decimal("1200")}])
    connection.set_tenant(store_b)
    factories.product("Teapot", variants=[{"sku": "TP-1", "price": Decimal("12.00")}])
    assert shop(jpy_store).get("/api/v1/shop/products/teapot/").json()["currency"] == "JPY"
    b_card = shop(store_b).get("/api/v1/shop/products/teapot/").json()
    assert (b_card["currency"], b_card["price_from"]) == ("USD", "12.00")


def test_a_b2b_buyer_sees_the_consumer_price_struck_through(store_a, shop):
    from accounts.models import Company
    from accounts.services import add_company_member
    from tests.matrix import create_user

    connection.set_tenant(store_a)
    factories.product(
        "Drill",
        variants=[{"sku": "DR-1", "price": Decimal("100.00"), "b2b_price": Decimal("80.00")}],
    )
    buyer = create_user("buyer@example.com")
    add_company_member(company=Company.objects.create(name="Acme"), user=buyer, role="buyer")
    client = shop(store_a)
    client.force_authenticate(buyer)
    variant = client.get("/api/v1/shop/products/drill/").json()["variants"][0]
    assert (variant["price"], variant["compare_at_price"]) == ("80.00", "100.00")
    anonymous = shop(store_a).get("/api/v1/shop/products/drill/").json()["variants"][0]
    assert (anonymous["price"], anonymous["compare_at_price"]) == ("100.00", None)


# --- Prices the currency cannot hold ----------------------------------------------------------


def test_the_api_refuses_a_fraction_of_a_yen_field_by_field(jpy_store, owner):
    response = owner.post(PRODUCTS, a_product(price="12.5"), content_type="application/json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "JPY amounts are whole numbers" in fields["variants.0.price"][0]
    assert not Product.objects.exists()

    made = factories.product("Teapot", variants=[{"sku": "TP-1", "price": Decimal("1200")}])
    variant = made.variants.get()
    url = f"{VARIANTS}{variant.pk}/"
    refused = owner.patch(url, {"compare_at_price": "1500.50"}, content_type="application/json")
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["compare_at_price"]
    accepted = owner.patch(url, {"compare_at_price": "1500"}, content_type="application/json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["compare_at_price"] == "1500"


def test_bulk_price_changes_refuse_a_fraction_of_a_yen_and_change_nothing(jpy_store, owner):
    factories.product("Teapot", variants=[{"sku": "TP-1", "price": Decimal("1200")}])
    response = owner.post(
        f"{VARIANTS}bulk/",
        {"rows": [{"sku": "TP-1", "price": "99.99"}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert ProductVariant.objects.get(sku="TP-1").price == Decimal("1200")


def test_the_services_refuse_what_the_store_currency_cannot_hold(jpy_store):
    with pytest.raises(CatalogError) as refused:
        factories.product("Teapot", variants=[{"sku": "TP-1", "price": Decimal("12.5")}])
    assert list(refused.value.fields) == ["price"]
    with pytest.raises(CatalogError) as refused:
        factories.product(
            "Teapot", variants=[{"sku": "TP-1", "price": Decimal("12"), "currency": "USD"}]
        )
    assert "This store sells in JPY" in refused.value.fields["currency"][0]
    assert not Product.objects.exists()


def test_a_variant_keeps_no_currency_of_its_own():
    assert "currency" not in {field.name for field in ProductVariant._meta.get_fields()}


# --- Quantity rules ----------------------------------------------------------------------------


def test_quantity_rules_are_read_and_written_through_the_api(in_store_a, owner):
    response = owner.post(
        PRODUCTS,
        a_product(price="12.00", quantity_min=6, quantity_max=48, quantity_step=6),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    variant = response.json()["variants"][0]
    assert (variant["quantity_min"], variant["quantity_max"], variant["quantity_step"]) == (
        6,
        48,
        6,
    )
    stored = ProductVariant.objects.get(sku="TP-1")
    assert (stored.quantity_min, stored.quantity_max, stored.quantity_step) == (6, 48, 6)

    url = f"{VARIANTS}{stored.pk}/"
    response = owner.patch(url, {"quantity_max": None}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["quantity_max"] is None


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ({"quantity_min": 0}, "quantity_min"),
        ({"quantity_step": 0}, "quantity_step"),
        ({"quantity_min": 5, "quantity_max": 4}, "quantity_max"),
        ({"quantity_max": 2**31}, "quantity_max"),
        ({"quantity_min": -1}, "quantity_min"),
    ],
)
def test_quantity_rules_out_of_order_are_refused_field_by_field(in_store_a, owner, rules, field):
    response = owner.post(
        PRODUCTS, a_product(price="12.00", **rules), content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [f"variants.0.{field}"]
    assert not Product.objects.exists()


def test_a_change_of_the_most_below_the_fewest_is_refused(in_store_a, owner):
    made = factories.product("Tea", variants=[{"sku": "T-1", "price": Decimal(5)}])
    variant = made.variants.get()
    services.update_variant(variant=variant, data={"quantity_min": 10})
    response = owner.patch(
        f"{VARIANTS}{variant.pk}/",
        {"quantity_max": 4},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["quantity_max"]
    assert ProductVariant.objects.get(pk=variant.pk).quantity_max is None


# --- Import and export --------------------------------------------------------------------------


@pytest.fixture
def send(owner, celery_eager, django_capture_on_commit_callbacks):
    def upload(text: str, *, dry_run: bool = True) -> dict:
        file = SimpleUploadedFile("catalog.csv", text.encode(), content_type="text/csv")
        with django_capture_on_commit_callbacks(execute=True):
            response = owner.post(IMPORTS, {"file": file, "dry_run": dry_run})
        assert response.status_code == 202, response.content
        return owner.get(f"{IMPORTS}{response.json()['id']}/").json()

    return upload


def test_an_import_names_each_row_whose_currency_or_decimals_do_not_fit(jpy_store, send):
    job = send(
        "product_slug,product_name,sku,currency,price,compare_at_price\n"
        "teapot,Teapot,TP-1,JPY,1200,1500\n"
        "cup,Cup,CUP-1,,800,\n"
        "mug,Mug,MUG-1,USD,12,\n"
        "bowl,Bowl,BWL-1,jpy,12.50,\n"
    )
    assert job["status"] == "failed"
    assert [(error["row"], error["field"]) for error in job["errors"]] == [
        (4, "currency"),
        (5, "price"),
    ]
    assert "This store sells in JPY, not USD" in job["errors"][0]["message"]
    assert not Product.objects.exists()


def test_an_import_sets_quantity_rules_and_checks_them(in_store_a, send):
    header = "product_slug,product_name,sku,price,quantity_min,quantity_max,quantity_step\n"
    job = send(header + "tea,Tea,TEA-1,5.00,0,,1\ncoffee,Coffee,COF-1,5.00,6,3,2\n")
    assert [(error["row"], error["field"]) for error in job["errors"]] == [
        (2, "quantity_min"),
        (3, "quantity_max"),
    ]
    job = send(header + "tea,Tea,TEA-1,5.00,6,48,6\n", dry_run=False)
    assert job["status"] == "done", job["errors"]
    tea = ProductVariant.objects.get(sku="TEA-1")
    assert (tea.quantity_min, tea.quantity_max, tea.quantity_step) == (6, 48, 6)


def test_the_export_writes_the_store_currency_and_quantity_rules(jpy_store, owner):
    made = factories.product("Teapot", variants=[{"sku": "TP-1", "price": Decimal("1200")}])
    services.update_variant(variant=made.variants.get(), data={"quantity_step": 2})
    response = owner.get("/api/v1/catalog/export/", {"format": "csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["currency"] == "JPY"
    assert rows[0]["price"] == "1200"
    assert (rows[0]["quantity_min"], rows[0]["quantity_max"], rows[0]["quantity_step"]) == (
        "1",
        "",
        "2",
    )


# --- Store admin and Django admin ---------------------------------------------------------


def test_the_store_admin_form_refuses_a_fraction_of_a_yen_next_to_the_field(jpy_store):
    from tests.catalog.test_store_admin_products import ADD, product_post

    client = admin_client(jpy_store, "catalog_manager")
    form = client.get(f"{ADD}?product_type=")
    assert form.status_code == 200
    data = product_post("Teapot", variants=[{"sku": "TP-1", "price": "12.50"}])
    response = client.post(f"{ADD}?product_type=", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "JPY amounts are whole numbers, without decimals (such as 1200)." in html
    assert 'value="12.50"' in html
    assert not Product.objects.filter(name="Teapot").exists()

    data = product_post("Teapot", variants=[{"sku": "TP-1", "price": "1200"}])
    assert client.post(f"{ADD}?product_type=", data).status_code == 302
    assert ProductVariant.objects.get(sku="TP-1").price == Decimal("1200")


def test_the_store_admin_form_sets_quantity_rules_and_refuses_them_out_of_order(in_store_a):
    from tests.catalog.test_store_admin_products import ADD, product_post

    client = admin_client(in_store_a, "owner")
    rules = {"quantity_min": "6", "quantity_max": "4", "quantity_step": "2"}
    data = product_post("Tea", variants=[{"sku": "TEA-1", "price": "5.00", **rules}])
    response = client.post(f"{ADD}?product_type=", data)
    assert response.status_code == 200
    assert "The most per line (4) is below the fewest (6)." in response.content.decode()
    assert not Product.objects.filter(name="Tea").exists()

    rules["quantity_max"] = "48"
    data = product_post("Tea", variants=[{"sku": "TEA-1", "price": "5.00", **rules}])
    assert client.post(f"{ADD}?product_type=", data).status_code == 302
    tea = ProductVariant.objects.get(sku="TEA-1")
    assert (tea.quantity_min, tea.quantity_max, tea.quantity_step) == (6, 48, 2)
    page = client.get(reverse("products:edit", args=[tea.product_id])).content.decode()
    assert "Fewest per order line" in page and 'value="48"' in page


def test_the_django_admin_refuses_a_fraction_of_a_yen(jpy_store, owner):
    made = factories.product("Teapot", variants=[{"sku": "TP-1", "price": Decimal("1200")}])
    variant = made.variants.get()
    form = {
        "name": "Teapot",
        "slug": "teapot",
        "description": "",
        "status": "active",
        "visible_b2c": "on",
        "visible_b2b": "on",
        "seo_title": "",
        "seo_description": "",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "1",
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
        "variants-0-id": str(variant.pk),
        "variants-0-product": str(made.pk),
        "variants-0-sku": "TP-1",
        "variants-0-name": "",
        "variants-0-position": "0",
        "variants-0-options": "{}",
        "variants-0-quantity_min": "1",
        "variants-0-quantity_step": "1",
        "variants-0-price": "1199.50",
        "variants-0-stock_policy": "deny",
        "variants-0-low_stock_threshold": "0",
    }
    response = owner.post(reverse("admin:catalog_product_change", args=[made.pk]), form)
    assert response.status_code == 200
    assert "JPY amounts are whole numbers" in response.content.decode()
    assert ProductVariant.objects.get(pk=variant.pk).price == Decimal("1200")
