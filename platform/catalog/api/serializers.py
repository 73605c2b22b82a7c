from django.core.exceptions import ObjectDoesNotExist
from django.core.files.storage import default_storage
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

import money
from catalog.models import (
    Attribute,
    AttributeOption,
    Brand,
    Category,
    Product,
    ProductType,
    ProductVariant,
)
from catalog.selectors import SORTS, display_value
from catalog.services import NO_SLUG_MESSAGE, slug_from
from config.api_input import (
    SlugReferenceField,
    StoreAmountField,
    StoreCurrencyField,
    column_bounds,
    refuse_null_characters,
)
from pricing import Channel, listed_price

# --- Staff -------------------------------------------------------------------------------------


class UniqueSlugMixin:
    """For models with a unique ``slug`` that, when not given, is made from the ``name``.

    Derives it on create, and refuses, as a field error on ``slug``, a name that gives no slug
    (``"!!!"``) and a slug (given or derived) already in use. The services still map a unique
    violation to the same error, for two requests racing past this check.
    """

    def validate(self, data):
        data = super().validate(data)
        model = self.Meta.model
        max_length = model._meta.get_field("slug").max_length
        if "slug" not in data and self.instance is None:
            data["slug"] = slug_from(data.get("name", ""), max_length=max_length)
            if not data["slug"]:
                raise serializers.ValidationError({"slug": [NO_SLUG_MESSAGE]})
        if "slug" in data:
            taken = model.objects.filter(slug=data["slug"])
            if self.instance is not None:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                raise serializers.ValidationError(
                    {"slug": [f"{data['slug']!r} is already in use."]}
                )
        return data


_SLUG_OPTIONAL = {"slug": {"required": False, "validators": []}}


class CategorySerializer(UniqueSlugMixin, serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()
    # Read-only: the image is a Wagtail image chosen in the store admin.
    image_url = serializers.SerializerMethodField()
    parent_id = serializers.IntegerField(write_only=True, required=False, allow_null=True)

    class Meta:
        model = Category
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "is_active",
            "seo_title",
            "seo_description",
            "depth",
            "parent",
            "parent_id",
            "image_url",
        ]
        read_only_fields = ["depth"]
        extra_kwargs = _SLUG_OPTIONAL

    def get_parent(self, category: Category) -> int | None:
        parents = self.context.get("parents", {})
        return parents.get(category.path[: -Category.steplen])

    def get_image_url(self, category: Category) -> str | None:
        """The URL of the category's original image, None when it has none."""
        return category.image.file.url if category.image_id else None


class CategoryMoveSerializer(serializers.Serializer):
    parent_id = serializers.IntegerField(allow_null=True)


class BrandSerializer(UniqueSlugMixin, serializers.ModelSerializer):
    class Meta:
        model = Brand
        fields = ["id", "name", "slug", "description"]
        extra_kwargs = _SLUG_OPTIONAL


class AttributeOptionSerializer(serializers.ModelSerializer):
    """An option of a choice attribute. In a write, ``id`` names an existing option to change;
    an option without one is matched by its slug (given, or made from its value)."""

    id = serializers.IntegerField(required=False, **column_bounds(AttributeOption, "id"))

    class Meta:
        model = AttributeOption
        fields = ["id", "value", "slug", "position"]
        extra_kwargs = {"slug": {"required": False}}


class AttributeSerializer(serializers.ModelSerializer):
    options = AttributeOptionSerializer(
        many=True,
        required=False,
        help_text="On create, the options; on change, the whole new list: options left out are "
        "deleted, options with an ``id`` (or an existing slug) are changed, others added.",
    )

    class Meta:
        model = Attribute
        fields = ["id", "code", "name", "type", "unit", "is_filterable", "options"]

    def validate(self, data):
        kind = data.get("type", getattr(self.instance, "type", None))
        if data.get("options") and kind not in (Attribute.Type.CHOICE, Attribute.Type.MULTI_CHOICE):
            raise serializers.ValidationError({"options": ["Only choice attributes have options."]})
        if "options" in data:
            data["options"] = self._options_with_slugs(data["options"])
        return data

    def _options_with_slugs(self, options: list) -> list[dict]:
        """Each option with its slug (made from its value when not given); refuses slugs that
        are empty or collide within the list, on ``options.<index>.slug``."""
        max_length = AttributeOption._meta.get_field("slug").max_length
        errors, seen, cleaned = {}, {}, []
        for index, option in enumerate(options):
            option = dict(option)
            option.setdefault("slug", slug_from(option["value"], max_length=max_length))
            slug = option["slug"]
            if not slug:
                errors[f"options.{index}.slug"] = [NO_SLUG_MESSAGE]
            elif slug in seen:
                errors[f"options.{index}.slug"] = [
                    f"{slug!r} is already the slug of option {seen[slug]}."
                ]
            seen.setdefault(slug, index)
            cleaned.append(option)
        if errors:
            raise serializers.ValidationError(errors)
        return cleaned


class ProductTypeSerializer(UniqueSlugMixin, serializers.ModelSerializer):
    product_attributes = SlugReferenceField(
        slug_field="code", many=True, queryset=Attribute.objects.all(), required=False
    )
    variant_attributes = SlugReferenceField(
        slug_field="code", many=True, queryset=Attribute.objects.all(), required=False
    )

    class Meta:
        model = ProductType
        fields = ["id", "name", "slug", "product_attributes", "variant_attributes"]
        extra_kwargs = _SLUG_OPTIONAL


def _variant_column(name: str) -> dict:
    return column_bounds(ProductVariant, name)


def _amount(name: str, **kwargs) -> StoreAmountField:
    """A price of a variant: in the store's currency, at least 0, bounded by its column."""
    return StoreAmountField(min_value=0, **_variant_column(name), **kwargs)


def _quantity(name: str, **kwargs) -> serializers.IntegerField:
    bounds = {**_variant_column(name), "min_value": 1}
    return serializers.IntegerField(**bounds, **kwargs)


class VariantSerializer(serializers.ModelSerializer):
    stock_available = serializers.IntegerField(read_only=True)
    currency = StoreCurrencyField()
    price = _amount("price")
    b2b_price = _amount("b2b_price", required=False, allow_null=True)
    compare_at_price = _amount("compare_at_price", required=False, allow_null=True)
    cost_price = _amount("cost_price", required=False, allow_null=True)
    quantity_min = _quantity(
        "quantity_min", required=False, help_text="The fewest one cart line may hold (1 or more)."
    )
    quantity_max = _quantity(
        "quantity_max",
        required=False,
        allow_null=True,
        help_text="The most one cart line may hold; null: no limit but the stock.",
    )
    quantity_step = _quantity(
        "quantity_step",
        required=False,
        help_text="A line holds quantity_min, then steps of this many (1 or more).",
    )
    # What tells variants apart, as the storefront shows it: names and values are text.
    options = serializers.DictField(
        child=serializers.CharField(max_length=200),
        required=False,
        validators=[refuse_null_characters],
        help_text='e.g. {"size": "M", "colour": "red"}',
    )
    attributes = serializers.DictField(
        required=False, write_only=True, validators=[refuse_null_characters]
    )

    class Meta:
        model = ProductVariant
        fields = [
            "id",
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
            "stock_on_hand",
            "stock_reserved",
            "stock_available",
            "stock_policy",
            "low_stock_threshold",
            "quantity_min",
            "quantity_max",
            "quantity_step",
            "position",
            "attributes",
        ]
        read_only_fields = ["stock_reserved"]
        extra_kwargs = {
            "sku": {"validators": []},  # uniqueness is checked by the service, atomically
            "stock_on_hand": {"required": False},
        }

    def validate(self, data):
        data = super().validate(data)
        low = data.get("quantity_min", getattr(self.instance, "quantity_min", 1))
        high = data.get("quantity_max", getattr(self.instance, "quantity_max", None))
        if high is not None and low is not None and high < low:
            field = "quantity_max" if "quantity_max" in data else "quantity_min"
            raise serializers.ValidationError(
                {field: [f"The most per line ({high}) is below the fewest ({low})."]}
            )
        return data


@extend_schema_field(
    {"type": "integer", "nullable": True, "description": "A tax class id (the taxes API's)."}
)
class TaxClassField(serializers.Field):
    """The product's tax class by id (``/api/v1/taxes/classes/``); null puts it in the store's
    default class. Read from the product's link (``select_related("tax_class_link")``); the
    view writes it through taxes.services.set_product_tax_class."""

    default_error_messages = {
        "invalid": "A tax class id (a whole number) or null is required.",
        "unknown": "Unknown tax class: see /api/v1/taxes/classes/.",
    }

    def __init__(self, **kwargs):
        kwargs.update(source="*", required=False, allow_null=True)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        if data is None:  # null is a choice (the default class), not a missing value
            return True, {"tax_class": None}
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        from taxes.selectors import tax_class_by_id

        whole = isinstance(data, int) or (isinstance(data, str) and data.strip().isdigit())
        if isinstance(data, bool) or not whole:
            self.fail("invalid")
        tax_class = tax_class_by_id(data)
        if tax_class is None:
            self.fail("unknown")
        return {"tax_class": tax_class}

    def to_representation(self, product) -> int | None:
        try:
            return product.tax_class_link.tax_class_id
        except ObjectDoesNotExist:
            return None


def attribute_values_of(owner) -> dict:
    """``{code: value}`` of a product or variant whose values and options are prefetched."""
    return {
        value.attribute.code: display_value(value, [option.slug for option in value.options.all()])
        for value in owner.attribute_values.all()
    }


class ProductSerializer(UniqueSlugMixin, serializers.ModelSerializer):
    brand = SlugReferenceField(
        slug_field="slug", queryset=Brand.objects.all(), required=False, allow_null=True
    )
    product_type = SlugReferenceField(
        slug_field="slug", queryset=ProductType.objects.all(), required=False, allow_null=True
    )
    categories = SlugReferenceField(
        slug_field="slug", many=True, queryset=Category.objects.all(), required=False
    )
    variants = VariantSerializer(
        many=True, required=False, help_text="On create only; change variants at their endpoints."
    )
    attributes = serializers.DictField(required=False, validators=[refuse_null_characters])
    tax_class = TaxClassField(
        help_text="The product's tax class id; null (or the default class): the store's "
        "default class. Left out on create: the default class."
    )
    min_price = StoreAmountField(max_digits=12, decimal_places=2, read_only=True, allow_null=True)
    max_price = StoreAmountField(max_digits=12, decimal_places=2, read_only=True, allow_null=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "product_type",
            "brand",
            "categories",
            "status",
            "visible_b2c",
            "visible_b2b",
            "seo_title",
            "seo_description",
            "tax_class",
            "min_price",
            "max_price",
            "in_stock",
            "variants",
            "attributes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["min_price", "max_price", "in_stock", "created_at", "updated_at"]
        extra_kwargs = _SLUG_OPTIONAL

    def validate(self, data):
        if self.instance is not None and "variants" in data:
            message = "Change variants through their own endpoints."
            raise serializers.ValidationError({"variants": [message]})
        data = super().validate(data)
        b2c = data.get("visible_b2c", getattr(self.instance, "visible_b2c", True))
        b2b = data.get("visible_b2b", getattr(self.instance, "visible_b2b", True))
        if not (b2c or b2b):
            raise serializers.ValidationError(
                {"visible_b2c": ["A product is sold on B2C, B2B or both."]}
            )
        return data

    def to_representation(self, product):
        data = super().to_representation(product)
        if "attribute_values" in getattr(product, "_prefetched_objects_cache", {}):
            data["attributes"] = attribute_values_of(product)
        else:
            data.pop("attributes", None)
        return data


class BulkVariantRowSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=ProductVariant._meta.get_field("sku").max_length)
    price = _amount("price", required=False)
    b2b_price = _amount("b2b_price", required=False, allow_null=True)
    compare_at_price = _amount("compare_at_price", required=False, allow_null=True)
    stock_on_hand = serializers.IntegerField(required=False, **_variant_column("stock_on_hand"))


class BulkVariantSerializer(serializers.Serializer):
    rows = BulkVariantRowSerializer(many=True, allow_empty=False, max_length=1000)


# --- Shoppers ----------------------------------------------------------------------------------


class ProductFiltersSerializer(serializers.Serializer):
    """The filters of a product listing, shared by the shop listing and search (``attr.<code>``
    parameters are read apart, after ``config.api_input.check_query_parameters``)."""

    category = serializers.CharField(
        required=False, allow_blank=True, max_length=Category._meta.get_field("slug").max_length
    )
    brand = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text="Brand slugs, comma separated."
    )
    price_min = serializers.DecimalField(
        required=False, min_value=0, **column_bounds(Product, "min_price")
    )
    price_max = serializers.DecimalField(
        required=False, min_value=0, **column_bounds(Product, "min_price")
    )
    in_stock = serializers.BooleanField(required=False, default=False)


class ShopProductListParamsSerializer(ProductFiltersSerializer):
    sort = serializers.ChoiceField(choices=list(SORTS), required=False, default="name")
    updated_since = serializers.DateTimeField(
        required=False,
        help_text="Only products changed at or after this time (ISO 8601), for an ERP's "
        "sync: with sort=updated, follow the cursor to the end, then ask again from the "
        "time of the last product seen. A change of prices (price lists) moves no product.",
    )


# The storefront reads products' ``listing`` summaries (catalog.summaries), already shaped as
# plain data: these serializers document the answers and write them without per-field work.


class ShopImageSerializer(serializers.Serializer):
    url = serializers.CharField()
    alt_text = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    renditions = serializers.DictField(
        child=serializers.CharField(), help_text="Rendition name (thumbnail, large_webp) -> URL."
    )
    variant = serializers.CharField(allow_null=True, help_text="SKU of the variant it shows.")

    def to_representation(self, image: dict) -> dict:
        return shop_image(image)


class ShopVariantSerializer(serializers.Serializer):
    sku = serializers.CharField()
    name = serializers.CharField()
    options = serializers.DictField(child=serializers.CharField())
    currency = serializers.CharField(help_text="The store's currency (ISO 4217).")
    price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text="What the buyer pays (pricing.price_for), with the currency's decimals.",
    )
    compare_at_price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        allow_null=True,
        help_text="The price shown struck through beside it; null when there is none.",
    )
    in_stock = serializers.BooleanField()

    def to_representation(self, variant: dict) -> dict:
        return shop_variant(variant, self.context["channel"], self.context.get("prices"))


class ShopProductListSerializer(serializers.Serializer):
    """A product card: what a listing shows of an active product, in the buyer's channel."""

    slug = serializers.CharField()
    name = serializers.CharField()
    brand = serializers.CharField(allow_null=True)
    price_from = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    currency = serializers.CharField(help_text="The store's currency (ISO 4217).")
    in_stock = serializers.BooleanField()
    image = ShopImageSerializer(allow_null=True)
    variants = ShopVariantSerializer(many=True)

    def to_representation(self, product: Product) -> dict:
        channel = self.context["channel"]
        book = self.context.get("prices")
        currency = money.store_currency()
        variants = product.listing.get("variants", [])
        images = product.listing.get("images", [])
        # The lowest price on the channel, aggregated in SQL by catalog.summaries the way
        # pricing.price_for prices each variant (the B2B price, else the B2C one); for a
        # company with price lists, the lowest of its prices (pricing.listing_prices).
        price_from = product.min_b2b_price if channel == Channel.B2B else product.min_price
        if book:
            listed = [book[variant["sku"]].amount for variant in variants if variant["sku"] in book]
            price_from = min(listed) if listed else price_from
        return {
            "slug": product.slug,
            "name": product.name,
            "brand": product.brand.name if product.brand_id else None,
            "price_from": (
                str(money.quantize(price_from, currency)) if price_from is not None else None
            ),
            "currency": currency,
            "in_stock": product.in_stock,
            "image": shop_image(images[0]) if images else None,
            "variants": [shop_variant(variant, channel, book) for variant in variants],
        }


class ShopProductDetailSerializer(ShopProductListSerializer):
    """The product page: the card, its texts, categories, every image and the attributes.

    Expects a product from catalog.selectors.product_detail_for_shoppers and its attribute
    values (selectors.product_attribute_values) in the context.
    """

    description = serializers.CharField()
    seo_title = serializers.CharField()
    seo_description = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField())
    images = ShopImageSerializer(many=True)
    attributes = serializers.DictField()

    def to_representation(self, product: Product) -> dict:
        return {
            **super().to_representation(product),
            "description": product.description,
            "seo_title": product.seo_title,
            "seo_description": product.seo_description,
            "categories": product.category_slugs,
            "images": [shop_image(image) for image in product.listing.get("images", [])],
            "attributes": self.context["attributes"],
        }


class ShopCategoryLinkSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ShopCategoryNodeSerializer(ShopCategoryLinkSerializer):
    children = serializers.ListField(
        child=serializers.DictField(), help_text="Active subcategories, the same shape."
    )


class ShopCategorySerializer(ShopCategoryLinkSerializer):
    description = serializers.CharField()
    seo_title = serializers.CharField()
    seo_description = serializers.CharField()
    breadcrumbs = ShopCategoryLinkSerializer(many=True, help_text="Its ancestors, root first.")
    children = ShopCategoryLinkSerializer(many=True, help_text="Its active subcategories.")


class ShopBrandSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()


def shop_image(image: dict) -> dict:
    """An image of a product's listing summary, with URLs in the current store's storage."""
    return {
        "url": default_storage.url(image["image"]),
        "alt_text": image["alt_text"],
        "width": image["width"],
        "height": image["height"],
        "renditions": {
            name: default_storage.url(path) for name, path in image["renditions"].items()
        },
        "variant": image["variant"],
    }


def shop_variant(variant: dict, channel: Channel, book: dict | None = None) -> dict:
    """A variant of a product's listing summary, priced for ``channel`` by pricing.price_for,
    or from ``book`` (pricing.listing_prices: a company's price lists) when it holds it."""
    price = listed_price(variant, channel, book)
    return {
        "sku": variant["sku"],
        "name": variant["name"],
        "options": variant["options"],
        "currency": price.currency,
        "price": str(price.amount),
        "compare_at_price": str(price.compare_at) if price.compare_at is not None else None,
        "in_stock": variant["in_stock"],
    }
