"""Writes on the catalog: one function per use case, one transaction, one event after commit."""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.text import slugify
from treebeard.exceptions import InvalidMoveToDescendant

from catalog.errors import CatalogError, CategoryCycle
from catalog.events import emit_products_changed
from catalog.inventory import set_stock_levels
from catalog.models import (
    Attribute,
    AttributeOption,
    AttributeValue,
    Category,
    Product,
    ProductVariant,
)

BULK_LIMIT = 1000
_PRODUCT_FIELDS = {
    "name",
    "slug",
    "description",
    "product_type",
    "brand",
    "status",
    "visible_b2c",
    "visible_b2b",
    "seo_title",
    "seo_description",
}
_VARIANT_FIELDS = {
    "sku",
    "name",
    "options",
    "currency",
    "price",
    "b2b_price",
    "compare_at_price",
    "cost_price",
    "weight_grams",
    "barcode",
    "stock_policy",
    "low_stock_threshold",
    "position",
}


# --- Categories --------------------------------------------------------------------------------


def create_category(*, name: str, slug: str = "", parent: Category | None = None, **fields):
    """Add a category under ``parent`` (or at the root)."""
    values = {"name": name, "slug": slug or slugify(name), **fields}
    with transaction.atomic():
        if parent is None:
            return Category.add_root(**values)
        return Category.objects.get(pk=parent.pk).add_child(**values)


def move_category(*, category: Category, parent: Category | None) -> Category:
    """Move a category (and its subtree) under ``parent``; refuses cycles (CategoryCycle)."""
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category.pk)
        if parent is not None and (
            parent.pk == category.pk or parent.path.startswith(category.path)
        ):
            raise CategoryCycle(
                "A category cannot be moved under itself or one of its subcategories.",
                fields={"parent": ["This would make the category tree a cycle."]},
            )
        try:
            if parent is None:
                category.move(Category.get_first_root_node(), "sorted-sibling")
            else:
                category.move(Category.objects.get(pk=parent.pk), "sorted-child")
        except InvalidMoveToDescendant as error:
            raise CategoryCycle(str(error), fields={"parent": [str(error)]}) from error
        product_ids = Product.objects.filter(
            categories__path__startswith=category.path
        ).values_list("pk", flat=True)
        emit_products_changed(product_ids)
    return Category.objects.get(pk=category.pk)


# --- Products and variants ---------------------------------------------------------------------


def create_product(
    *,
    data: dict,
    variants: list[dict] | None = None,
    categories=None,
    attributes: dict | None = None,
) -> Product:
    """Create a product with its variants and attribute values, all or nothing.

    Refused with PlanLimitReached when the store's plan has no product left (checked under a
    per-store lock, so concurrent creates at the limit cannot both pass).
    """
    from tenants.limits import ensure_current_store_within_plan

    with transaction.atomic():
        ensure_current_store_within_plan(resource="products")
        product = Product(**_only(data, _PRODUCT_FIELDS))
        if not product.slug:
            product.slug = slugify(product.name)[:220]
        _save(product, field="slug")
        if categories is not None:
            product.categories.set(categories)
        for index, variant_data in enumerate(variants or []):
            _create_variant(product, variant_data, index)
        if attributes:
            set_attribute_values(owner=product, values=attributes, emit=False)
        emit_products_changed([product.pk])
    return product


def update_product(
    *,
    product: Product,
    data: dict,
    categories=None,
    attributes: dict | None = None,
) -> Product:
    """Change a product's fields (and, when given, its categories and attribute values)."""
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        for name, value in _only(data, _PRODUCT_FIELDS).items():
            setattr(product, name, value)
        _save(product, field="slug")
        if categories is not None:
            product.categories.set(categories)
        if attributes is not None:
            set_attribute_values(owner=product, values=attributes, emit=False)
        emit_products_changed([product.pk])
    return product


def delete_product(*, product: Product) -> None:
    """Delete a product with its variants and images; the image files go after commit."""
    from catalog.images import delete_files_after_commit, files_of

    with transaction.atomic():
        product_id = product.pk
        paths = files_of(product.images.all())
        product.delete()
        delete_files_after_commit(paths)
        emit_products_changed([product_id], deleted=True)


def create_variant(*, product: Product, data: dict) -> ProductVariant:
    with transaction.atomic():
        variant = _create_variant(product, data, product.variants.count())
        emit_products_changed([product.pk])
    return variant


def update_variant(*, variant: ProductVariant, data: dict, actor: str = "") -> ProductVariant:
    """Change a variant; a new ``stock_on_hand`` is recorded as a stock correction."""
    with transaction.atomic():
        variant = ProductVariant.objects.select_for_update().get(pk=variant.pk)
        for name, value in _only(data, _VARIANT_FIELDS).items():
            setattr(variant, name, value)
        _save(variant, field="sku")
        if "attributes" in data:
            set_attribute_values(owner=variant, values=data["attributes"], emit=False)
        if "stock_on_hand" in data:
            set_stock_levels(
                levels=[(variant.pk, int(data["stock_on_hand"]))],
                reason="correction",
                actor=actor,
                emit=False,
            )
        emit_products_changed([variant.product_id])
    return ProductVariant.objects.get(pk=variant.pk)


def delete_variant(*, variant: ProductVariant) -> None:
    with transaction.atomic():
        product_id = variant.product_id
        variant.delete()
        emit_products_changed([product_id])


def bulk_update_variants(*, rows: list[dict], actor: str = "") -> int:
    """Update price and/or stock of up to 1,000 variants by SKU, atomically.

    Every row is checked first; any bad row fails the whole call (CatalogError listing each
    bad row) and nothing changes. Stock changes are recorded as adjustments. One event.
    """
    if not rows:
        raise CatalogError("Send at least one row.", fields={"rows": ["Empty."]})
    if len(rows) > BULK_LIMIT:
        raise CatalogError(
            f"At most {BULK_LIMIT} rows per call.", fields={"rows": [f"{len(rows)} sent."]}
        )
    skus = [str(row.get("sku", "")) for row in rows]
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        variants = {
            variant.sku: variant
            for variant in ProductVariant.objects.select_for_update()
            .filter(sku__in=skus)
            .order_by("pk")
        }
        price_changes, stock_levels = [], []
        for index, row in enumerate(rows):
            problems = _check_bulk_row(row, variants, skus)
            if problems:
                errors[f"rows.{index}"] = problems
                continue
            variant = variants[row["sku"]]
            if "price" in row or "b2b_price" in row or "compare_at_price" in row:
                for name in ("price", "b2b_price", "compare_at_price"):
                    if name in row:
                        setattr(variant, name, _decimal(row[name]))
                price_changes.append(variant)
            if "stock_on_hand" in row:
                stock_levels.append((variant.pk, int(row["stock_on_hand"])))
        if errors:
            raise CatalogError("Some rows are invalid; nothing was changed.", fields=errors)
        _write_prices(price_changes)
        if stock_levels:
            set_stock_levels(levels=stock_levels, reason="correction", actor=actor, emit=False)
        emit_products_changed(variant.product_id for variant in variants.values())
    return len(rows)


def _write_prices(variants: list[ProductVariant]) -> None:
    """Write these variants' prices in one statement (Django's bulk_update spends most of a
    second building CASE expressions for 1,000 rows)."""
    if not variants:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE catalog_productvariant v
            SET price = u.price, b2b_price = u.b2b_price, compare_at_price = u.compare_at_price
            FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[], %s::numeric[])
                 AS u(id, price, b2b_price, compare_at_price)
            WHERE v.id = u.id
            """,
            [
                [variant.pk for variant in variants],
                [variant.price for variant in variants],
                [variant.b2b_price for variant in variants],
                [variant.compare_at_price for variant in variants],
            ],
        )


def _check_bulk_row(row: dict, variants: dict, skus: list[str]) -> list[str]:
    sku = str(row.get("sku", ""))
    if sku not in variants:
        return [f"Unknown SKU {sku!r}."]
    if skus.count(sku) > 1:
        return [f"SKU {sku!r} appears more than once."]
    if not {"price", "b2b_price", "compare_at_price", "stock_on_hand"} & set(row):
        return ["Give a price or a stock level to change."]
    problems = []
    for name in ("price", "b2b_price", "compare_at_price"):
        if name in row and (row[name] is not None or name == "price"):
            value = _decimal(row[name])
            if value is None or value < 0:
                problems.append(f"{name} must be a number of at least 0.")
    if "stock_on_hand" in row:
        try:
            level = int(row["stock_on_hand"])
        except (TypeError, ValueError):
            problems.append("stock_on_hand must be a whole number.")
        else:
            if level < 0 and variants[sku].stock_policy == ProductVariant.StockPolicy.DENY:
                problems.append("stock_on_hand cannot be below 0 for this variant.")
    return problems


# --- Attribute values --------------------------------------------------------------------------


def set_attribute_values(
    *, owner: Product | ProductVariant, values: dict, emit: bool = True
) -> None:
    """Set attribute values by attribute code; ``None`` removes one. Types are checked.

    Raises CatalogError with one message per bad attribute (unknown code, wrong type, unknown
    option, or an attribute the product type does not take). Emits products_changed, unless
    ``emit`` is False because the calling service emits its own.
    """
    with transaction.atomic():
        _set_attribute_values(owner=owner, values=values)
        if emit:
            product_id = owner.pk if isinstance(owner, Product) else owner.product_id
            emit_products_changed([product_id])


def _set_attribute_values(*, owner: Product | ProductVariant, values: dict) -> None:
    owner_field = "product" if isinstance(owner, Product) else "variant"
    attributes = {
        attribute.code: attribute for attribute in Attribute.objects.filter(code__in=values)
    }
    allowed = _allowed_attribute_codes(owner)
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for code, raw in values.items():
        attribute = attributes.get(code)
        if attribute is None:
            errors[f"attributes.{code}"] = ["Unknown attribute."]
        elif allowed is not None and code not in allowed:
            errors[f"attributes.{code}"] = ["This product type does not take this attribute."]
        elif raw is not None:
            try:
                cleaned[code] = _clean_attribute_value(attribute, raw)
            except ValueError as error:
                errors[f"attributes.{code}"] = [str(error)]
    if errors:
        raise CatalogError("Some attribute values are invalid.", fields=errors)
    for code, raw in values.items():
        attribute = attributes[code]
        lookup = {"attribute": attribute, owner_field: owner}
        if raw is None:
            AttributeValue.objects.filter(**lookup).delete()
            continue
        kind, value = cleaned[code]
        stored, _ = AttributeValue.objects.update_or_create(
            **lookup,
            defaults={
                "text": value if kind == "text" else "",
                "number": value if kind == "number" else None,
                "boolean": value if kind == "boolean" else None,
            },
        )
        stored.options.set(value if kind == "options" else [])


def _clean_attribute_value(attribute: Attribute, raw):
    kind = attribute.type
    if kind == Attribute.Type.TEXT:
        if not isinstance(raw, str | int | float):
            raise ValueError("Expected text.")
        return "text", str(raw)[:500]
    if kind == Attribute.Type.NUMBER:
        value = _decimal(raw)
        if value is None or isinstance(raw, bool):
            raise ValueError(
                f"Expected a number{f' (in {attribute.unit})' if attribute.unit else ''}."
            )
        return "number", value
    if kind == Attribute.Type.BOOLEAN:
        if isinstance(raw, bool):
            return "boolean", raw
        if str(raw).lower() in {"true", "yes", "1"}:
            return "boolean", True
        if str(raw).lower() in {"false", "no", "0"}:
            return "boolean", False
        raise ValueError("Expected true or false.")
    wanted = raw if isinstance(raw, list) else [raw]
    if kind == Attribute.Type.CHOICE and len(wanted) != 1:
        raise ValueError("Expected exactly one option.")
    slugs = [slugify(str(item)) for item in wanted]
    options = list(
        AttributeOption.objects.filter(attribute=attribute).filter(
            Q(slug__in=slugs) | Q(value__in=[str(item) for item in wanted])
        )
    )
    if len(options) != len(set(slugs)):
        known = ", ".join(attribute.options.values_list("value", flat=True)[:20])
        raise ValueError(f"Unknown option; choose from: {known}.")
    return "options", options


def _allowed_attribute_codes(owner) -> set[str] | None:
    product = owner if isinstance(owner, Product) else owner.product
    if product.product_type_id is None:
        return None
    relation = "product_attributes" if isinstance(owner, Product) else "variant_attributes"
    return set(getattr(product.product_type, relation).values_list("code", flat=True))


# --- helpers -----------------------------------------------------------------------------------


def _create_variant(product: Product, data: dict, index: int) -> ProductVariant:
    variant = ProductVariant(product=product, position=index, **_only(data, _VARIANT_FIELDS))
    if "position" in data:
        variant.position = data["position"]
    _save(variant, field="sku")
    if data.get("stock_on_hand"):
        set_stock_levels(
            levels=[(variant.pk, int(data["stock_on_hand"]))], reason="received", emit=False
        )
    if data.get("attributes"):
        set_attribute_values(owner=variant, values=data["attributes"], emit=False)
    return variant


def _save(instance, *, field: str) -> None:
    """Save, turning a unique violation on ``field`` into a field error."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        if field in str(error):
            raise CatalogError(
                f"This {field} is already in use.",
                fields={field: [f"{getattr(instance, field)!r} is already in use."]},
            ) from error
        raise


def _only(data: dict, allowed: set[str]) -> dict:
    return {key: value for key, value in data.items() if key in allowed}


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
