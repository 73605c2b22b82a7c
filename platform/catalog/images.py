"""Product images: validated with Pillow, re-encoded without EXIF, renditions made by Celery.

An upload is refused (ImageRefused, a 400 with an ``image`` field error) before anything is
stored unless it is a real JPEG, PNG, WebP or GIF within the store's byte and pixel limits.
The original is re-encoded with its EXIF orientation applied and every metadata block dropped
(camera, GPS...). Files go through Django's default storage, which puts them under the store's
own prefix (``<schema>/products/...``, on disk or S3).
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath
from uuid import uuid4

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from catalog.errors import CatalogError
from catalog.events import emit_products_changed
from catalog.models import Product, ProductImage, ProductVariant

# Format Pillow reports -> file extension we store it under.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# Rendition name -> longest side in pixels; each is stored in the original format and as WebP.
RENDITIONS = {"thumbnail": 200, "medium": 600, "large": 1200}
RENDITIONS_DIRECTORY = "products/renditions"


class ImageRefused(CatalogError):
    code = "invalid_image"

    def __init__(self, message: str):
        super().__init__(message, fields={"image": [message]})


@dataclass(frozen=True)
class CleanImage:
    content: ContentFile
    extension: str
    width: int
    height: int


def max_bytes() -> int:
    return settings.CATALOG_IMAGE_MAX_BYTES


def max_pixels() -> int:
    return settings.CATALOG_IMAGE_MAX_PIXELS


def clean_image(*, upload) -> CleanImage:
    """Check an uploaded file and re-encode it without metadata.

    Returns the clean bytes, the extension of its format and its upright size. Raises
    ImageRefused for anything that is not an allowed image within the limits; stores nothing.
    """
    if upload.size > max_bytes():
        raise ImageRefused(
            f"The file is {upload.size:,} bytes; the limit is {max_bytes():,} bytes."
        )
    data = upload.read()
    image = _open_checked(data)
    extension = ALLOWED_FORMATS[image.format]
    content, (width, height) = _encode_without_metadata(image)
    return CleanImage(ContentFile(content), extension, width, height)


def _open_checked(data: bytes) -> Image.Image:
    # A decompression bomb is refused from its header, before any pixel is decoded.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise ImageRefused(
                    f"{image.format} images are not accepted; use JPEG, PNG, WebP or GIF."
                )
            _check_pixels(image)
            image.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
        except ImageRefused:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise ImageRefused("The image has too many pixels.") from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise ImageRefused("The file is not an image, or it is damaged.") from error
    return image


def _check_pixels(image: Image.Image) -> None:
    width, height = image.size
    if width * height > max_pixels():
        raise ImageRefused(
            f"The image is {width}x{height} pixels; the limit is {max_pixels():,} pixels."
        )


def _encode_without_metadata(image: Image.Image) -> tuple[bytes, tuple[int, int]]:
    image_format = image.format
    animated = getattr(image, "is_animated", False)
    if not animated:
        image = ImageOps.exif_transpose(image)
    image.info.pop("exif", None)
    output = io.BytesIO()
    _save(image, output, image_format, save_all=animated)
    return output.getvalue(), image.size


def _save(image: Image.Image, output, image_format: str, *, save_all: bool = False) -> None:
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    options = {"JPEG": {"quality": 88, "optimize": True}, "WEBP": {"quality": 85}}
    extra = {"save_all": True} if save_all else {}
    # ``exif=b""`` makes sure no EXIF is written back, whatever the plugin would copy.
    image.save(output, image_format, exif=b"", **options.get(image_format, {}), **extra)


# --- Services ----------------------------------------------------------------------------------


def add_product_image(
    *,
    product: Product,
    upload,
    alt_text: str = "",
    position: int | None = None,
    variant: ProductVariant | None = None,
) -> ProductImage:
    """Validate, clean and store an image of ``product``; renditions follow in Celery.

    Nothing is stored if the upload is refused or the row cannot be saved. Renditions are
    requested after commit (in the store's schema); products_changed is emitted.
    """
    _check_variant(product=product, variant=variant)
    clean = clean_image(upload=upload)
    if position is None:
        position = product.images.count()
    image = ProductImage(product=product, variant=variant, alt_text=alt_text, position=position)
    image.image.save(f"{uuid4().hex}.{clean.extension}", clean.content, save=False)
    image.width, image.height = clean.width, clean.height
    try:
        with transaction.atomic():
            image.save()
            transaction.on_commit(lambda: request_renditions(image.pk))
            emit_products_changed([product.pk])
    except Exception:
        image.image.storage.delete(image.image.name)
        raise
    return image


def update_product_image(*, image: ProductImage, data: dict) -> ProductImage:
    """Change an image's alt text, position or variant (which must be of the same product)."""
    with transaction.atomic():
        image = ProductImage.objects.select_for_update().get(pk=image.pk)
        if "variant" in data:
            _check_variant(product=image.product, variant=data["variant"])
            image.variant = data["variant"]
        for name in ("alt_text", "position"):
            if name in data:
                setattr(image, name, data[name])
        image.save(update_fields=["variant", "alt_text", "position"])
        emit_products_changed([image.product_id])
    return image


def files_of(images) -> list[str]:
    """Storage paths of these images: originals and renditions."""
    return [path for image in images for path in (image.image.name, *image.renditions.values())]


def delete_files_after_commit(paths: list[str]) -> None:
    """Remove these files from storage once the transaction deleting their rows commits."""
    if paths:
        transaction.on_commit(lambda: _delete_files(paths))


def delete_product_image(*, image: ProductImage) -> None:
    """Delete an image; its original and renditions are removed from storage after commit."""
    paths = files_of([image])
    with transaction.atomic():
        product_id = image.product_id
        image.delete()
        delete_files_after_commit(paths)
        emit_products_changed([product_id])


def generate_renditions(*, image_id: int) -> dict[str, str]:
    """Make every rendition of an image (original format and WebP) and record their paths.

    Idempotent: renditions made earlier are replaced. A deleted image is skipped.
    """
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None:
        return {}
    with image.image.open("rb") as original:
        source = Image.open(io.BytesIO(original.read()))
        source.load()
    stem = PurePosixPath(image.image.name).stem
    renditions = {}
    for name, size in RENDITIONS.items():
        resized = source.copy()
        resized.thumbnail((size, size), Image.Resampling.LANCZOS)
        for suffix, image_format in ((name, source.format), (f"{name}_webp", "WEBP")):
            extension = ALLOWED_FORMATS[image_format]
            path = f"{RENDITIONS_DIRECTORY}/{stem}/{name}.{extension}"
            renditions[suffix] = _store(path, resized, image_format)
    _delete_files(set(image.renditions.values()) - set(renditions.values()))
    with transaction.atomic():
        if ProductImage.objects.filter(pk=image_id).update(renditions=renditions):
            emit_products_changed([image.product_id])
    return renditions


def _store(path: str, image: Image.Image, image_format: str) -> str:
    output = io.BytesIO()
    _save(image, output, image_format)
    if default_storage.exists(path):
        default_storage.delete(path)
    return default_storage.save(path, ContentFile(output.getvalue()))


def _check_variant(*, product: Product, variant: ProductVariant | None) -> None:
    if variant is not None and variant.product_id != product.pk:
        raise CatalogError(
            "The variant belongs to another product.",
            fields={"variant": ["Choose a variant of this product."]},
        )


def request_renditions(image_id: int) -> None:
    from catalog.tasks import make_image_renditions

    make_image_renditions.delay(image_id)


def _delete_files(paths) -> None:
    for path in paths:
        if path:
            default_storage.delete(path)
