"""Product images: Pillow checks, EXIF stripped, renditions by Celery, per-store files."""

import io

import pytest
from django.db import connection
from PIL import Image

from catalog.models import ProductImage
from tests.catalog.factories import image_bytes, make_product, stored_files, upload

pytestmark = pytest.mark.django_db

MAKE, ORIENTATION, GPS = 0x010F, 0x0112, 0x8825


def images_url(product_id: int) -> str:
    return f"/api/v1/catalog/products/{product_id}/images/"


@pytest.fixture
def product(in_store_a):
    return make_product("tee", skus=("TEE-M", "TEE-L"))


def post_image(client, product, data: bytes, *, name="photo.jpg", **fields):
    return client.post(images_url(product.pk), {"image": upload(data, name), **fields})


def open_stored(media_root, schema: str, path: str) -> Image.Image:
    return Image.open(media_root / schema / path)


def test_upload_stores_the_image_under_the_store_prefix_without_exif(
    owner, product, media_root, store_a
):
    # Orientation 6: the camera was turned; the stored image is upright (taller than wide).
    data = image_bytes("JPEG", (800, 600), exif={MAKE: "Canon", ORIENTATION: 6})
    assert Image.open(io.BytesIO(data)).getexif()[MAKE] == "Canon"

    response = post_image(owner, product, data, alt_text="Front", position=0)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["width"], body["height"], body["alt_text"]) == (600, 800, "Front")
    assert body["image"].startswith("/media/store_a/products/")
    connection.set_tenant(store_a)
    stored = ProductImage.objects.get(pk=body["id"])
    with open_stored(media_root, "store_a", stored.image.name) as image:
        assert image.size == (600, 800)
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
        # The blue corner was top-left; after a 90° turn clockwise it is top-right.
        assert image.convert("RGB").getpixel((590, 10))[2] > 150
    assert all(path.startswith("store_a/products/") for path in stored_files(media_root))


@pytest.mark.parametrize(
    ("image_format", "name", "mode"),
    [("PNG", "a.png", "RGB"), ("WEBP", "a.webp", "RGB"), ("GIF", "a.gif", "L")],
)
def test_png_webp_and_gif_are_accepted(owner, product, image_format, name, mode):
    data = image_bytes(image_format, (300, 200), mode=mode)
    response = post_image(owner, product, data, name=name)
    assert response.status_code == 201, response.content
    assert response.json()["image"].endswith("." + name.split(".")[1])


def assert_refused(response, media_root, fragment: str) -> None:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_image"
    assert fragment in error["fields"]["image"][0]
    assert stored_files(media_root) == []
    assert ProductImage.objects.count() == 0


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(owner, product, media_root):
    response = post_image(owner, product, b"%PDF-1.4 not an image at all", name="cat.jpg")
    assert_refused(response, media_root, "not an image")


def test_a_damaged_image_is_refused(owner, product, media_root):
    data = image_bytes("PNG", (400, 400))
    response = post_image(owner, product, data[: len(data) // 2], name="half.png")
    assert_refused(response, media_root, "damaged")


def test_a_format_outside_the_allowed_ones_is_refused(owner, product, media_root):
    response = post_image(owner, product, image_bytes("BMP", (50, 50)), name="a.bmp")
    assert_refused(response, media_root, "BMP images are not accepted")


def test_an_oversized_file_is_refused(owner, product, media_root, settings):
    settings.CATALOG_IMAGE_MAX_BYTES = 2_000
    data = image_bytes("PNG", (400, 400))
    data += b"\0" * 3_000
    response = post_image(owner, product, data, name="big.png")
    assert_refused(response, media_root, "the limit is 2,000 bytes")


def test_too_many_pixels_is_refused_before_decoding(owner, product, media_root, settings):
    settings.CATALOG_IMAGE_MAX_PIXELS = 100 * 100
    response = post_image(owner, product, image_bytes("PNG", (101, 100)), name="wide.png")
    assert_refused(response, media_root, "101x100 pixels")


def test_a_missing_file_is_a_field_error(owner, product):
    response = owner.post(images_url(product.pk), {"alt_text": "nothing"})
    assert response.status_code == 400
    assert "image" in response.json()["error"]["fields"]


def test_renditions_are_made_by_celery_in_every_size_and_as_webp(
    owner, product, media_root, store_a, celery_eager, django_capture_on_commit_callbacks
):
    data = image_bytes("JPEG", (2000, 1500))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_image(owner, product, data)
    assert response.status_code == 201

    image_id = response.json()["id"]
    body = owner.get(f"{images_url(product.pk)}{image_id}/").json()
    expected = {"thumbnail": (200, 150), "medium": (600, 450), "large": (1200, 900)}
    assert set(body["renditions"]) == {*expected, *(f"{name}_webp" for name in expected)}
    connection.set_tenant(store_a)
    paths = ProductImage.objects.get(pk=image_id).renditions
    for name, size in expected.items():
        with open_stored(media_root, "store_a", paths[name]) as image:
            assert (image.format, image.size) == ("JPEG", size)
        with open_stored(media_root, "store_a", paths[f"{name}_webp"]) as image:
            assert (image.format, image.size) == ("WEBP", size)
        assert body["renditions"][name] == f"/media/store_a/{paths[name]}"


def test_small_images_are_not_enlarged_by_renditions(
    owner, product, store_a, media_root, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_image(owner, product, image_bytes("PNG", (300, 100)), name="s.png")
    connection.set_tenant(store_a)
    paths = ProductImage.objects.get(pk=response.json()["id"]).renditions
    with open_stored(media_root, "store_a", paths["large"]) as image:
        assert image.size == (300, 100)


def test_renditions_are_served_with_long_cache_headers(
    owner, product, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image_id = post_image(owner, product, image_bytes()).json()["id"]
    body = owner.get(f"{images_url(product.pk)}{image_id}/").json()

    rendition = owner.get(body["renditions"]["thumbnail_webp"])
    assert rendition.status_code == 200
    assert rendition["Cache-Control"] == "public, max-age=31536000, immutable"
    assert rendition["Content-Type"] == "image/webp"
    assert "immutable" not in owner.get(body["image"]).get("Cache-Control", "")


def test_change_alt_text_position_and_variant(owner, product):
    image_id = post_image(owner, product, image_bytes()).json()["id"]
    variant = product.variants.get(sku="TEE-L")

    response = owner.patch(
        f"{images_url(product.pk)}{image_id}/",
        {"alt_text": "Large, back", "position": 3, "variant": variant.pk},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["alt_text"], body["position"], body["variant"]) == ("Large, back", 3, variant.pk)


def test_an_image_cannot_be_given_another_products_variant(owner, product):
    other = make_product("mug", skus=("MUG-1",))
    image_id = post_image(owner, product, image_bytes()).json()["id"]
    response = owner.patch(
        f"{images_url(product.pk)}{image_id}/",
        {"variant": other.variants.get().pk, "alt_text": "changed?"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "variant" in response.json()["error"]["fields"]
    assert ProductImage.objects.get(pk=image_id).alt_text == ""


def test_deleting_a_product_removes_its_image_files_after_commit(
    owner, product, media_root, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_image(owner, product, image_bytes())
        post_image(owner, product, image_bytes("PNG"), name="b.png")
    assert len(stored_files(media_root)) == 14

    with django_capture_on_commit_callbacks(execute=True):
        response = owner.delete(f"/api/v1/catalog/products/{product.pk}/")

    assert response.status_code == 204
    assert stored_files(media_root) == []


def test_a_product_deleted_in_a_rolled_back_transaction_keeps_its_files(
    owner, product, media_root, celery_eager, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from catalog import services

    with django_capture_on_commit_callbacks(execute=True):
        post_image(owner, product, image_bytes())
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.delete_product(product=product)
        transaction.set_rollback(True)
    assert len(stored_files(media_root)) == 7


def test_delete_removes_the_image_and_its_files(
    owner, product, media_root, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image_id = post_image(owner, product, image_bytes()).json()["id"]
    assert len(stored_files(media_root)) == 7  # the original and six renditions

    with django_capture_on_commit_callbacks(execute=True):
        response = owner.delete(f"{images_url(product.pk)}{image_id}/")

    assert response.status_code == 204
    assert not ProductImage.objects.filter(pk=image_id).exists()
    assert stored_files(media_root) == []


def test_images_are_listed_in_order_with_a_constant_number_of_queries(
    owner, product, django_assert_num_queries
):
    post_image(owner, product, image_bytes(), position=1)
    with django_assert_num_queries(QUERIES_FOR_LIST):
        first = owner.get(images_url(product.pk))
    for position in (0, 2, 3, 4):
        post_image(owner, product, image_bytes(), position=position)
    with django_assert_num_queries(QUERIES_FOR_LIST):
        response = owner.get(images_url(product.pk))
    assert len(first.json()) == 1
    assert [image["position"] for image in response.json()] == [0, 1, 2, 3, 4]


# Store lookup (public), session, user, company membership, store security policy, product,
# images: seven queries, and the store's ``SET search_path`` once (TENANT_LIMIT_SET_CALLS: set
# when the connection's schema changes, not before each query; the store lookup reads public
# tables by their full names, so routing sets nothing).
QUERIES_FOR_LIST = 8


def test_another_store_cannot_see_or_fetch_an_image(
    owner, product, store_b, store_client, store_owner_client
):
    body = post_image(owner, product, image_bytes()).json()
    owner_b = store_owner_client(store_b)

    assert owner_b.get(f"{images_url(product.pk)}{body['id']}/").status_code == 404
    assert owner_b.delete(f"{images_url(product.pk)}{body['id']}/").status_code == 404
    assert store_client(store_b).get(body["image"]).status_code == 404
    assert owner.get(body["image"]).status_code == 200


def test_unknown_product_is_404(owner, in_store_a):
    response = owner.post(images_url(999_999), {"image": upload(image_bytes())})
    assert response.status_code == 404


def test_renditions_on_s3_are_written_with_long_cache_headers(store_a):
    from tenants.storage import TenantS3Storage

    storage = TenantS3Storage(bucket_name="mercato-media")
    connection.set_tenant(store_a)
    key = storage._normalize_name("products/renditions/abc/thumbnail.webp")
    assert storage._get_write_parameters(key)["CacheControl"] == (
        "public, max-age=31536000, immutable"
    )
    assert "CacheControl" not in storage._get_write_parameters(
        storage._normalize_name("products/abc.jpg")
    )


def test_a_decompression_bomb_is_refused_with_the_default_limits(owner, product, media_root):
    # 48 million pixels that compress to a few kilobytes: over the 40 MP default limit.
    bomb = image_bytes("PNG", (8000, 6000), mode="1")
    assert len(bomb) < 100_000
    response = post_image(owner, product, bomb, name="bomb.png")
    assert_refused(response, media_root, "8000x6000 pixels")


def _with_hidden_metadata(image_format: str) -> bytes:
    from PIL import PngImagePlugin

    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><gps>51.5,-0.1 HOME-ADDRESS</gps></x:xmpmeta>'
    exif = Image.Exif()
    exif[MAKE] = "HOME-ADDRESS camera"
    options = {"exif": exif.tobytes(), "xmp": xmp}
    if image_format == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", "HOME-ADDRESS")
        options["pnginfo"] = text
    output = io.BytesIO()
    Image.new("RGB", (100, 80)).save(output, image_format, **options)
    assert b"HOME-ADDRESS" in output.getvalue()
    return output.getvalue()


@pytest.mark.parametrize("image_format", ["JPEG", "WEBP", "PNG"])
def test_no_metadata_block_survives_the_upload(owner, product, media_root, image_format):
    name = f"a.{image_format.lower()}"
    response = post_image(owner, product, _with_hidden_metadata(image_format), name=name)
    assert response.status_code == 201
    (stored,) = (media_root / "store_a" / "products").iterdir()
    assert b"HOME-ADDRESS" not in stored.read_bytes()
