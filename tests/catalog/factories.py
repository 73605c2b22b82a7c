"""Factories for catalog tests: products and real images made by Pillow."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog import services
from catalog.models import Product


def make_product(slug: str = "tee", *, skus=("TEE-M",), stock: int = 0, **fields) -> Product:
    """A product with one variant per SKU, priced 20.00, ``stock`` of each on hand."""
    variants = [{"sku": sku, "price": Decimal("20.00"), "stock_on_hand": stock} for sku in skus]
    data = {"name": slug.replace("-", " ").title(), "slug": slug, **fields}
    return services.create_product(data=data, variants=variants)


def image_bytes(
    image_format: str = "JPEG", size=(800, 600), *, exif: dict | None = None, mode: str = "RGB"
) -> bytes:
    """A real image made by Pillow, with EXIF tags when given (tag number -> value)."""
    image = Image.new(mode, size, color=(200, 30, 30) if mode == "RGB" else 0)
    # A block of another colour, so that orientation can be seen after a transpose.
    image.paste((30, 30, 200) if mode == "RGB" else 255, (0, 0, size[0] // 4, size[1] // 4))
    output = io.BytesIO()
    options = {}
    if exif:
        tags = Image.Exif()
        for tag, value in exif.items():
            tags[tag] = value
        options["exif"] = tags.tobytes()
    image.save(output, image_format, **options)
    return output.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(root) -> list[str]:
    """Every file under MEDIA_ROOT, relative to it (schema prefix included)."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
