"""Product images as the storefront shows them: URLs of the renditions catalog.images made,
with the widths a browser needs to pick one from a ``srcset``.

Images come from a product's ``listing`` summary (plain data), never from ProductImage rows.
"""

from dataclasses import dataclass

from django.core.files.storage import default_storage

# Longest side of each rendition (catalog.images.RENDITIONS), smallest first.
RENDITION_SIDES = (("thumbnail", 200), ("medium", 600), ("large", 1200))


@dataclass
class ShownImage:
    src: str  # the fallback <img src>: medium, or the original until renditions exist
    large_url: str
    srcset: str
    webp_srcset: str
    width: int
    height: int
    alt: str
    variant: str | None


def image_url(path: str) -> str:
    return default_storage.url(path)


def listing_image(image: dict) -> ShownImage:
    """One image of a listing summary with its rendition ``srcset`` (original format and
    WebP); an image whose renditions are not made yet shows its original."""
    width, height = image.get("width") or 0, image.get("height") or 0
    renditions = image.get("renditions") or {}
    original = image_url(image["image"])
    srcset, webp = [], []
    for name, side in RENDITION_SIDES:
        shown_width = _width_at(side, width, height)
        if name in renditions:
            srcset.append(f"{image_url(renditions[name])} {shown_width}w")
        if f"{name}_webp" in renditions:
            webp.append(f"{image_url(renditions[f'{name}_webp'])} {shown_width}w")
    medium = renditions.get("medium")
    large = renditions.get("large")
    return ShownImage(
        src=image_url(medium) if medium else original,
        large_url=image_url(large) if large else original,
        srcset=", ".join(srcset),
        webp_srcset=", ".join(webp),
        width=width,
        height=height,
        alt=image.get("alt_text") or "",
        variant=image.get("variant"),
    )


def _width_at(side: int, width: int, height: int) -> int:
    """The width of a rendition whose longest side is ``side`` (never upscaled)."""
    if not width or not height:
        return side
    longest = max(width, height)
    if longest <= side:
        return width
    return round(width * side / longest)
