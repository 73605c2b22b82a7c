"""The demo store's storefront: a composed home page, real-sounding content pages, a theme.

``compose_demo_storefront`` runs in the demo store's schema after its catalog is seeded
(catalog.demo_catalog). It fills the HomePage's body with the raw StreamField JSON of
contract 7 (hero with a banner drawn by Pillow, promo strip, category grid, featured products,
image + text, rich text), rewrites the starter content pages (about, FAQ, shipping and returns,
privacy, terms) in the demo brand's voice, and sets the theme's colours and announcement. Every
page change is a published Wagtail revision, as a merchant's edit would be.

Once composed (the home page has a featured-products block) it does nothing, so that calling it
on every start costs a query and never undoes what someone changed in the admin.
"""

import io
import json
import uuid

from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Site

from catalog.demo_images import Silhouette, banner_picture
from catalog.models import Category, Product
from storefront_cms.models import ContentPage, HomePage, ThemeSettings

# Shown first: the demo's best-looking products, when the demo catalog is there.
FEATURED = (
    "everyday-organic-tee",
    "harbor-fleece-hoodie",
    "speckled-stoneware-mug",
    "alpine-morning-print",
    "market-canvas-tote",
    "classic-six-panel-cap",
    "summit-heavyweight-hoodie",
    "coastline-risograph-print",
)
FOR_THE_HOME = (
    "double-walled-latte-mug",
    "camp-enamel-mug",
    "desert-dusk-print",
    "lakeside-minimal-print",
)
GRID_CATEGORIES = ("t-shirts", "hoodies", "mugs", "posters", "bags", "caps")
# The renditions the home page's blocks ask for (storefront/blocks/*.html), made now so the
# first visitor does not wait for them.
RENDITIONS = ("fill-800x500", "fill-1600x700", "fill-480x360", "fill-960x720")

PICTURES = {
    "hero": (
        "Autumn collection: a navy tee and a terracotta hoodie",
        (1600, 700),
        ["#1f3a5f", "#c4663f"],
        [Silhouette.TSHIRT, Silhouette.HOODIE],
        ("#f6efe6", "#e7d8c6"),
        0.45,  # the hero's heading and text sit on the left
    ),
    "apparel": (
        "Organic cotton basics: a sage tee and an oat hoodie",
        (960, 720),
        ["#8a9a7b", "#d8cbb3"],
        [Silhouette.TSHIRT, Silhouette.HOODIE],
        ("#eef1ea", "#dfe5d8"),
        0.0,
    ),
    "home": (
        "A landscape print and a stoneware mug",
        (960, 720),
        ["#2f5d46", "#c4663f"],
        [Silhouette.POSTER, Silhouette.MUG],
        ("#f3ede4", "#e6dccd"),
        0.0,
    ),
}

HERO_TEXT = (
    "Organic tees, heavyweight hoodies, stoneware mugs and prints for your walls: everyday "
    "things from small makers, packed by hand and shipped within two days."
)
APPAREL_TEXT = (
    "<p>Our tees and hoodies are cut from organic cotton grown without pesticides, knitted "
    "heavier than most and garment-washed so they are soft from the first wear.</p>"
    "<p>We make fewer styles, in colours that go with everything, and keep them in stock year "
    "after year: when you find the one that fits, you can buy it again.</p>"
)
HOME_TEXT = (
    "<p>Every mug from Kiln &amp; Clay is thrown and glazed by hand in a small studio, so the "
    "speckles on yours are its own. Our prints come from a riso studio that mixes its inks from "
    "soy and rice bran.</p>"
    "<p>Small batches mean some colours sell out: sign up and we tell you when they are back.</p>"
)
PROMISES = (
    "<h2>Why shop with us</h2>"
    "<ul>"
    "<li><b>Free shipping over $75</b>: orders leave our warehouse within two working days.</li>"
    "<li><b>30-day returns</b>: changed your mind? Send it back, we refund you in full.</li>"
    "<li><b>Made to last</b>: if a seam gives way in the first year, we repair or replace it.</li>"
    "<li><b>Business orders</b>: teams and shops buy at business prices with an account.</li>"
    "</ul>"
)

CONTENT_PAGES = {
    "about": (
        "About us",
        "Demo Store sells everyday clothes, homeware and accessories from six small makers.",
        "<h2>Fewer, better things</h2>"
        "<p>We started Demo Store in 2019 with a market stall, six T-shirts and a box of mugs "
        "from a potter down the road. We still sell only what we would use ourselves: clothes "
        "in organic cotton that last for years, homeware made in small batches, and bags "
        "sturdy enough for a week's shopping.</p>"
        "<h2>The makers</h2>"
        "<p>Harbor &amp; Pine and Northwind cut our tees and hoodies in Portugal; Kiln &amp; "
        "Clay throws our mugs in Stoke-on-Trent; Paper Fox Press prints our posters in Leeds; "
        "Loom &amp; Larch and Trailmark stitch our bags and caps. We visit each of them every "
        "year and pay what they ask.</p>"
        "<h2>Get in touch</h2>"
        "<p>Questions about an order, a size or a colour? Write to hello@demo-store.example "
        "and one of the four of us answers, usually within a working day.</p>",
    ),
    "faq": (
        "Frequently asked questions",
        "Sizes, delivery, returns, business orders: the questions our shoppers ask us most.",
        "<h2>How do your sizes run?</h2>"
        "<p>Our tees and hoodies are true to size with a regular fit, except the styles marked "
        "Relaxed or Oversized, which are cut roomier on purpose. Each product page lists the "
        "fit; if you are between two sizes, take the smaller one for a closer fit.</p>"
        "<h2>How long does delivery take?</h2>"
        "<p>Orders placed before 2 pm on a working day leave the same day. Standard delivery "
        "takes two to four working days; you get an email with the tracking link when your "
        "parcel is on its way.</p>"
        "<h2>Can I change or cancel my order?</h2>"
        "<p>Yes, until it ships: write to us with your order number and what to change.</p>"
        "<h2>Is a colour coming back?</h2>"
        "<p>Most colours are restocked every season. Sold-out items show it on their page; "
        "create an account and we let you know when they return.</p>"
        "<h2>Do you sell to businesses?</h2>"
        "<p>We do: cafés stock our mugs and teams wear our hoodies. Create an account for your "
        "company to see business prices and order for your team with approvals.</p>",
    ),
    "shipping-returns": (
        "Shipping and returns",
        "Free shipping over $75, dispatch within two working days, free returns for 30 days.",
        "<h2>Shipping</h2>"
        "<p>Standard delivery costs $5.95 and is free on orders over $75. Express delivery "
        "(next working day when ordered before 2 pm) costs $12.95. Orders leave our warehouse "
        "within two working days, packed in recycled cardboard without plastic.</p>"
        "<h2>Returns</h2>"
        "<p>Changed your mind? Return any unworn, unwashed item within 30 days of delivery and "
        "we refund it in full, shipping included. Start a return from your account or write "
        "to us with your order number; we email you a prepaid label.</p>"
        "<h2>Exchanges</h2>"
        "<p>Need another size or colour? Tell us when you start the return and we send the new "
        "one as soon as yours is on its way back.</p>",
    ),
    "privacy": (
        "Privacy policy",
        "What personal data Demo Store keeps, why, for how long, and your rights.",
        "<h2>What we keep</h2>"
        "<p>To sell to you and deliver your orders we keep your name, email address, delivery "
        "and billing addresses, and your order history. Payments are handled by our payment "
        "provider: we never see or store your card number.</p>"
        "<h2>Why, and for how long</h2>"
        "<p>We use your data to fulfil your orders, answer your questions and, only if you ask "
        "for it, send our newsletter. Order records are kept for seven years, as tax law "
        "requires; everything else is deleted when you close your account.</p>"
        "<h2>Your rights</h2>"
        "<p>You can see, correct, export and delete your data from your account at any time, "
        "or ask us to do it for you. We never sell your data.</p>",
    ),
    "terms": (
        "Terms of service",
        "The terms of buying from Demo Store: orders, prices, delivery, returns and warranty.",
        "<h2>Orders</h2>"
        "<p>These terms apply to every order placed at Demo Store. A contract is made when we "
        "confirm your order by email; until then we may decline an order, for example when an "
        "item has sold out.</p>"
        "<h2>Prices</h2>"
        "<p>Prices are in US dollars and include the taxes shown at checkout. Business prices "
        "apply to approved company accounts only.</p>"
        "<h2>Warranty</h2>"
        "<p>If something we sold you turns out faulty within a year, we repair, replace or "
        "refund it. This does not affect your statutory rights.</p>",
    ),
}

THEME = {
    "primary_color": "#1f3a5f",
    "accent_color": "#c4663f",
    "announcement_text": "Free shipping on orders over $75 · Free returns for 30 days",
    "announcement_link": "/shipping-returns/",
    "instagram_url": "https://www.instagram.com/",
    "pinterest_url": "https://www.pinterest.com/",
}


def compose_demo_storefront(*, again: bool = False) -> bool:
    """Compose the current store's home page, content pages and theme for the demo, once.

    Returns False (and changes nothing) when the home page is composed already, unless
    ``again`` (a test that needs the demo's pages whatever another test made of them). Pages
    are published as new revisions; pictures are Wagtail images with their renditions made.
    """
    home = HomePage.objects.first()
    if home is None or (_is_composed(home) and not again):
        return False
    with transaction.atomic():
        pictures = {name: _picture(name, *spec) for name, spec in PICTURES.items()}
        home.body = json.dumps(_home_body(pictures))
        home.search_description = HERO_TEXT
        home.save_revision().publish()
        for slug, (title, description, html) in CONTENT_PAGES.items():
            _write_content_page(home, slug, title, description, html)
        _theme(home)
    return True


def _is_composed(home: HomePage) -> bool:
    return any(block.block_type == "featured_products" for block in home.body)


def _home_body(pictures: dict) -> list[dict]:
    categories = _ids(Category, GRID_CATEGORIES) or list(
        Category.get_root_nodes().values_list("pk", flat=True)[:6]
    )
    featured = _ids(Product, FEATURED) or list(
        Product.objects.filter(status=Product.Status.ACTIVE).values_list("pk", flat=True)[:8]
    )
    for_the_home = _ids(Product, FOR_THE_HOME)
    body = [
        _block(
            "hero",
            {
                "heading": "Made for slow mornings and long weekends",
                "text": HERO_TEXT,
                "image": pictures["hero"],
                "button_text": "Shop the collection",
                "button_link": "/c/apparel/",
            },
        ),
        _block(
            "promo_strip",
            {
                "text": "New: heavyweight hoodies in mustard and forest",
                "link": "/c/apparel/hoodies/",
            },
        ),
        _block("category_grid", {"heading": "Shop by category", "categories": categories}),
        _block("featured_products", {"heading": "Bestsellers", "products": featured}),
        _block(
            "image_text",
            {
                "image": pictures["apparel"],
                "heading": "Basics that outlast the trends",
                "text": APPAREL_TEXT,
                "image_on_right": False,
            },
        ),
    ]
    if for_the_home:
        body.append(
            _block("featured_products", {"heading": "For the home", "products": for_the_home})
        )
    body += [
        _block(
            "image_text",
            {
                "image": pictures["home"],
                "heading": "Made in small batches",
                "text": HOME_TEXT,
                "image_on_right": True,
            },
        ),
        _block("rich_text", PROMISES),
    ]
    return body


def _ids(model, slugs: tuple[str, ...]) -> list[int]:
    """The ids of these slugs' rows, in this order; empty unless every one exists (another
    catalog than the demo's gets a generic choice instead)."""
    found = dict(model.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    return [found[slug] for slug in slugs] if len(found) == len(slugs) else []


def _block(block_type: str, value) -> dict:
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def _picture(name, title, size, colours, silhouettes, background, leave_left) -> int:
    """A Wagtail image drawn for the demo (found by its title when it exists), renditions
    made; returns its id."""
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        data = banner_picture(
            size=size,
            colours=colours,
            silhouettes=silhouettes,
            background=background,
            leave_left=leave_left,
        )
        image = Image(title=title, file=ImageFile(io.BytesIO(data), name=f"demo-{name}.jpg"))
        image.save()
    image.get_renditions(*RENDITIONS)
    return image.pk


def _write_content_page(home: HomePage, slug: str, title: str, description: str, html: str):
    page = ContentPage.objects.child_of(home).filter(slug=slug).first()
    body = json.dumps([_block("rich_text", html)])
    if page is None:
        page = home.add_child(instance=ContentPage(title=title, slug=slug, body=body))
    page.title, page.draft_title = title, title
    page.search_description = description
    page.body = body
    page.save_revision().publish()


def _theme(home: HomePage) -> None:
    site = Site.objects.filter(root_page=home).first() or Site.objects.get(is_default_site=True)
    theme = ThemeSettings.for_site(site)
    for name, value in THEME.items():
        setattr(theme, name, value)
    theme.save()
