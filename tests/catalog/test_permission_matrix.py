"""Every role against every catalog endpoint (the harness is tests/matrix.py).

Staff write access: owner and catalog manager. Support reads. Integrations with a
``catalog:read`` key read what a storefront integration needs. The shop is open to everyone.
"""

from decimal import Decimal

import pytest
from django.db import connection

from catalog import services
from catalog.models import Attribute, Brand, ProductType
from tests.matrix import Endpoint, case_id, check_every_role, expect, route_of

pytestmark = pytest.mark.django_db


def staff_read(status: int = 200, *, api_key: int = 403) -> dict:
    return expect(403, owner=status, catalog_manager=status, support=status, api_key=api_key)


def staff_write(status: int) -> dict:
    return expect(403, owner=status, catalog_manager=status)


def everyone(status: int = 200) -> dict:
    return expect(status, anonymous=status, api_key=status)


ROWS = [
    Endpoint("GET", "/api/v1/catalog/categories/", staff_read(api_key=200)),
    Endpoint("POST", "/api/v1/catalog/categories/", staff_write(201), {"name": "Gifts"}),
    Endpoint("GET", "/api/v1/catalog/categories/{category}/", staff_read()),
    Endpoint("PATCH", "/api/v1/catalog/categories/{category}/", staff_write(200), {"name": "Home"}),
    Endpoint("DELETE", "/api/v1/catalog/categories/{category}/", staff_write(204)),
    Endpoint(
        "POST", "/api/v1/catalog/categories/{category}/move/", staff_write(200), {"parent_id": None}
    ),
    Endpoint("GET", "/api/v1/catalog/brands/", staff_read(api_key=200)),
    Endpoint("POST", "/api/v1/catalog/brands/", staff_write(201), {"name": "New", "slug": "new"}),
    Endpoint("GET", "/api/v1/catalog/brands/{brand}/", staff_read()),
    Endpoint("PATCH", "/api/v1/catalog/brands/{brand}/", staff_write(200), {"name": "Renamed"}),
    Endpoint("DELETE", "/api/v1/catalog/brands/{brand}/", staff_write(204)),
    Endpoint("GET", "/api/v1/catalog/attributes/", staff_read(api_key=200)),
    Endpoint(
        "POST",
        "/api/v1/catalog/attributes/",
        staff_write(201),
        {"code": "size", "name": "Size", "type": "choice", "options": [{"value": "S"}]},
    ),
    Endpoint("GET", "/api/v1/catalog/attributes/{attribute}/", staff_read()),
    Endpoint(
        "PATCH", "/api/v1/catalog/attributes/{attribute}/", staff_write(200), {"name": "Matter"}
    ),
    Endpoint("DELETE", "/api/v1/catalog/attributes/{attribute}/", staff_write(204)),
    Endpoint("GET", "/api/v1/catalog/product-types/", staff_read(api_key=200)),
    Endpoint(
        "POST",
        "/api/v1/catalog/product-types/",
        staff_write(201),
        {"name": "Shoes", "slug": "shoes", "product_attributes": ["material"]},
    ),
    Endpoint("GET", "/api/v1/catalog/product-types/{product_type}/", staff_read()),
    Endpoint(
        "PATCH", "/api/v1/catalog/product-types/{product_type}/", staff_write(200), {"name": "T"}
    ),
    Endpoint("DELETE", "/api/v1/catalog/product-types/{product_type}/", staff_write(204)),
    Endpoint("GET", "/api/v1/catalog/products/", staff_read(api_key=200)),
    Endpoint(
        "POST",
        "/api/v1/catalog/products/",
        staff_write(201),
        {"name": "Mug", "variants": [{"sku": "MUG-1", "price": "8.00"}]},
    ),
    Endpoint("GET", "/api/v1/catalog/products/{product}/", staff_read(api_key=200)),
    Endpoint("PATCH", "/api/v1/catalog/products/{product}/", staff_write(200), {"name": "Cup"}),
    Endpoint("DELETE", "/api/v1/catalog/products/{product}/", staff_write(204)),
    Endpoint(
        "POST",
        "/api/v1/catalog/products/{product}/variants/",
        staff_write(201),
        {"sku": "LAMP-2", "price": "30.00"},
    ),
    Endpoint("GET", "/api/v1/catalog/variants/{variant}/", staff_read()),
    Endpoint("PATCH", "/api/v1/catalog/variants/{variant}/", staff_write(200), {"price": "31"}),
    Endpoint("DELETE", "/api/v1/catalog/variants/{variant}/", staff_write(204)),
    Endpoint(
        "POST",
        "/api/v1/catalog/variants/bulk/",
        staff_write(200),
        {"rows": [{"sku": "LAMP-1", "price": "25.00"}]},
    ),
    Endpoint("GET", "/api/v1/shop/products/", everyone()),
    Endpoint("GET", "/api/v1/shop/products/lamp/", everyone()),
    Endpoint("GET", "/api/v1/shop/categories/", everyone()),
    Endpoint("GET", "/api/v1/shop/categories/lighting/", everyone()),
    Endpoint("GET", "/api/v1/shop/brands/", everyone()),
]


@pytest.fixture(scope="module")
def scene(cast):
    connection.set_tenant(cast.store)
    category = services.create_category(name="Lighting")
    brand = Brand.objects.create(name="Lumen", slug="lumen")
    attribute = Attribute.objects.create(code="material", name="Material", type="text")
    product_type = ProductType.objects.create(name="Lamps", slug="lamps")
    product = services.create_product(
        data={"name": "Lamp", "status": "active"},
        variants=[{"sku": "LAMP-1", "price": Decimal("20.00"), "stock_on_hand": 3}],
    )
    return {
        "category": category.pk,
        "brand": brand.pk,
        "attribute": attribute.pk,
        "product_type": product_type.pk,
        "product": product.pk,
        "variant": product.variants.get().pk,
    }


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, scene):
    check_every_role(cast, endpoint, scene)


def test_every_catalog_endpoint_is_in_the_matrix():
    from catalog.api.urls import shop, staff

    declared = {f"/api/v1/catalog/{pattern.pattern}" for pattern in staff} | {
        f"/api/v1/shop/{pattern.pattern}" for pattern in shop
    }
    exercised = {route_of(row.path) for row in ROWS} | {
        "/api/v1/shop/products/<slug:slug>/",
        "/api/v1/shop/categories/<slug:slug>/",
    }
    assert declared - exercised == set()
