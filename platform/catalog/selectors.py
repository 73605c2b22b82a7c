"""Reads on the catalog, shaped for their callers (a constant number of queries per page)."""

from decimal import Decimal, InvalidOperation

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from catalog.errors import CatalogError
from catalog.models import (
    Attribute,
    AttributeValue,
    Brand,
    Category,
    Product,
    ProductVariant,
)
from catalog.summaries import attribute_filter_tokens
from pricing import Channel

SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "newest": ("-created_at", "-id"),
    # For an ERP's sync (with updated_since): the oldest change first, the cursor to the end.
    "updated": ("updated_at", "id"),
    "price": ("min_price", "id"),
    "-price": ("-min_price", "-id"),
}


def product_list_for_staff() -> QuerySet[Product]:
    """Every product of the store, any status, with what the staff list shows."""
    # The tax class link (taxes.ProductTaxClass) rides along: the staff API shows it.
    return Product.objects.select_related(
        "brand", "product_type", "tax_class_link"
    ).prefetch_related(
        "categories",
        Prefetch("variants", queryset=ProductVariant.objects.order_by("position", "pk")),
    )


def product_detail_for_staff() -> QuerySet[Product]:
    return product_list_for_staff().prefetch_related(
        Prefetch(
            "attribute_values",
            queryset=AttributeValue.objects.select_related("attribute").prefetch_related("options"),
        ),
        "images",
    )


def visible_products(*, channel: Channel) -> QuerySet[Product]:
    """Active products sold on ``channel`` (what shoppers and buyers may see)."""
    if channel not in Channel.values:
        message = f"Use {' or '.join(Channel.values)}."
        raise CatalogError("Unknown channel.", fields={"channel": [message]})
    products = Product.objects.filter(status=Product.Status.ACTIVE)
    if channel == Channel.B2B:
        return products.filter(visible_b2b=True)
    return products.filter(visible_b2c=True)


def product_list_for_shoppers(*, channel: Channel, filters: dict, sort: str = "name") -> QuerySet:
    """Visible products filtered and sorted for a storefront listing, ready to serialize.

    Filters: category (slug, subcategories included), brand (slugs), price_min, price_max (in
    the channel's prices), in_stock, and ``attr.<code>`` values. Raises CatalogError per bad
    filter value.
    """
    products = visible_products(channel=channel)
    products = _apply_filters(products, channel=channel, filters=filters)
    order = SORTS.get(sort)
    if order is None:
        raise CatalogError("Unknown sort.", fields={"sort": [f"Use one of: {', '.join(SORTS)}."]})
    if channel == Channel.B2B:
        order = tuple(field.replace("min_price", "min_b2b_price") for field in order)
    return products.select_related("brand").only(*SHOP_FIELDS).order_by(*order)


# What a storefront card needs, sort keys included (the cursor reads them): variants and images
# come from the product's ``listing`` summary, so a page is one query.
SHOP_FIELDS = (
    "id",
    "slug",
    "name",
    "brand__name",
    "min_price",
    "min_b2b_price",
    "in_stock",
    "listing",
    "created_at",
    "updated_at",
)


def product_detail_for_shoppers(*, channel: Channel, slug: str) -> Product | None:
    """The product page: the card's fields, the texts, and the category slugs (one query)."""
    categories = Category.objects.filter(products=OuterRef("pk")).order_by("path").values("slug")
    return (
        visible_products(channel=channel)
        .select_related("brand")
        .only(*SHOP_FIELDS, "description", "seo_title", "seo_description")
        .annotate(category_slugs=ArraySubquery(categories))
        .filter(slug=slug)
        .first()
    )


def product_attribute_values(product: Product) -> dict:
    """``{code: value}`` of the product's own attributes, in one query."""
    values = (
        AttributeValue.objects.filter(product=product)
        .select_related("attribute")
        .annotate(
            option_slugs=ArrayAgg(
                "options__slug",
                filter=Q(options__isnull=False),
                order_by=("options__position", "options__value"),
                default=[],
            )
        )
        .order_by("attribute__name")
    )
    return {value.attribute.code: display_value(value, value.option_slugs) for value in values}


def display_value(value: AttributeValue, option_slugs: list[str]):
    """An attribute value as the APIs show it: option slug(s), number text, bool or text."""
    attribute = value.attribute
    if attribute.type == Attribute.Type.CHOICE:
        return option_slugs[0] if option_slugs else []
    if attribute.type == Attribute.Type.MULTI_CHOICE:
        return option_slugs
    if attribute.type == Attribute.Type.NUMBER:
        # 20.0000 reads "20" (not "2E+1"), 0.5000 reads "0.5".
        return f"{(value.number + 0).normalize():f}" if value.number is not None else None
    if attribute.type == Attribute.Type.BOOLEAN:
        return value.boolean
    return value.text


# --- Navigation -------------------------------------------------------------------------------


def category_tree_for_shoppers() -> list[dict]:
    """The active categories as nested ``{slug, name, children}``, in tree order (one query).

    An inactive category hides its whole subtree.
    """
    roots: list[dict] = []
    shown: dict[str, dict] = {}  # path -> node, for the categories shown so far
    categories = Category.objects.order_by("path")
    for category in categories.only("path", "depth", "name", "slug", "is_active"):
        if not category.is_active:
            continue
        node = {"slug": category.slug, "name": category.name, "children": []}
        if category.depth == 1:
            roots.append(node)
        else:
            parent = shown.get(category.path[: -Category.steplen])
            if parent is None:  # under an inactive category
                continue
            parent["children"].append(node)
        shown[category.path] = node
    return roots


def category_page_for_shoppers(slug: str, *, with_image: bool = False) -> dict | None:
    """An active category with its breadcrumb (root first) and active children; None when it
    does not exist or it or one of its ancestors is inactive.

    Plain data (the shop API answers it as it is), unless ``with_image``: then ``image`` is
    the category's Wagtail image or None, joined to the same query (the storefront's header).
    """
    categories = Category.objects.select_related("image") if with_image else Category.objects
    category = categories.filter(slug=slug).first()
    if category is None or not category.is_active:
        return None
    steplen = Category.steplen
    ancestor_paths = [category.path[: steplen * depth] for depth in range(1, category.depth)]
    related = Category.objects.filter(
        Q(path__in=ancestor_paths) | Q(path__startswith=category.path, depth=category.depth + 1)
    ).order_by("path")
    ancestors = [node for node in related if node.depth < category.depth]
    if not all(node.is_active for node in ancestors):
        return None
    children = [node for node in related if node.depth > category.depth and node.is_active]
    page = {
        "slug": category.slug,
        "name": category.name,
        "description": category.description,
        "seo_title": category.seo_title,
        "seo_description": category.seo_description,
        "breadcrumbs": [{"slug": node.slug, "name": node.name} for node in ancestors],
        "children": [{"slug": node.slug, "name": node.name} for node in children],
    }
    if with_image:
        page["image"] = category.image
    return page


def brands_for_shoppers() -> list[dict]:
    return list(Brand.objects.order_by("name", "pk").values("slug", "name", "description"))


def category_subtree(slug: str) -> QuerySet[Category] | None:
    category = Category.objects.filter(slug=slug).only("path").first()
    if category is None:
        return None
    return Category.objects.filter(path__startswith=category.path)


def _apply_filters(products: QuerySet, *, channel: Channel, filters: dict) -> QuerySet:
    errors: dict[str, list[str]] = {}
    if filters.get("category"):
        category = Category.objects.filter(slug=filters["category"]).only("path").first()
        if category is None:
            errors["category"] = ["Unknown category."]
        else:
            in_subtree = Product.categories.through.objects.filter(
                product_id=OuterRef("pk"), category__path__startswith=category.path
            )
            products = products.filter(Exists(in_subtree))
    if filters.get("brand"):
        slugs = str(filters["brand"]).split(",")
        products = products.filter(brand__slug__in=slugs)
    b2b = channel == Channel.B2B
    price_field = "min_b2b_price" if b2b else "min_price"
    max_field = "max_b2b_price" if b2b else "max_price"
    for name, lookup in (("price_min", f"{max_field}__gte"), ("price_max", f"{price_field}__lte")):
        if filters.get(name) not in (None, ""):
            try:
                products = products.filter(**{lookup: Decimal(str(filters[name]))})
            except InvalidOperation:
                errors[name] = ["Enter a number."]
    if str(filters.get("in_stock", "")).lower() in {"1", "true", "yes"}:
        products = products.filter(in_stock=True)
    if filters.get("updated_since") is not None:
        products = products.filter(updated_at__gte=filters["updated_since"])
    attribute_filters = {  # an empty value is no filter, as for brand and category
        key.removeprefix("attr."): value
        for key, value in filters.items()
        if key.startswith("attr.") and str(value).strip(", ")
    }
    if attribute_filters:
        products, attribute_errors = _filter_by_attributes(products, attribute_filters)
        errors.update(attribute_errors)
    if errors:
        raise CatalogError("Some filters are invalid.", fields=errors)
    return products


def _filter_by_attributes(products: QuerySet, wanted: dict) -> tuple[QuerySet, dict]:
    """Products with one of the values asked for each attribute, on themselves or a variant.

    One query finds the attributes and their options; the match is on the products'
    ``attribute_tokens`` (GIN-indexed).
    """
    errors = {}
    attributes = {
        attribute.code: attribute
        for attribute in Attribute.objects.filter(code__in=wanted).annotate(
            option_slugs=ArrayAgg("options__slug", order_by="options__pk", default=[]),
            option_ids=ArrayAgg("options__pk", order_by="options__pk", default=[]),
        )
    }
    for code, raw in wanted.items():
        attribute = attributes.get(code)
        if attribute is None:
            errors[f"attr.{code}"] = ["Unknown attribute."]
            continue
        values = [value for value in str(raw).split(",") if value]
        option_ids = dict(zip(attribute.option_slugs, attribute.option_ids, strict=True))
        tokens = attribute_filter_tokens(attribute, values, option_ids)
        if tokens is None:
            errors[f"attr.{code}"] = [f"Invalid value for a {attribute.get_type_display()}."]
            continue
        products = products.filter(attribute_tokens__overlap=tokens)
    return products, errors
