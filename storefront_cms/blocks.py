"""StreamField blocks of the storefront's pages (contract 7: names and fields are shared with the
demo store, which writes them as raw JSON).

Blocks that show catalog items store ids only, and the page renders the items as they are now:
a product that is archived, hidden from the shopper's channel or deleted simply drops out.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Prefetch
from django.utils.functional import cached_property
from wagtail import blocks
from wagtail.coreutils import resolve_model_string
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock

from pricing import Channel
from storefront_cms.choosers import category_chooser_viewset, product_chooser_viewset
from storefront_cms.selectors import category_links

# A path on the store's own site ("/c/lamps/", "/about/"), never another host ("//evil.example").
path_validator = RegexValidator(
    r"^/(?![/\\])[^\s]*$",
    message="Enter a path on this store, starting with a slash, such as /c/lamps/ or /about/.",
)
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "hr"]
FEATURED_PRODUCTS_MAX = 12
CATEGORY_GRID_MAX = 12
# The renditions storefront/blocks/category_grid.html asks for (its srcset), prefetched with the
# categories so that a grid costs the same queries whatever the number of its cards.
CATEGORY_IMAGE_SPECS = ("fill-480x360", "fill-960x720")


class PathBlock(blocks.CharBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("validators", [path_validator])
        super().__init__(**kwargs)


class _CatalogChooserBlock(blocks.ChooserBlock):
    """A chooser block over a catalog model; the model is resolved lazily (blocks are built
    while models are still loading)."""

    viewset = None

    @cached_property
    def target_model(self):
        return resolve_model_string(self.viewset.model)

    @cached_property
    def widget(self):
        return self.viewset.widget_class()


class ProductChooserBlock(_CatalogChooserBlock):
    viewset = product_chooser_viewset

    def bulk_to_python(self, values):
        # The product card shows the brand: fetched with the products, not one query each.
        objects = self.target_model.objects.select_related("brand").in_bulk(values)
        return [objects.get(id) for id in values]

    class Meta:
        icon = "tag"


class CategoryChooserBlock(_CatalogChooserBlock):
    viewset = category_chooser_viewset

    def bulk_to_python(self, values):
        # A category card shows its image: the images come with the categories (a join) and
        # their grid renditions in one more query, not two queries per card.
        renditions = (
            get_image_model()
            .get_rendition_model()
            .objects.filter(filter_spec__in=CATEGORY_IMAGE_SPECS)
        )
        objects = (
            self.target_model.objects.select_related("image")
            .prefetch_related(
                Prefetch("image__renditions", queryset=renditions, to_attr="prefetched_renditions")
            )
            .in_bulk(values)
        )
        return [objects.get(id) for id in values]

    class Meta:
        icon = "folder-open-inverse"


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, max_length=400)
    image = ImageChooserBlock(
        required=False, help_text="Wide picture, at least 1600 by 700 pixels."
    )
    button_text = blocks.CharBlock(required=False, max_length=40)
    button_link = PathBlock(required=False, help_text="For example /c/new-arrivals/")

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("button_text")) != bool(value.get("button_link")):
            missing = "button_link" if value.get("button_text") else "button_text"
            raise blocks.StructBlockValidationError(
                block_errors={missing: ValidationError("A button needs both a text and a link.")}
            )
        return value

    class Meta:
        icon = "image"
        template = "storefront/blocks/hero.html"
        label = "Hero banner"


class FeaturedProductsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Featured products")
    products = blocks.ListBlock(
        ProductChooserBlock(), min_num=1, max_num=FEATURED_PRODUCTS_MAX, collapsed=True
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        channel = (parent_context or {}).get("channel") or Channel.B2C
        # The chooser stores ids; the products themselves were fetched in one query for the
        # whole page (ListBlock.bulk_to_python). Only what this shopper may buy is shown.
        context["products"] = [
            product
            for product in value["products"]
            if product is not None and _shown_to(product, channel)
        ]
        context["channel"] = channel
        buyer = (parent_context or {}).get("buyer")
        if buyer is not None:
            from pricing import price_book

            # A company's prices for these products, net of tax (pricing.price_book).
            context["price_book"] = price_book(context["products"], buyer)
        return context

    class Meta:
        icon = "tag"
        template = "storefront/blocks/featured_products.html"


def _shown_to(product, channel: Channel) -> bool:
    visible = product.visible_b2b if channel == Channel.B2B else product.visible_b2c
    return product.status == "active" and visible


class CategoryGridBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Shop by category")
    categories = blocks.ListBlock(
        CategoryChooserBlock(), min_num=1, max_num=CATEGORY_GRID_MAX, collapsed=True
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        chosen = [category for category in value["categories"] if category and category.is_active]
        # Each card links to the category's full path (no redirect from its bare slug), and a
        # category under an inactive one is left out (its page is a 404).
        links = category_links(chosen)
        context["categories"] = [
            (category, links[category.pk]) for category in chosen if category.pk in links
        ]
        return context

    class Meta:
        icon = "folder-open-inverse"
        template = "storefront/blocks/category_grid.html"


class ImageTextBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    heading = blocks.CharBlock(max_length=120, required=False)
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    image_on_right = blocks.BooleanBlock(required=False, default=False)

    class Meta:
        icon = "doc-full-inverse"
        template = "storefront/blocks/image_text.html"
        label = "Image and text"


class PromoStripBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=160)
    link = PathBlock(required=False)

    class Meta:
        icon = "pick"
        template = "storefront/blocks/promo_strip.html"
        label = "Promo strip"


class RichTextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "storefront/blocks/rich_text.html"


def home_page_blocks() -> list[tuple[str, blocks.Block]]:
    return [
        ("hero", HeroBlock()),
        ("featured_products", FeaturedProductsBlock()),
        ("category_grid", CategoryGridBlock()),
        ("rich_text", RichTextBlock()),
        ("image_text", ImageTextBlock()),
        ("promo_strip", PromoStripBlock()),
    ]


def content_page_blocks() -> list[tuple[str, blocks.Block]]:
    return [("rich_text", RichTextBlock()), ("image_text", ImageTextBlock())]


# --- Navigation menus (theme settings) --------------------------------------------------------


class PageLinkBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock()
    label = blocks.CharBlock(required=False, max_length=40, help_text="Defaults to the page title.")

    class Meta:
        icon = "doc-empty"
        label = "Page"


class PathLinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=40)
    path = PathBlock(help_text="A path on this store, for example /c/lamps/ or /search/?q=sale")

    class Meta:
        icon = "link"
        label = "Link"


def menu_blocks() -> list[tuple[str, blocks.Block]]:
    return [("page", PageLinkBlock()), ("link", PathLinkBlock())]
