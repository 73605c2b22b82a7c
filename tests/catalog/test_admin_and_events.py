"""The catalog's Django admin (uploads checked like the API's) and the events IO changes emit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.events import products_changed
from catalog.models import ImportJob, ProductImage
from tests.catalog.factories import image_bytes, make_product, stored_files, upload

pytestmark = pytest.mark.django_db


def rows_file():
    rows = (
        "product_slug,product_name,sku,price\nlamp,Lamp,L-1,30\nlamp,Lamp,L-2,35\nmat,Mat,M-1,9\n"
    )
    return SimpleUploadedFile("rows.csv", rows.encode())


ADMIN_PAGES = [
    "catalog_category",
    "catalog_brand",
    "catalog_attribute",
    "catalog_producttype",
    "catalog_product",
    "catalog_productimage",
    "catalog_stockadjustment",
    "catalog_importjob",
]


@pytest.fixture
def events():
    """The products_changed events sent during a test: (schema, product ids, deleted)."""
    seen = []

    def receiver(sender, schema_name, product_ids, deleted, **kwargs):
        seen.append((schema_name, product_ids, deleted))

    products_changed.connect(receiver)
    yield seen
    products_changed.disconnect(receiver)


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_lists_and_add_pages_open(owner, in_store_a, page):
    product = make_product("tee")
    assert owner.get(reverse(f"admin:{page}_changelist")).status_code == 200
    assert owner.get(reverse("admin:catalog_product_change", args=[product.pk])).status_code == 200


def test_admin_refuses_a_file_that_is_not_an_image_and_stores_nothing(owner, media_root):
    product = make_product("tee")
    response = owner.post(
        reverse("admin:catalog_productimage_add"),
        {"product": product.pk, "image": upload(b"not an image"), "position": 0},
    )
    assert response.status_code == 200
    assert "not an image" in response.content.decode()
    assert stored_files(media_root) == []
    assert ProductImage.objects.count() == 0


def test_admin_upload_is_cleaned_and_gets_renditions(
    owner, media_root, celery_eager, django_capture_on_commit_callbacks
):
    product = make_product("tee")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(
            reverse("admin:catalog_productimage_add"),
            {"product": product.pk, "image": upload(image_bytes(exif={0x010F: "Nikon"})),
             "position": 0},
        )  # fmt: skip
    assert response.status_code == 302
    image = ProductImage.objects.get()
    assert (image.width, image.height) == (800, 600)
    assert len(image.renditions) == 6
    assert b"Nikon" not in (media_root / "store_a" / image.image.name).read_bytes()


def test_admin_cannot_change_stock_history_or_imports(owner, in_store_a):
    assert owner.get(reverse("admin:catalog_stockadjustment_add")).status_code == 403
    assert owner.get(reverse("admin:catalog_importjob_add")).status_code == 403


def test_an_image_upload_emits_one_event_after_commit(
    owner, events, django_capture_on_commit_callbacks
):
    product = make_product("tee")
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(
            f"/api/v1/catalog/products/{product.pk}/images/", {"image": upload(image_bytes())}
        )
    assert events == [("store_a", [product.pk], False)]


def test_a_dry_run_emits_nothing_and_a_commit_is_one_event_naming_every_product(
    owner, events, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post("/api/v1/catalog/imports/", {"file": rows_file()})
    assert events == []
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(f"/api/v1/catalog/imports/{response.json()['id']}/commit/")
    assert ImportJob.objects.get().status == "done"
    assert len(events) == 1
    schema, product_ids, deleted = events[0]
    assert (schema, len(product_ids), deleted) == ("store_a", 2, False)


@pytest.mark.parametrize(
    "options", ['{"size": "M\\u0000"}', '{"size\\u0000": "M"}', '["M"]', '{"size": {"a": 1}}']
)
def test_admin_refuses_variant_options_that_are_not_names_and_texts(owner, in_store_a, options):
    from catalog.models import Product

    response = owner.post(
        reverse("admin:catalog_product_add"),
        {
            "name": "Lamp",
            "slug": "lamp",
            "status": "draft",
            "visible_b2c": "on",
            "visible_b2b": "on",
            "variants-TOTAL_FORMS": "1",
            "variants-INITIAL_FORMS": "0",
            "variants-0-sku": "L-1",
            "variants-0-options": options,
            "variants-0-quantity_min": "1",
            "variants-0-quantity_step": "1",
            "variants-0-price": "10",
            "variants-0-stock_policy": "deny",
            "variants-0-low_stock_threshold": "0",
            "variants-0-position": "0",
        },
    )

    assert response.status_code == 200  # the form again, with the error
    assert "Write the options as" in response.content.decode() or "Null characters" in (
        response.content.decode()
    )
    assert not Product.objects.exists()
