"""Catalog data for tests, made through the catalog's own services; real images by Pillow."""

import io
from decimal import Decimal
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog import services
from catalog.models import Attribute, AttributeOption, Brand, Product

_numbers = count(1)


def brand(name: str = "Acme") -> Brand:
    return Brand.objects.get_or_create(
        slug=name.lower().replace(" ", "-"), defaults={"name": name}
    )[0]


def attribute(code: str, kind: str, options: list[str] = (), unit: str = "") -> Attribute:
    attr, _ = Attribute.objects.get_or_create(
        code=code, defaults={"name": code.title(), "type": kind, "unit": unit}
    )
    for position, value in enumerate(options):
        AttributeOption.objects.get_or_create(
            attribute=attr, slug=value.lower(), defaults={"value": value, "position": position}
        )
    return attr


def product(
    name: str | None = None,
    *,
    price: str = "10.00",
    stock: int = 5,
    status: str = "active",
    categories=(),
    brand_name: str | None = None,
    variants: list[dict] | None = None,
    **fields,
) -> Product:
    number = next(_numbers)
    name = name or f"Product {number}"
    variant_rows = variants or [
        {"sku": f"SKU-{number}", "price": Decimal(price), "stock_on_hand": stock}
    ]
    return services.create_product(
        data={
            "name": name,
            "status": status,
            "brand": brand(brand_name) if brand_name else None,
            **fields,
        },
        variants=variant_rows,
        categories=list(categories),
    )


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
