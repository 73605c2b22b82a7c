from rest_framework import serializers

from catalog.models import (
    Attribute,
    AttributeOption,
    Brand,
    Category,
    Product,
    ProductImage,
    ProductType,
    ProductVariant,
)

# --- Staff -------------------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()
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
        ]
        read_only_fields = ["depth"]
        extra_kwargs = {"slug": {"required": False, "validators": []}}

    def get_parent(self, category: Category) -> int | None:
        parents = self.context.get("parents", {})
        return parents.get(category.path[: -Category.steplen])


class CategoryMoveSerializer(serializers.Serializer):
    parent_id = serializers.IntegerField(allow_null=True)


class BrandSerializer(serializers.ModelSerializer):
    class Meta:
        model = Brand
        fields = ["id", "name", "slug", "description"]


class AttributeOptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AttributeOption
        fields = ["id", "value", "slug", "position"]
        extra_kwargs = {"slug": {"required": False}}


class AttributeSerializer(serializers.ModelSerializer):
    options = AttributeOptionSerializer(many=True, required=False)

    class Meta:
        model = Attribute
        fields = ["id", "code", "name", "type", "unit", "is_filterable", "options"]

    def validate(self, data):
        kind = data.get("type", getattr(self.instance, "type", None))
        if data.get("options") and kind not in (Attribute.Type.CHOICE, Attribute.Type.MULTI_CHOICE):
            raise serializers.ValidationError({"options": ["Only choice attributes have options."]})
        return data


class ProductTypeSerializer(serializers.ModelSerializer):
    product_attributes = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Attribute.objects.all(), required=False
    )
    variant_attributes = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Attribute.objects.all(), required=False
    )

    class Meta:
        model = ProductType
        fields = ["id", "name", "slug", "product_attributes", "variant_attributes"]


class VariantSerializer(serializers.ModelSerializer):
    stock_available = serializers.IntegerField(read_only=True)
    attributes = serializers.DictField(required=False, write_only=True)

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
            "position",
            "attributes",
        ]
        read_only_fields = ["stock_reserved"]
        extra_kwargs = {
            "sku": {"validators": []},  # uniqueness is checked by the service, atomically
            "price": {"min_value": 0},
            "stock_on_hand": {"required": False},
        }


def attribute_values_of(owner) -> dict:
    values = {}
    for value in owner.attribute_values.all():
        attribute = value.attribute
        if attribute.type in (Attribute.Type.CHOICE, Attribute.Type.MULTI_CHOICE):
            slugs = [option.slug for option in value.options.all()]
            values[attribute.code] = slugs[0] if attribute.type == "choice" and slugs else slugs
        elif attribute.type == Attribute.Type.NUMBER:
            values[attribute.code] = (
                str(value.number.normalize()) if value.number is not None else None
            )
        elif attribute.type == Attribute.Type.BOOLEAN:
            values[attribute.code] = value.boolean
        else:
            values[attribute.code] = value.text
    return values


class ProductSerializer(serializers.ModelSerializer):
    brand = serializers.SlugRelatedField(
        slug_field="slug", queryset=Brand.objects.all(), required=False, allow_null=True
    )
    product_type = serializers.SlugRelatedField(
        slug_field="slug", queryset=ProductType.objects.all(), required=False, allow_null=True
    )
    categories = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Category.objects.all(), required=False
    )
    variants = VariantSerializer(many=True, required=False)
    attributes = serializers.DictField(required=False)

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
            "min_price",
            "max_price",
            "in_stock",
            "variants",
            "attributes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["min_price", "max_price", "in_stock", "created_at", "updated_at"]
        extra_kwargs = {"slug": {"required": False, "validators": []}}

    def validate(self, data):
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
    sku = serializers.CharField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    b2b_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    compare_at_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    stock_on_hand = serializers.IntegerField(required=False)


class BulkVariantSerializer(serializers.Serializer):
    rows = BulkVariantRowSerializer(many=True, allow_empty=False, max_length=1000)


# --- Shoppers ----------------------------------------------------------------------------------


class ShopImageSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ProductImage
        fields = ["url", "alt_text", "width", "height", "renditions"]

    def get_url(self, image: ProductImage) -> str:
        return image.image.url


class ShopVariantSerializer(serializers.Serializer):
    sku = serializers.CharField()
    name = serializers.CharField()
    options = serializers.JSONField()
    currency = serializers.CharField()
    price = serializers.SerializerMethodField()
    compare_at_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    in_stock = serializers.SerializerMethodField()

    def get_price(self, variant: ProductVariant) -> str:
        return str(variant.price_for(self.context["channel"]))

    def get_in_stock(self, variant: ProductVariant) -> bool:
        return (
            variant.stock_available > 0
            or variant.stock_policy == ProductVariant.StockPolicy.BACKORDER
        )


class ShopProductListSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    brand = serializers.SerializerMethodField()
    price_from = serializers.SerializerMethodField()
    currency = serializers.SerializerMethodField()
    in_stock = serializers.BooleanField()
    image = serializers.SerializerMethodField()
    variants = ShopVariantSerializer(many=True)

    def get_brand(self, product: Product) -> str | None:
        return product.brand.name if product.brand_id else None

    def get_price_from(self, product: Product) -> str | None:
        value = product.min_b2b_price if self.context["channel"] == "b2b" else product.min_price
        return str(value) if value is not None else None

    def get_currency(self, product: Product) -> str | None:
        variants = product.variants.all()
        return variants[0].currency if variants else None

    def get_image(self, product: Product) -> dict | None:
        images = product.images.all()
        return ShopImageSerializer(images[0]).data if images else None


class ShopProductDetailSerializer(ShopProductListSerializer):
    description = serializers.CharField()
    seo_title = serializers.CharField()
    seo_description = serializers.CharField()
    categories = serializers.SerializerMethodField()
    images = ShopImageSerializer(many=True)
    attributes = serializers.SerializerMethodField()

    def get_categories(self, product: Product) -> list[str]:
        return [category.slug for category in product.categories.all()]

    def get_attributes(self, product: Product) -> dict:
        return attribute_values_of(product)
