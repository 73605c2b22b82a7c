"""Pictures for the demo store, drawn with Pillow at seed time (nothing is downloaded).

A product picture is the silhouette of its kind of product (T-shirt, hoodie, mug, poster, tote
bag, cap) in the variant's colour, lit from above, standing on a soft shadow over a gradient of
a pale tint of the same colour, with the brand in small capitals: it reads as a studio packshot
at thumbnail size and is obviously a drawing at full size. Banners and category tiles
(storefront_cms.demo) use the same gradient and shapes.

Shapes are drawn at twice the size and scaled down, for smooth edges.
"""

import io
from enum import StrEnum

from PIL import Image, ImageDraw, ImageFilter, ImageFont

SIZE = 1200
SCALE = 2  # supersampling factor of the shape layer


class Silhouette(StrEnum):
    TSHIRT = "tshirt"
    HOODIE = "hoodie"
    MUG = "mug"
    POSTER = "poster"
    TOTE = "tote"
    CAP = "cap"


RGB = tuple[int, int, int]


def hex_to_rgb(value: str) -> RGB:
    value = value.lstrip("#")
    return tuple(int(value[index : index + 2], 16) for index in (0, 2, 4))


def mix(colour: RGB, other: RGB, amount: float) -> RGB:
    """``colour`` moved ``amount`` (0..1) of the way towards ``other``."""
    return tuple(round(a + (b - a) * amount) for a, b in zip(colour, other, strict=True))


WHITE: RGB = (255, 255, 255)
INK: RGB = (34, 38, 46)


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's own font (bundled in the wheel): the same on every machine.
    return ImageFont.load_default(size=size)


def gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    """A vertical gradient from ``top`` to ``bottom`` (drawn as a 1-pixel column, stretched)."""
    width, height = size
    column = Image.new("RGB", (1, 256))
    column.putdata([mix(top, bottom, row / 255) for row in range(256)])
    return column.resize((width, height), Image.Resampling.BICUBIC)


def background_for(colour: RGB) -> Image.Image:
    """A pale studio backdrop tinted by the product's colour."""
    tint = mix(colour, WHITE, 0.86)
    # Very light colours (white, oat) get a cooler grey backdrop so the product stands out.
    if sum(colour) > 600:
        tint = (226, 230, 236)
    return gradient((SIZE, SIZE), mix(tint, WHITE, 0.55), tint)


def product_picture(
    *, silhouette: Silhouette, colour: str, label: str, accent: str = "#ffffff"
) -> bytes:
    """A 1200x1200 JPEG of a product of this kind and colour, ``label`` printed small under it."""
    rgb = hex_to_rgb(colour)
    picture = background_for(rgb)
    _shadow(picture)
    shape = shape_layer(silhouette, rgb, hex_to_rgb(accent))
    picture.paste(shape, (0, 0), shape)
    _caption(picture, label, rgb)
    output = io.BytesIO()
    picture.save(output, "JPEG", quality=86, optimize=True, progressive=True)
    return output.getvalue()


def shape_layer(silhouette: Silhouette, colour: RGB, accent: RGB) -> Image.Image:
    """The product's shape alone (transparent around it), 1200x1200."""
    shape = Image.new("RGBA", (SIZE * SCALE, SIZE * SCALE), (0, 0, 0, 0))
    DRAWERS[silhouette](ImageDraw.Draw(shape), colour, accent)
    return shape.reduce(SCALE)  # a box filter: smooth edges, far faster than LANCZOS


def _shadow(picture: Image.Image) -> None:
    layer = Image.new("L", picture.size, 0)
    ImageDraw.Draw(layer).ellipse((300, 930, 900, 1010), fill=90)
    layer = layer.filter(ImageFilter.GaussianBlur(28))
    picture.paste((40, 44, 52), (0, 0), layer)


def _caption(picture: Image.Image, label: str, colour: RGB) -> None:
    draw = ImageDraw.Draw(picture)
    text = label.upper()
    face = font(30)
    width = draw.textlength(text, font=face)
    draw.text(((SIZE - width) / 2, 1080), text, font=face, fill=mix(INK, WHITE, 0.35))


# --- Shapes (coordinates in the supersampled 2400x2400 layer) ----------------------------------


def _s(points):
    return [(x * SCALE, y * SCALE) for x, y in points]


def _box(box):
    return tuple(value * SCALE for value in box)


def _shade(colour: RGB) -> RGB:
    # Light colours get a grey shade, dark ones a black one: the fold stays visible on both.
    return mix(colour, (0, 0, 0), 0.18)


def _light(colour: RGB) -> RGB:
    return mix(colour, WHITE, 0.18)


def _tshirt(draw: ImageDraw.ImageDraw, colour: RGB, accent: RGB) -> None:
    body = [
        (430, 230), (520, 205), (560, 245), (600, 258), (640, 245), (680, 205), (770, 230),
        (930, 330), (870, 470), (800, 430), (800, 930), (400, 930), (400, 430), (330, 470),
        (270, 330),
    ]  # fmt: skip
    draw.polygon(_s(body), fill=colour, outline=_shade(colour), width=6)
    draw.polygon(_s([(400, 430), (330, 470), (270, 330), (310, 305)]), fill=_shade(colour))
    draw.polygon(_s([(800, 430), (870, 470), (930, 330), (890, 305)]), fill=_shade(colour))
    draw.arc(_box((540, 180, 660, 300)), 20, 160, fill=_shade(colour), width=18)
    # A small chest print in the accent colour.
    draw.ellipse(_box((640, 360, 720, 440)), outline=accent, width=10)


def _hoodie(draw: ImageDraw.ImageDraw, colour: RGB, accent: RGB) -> None:
    body = [
        (440, 250), (530, 215), (670, 215), (760, 250), (880, 330), (960, 780), (880, 800),
        (800, 480), (800, 940), (400, 940), (400, 480), (320, 800), (240, 780), (320, 330),
    ]  # fmt: skip
    draw.polygon(_s(body), fill=colour, outline=_shade(colour), width=6)
    draw.ellipse(_box((500, 150, 700, 330)), fill=_shade(colour))
    draw.ellipse(_box((540, 190, 660, 320)), fill=mix(colour, (0, 0, 0), 0.32))
    draw.rounded_rectangle(_box((470, 700, 730, 830)), radius=30 * SCALE, fill=_shade(colour))
    draw.line(_s([(575, 320), (565, 470)]), fill=accent, width=8 * SCALE)
    draw.line(_s([(625, 320), (635, 470)]), fill=accent, width=8 * SCALE)
    draw.rectangle(_box((400, 900, 800, 940)), fill=_shade(colour))


def _mug(draw: ImageDraw.ImageDraw, colour: RGB, accent: RGB) -> None:
    draw.ellipse(_box((700, 430, 900, 760)), outline=_shade(colour), width=52 * SCALE)
    draw.rounded_rectangle(_box((360, 330, 760, 930)), radius=50 * SCALE, fill=colour)
    draw.rounded_rectangle(_box((380, 350, 470, 900)), radius=40 * SCALE, fill=_light(colour))
    draw.ellipse(_box((360, 300, 760, 370)), fill=_shade(colour))
    draw.ellipse(_box((380, 310, 740, 360)), fill=mix(colour, (0, 0, 0), 0.45))
    draw.rectangle(_box((360, 560, 760, 600)), fill=accent)


def _poster(draw: ImageDraw.ImageDraw, colour: RGB, accent: RGB) -> None:
    draw.rectangle(_box((330, 150, 870, 930)), fill=(250, 248, 244), outline=INK, width=14)
    sky = mix(colour, WHITE, 0.55)
    draw.rectangle(_box((380, 200, 820, 880)), fill=sky)
    draw.ellipse(_box((620, 260, 760, 400)), fill=accent)
    draw.polygon(_s([(380, 700), (520, 470), (640, 640), (720, 540), (820, 680), (820, 880),
                     (380, 880)]), fill=colour)  # fmt: skip
    draw.polygon(_s([(380, 800), (560, 660), (820, 800), (820, 880), (380, 880)]),
                 fill=_shade(colour))  # fmt: skip


def _tote(draw: ImageDraw.ImageDraw, colour: RGB, accent: RGB) -> None:
    draw.arc(_box((450, 200, 750, 560)), 180, 360, fill=_shade(colour), width=30 * SCALE)
    draw.polygon(_s([(340, 390), (860, 390), (900, 940), (300, 940)]), fill=colour)
    draw.polygon(_s([(340, 390), (860, 390), (866, 470), (334, 470)]), fill=_shade(colour))
    draw.rectangle(_box((500, 600, 700, 760)), outline=accent, width=12)


def _cap(draw: ImageDraw.ImageDraw, colour: RGB, accent: RGB) -> None:
    # Drawn on the ground line of the other products (y 930), so its shadow sits under it.
    draw.pieslice(_box((330, 540, 870, 1080)), 180, 360, fill=colour)
    draw.line(_s([(600, 540), (600, 810)]), fill=_shade(colour), width=6 * SCALE)
    draw.line(_s([(470, 580), (520, 810)]), fill=_shade(colour), width=4 * SCALE)
    draw.line(_s([(730, 580), (680, 810)]), fill=_shade(colour), width=4 * SCALE)
    draw.ellipse(_box((585, 525, 615, 555)), fill=_shade(colour))
    draw.chord(_box((300, 750, 1000, 920)), 0, 180, fill=_shade(colour))
    draw.rectangle(_box((330, 790, 870, 820)), fill=_shade(colour))
    draw.rounded_rectangle(_box((540, 680, 660, 750)), radius=12 * SCALE, fill=accent)


DRAWERS = {
    Silhouette.TSHIRT: _tshirt,
    Silhouette.HOODIE: _hoodie,
    Silhouette.MUG: _mug,
    Silhouette.POSTER: _poster,
    Silhouette.TOTE: _tote,
    Silhouette.CAP: _cap,
}


def banner_picture(
    *,
    size: tuple[int, int],
    colours: list[str],
    silhouettes: list[Silhouette],
    background: tuple[str, str] = ("#f6efe6", "#e7d8c6"),
    leave_left: float = 0.0,
) -> bytes:
    """A wide picture (hero banner, image + text): products of these kinds side by side on a
    warm gradient, no text. ``leave_left`` (a fraction of the width) is left empty for the
    heading a hero sets over the picture's left side."""
    width, height = size
    picture = gradient(size, hex_to_rgb(background[0]), hex_to_rgb(background[1]))
    count = max(len(silhouettes), 1)
    offset = round(width * leave_left)
    width -= offset
    # A product's shape fills about two thirds of its tile: neighbours may overlap a little.
    tile = round(min(height * 0.95, width * 1.3 / count))
    step = (width - tile) / max(count - 1, 1)
    for index, (silhouette, colour) in enumerate(zip(silhouettes, colours, strict=False)):
        layer = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
        shadow = Image.new("L", (SIZE, SIZE), 0)
        ImageDraw.Draw(shadow).ellipse((300, 930, 900, 1010), fill=80)
        shadow = shadow.filter(ImageFilter.GaussianBlur(28))
        layer.paste((40, 44, 52, 255), (0, 0), shadow)
        layer.alpha_composite(shape_layer(silhouette, hex_to_rgb(colour), WHITE))
        layer = layer.resize((tile, tile), Image.Resampling.LANCZOS)
        left = offset + round(index * step if count > 1 else (width - tile) / 2)
        top = round((height - tile) * 0.7)
        picture.paste(layer, (left, top), layer)
    output = io.BytesIO()
    picture.save(output, "JPEG", quality=84, optimize=True, progressive=True)
    return output.getvalue()
