"""Reads on the catalog, shaped for their callers (a constant number of queries per page)."""

from decimal import Decimal, InvalidOperation

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from catalog.errors import CatalogError
from catalog.models import (
    Attribute,
    AttributeValue,
    Brand,
    Category,
    Product,
    ProductImage,
    ProductVariant,
)

CHANNELS = ("b2c", "b2b")
SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "newest": ("-created_at", "-id"),
    "price": ("min_price", "id"),
    "-price": ("-min_price", "-id"),
}


def product_list_for_staff() -> QuerySet[Product]:
    """Every product of the store, any status, with what the staff list shows."""
    return Product.objects.select_related("brand", "product_type").prefetch_related(
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


def visible_products(*, channel: str) -> QuerySet[Product]:
    """Active products sold on ``channel`` (what shoppers and buyers may see)."""
    if channel not in CHANNELS:
        raise CatalogError("Unknown channel.", fields={"channel": ["Use b2c or b2b."]})
    products = Product.objects.filter(status=Product.Status.ACTIVE)
    return (
        products.filter(visible_b2b=True) if channel == "b2b" else products.filter(visible_b2c=True)
    )


def product_list_for_shoppers(*, channel: str, filters: dict, sort: str = "name") -> QuerySet:
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
    if channel == "b2b":
        order = tuple(field.replace("min_price", "min_b2b_price") for field in order)
    return (
        products.select_related("brand")
        .prefetch_related(
            Prefetch("variants", queryset=ProductVariant.objects.order_by("position", "pk")),
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk")),
        )
        .order_by(*order)
    )


def product_detail_for_shoppers(*, channel: str, slug: str) -> Product | None:
    return (
        visible_products(channel=channel)
        .select_related("brand")
        .prefetch_related(
            "categories",
            Prefetch("variants", queryset=ProductVariant.objects.order_by("position", "pk")),
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk")),
            Prefetch(
                "attribute_values",
                queryset=AttributeValue.objects.select_related("attribute").prefetch_related(
                    "options"
                ),
            ),
        )
        .filter(slug=slug)
        .first()
    )


def category_subtree(slug: str) -> QuerySet[Category] | None:
    category = Category.objects.filter(slug=slug).only("path").first()
    if category is None:
        return None
    return Category.objects.filter(path__startswith=category.path)


def _apply_filters(products: QuerySet, *, channel: str, filters: dict) -> QuerySet:
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
        products = products.filter(
            brand_id__in=list(Brand.objects.filter(slug__in=slugs).values_list("pk", flat=True))
        )
    price_field = "min_b2b_price" if channel == "b2b" else "min_price"
    max_field = "max_b2b_price" if channel == "b2b" else "max_price"
    for name, lookup in (("price_min", f"{max_field}__gte"), ("price_max", f"{price_field}__lte")):
        if filters.get(name) not in (None, ""):
            try:
                products = products.filter(**{lookup: Decimal(str(filters[name]))})
            except InvalidOperation:
                errors[name] = ["Enter a number."]
    if str(filters.get("in_stock", "")).lower() in {"1", "true", "yes"}:
        products = products.filter(in_stock=True)
    attribute_filters = {
        key.removeprefix("attr."): value
        for key, value in filters.items()
        if key.startswith("attr.")
    }
    if attribute_filters:
        products, attribute_errors = _filter_by_attributes(products, attribute_filters)
        errors.update(attribute_errors)
    if errors:
        raise CatalogError("Some filters are invalid.", fields=errors)
    return products


def _filter_by_attributes(products: QuerySet, wanted: dict) -> tuple[QuerySet, dict]:
    errors = {}
    attributes = {a.code: a for a in Attribute.objects.filter(code__in=wanted)}
    for code, raw in wanted.items():
        attribute = attributes.get(code)
        if attribute is None:
            errors[f"attr.{code}"] = ["Unknown attribute."]
            continue
        values = [value for value in str(raw).split(",") if value]
        match = _attribute_match(attribute, values)
        if match is None:
            errors[f"attr.{code}"] = [f"Invalid value for a {attribute.get_type_display()}."]
            continue
        on_product = AttributeValue.objects.filter(match, product_id=OuterRef("pk"))
        on_variant = AttributeValue.objects.filter(match, variant__product_id=OuterRef("pk"))
        products = products.filter(Exists(on_product) | Exists(on_variant))
    return products, errors


def _attribute_match(attribute: Attribute, values: list[str]) -> Q | None:
    base = Q(attribute=attribute)
    if attribute.type in (Attribute.Type.CHOICE, Attribute.Type.MULTI_CHOICE):
        return base & Q(options__slug__in=values)
    if attribute.type == Attribute.Type.BOOLEAN:
        if values[:1] not in (["true"], ["false"]):
            return None
        return base & Q(boolean=values[0] == "true")
    if attribute.type == Attribute.Type.NUMBER:
        try:
            return base & Q(number__in=[Decimal(value) for value in values])
        except InvalidOperation:
            return None
    return base & Q(text__in=values)
