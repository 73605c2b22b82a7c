"""Reads of the storefront's catalog pages, shaped for their templates.

Each function costs a fixed number of queries, whatever the size of the page or the product:
product cards come from the products' ``listing`` summaries (catalog.summaries), never from
their variant or image rows.
"""

from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import OuterRef, Q, QuerySet, Subquery
from wagtail.images.models import AbstractImage

from catalog.models import Attribute, AttributeValue, Brand, Category, Product, ProductVariant
from catalog.selectors import SHOP_FIELDS, category_page_for_shoppers, visible_products
from pricing import Channel

# What a product card reads (contract 4: storefront/includes/product_card.html).
CARD_FIELDS = (*SHOP_FIELDS, "max_price", "max_b2b_price", "brand__slug")


@dataclass
class Crumb:
    name: str
    url: str


@dataclass
class CategoryPage:
    """An active category, where it sits in the tree, and the URL path of each."""

    slug: str
    name: str
    description: str
    seo_title: str
    seo_description: str
    url: str
    breadcrumbs: list[Crumb]  # its ancestors, root first
    children: list[Crumb]
    image: AbstractImage | None = None  # chosen in the store admin, shown in the header


@dataclass
class AttributeRow:
    name: str
    value: str


@dataclass
class ProductPage:
    product: Product
    breadcrumbs: list[Crumb] = field(default_factory=list)
    attributes: list[AttributeRow] = field(default_factory=list)


def category_url(slugs: list[str]) -> str:
    return "/c/" + "".join(f"{slug}/" for slug in slugs)


def product_url(slug: str) -> str:
    return f"/p/{slug}/"


def brand_url(slug: str) -> str:
    return f"/brands/{slug}/"


def category_page(slug: str) -> CategoryPage | None:
    """The active category ``slug`` with its breadcrumb and active children (two queries);
    None when it does not exist or it or an ancestor is inactive."""
    found = category_page_for_shoppers(slug, with_image=True)
    if found is None:
        return None
    ancestors = [crumb["slug"] for crumb in found["breadcrumbs"]]
    crumbs = []
    for depth, crumb in enumerate(found["breadcrumbs"], 1):
        crumbs.append(Crumb(crumb["name"], category_url(ancestors[:depth])))
    own = [*ancestors, found["slug"]]
    return CategoryPage(
        slug=found["slug"],
        name=found["name"],
        description=found["description"],
        seo_title=found["seo_title"],
        seo_description=found["seo_description"],
        image=found["image"],
        url=category_url(own),
        breadcrumbs=crumbs,
        children=[
            Crumb(child["name"], category_url([*own, child["slug"]])) for child in found["children"]
        ],
    )


def product_cards(product_ids: list[int]) -> list[Product]:
    """The products of these ids, in this order, with what a card shows (one query)."""
    if not product_ids:
        return []
    products = Product.objects.filter(pk__in=product_ids).select_related("brand").only(*CARD_FIELDS)
    by_id = {product.pk: product for product in products}
    return [by_id[pk] for pk in product_ids if pk in by_id]


def product_page(*, channel: Channel, slug: str) -> ProductPage | None:
    """A product visible on ``channel``, its breadcrumb (through its deepest category) and its
    attributes table, in three queries; None when it is not for sale there."""
    deepest = (
        Category.objects.filter(products=OuterRef("pk"), is_active=True)
        .order_by("-depth", "path")
        .values("path")[:1]
    )
    product = (
        visible_products(channel=channel)
        .select_related("brand")
        .only(*CARD_FIELDS, "description", "seo_title", "seo_description", "updated_at")
        .annotate(category_path=Subquery(deepest))
        .filter(slug=slug)
        .first()
    )
    if product is None:
        return None
    return ProductPage(
        product=product,
        breadcrumbs=_category_trail(product.category_path),
        attributes=_attribute_rows(product),
    )


def category_links(categories) -> dict[int, str]:
    """The storefront address (the full path, ``/c/<parent>/<child>/``) of each of these
    categories by id, in one query for all of them; a category under an inactive one has
    none, as its page is a 404."""
    steplen = Category.steplen
    prefixes = {
        category.path[: steplen * depth]
        for category in categories
        for depth in range(1, len(category.path) // steplen + 1)
    }
    if not prefixes:
        return {}
    nodes = {
        node.path: node
        for node in Category.objects.filter(path__in=prefixes).only("path", "slug", "is_active")
    }
    links = {}
    for category in categories:
        trail = [
            nodes.get(category.path[: steplen * depth])
            for depth in range(1, len(category.path) // steplen + 1)
        ]
        if all(node is not None and node.is_active for node in trail):
            links[category.pk] = category_url([node.slug for node in trail])
    return links


def _category_trail(path: str | None) -> list[Crumb]:
    """The categories down to ``path``, root first; empty when one of them is inactive."""
    if not path:
        return []
    steplen = Category.steplen
    paths = [path[: steplen * depth] for depth in range(1, len(path) // steplen + 1)]
    nodes = list(
        Category.objects.filter(path__in=paths)
        .order_by("path")
        .only("path", "slug", "name", "is_active")
    )
    if len(nodes) != len(paths) or not all(node.is_active for node in nodes):
        return []
    slugs = [node.slug for node in nodes]
    return [Crumb(node.name, category_url(slugs[: index + 1])) for index, node in enumerate(nodes)]


def _attribute_rows(product: Product) -> list[AttributeRow]:
    values = (
        AttributeValue.objects.filter(product=product)
        .select_related("attribute")
        .annotate(
            option_labels=ArrayAgg(
                "options__value",
                filter=Q(options__isnull=False),
                order_by=("options__position", "options__value"),
                default=[],
            )
        )
        .order_by("attribute__name")
    )
    rows = []
    for value in values:
        shown = _shown_value(value)
        if shown:
            rows.append(AttributeRow(value.attribute.name, shown))
    return rows


def _shown_value(value: AttributeValue) -> str:
    attribute = value.attribute
    if attribute.type in (Attribute.Type.CHOICE, Attribute.Type.MULTI_CHOICE):
        return ", ".join(value.option_labels)
    if attribute.type == Attribute.Type.NUMBER:
        if value.number is None:
            return ""
        number = f"{(value.number + 0).normalize():f}"
        return f"{number} {attribute.unit}".strip()
    if attribute.type == Attribute.Type.BOOLEAN:
        return {True: "Yes", False: "No"}.get(value.boolean, "")
    return value.text


def attribute_names(codes: list[str]) -> dict[str, str]:
    """``{code: name}`` of these attributes (one query, none for no codes)."""
    if not codes:
        return {}
    return dict(Attribute.objects.filter(code__in=codes).values_list("code", "name"))


def brand(slug: str) -> Brand | None:
    return Brand.objects.filter(slug=slug).only("slug", "name", "description").first()


def brands() -> QuerySet[Brand]:
    return Brand.objects.order_by("name", "pk").only("slug", "name")


# --- Cart forms ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CartVariant:
    """What an "add to cart" form needs to know of one variant: its quantity rules (the
    input's ``min``/``max``/``step``) and whether it can be bought now. The cart's services
    decide for real; this only shapes the form."""

    id: int
    sku: str
    product_name: str
    product_slug: str
    options: dict
    name: str
    quantity_min: int
    quantity_max: int | None  # the variant's maximum, and its stock when backorders are denied
    quantity_step: int
    available: bool


def _cart_variant(row: dict) -> CartVariant:
    limit = row["quantity_max"]
    if row["stock_policy"] == ProductVariant.StockPolicy.DENY:
        stock = max(row["stock_on_hand"] - row["stock_reserved"], 0)
        limit = stock if limit is None else min(limit, stock)
    available = limit is None or limit >= row["quantity_min"]
    return CartVariant(
        id=row["id"],
        sku=row["sku"],
        product_name=row["product__name"],
        product_slug=row["product__slug"],
        options=row["options"] or {},
        name=row["name"],
        quantity_min=row["quantity_min"],
        quantity_max=limit if available else None,
        quantity_step=row["quantity_step"],
        available=available,
    )


CART_VARIANT_FIELDS = (
    "id",
    "sku",
    "name",
    "options",
    "product__name",
    "product__slug",
    "quantity_min",
    "quantity_max",
    "quantity_step",
    "stock_on_hand",
    "stock_reserved",
    "stock_policy",
)


def cart_variants(product_id: int) -> dict[str, CartVariant]:
    """The variants of a product for its "add to cart" form, by SKU (one query)."""
    rows = ProductVariant.objects.filter(product_id=product_id).values(*CART_VARIANT_FIELDS)
    return {row["sku"]: _cart_variant(row) for row in rows}


def cart_variant(*, channel: Channel, sku: str) -> CartVariant | None:
    """The variant ``sku`` of a product a shopper of ``channel`` may see, or None (one query)."""
    row = (
        ProductVariant.objects.filter(
            sku=sku, product__in=visible_products(channel=channel).values("pk")
        )
        .values(*CART_VARIANT_FIELDS)
        .first()
    )
    return _cart_variant(row) if row else None
