"""Writes on the catalog: one function per use case, one transaction, one event after commit."""

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.text import slugify
from treebeard.exceptions import InvalidMoveToDescendant

import money
from catalog.errors import CatalogError, CategoryCycle
from catalog.events import emit_products_changed
from catalog.inventory import set_stock_levels
from catalog.models import (
    Attribute,
    AttributeOption,
    AttributeValue,
    Brand,
    Category,
    Product,
    ProductType,
    ProductVariant,
)
from config.api_input import column_bounds, decimal_fits, has_null_character, integer_fits

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
    "price",
    "b2b_price",
    "compare_at_price",
    "cost_price",
    "weight_grams",
    "barcode",
    "stock_policy",
    "low_stock_threshold",
    "quantity_min",
    "quantity_max",
    "quantity_step",
    "position",
}
PRICE_FIELDS = ("price", "b2b_price", "compare_at_price", "cost_price")
QUANTITY_FIELDS = ("quantity_min", "quantity_max", "quantity_step")


# --- Categories --------------------------------------------------------------------------------


def create_category(*, name: str, slug: str = "", parent: Category | None = None, **fields):
    """Add a category under ``parent`` (or at the root).

    The slug, when not given, is made from the name; an empty or taken slug is refused
    (CatalogError on ``slug``), also when another request took it a moment before.
    """
    values = {"name": name, "slug": slug or _slug_of(name, Category), **fields}
    with refusing_duplicates():
        if parent is None:
            return Category.add_root(**values)
        return Category.objects.get(pk=parent.pk).add_child(**values)


def update_category(*, category: Category, data: dict) -> Category:
    """Change a category's texts, slug or visibility (moves are ``move_category``'s).

    A taken slug is refused (CatalogError on ``slug``); its products' summaries follow.
    """
    with refusing_duplicates():
        category = Category.objects.select_for_update().get(pk=category.pk)
        for name, value in data.items():
            setattr(category, name, value)
        category.save()
    return category


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
            product.slug = _slug_of(product.name, Product)
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
        check_variant(variant, currency=data.get("currency"))
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
    currency = money.store_currency()
    for name in ("price", "b2b_price", "compare_at_price"):
        if name in row and (row[name] is not None or name == "price"):
            value = _decimal(row[name])
            if value is None or value < 0 or not decimal_fits(value, ProductVariant, name):
                problems.append(f"{name} must be an amount of at least 0, e.g. 19.99.")
            elif not money.fits_currency(value, currency):
                problems.append(f"{name}: {money.precision_message(currency)}")
    if "stock_on_hand" in row:
        try:
            level = int(row["stock_on_hand"])
        except (TypeError, ValueError):
            problems.append("stock_on_hand must be a whole number.")
        else:
            if level < 0 and variants[sku].stock_policy == ProductVariant.StockPolicy.DENY:
                problems.append("stock_on_hand cannot be below 0 for this variant.")
    return problems


def check_variant(variant: ProductVariant, *, currency: str | None = None) -> None:
    """Refuse (CatalogError naming each field) a variant the store cannot sell as it is: a
    price with more decimals than the store's currency has (12.50 in a JPY store), quantity
    rules out of order (fewest 0, step 0, most below fewest) or past their columns, or a
    ``currency`` given that is not the store's (a variant's prices are in the store's)."""
    store_currency = money.store_currency()
    errors: dict[str, list[str]] = {}
    if currency and str(currency).strip().upper() != store_currency:
        errors["currency"] = [
            f"This store sells in {store_currency}: prices are in the store's currency."
        ]
    for name in PRICE_FIELDS:
        value = _decimal(getattr(variant, name))
        fits_column = value is not None and decimal_fits(value, ProductVariant, name)
        if fits_column and not money.fits_currency(value, store_currency):
            errors[name] = [money.precision_message(store_currency)]
    for name in QUANTITY_FIELDS:
        value = getattr(variant, name)
        if value is None and name == "quantity_max":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors[name] = ["Use a whole number of 1 or more."]
        elif not integer_fits(value, ProductVariant, name):
            errors[name] = ["Too large."]
    low, high = variant.quantity_min, variant.quantity_max
    if not errors.keys() & {"quantity_min", "quantity_max"} and high is not None and high < low:
        errors["quantity_max"] = [f"The most per line ({high}) is below the fewest ({low})."]
    if errors:
        raise CatalogError("Some variant fields are invalid.", fields=errors)


# --- Attributes and their options --------------------------------------------------------------


def create_attribute(*, data: dict, options: list[dict] | None = None) -> Attribute:
    """Create an attribute with its options (each with a slug, unique within the attribute).

    A taken code or option slug is refused as a field error, nothing written.
    """
    with refusing_duplicates(fields={"slug": "options"}):
        attribute = Attribute.objects.create(**data)
        _replace_options(attribute, options or [])
    return attribute


def update_attribute(*, attribute: Attribute, data: dict, options: list[dict] | None = None):
    """Change an attribute; with ``options``, replace its option list.

    Options with an ``id`` of this attribute (else with a slug it has) are changed, the others
    added, and options left out deleted (with them, the values that chose them). A taken code
    or option slug is refused as a field error, nothing written. The products that carry a
    changed attribute or option are announced (catalog.dimensions).
    """
    with refusing_duplicates(fields={"slug": "options"}):
        attribute = Attribute.objects.select_for_update().get(pk=attribute.pk)
        for name, value in data.items():
            setattr(attribute, name, value)
        attribute.save()
        if options is not None:
            _replace_options(attribute, options)
    return attribute


def _replace_options(attribute: Attribute, options: list[dict]) -> None:
    existing = {option.pk: option for option in attribute.options.all()}
    claimed = {data["id"] for data in options if data.get("id") is not None}
    unknown = [
        f"options.{index}.id"
        for index, data in enumerate(options)
        if data.get("id") is not None and data["id"] not in existing
    ]
    if unknown:
        message = "Not an option of this attribute."
        raise CatalogError(message, fields={field: [message] for field in unknown})
    by_slug = {option.slug: option for option in existing.values() if option.pk not in claimed}
    wanted = []
    for position, data in enumerate(options):
        option = existing.get(data.get("id")) or by_slug.pop(data["slug"], None)
        option = option or AttributeOption(attribute=attribute)
        option.value, option.slug = data["value"], data["slug"]
        option.position = data.get("position", position)
        wanted.append(option)
    kept = [option.pk for option in wanted if option.pk is not None]
    # Options left out go first, and kept ones pass through a temporary slug, so that slugs
    # can move from one option to another (a swap) without a unique violation.
    attribute.options.exclude(pk__in=kept).delete()
    for pk in kept:
        AttributeOption.objects.filter(pk=pk).update(slug=f"~{pk}")
    for option in wanted:
        option.save()


def delete_attribute(*, attribute: Attribute) -> None:
    """Delete an attribute, its options and every value products or variants gave it.

    The products that carried it have their summaries (attribute tokens) refreshed and are
    announced, in the same transaction.
    """
    from catalog.dimensions import products_of

    with transaction.atomic():
        product_ids = products_of(attribute)
        attribute.delete()
        emit_products_changed(product_ids)


# --- Categories, brands and product types: deletion and the simple models ----------------------


def delete_category(*, category: Category) -> None:
    """Delete a category with its whole subtree; its products stay, out of those categories.

    The products that were in the subtree have their summaries refreshed and are announced.
    """
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category.pk)
        links = Product.categories.through.objects.filter(category__path__startswith=category.path)
        product_ids = list(links.values_list("product_id", flat=True))
        Category.objects.filter(path__startswith=category.path).delete()
        emit_products_changed(product_ids)


def create_brand(*, name: str, slug: str = "", description: str = "") -> Brand:
    """Create a brand; the slug, when not given, is made from the name. A taken or empty slug
    is refused (CatalogError on ``slug``)."""
    with refusing_duplicates():
        return Brand.objects.create(
            name=name, slug=slug or _slug_of(name, Brand), description=description
        )


def update_brand(*, brand: Brand, data: dict) -> Brand:
    """Change a brand's name, slug or description; a taken slug is refused (on ``slug``).
    The products of the brand are announced (catalog.dimensions)."""
    with refusing_duplicates():
        brand = Brand.objects.select_for_update().get(pk=brand.pk)
        for name, value in _only(data, {"name", "slug", "description"}).items():
            setattr(brand, name, value)
        brand.save()
    return brand


def delete_brand(*, brand: Brand) -> None:
    """Delete a brand; its products stay, without a brand (their summaries follow)."""
    with transaction.atomic():
        product_ids = list(brand.products.values_list("pk", flat=True))
        brand.delete()
        emit_products_changed(product_ids)


def create_product_type(
    *,
    name: str,
    slug: str = "",
    product_attributes: Iterable[Attribute] = (),
    variant_attributes: Iterable[Attribute] = (),
) -> ProductType:
    """Create a product type with the attributes its products and its variants take.

    The slug, when not given, is made from the name; a taken or empty slug is refused
    (CatalogError on ``slug``).
    """
    with refusing_duplicates():
        product_type = ProductType.objects.create(
            name=name, slug=slug or _slug_of(name, ProductType)
        )
        product_type.product_attributes.set(product_attributes)
        product_type.variant_attributes.set(variant_attributes)
    return product_type


def update_product_type(
    *,
    product_type: ProductType,
    data: dict,
    product_attributes: Iterable[Attribute] | None = None,
    variant_attributes: Iterable[Attribute] | None = None,
) -> ProductType:
    """Change a product type's name or slug and, when given, its attribute lists (replaced).

    A taken slug is refused (CatalogError on ``slug``). Values products already carry are
    kept: an attribute taken off the type is no longer offered, nothing is deleted.
    """
    with refusing_duplicates():
        product_type = ProductType.objects.select_for_update().get(pk=product_type.pk)
        for name, value in _only(data, {"name", "slug"}).items():
            setattr(product_type, name, value)
        product_type.save()
        if product_attributes is not None:
            product_type.product_attributes.set(product_attributes)
        if variant_attributes is not None:
            product_type.variant_attributes.set(variant_attributes)
    return product_type


def delete_product_type(*, product_type: ProductType) -> None:
    """Delete a product type no product uses; refuses one in use (CatalogError), since
    products hold on to their type (it says which attributes they take)."""
    with transaction.atomic():
        in_use = product_type.products.count()
        if in_use:
            message = (
                f"{in_use} product{'s' if in_use != 1 else ''} use{'s' if in_use == 1 else ''} "
                "this type: give them another type first."
            )
            raise CatalogError(message)
        product_type.delete()


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
        if not isinstance(raw, str | int | float) or has_null_character(raw):
            raise ValueError("Expected text (without NUL characters).")
        return "text", str(raw)[:500]
    if kind == Attribute.Type.NUMBER:
        value = _decimal(raw)
        if value is not None and not decimal_fits(value, AttributeValue, "number"):
            bounds = column_bounds(AttributeValue, "number")
            whole = bounds["max_digits"] - bounds["decimal_places"]
            raise ValueError(
                f"Expected at most {whole} digits before the point "
                f"and {bounds['decimal_places']} after it."
            )
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
    # A position given wins over the variant's place in the list.
    variant = ProductVariant(product=product, **{"position": index, **_only(data, _VARIANT_FIELDS)})
    check_variant(variant, currency=data.get("currency"))
    _save(variant, field="sku")
    if data.get("stock_on_hand"):
        set_stock_levels(
            levels=[(variant.pk, int(data["stock_on_hand"]))], reason="received", emit=False
        )
    if data.get("attributes"):
        set_attribute_values(owner=variant, values=data["attributes"], emit=False)
    return variant


# PostgreSQL's detail of a unique violation: "Key (attribute_id, slug)=(4, red) already exists."
_DUPLICATE_KEY = re.compile(r"Key \((?P<columns>.+?)\)=\((?P<values>.*)\) already exists")


@contextmanager
def refusing_duplicates(*, fields: dict[str, str] | None = None) -> Iterator[None]:
    """Run the block in a savepoint; a unique violation in it becomes a CatalogError on the
    column that collided (renamed by ``fields``), so that two requests racing past the
    serializers' checks get a field error, never an IntegrityError."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        diagnostic = getattr(error.__cause__, "diag", None)
        found = _DUPLICATE_KEY.search(getattr(diagnostic, "message_detail", None) or "")
        if found is None:
            raise
        columns = found["columns"].split(", ")
        value = found["values"].split(", ", len(columns) - 1)[-1]
        field = (fields or {}).get(columns[-1], columns[-1])
        raise CatalogError(
            f"This {columns[-1]} is already in use.",
            fields={field: [f"{value!r} is already in use."]},
        ) from error


def _save(instance, *, field: str) -> None:
    """Save, turning a unique violation on ``field`` into a field error."""
    with refusing_duplicates():
        instance.save()


NO_SLUG_MESSAGE = "Give a slug: the name has no letter or digit to make one from."


def slug_from(text: str, *, max_length: int) -> str:
    """The slug a name gives, cut to ``max_length``; "" when it has no letter or digit."""
    return slugify(text)[:max_length].strip("-_")


def _slug_of(name: str, model) -> str:
    """The slug a name gives, cut to the model's column; refuses a name that gives none."""
    slug = slug_from(name, max_length=model._meta.get_field("slug").max_length)
    if not slug:
        raise CatalogError(NO_SLUG_MESSAGE, fields={"slug": [NO_SLUG_MESSAGE]})
    return slug


def _only(data: dict, allowed: set[str]) -> dict:
    return {key: value for key, value in data.items() if key in allowed}


def _decimal(value) -> Decimal | None:
    """A finite Decimal, or None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None
