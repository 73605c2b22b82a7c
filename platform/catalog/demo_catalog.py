"""The demo store's catalog: thirty products a merchant would be proud to show.

Apparel, homeware and accessories of five made-up brands, in a small category tree, with
colour and size variants, prices (a few on sale, B2B prices below retail), stock (some low,
one product sold out), attributes for the facets, descriptions of a few paragraphs, and a
picture per colour drawn at seed time (catalog.demo_images) with its renditions.

Everything is written through the catalog's services (catalog.services, catalog.images), in
one transaction and one products_changed event. ``seed_demo_catalog`` does nothing in a store
that has products already, so calling it on every start costs one query.
"""

import io
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from html import escape as escape_html

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.text import slugify
from wagtail.images import get_image_model

from catalog import services
from catalog.demo_images import Silhouette, banner_picture, product_picture
from catalog.events import one_event
from catalog.images import add_product_image, generate_renditions
from catalog.models import Attribute, Brand, Category, Product, ProductType

COLOURS = {
    "Navy": "#1f3a5f",
    "Charcoal": "#3b3f45",
    "Heather grey": "#a3a7ad",
    "White": "#f4f4f2",
    "Black": "#1d1f22",
    "Sage": "#8a9a7b",
    "Terracotta": "#c4663f",
    "Mustard": "#d9a425",
    "Forest": "#2f5d46",
    "Oat": "#d8cbb3",
    "Sand": "#c9b28f",
    "Sky": "#7fb2d6",
    "Rose": "#d98c9a",
    "Plum": "#6b3d5c",
}
ADULT_SIZES = ("S", "M", "L", "XL")
KIDS_SIZES = ("4Y", "6Y", "8Y", "10Y")
PRINT_SIZES = ("A3", "50 x 70 cm")

BRANDS = {
    "Harbor & Pine": "Soft, hard-wearing basics cut in Portugal from organic cotton.",
    "Northwind": "Heavyweight staples with a workwear streak, made to be worn for years.",
    "Trailmark": "Gear for weekends outside: waxed canvas, enamel and quick-drying fabrics.",
    "Kiln & Clay": "Stoneware and porcelain thrown and glazed in small batches.",
    "Paper Fox Press": "Art prints on archival paper, printed in a riso studio in Leeds.",
    "Loom & Larch": "Bags and totes in sturdy canvas, stitched to carry a week's shopping.",
}

# Department -> (description, {category: description}).
CATEGORIES = {
    "Apparel": (
        "Everyday clothes in organic cotton and heavyweight fleece.",
        {
            "T-shirts": "Crew necks, pocket tees and long sleeves in soft organic cotton.",
            "Hoodies": "Fleece-backed hoodies and zips for cool mornings and long evenings.",
        },
    ),
    # Not "Home": the menu's "Home" would read as the home page.
    "Homeware": (
        "Things for the kitchen table and the walls around it.",
        {
            "Mugs": "Stoneware, porcelain and enamel mugs for coffee, tea and camp stoves.",
            "Posters": "Landscape prints on archival paper, ready for a frame.",
        },
    ),
    "Accessories": (
        "The bags and caps that finish an outfit.",
        {
            "Bags": "Totes, crossbodies and weekenders in canvas and waxed cotton.",
            "Caps": "Six-panel, dad and running caps, adjustable to fit most heads.",
        },
    ),
}


# Category -> (colours of the shapes on its picture, its backdrop gradient top and bottom).
CATEGORY_PICTURES = {
    "Apparel": (("Navy", "Mustard", "Sage"), ("#eef2f6", "#d9e2ec")),
    "T-shirts": (("Sky", "White", "Terracotta"), ("#eef4f8", "#d6e4ee")),
    "Hoodies": (("Forest", "Mustard", "Charcoal"), ("#f3f1ea", "#e1dccb")),
    "Homeware": (("Terracotta", "Oat", "Sage"), ("#f7efe7", "#ead8c6")),
    "Mugs": (("Sage", "White", "Plum"), ("#f1f4ee", "#dde4d5")),
    "Posters": (("Rose", "Sky", "Mustard"), ("#f8eff0", "#ecd9dc")),
    "Accessories": (("Sand", "Black", "Rose"), ("#f5f0e8", "#e6dccb")),
    "Bags": (("Sand", "Navy", "Oat"), ("#f4efe6", "#e4d9c5")),
    "Caps": (("Black", "Terracotta", "Sky"), ("#eef1f4", "#d9dee5")),
}
CATEGORY_PICTURE_SIZE = (960, 720)
# The renditions of the storefront's category cards (storefront/blocks/category_grid.html),
# made at seed time so the first visitor does not wait for them.
CATEGORY_RENDITIONS = ("fill-480x360", "fill-960x720")


@dataclass(frozen=True)
class Kind:
    """A kind of product: its category, product type, picture and the copy it shares."""

    category: str
    product_type: str
    silhouette: Silhouette
    sizes: tuple[str, ...]
    material: str
    details: tuple[str, ...]
    care: str


KINDS = {
    "tee": Kind(
        "T-shirts",
        "T-shirt",
        Silhouette.TSHIRT,
        ADULT_SIZES,
        "Organic cotton",
        ("180 gsm single jersey", "Ribbed crew neck that keeps its shape", "Side-seamed"),
        "Machine wash cold with like colours; tumble dry low or hang to dry.",
    ),
    "hoodie": Kind(
        "Hoodies",
        "Hoodie",
        Silhouette.HOODIE,
        ADULT_SIZES,
        "Cotton fleece",
        ("380 gsm brushed-back fleece", "Double-layer hood", "Kangaroo pocket"),
        "Machine wash at 30 °C inside out; do not tumble dry.",
    ),
    "mug": Kind(
        "Mugs",
        "Mug",
        Silhouette.MUG,
        (),
        "Stoneware",
        ("Holds 350 ml", "Glazed inside and out", "Microwave safe"),
        "Dishwasher safe; avoid sudden changes of temperature.",
    ),
    "print": Kind(
        "Posters",
        "Art print",
        Silhouette.POSTER,
        PRINT_SIZES,
        "Archival paper",
        ("200 gsm archival matte paper", "Fade-resistant pigment inks", "Ships rolled"),
        "Frame behind glass and keep out of direct sunlight.",
    ),
    "bag": Kind(
        "Bags",
        "Bag",
        Silhouette.TOTE,
        (),
        "Canvas",
        ("16 oz cotton canvas", "Reinforced handles", "Inside zip pocket"),
        "Spot clean with a damp cloth; air dry.",
    ),
    "cap": Kind(
        "Caps",
        "Cap",
        Silhouette.CAP,
        (),
        "Cotton twill",
        ("Adjustable strap at the back", "Pre-curved brim", "Embroidered eyelets"),
        "Hand wash cold and reshape while damp.",
    ),
}


@dataclass(frozen=True)
class DemoProduct:
    name: str
    kind: str
    brand: str
    colours: tuple[str, ...]
    price: str
    pitch: str
    fit: str = ""
    material: str = ""
    compare_at: str = ""
    # Stock per variant, in variant order (colour, then size); one level repeats for all.
    stock: tuple[int, ...] = (24,)
    sizes: tuple[str, ...] | None = None


PRODUCTS = (
    DemoProduct("Everyday Organic Tee", "tee", "Harbor & Pine", ("Navy", "White", "Sage"), "28.00",
                "The T-shirt you reach for first: soft, breathable and cut to sit just right.",
                fit="Regular", stock=(30, 42, 18, 3, 25, 40, 22, 0, 12, 20, 15, 6)),
    DemoProduct("Heavyweight Pocket Tee", "tee", "Northwind", ("Charcoal", "Oat"), "34.00",
                "A boxy, heavyweight tee with a chest pocket and a workwear feel.",
                fit="Relaxed", material="Cotton"),
    DemoProduct("Linen-Blend Crew Tee", "tee", "Harbor & Pine", ("Sand", "Sky"), "38.00",
                "Linen and cotton woven for hot days: light, airy and better with every wash.",
                fit="Regular", material="Linen blend"),
    DemoProduct("Trail Graphic Tee", "tee", "Trailmark", ("Forest", "Heather grey"), "32.00",
                "A quick-drying tee with a small mountain print, for trails and travel.",
                fit="Regular", material="Recycled polyester blend", compare_at="40.00"),
    DemoProduct("Relaxed Boxy Tee", "tee", "Northwind", ("Terracotta", "Black"), "30.00",
                "Dropped shoulders and a cropped, boxy shape in a dense cotton jersey.",
                fit="Oversized", material="Cotton"),
    DemoProduct("Long-Sleeve Waffle Tee", "tee", "Harbor & Pine", ("Oat", "Plum"), "42.00",
                "A textured waffle knit that layers under a jacket or stands alone.",
                fit="Regular", stock=(8, 4, 2, 0, 14, 9, 5, 3)),
    DemoProduct("Harbor Fleece Hoodie", "hoodie", "Harbor & Pine", ("Navy", "Heather grey"),
                "68.00", "Our signature hoodie in brushed organic fleece: warm, never bulky.",
                fit="Regular"),
    DemoProduct("Midweight Zip Hoodie", "hoodie", "Northwind", ("Charcoal", "Forest"), "74.00",
                "A full-zip hoodie with metal hardware and a fleece that holds its shape.",
                fit="Regular"),
    DemoProduct("Sunday Oversized Hoodie", "hoodie", "Harbor & Pine", ("Rose", "Sage"), "72.00",
                "Roomy, soft and made for slow mornings with the papers.", fit="Oversized"),
    DemoProduct("Summit Heavyweight Hoodie", "hoodie", "Trailmark", ("Black", "Mustard"), "88.00",
                "Our heaviest fleece, with a lined hood for cold starts at the trailhead.",
                fit="Relaxed", compare_at="110.00", stock=(6, 10, 4, 2, 12, 8, 5, 0)),
    DemoProduct("Little Harbor Kids' Hoodie", "hoodie", "Harbor & Pine", ("Sky", "Mustard"),
                "42.00", "The grown-ups' favourite, scaled down for tree climbing and school runs.",
                fit="Regular", sizes=KIDS_SIZES),
    DemoProduct("Speckled Stoneware Mug", "mug", "Kiln & Clay", ("White", "Sage", "Terracotta"),
                "22.00", "A hand-thrown mug with a speckled glaze: no two are quite the same."),
    DemoProduct("Diner Mug", "mug", "Kiln & Clay", ("Sky", "Mustard"), "18.00",
                "A thick-walled classic that keeps coffee hot through the crossword.",
                material="Porcelain"),
    DemoProduct("Camp Enamel Mug", "mug", "Trailmark", ("Forest", "Navy"), "16.00",
                "Light, unbreakable and happy on a camp stove.", material="Enamelled steel"),
    DemoProduct("Double-Walled Latte Mug", "mug", "Kiln & Clay", ("Charcoal", "Oat"), "26.00",
                "Two walls of porcelain keep your latte hot and your hands cool.",
                material="Porcelain", stock=(3, 2)),
    DemoProduct("Tall Tea Mug", "mug", "Kiln & Clay", ("Rose", "White"), "20.00",
                "Tall and slim, for a proper pot's worth of tea in one go."),
    DemoProduct("Alpine Morning Print", "print", "Paper Fox Press", ("Forest",), "29.00",
                "Pine ridges and a low sun, printed in two inks on warm white paper."),
    DemoProduct("Coastline Risograph Print", "print", "Paper Fox Press", ("Sky",), "29.00",
                "A calm sea and a headland, layered in blue riso ink."),
    DemoProduct("Desert Dusk Print", "print", "Paper Fox Press", ("Terracotta",), "29.00",
                "Red rock and a setting sun: the warmest wall in the house."),
    DemoProduct("Lakeside Minimal Print", "print", "Paper Fox Press", ("Sage",), "29.00",
                "Still water, soft hills, nothing else: a print that lets a room breathe."),
    DemoProduct("Golden Hour Print", "print", "Paper Fox Press", ("Mustard",), "29.00",
                "Fields at the end of a summer day. Our best seller, back soon.", stock=(0,)),
    DemoProduct("Market Canvas Tote", "bag", "Loom & Larch", ("Oat", "Navy"), "34.00",
                "A roomy tote that carries a week's shopping and folds flat in a drawer."),
    DemoProduct("Waxed Canvas Weekender", "bag", "Trailmark", ("Sand", "Black"), "148.00",
                "A weekend away in one bag: waxed canvas, leather handles, brass zips.",
                material="Waxed canvas", stock=(5, 2)),
    DemoProduct("Everyday Zip Tote", "bag", "Loom & Larch", ("Black", "Terracotta"), "48.00",
                "A zip-top tote with a padded laptop sleeve for the commute."),
    DemoProduct("Mini Crossbody Bag", "bag", "Loom & Larch", ("Rose", "Sage"), "38.00",
                "Phone, keys, cards and not much else: everything you need, hands free.",
                stock=(2, 9)),
    DemoProduct("Classic Six-Panel Cap", "cap", "Northwind", ("Navy", "Black", "Sand"), "26.00",
                "A structured six-panel cap in heavy cotton twill."),
    DemoProduct("Washed Cotton Dad Cap", "cap", "Harbor & Pine", ("Sage", "Oat"), "24.00",
                "Soft, unstructured and garment-washed for a lived-in look."),
    DemoProduct("Trail Runner Cap", "cap", "Trailmark", ("Charcoal", "Sky"), "30.00",
                "Featherlight and quick-drying, with a sweatband that stays cool.",
                material="Recycled polyester blend"),
    DemoProduct("Corduroy Cap", "cap", "Northwind", ("Terracotta", "Forest"), "32.00",
                "Fine-wale corduroy with a leather strap: autumn's favourite cap.",
                material="Corduroy", compare_at="38.00"),
)  # fmt: skip

ATTRIBUTES = (
    # code, name, type, unit, options (None for non-choice attributes)
    ("colour", "Colour", Attribute.Type.CHOICE, "", tuple(COLOURS)),
    ("size", "Size", Attribute.Type.CHOICE, "", ADULT_SIZES + KIDS_SIZES + PRINT_SIZES),
    ("fit", "Fit", Attribute.Type.CHOICE, "", ("Regular", "Relaxed", "Oversized")),
    (
        "material",
        "Material",
        Attribute.Type.CHOICE,
        "",
        (
            "Organic cotton",
            "Cotton",
            "Linen blend",
            "Recycled polyester blend",
            "Cotton fleece",
            "Stoneware",
            "Porcelain",
            "Enamelled steel",
            "Archival paper",
            "Canvas",
            "Waxed canvas",
            "Cotton twill",
            "Corduroy",
        ),
    ),
)
# Product type -> (product attributes, variant attributes).
PRODUCT_TYPES = {
    "T-shirt": (("material", "fit"), ("colour", "size")),
    "Hoodie": (("material", "fit"), ("colour", "size")),
    "Mug": (("material",), ("colour",)),
    "Art print": (("material", "colour"), ("size",)),
    "Bag": (("material",), ("colour",)),
    "Cap": (("material",), ("colour",)),
}


def seed_demo_catalog(
    *, products: tuple[DemoProduct, ...] = PRODUCTS, if_empty: bool = True
) -> list[Product]:
    """Fill the current store with the demo catalog (or these of its products), unless
    ``if_empty`` and the store has products already.

    One transaction and one products_changed event (search indexing and caches follow after
    commit). Each image's renditions are made here, so the demo has them without a worker.
    Returns the products created (none when the store had some).
    """
    if if_empty and Product.objects.exists():
        return []
    with transaction.atomic(), one_event():
        categories = _categories()
        brands = {
            name: Brand.objects.filter(slug=slugify(name)).first()
            or services.create_brand(name=name, description=text)
            for name, text in BRANDS.items()
        }
        _attributes()
        types = _product_types()
        return [_create(item, categories, brands, types) for item in products]


def _categories() -> dict[str, Category]:
    by_name = {}
    for department, (description, children) in CATEGORIES.items():
        parent = Category.objects.filter(slug=slugify(department)).first()
        by_name[department] = _with_picture(
            parent
            or services.create_category(
                name=department, description=description, seo_description=description
            )
        )
        for name, text in children.items():
            existing = Category.objects.filter(slug=slugify(name)).first()
            by_name[name] = _with_picture(
                existing
                or services.create_category(
                    name=name, parent=by_name[department], description=text, seo_description=text
                )
            )
    return by_name


def _with_picture(category: Category) -> Category:
    """The category with its demo picture (a Wagtail image, as a merchant would choose in the
    store admin): a few of its products' shapes in its colours on a soft backdrop."""
    if category.image_id or category.name not in CATEGORY_PICTURES:
        return category
    colours, backdrop = CATEGORY_PICTURES[category.name]
    data = banner_picture(
        size=CATEGORY_PICTURE_SIZE,
        colours=[COLOURS[colour] for colour in colours],
        silhouettes=_silhouettes_of(category.name, len(colours)),
        background=backdrop,
    )
    slug = slugify(category.name)
    image = get_image_model()(
        title=f"{category.name} (demo category)",
        file=ImageFile(io.BytesIO(data), name=f"demo-category-{slug}.jpg"),
    )
    image.save()
    image.get_renditions(*CATEGORY_RENDITIONS)
    return services.update_category(category=category, data={"image": image})


def _silhouettes_of(category: str, count: int) -> list[Silhouette]:
    """A leaf category's own shape repeated; a department's children's shapes in turn."""
    _, children = CATEGORIES.get(category, ("", {category: ""}))
    shapes = [kind.silhouette for kind in KINDS.values() if kind.category in children]
    shapes = list(dict.fromkeys(shapes))  # each shape once, in the children's order
    return [shapes[index % len(shapes)] for index in range(count)]


def _attributes() -> None:
    for code, name, kind, unit, options in ATTRIBUTES:
        if Attribute.objects.filter(code=code).exists():
            continue
        services.create_attribute(
            data={"code": code, "name": name, "type": kind, "unit": unit, "is_filterable": True},
            options=[{"value": value, "slug": slugify(value)} for value in options],
        )


def _product_types() -> dict[str, ProductType]:
    types = {}
    for name, (product_codes, variant_codes) in PRODUCT_TYPES.items():
        existing = ProductType.objects.filter(slug=slugify(name)).first()
        types[name] = existing or services.create_product_type(
            name=name,
            product_attributes=Attribute.objects.filter(code__in=product_codes),
            variant_attributes=Attribute.objects.filter(code__in=variant_codes),
        )
    return types


def _create(item: DemoProduct, categories, brands, types) -> Product:
    kind = KINDS[item.kind]
    attributes = {"material": item.material or kind.material}
    if item.fit:
        attributes["fit"] = item.fit
    if item.kind == "print":
        attributes["colour"] = item.colours[0]
    product = services.create_product(
        data={
            "name": item.name,
            "description": description_of(item),
            "brand": brands[item.brand],
            "product_type": types[kind.product_type],
            "status": Product.Status.ACTIVE,
            "seo_description": item.pitch,
        },
        variants=_variants(item),
        categories=[categories[kind.category]],
        attributes=attributes,
    )
    _add_pictures(product, item)
    return product


def _variants(item: DemoProduct) -> list[dict]:
    kind = KINDS[item.kind]
    sizes = item.sizes if item.sizes is not None else kind.sizes
    prefix = "".join(word[0] for word in item.name.replace("-", " ").split()).upper()
    colours = () if item.kind == "print" else item.colours
    combinations = [(colour, size) for colour in colours or ("",) for size in sizes or ("",)]
    variants = []
    for index, (colour, size) in enumerate(combinations):
        price = Decimal(item.price)
        if item.kind == "print" and size == PRINT_SIZES[1]:
            price += Decimal("16.00")  # the big print
        options = {key: value for key, value in (("colour", colour), ("size", size)) if value}
        sku = "-".join([prefix, *(slugify(value).upper() for value in options.values())])
        variants.append(
            {
                "sku": sku,
                "name": " / ".join(options.values()) or "One size",
                "options": options,
                "price": price,
                "b2b_price": (price * Decimal("0.8")).quantize(Decimal("0.01")),
                "compare_at_price": Decimal(item.compare_at) if item.compare_at else None,
                "stock_on_hand": item.stock[index % len(item.stock)],
                "low_stock_threshold": 5,
                "weight_grams": {"tee": 180, "hoodie": 620, "mug": 380, "print": 120}.get(
                    item.kind, 300
                ),
                "attributes": options,
            }
        )
    return variants


def _add_pictures(product: Product, item: DemoProduct) -> None:
    kind = KINDS[item.kind]
    variants = list(product.variants.all())
    for position, colour in enumerate(item.colours):
        first = next((v for v in variants if v.options.get("colour") == colour), None)
        picture = product_picture(
            silhouette=kind.silhouette,
            colour=COLOURS[colour],
            label=item.brand,
            accent="#d9a425" if colour not in ("Mustard", "Terracotta") else "#ffffff",
        )
        image = add_product_image(
            product=product,
            upload=ContentFile(picture, name=f"{product.slug}-{slugify(colour)}.jpg"),
            alt_text=f"{item.name} in {colour.lower()}",
            position=position,
            variant=first,
        )
        generate_renditions(image_id=image.pk)


# Text between tags: &, < and > escaped; quotes need not be.
escape = partial(escape_html, quote=False)


def description_of(item: DemoProduct) -> str:
    """A few paragraphs of plain, safe HTML (p, ul, li, strong only)."""
    kind = KINDS[item.kind]
    material = item.material or kind.material
    details = "".join(
        f"<li>{escape(detail)}</li>" for detail in (f"Material: {material}", *kind.details)
    )
    colours = [colour.lower() for colour in item.colours]
    choice = (
        f" Available in {', '.join(colours[:-1])} and {colours[-1]}." if len(colours) > 1 else ""
    )
    return (
        f"<p>{escape(item.pitch + choice)}</p>"
        f"<p>From <strong>{escape(item.brand)}</strong>. {escape(BRANDS[item.brand])}</p>"
        f"<ul>{details}</ul>"
        f"<p><strong>Care:</strong> {escape(kind.care)}</p>"
    )
