"""A product's tax class, set by staff through the product API and the store admin's product
form: shown back, changed, put back in the default class; an unknown class refused on its
field with nothing changed."""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services as account_services
from catalog import services as catalog_services
from catalog.models import Product
from taxes import selectors, services
from taxes.models import TaxClass
from tests.catalog.test_store_admin_products import product_post
from tests.matrix import make_person

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/catalog/products/"


@pytest.fixture
def owner(store_a):
    connection.set_tenant(store_a)
    client = APIClient(HTTP_HOST=store_a.primary_host)
    token = account_services.issue_auth_token(user=make_person("owner")).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def reduced(store_a):
    connection.set_tenant(store_a)
    return services.create_tax_class(name="Reduced")


def class_of(product_id) -> int | None:
    return selectors.tax_class_ids_for_products([product_id]).get(product_id)


def test_a_product_is_created_in_a_class_shown_changed_and_put_back_in_the_default(owner, reduced):
    created = owner.post(
        PRODUCTS,
        {
            "name": "Bread",
            "tax_class": reduced.pk,
            "variants": [{"sku": "BREAD", "price": "2.00"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    product_id = created.json()["id"]
    assert created.json()["tax_class"] == reduced.pk
    assert class_of(product_id) == reduced.pk
    assert owner.get(f"{PRODUCTS}{product_id}/").json()["tax_class"] == reduced.pk
    listed = {row["id"]: row["tax_class"] for row in owner.get(PRODUCTS).json()["results"]}
    assert listed[product_id] == reduced.pk

    renamed = owner.patch(f"{PRODUCTS}{product_id}/", {"name": "Rye bread"}, format="json")
    assert renamed.status_code == 200
    assert renamed.json()["tax_class"] == reduced.pk  # left out: unchanged

    back = owner.patch(f"{PRODUCTS}{product_id}/", {"tax_class": None}, format="json")
    assert back.status_code == 200
    assert back.json()["tax_class"] is None
    assert class_of(product_id) is None

    default = TaxClass.objects.get(is_default=True)
    again = owner.patch(f"{PRODUCTS}{product_id}/", {"tax_class": reduced.pk}, format="json")
    as_default = owner.patch(f"{PRODUCTS}{product_id}/", {"tax_class": default.pk}, format="json")
    assert again.status_code == 200 and as_default.status_code == 200
    assert as_default.json()["tax_class"] is None  # the default class is no class of its own


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (999999, "Unknown tax class: see /api/v1/taxes/classes/."),
        (-1, "Unknown tax class: see /api/v1/taxes/classes/."),
        (99999999999999999999999, "Unknown tax class: see /api/v1/taxes/classes/."),
        ("reduced", "A tax class id (a whole number) or null is required."),
        (True, "A tax class id (a whole number) or null is required."),
        (1.5, "A tax class id (a whole number) or null is required."),
    ],
)
def test_an_unknown_class_is_a_400_on_its_field_and_nothing_changes(owner, reduced, value, message):
    bread = catalog_services.create_product(
        data={"name": "Bread"}, variants=[{"sku": "BREAD", "price": Decimal("2.00")}]
    )
    services.set_product_tax_class(product=bread, tax_class=reduced)

    changed = owner.patch(
        f"{PRODUCTS}{bread.pk}/", {"name": "Renamed", "tax_class": value}, format="json"
    )
    created = owner.post(
        PRODUCTS,
        {"name": "Cake", "tax_class": value, "variants": [{"sku": "CAKE", "price": "5.00"}]},
        format="json",
    )

    for answer in (changed, created):
        assert answer.status_code == 400, answer.content
        assert answer.json()["error"]["fields"] == {"tax_class": [message]}
    assert Product.objects.get(pk=bread.pk).name == "Bread"
    assert class_of(bread.pk) == reduced.pk
    assert not Product.objects.filter(name="Cake").exists()


def test_the_schema_documents_the_tax_class(store_a, store_client):
    schema = store_client(store_a).get("/api/schema/?format=json")
    assert schema.status_code == 200
    product = schema.json()["components"]["schemas"]["Product"]["properties"]
    assert product["tax_class"]["type"] == "integer"
    assert product["tax_class"]["nullable"] is True


# --- The store admin's product form -----------------------------------------------------------


@pytest.fixture
def admin(store_a, store_owner_client):
    client = store_owner_client(store_a)
    connection.set_tenant(store_a)
    return client


def test_the_product_form_offers_the_classes_and_saves_the_chosen_one(admin, reduced):
    exempt = services.create_tax_class(name="Zero", is_exempt=True)
    page = admin.get("/admin/products/new/?product_type=")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<select name="tax_class"' in html
    assert "Standard (the store&#x27;s default)" in html
    assert f'<option value="{reduced.pk}">Reduced</option>' in html
    assert f'<option value="{exempt.pk}">Zero (exempt)</option>' in html

    data = product_post("Bread", tax_class=str(reduced.pk))
    created = admin.post("/admin/products/new/?product_type=", data)
    assert created.status_code == 302, created.content.decode()[:2000]
    bread = Product.objects.get(name="Bread")
    assert class_of(bread.pk) == reduced.pk

    edit = reverse("products:edit", args=[bread.pk])
    form = admin.get(edit).content.decode()
    assert f'<option value="{reduced.pk}" selected>Reduced</option>' in form
    version = form.split('name="version" value="', 1)[1].split('"', 1)[0]
    saved = admin.post(edit, {**product_post("Bread"), "tax_class": "", "version": version})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert class_of(bread.pk) is None


def test_the_product_form_refuses_a_class_that_is_not_the_store_s(admin, reduced):
    data = product_post("Bread", tax_class="999999")
    response = admin.post("/admin/products/new/?product_type=", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose one of the store&#x27;s tax classes." in html
    assert 'value="Bread"' in html
    assert not Product.objects.filter(name="Bread").exists()
