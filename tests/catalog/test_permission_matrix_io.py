"""Every role against every image, import/export and stock endpoint of the catalog.

Staff who manage the catalog (owner, catalog manager) may write; support may read; shoppers,
company roles, API keys, other stores' people and platform admins are refused.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from catalog.images import add_product_image
from catalog.models import ImportJob
from tests.catalog.factories import image_bytes, make_product, upload
from tests.matrix import Endpoint, case_id, check_every_role, expect

pytestmark = pytest.mark.django_db

READ = expect(403, owner=200, catalog_manager=200, support=200)
PRODUCT_IMAGES = "/api/v1/catalog/products/{product}/images/"
IMAGE = PRODUCT_IMAGES + "{image}/"
ADJUSTMENTS = "/api/v1/catalog/variants/{variant}/stock-adjustments/"
CSV = b"product_slug,product_name,sku,price\nlamp,Lamp,LAMP-1,30\n"

ROWS = [
    Endpoint("GET", PRODUCT_IMAGES, READ),
    Endpoint("POST", PRODUCT_IMAGES, expect(403, owner=201, catalog_manager=201), {"image": "*"}),
    Endpoint("GET", IMAGE, READ),
    Endpoint("PATCH", IMAGE, expect(403, owner=200, catalog_manager=200), {"alt_text": "Back"}),
    Endpoint("DELETE", IMAGE, expect(403, owner=204, catalog_manager=204)),
    Endpoint("GET", ADJUSTMENTS, READ),
    Endpoint(
        "POST",
        ADJUSTMENTS,
        expect(403, owner=201, catalog_manager=201),
        {"delta": 4, "reason": "received"},
    ),
    Endpoint("GET", "/api/v1/catalog/imports/", READ),
    Endpoint(
        "POST",
        "/api/v1/catalog/imports/",
        expect(403, owner=202, catalog_manager=202),
        {"file": "*"},
    ),
    Endpoint("GET", "/api/v1/catalog/imports/{job}/", READ),
    Endpoint(
        "POST", "/api/v1/catalog/imports/{job}/commit/", expect(403, owner=202, catalog_manager=202)
    ),
    Endpoint("GET", "/api/v1/catalog/export/", READ),
]


@pytest.fixture(scope="module")
def scene(cast):
    """What the rows point at, in store A: a product, its variant and image, a clean dry run."""
    connection.set_tenant(cast.store)
    product = make_product("tee", skus=("TEE-M",), stock=3)
    image = add_product_image(product=product, upload=upload(image_bytes()))
    job = ImportJob.objects.create(
        file=SimpleUploadedFile("rows.csv", CSV), format="csv", status="validated"
    )
    return {
        "product": product.pk,
        "variant": product.variants.get().pk,
        "image": image.pk,
        "job": job.pk,
    }


def send(client, endpoint: Endpoint, values: dict):
    """Uploads are multipart with a fresh file each time; other bodies are JSON."""
    if endpoint.body.get("image") == "*":
        body, body_format = {"image": upload(image_bytes())}, "multipart"
    elif endpoint.body.get("file") == "*":
        body, body_format = {"file": SimpleUploadedFile("rows.csv", CSV)}, "multipart"
    else:
        body, body_format = endpoint.body, "json"
    method = getattr(client, endpoint.method.lower())
    return method(endpoint.path.format(**values), body, format=body_format)


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, scene):
    check_every_role(cast, endpoint, scene, request=send)


def test_every_endpoint_of_this_area_is_in_the_matrix():
    from catalog.api.urls_io import urlpatterns

    def route(path: str) -> str:
        return re.sub(r"<int:\w+>|\{\w+\}", "<id>", path)

    declared = {(route(f"/api/v1/catalog/{pattern.pattern}")) for pattern in urlpatterns}
    assert declared == {route(row.path) for row in ROWS}
