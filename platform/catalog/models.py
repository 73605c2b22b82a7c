"""The catalog of a store: categories, brands, attributes, products, variants, images, stock.

Lives in each store's schema. Prices are Decimal with the store's currency; stock changes are
made by catalog.inventory with row locks and recorded as adjustments.
"""

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from treebeard.mp_tree import MP_Node
from wagtail.images import get_image_model_string

ZERO = Decimal("0")


class Category(MP_Node):
    """A node of the category tree (any depth). Materialised paths make a whole subtree one
    indexed ``path LIKE 'prefix%'`` query; moves that would create a cycle are refused."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    seo_title = models.CharField(max_length=120, blank=True)
    seo_description = models.CharField(max_length=300, blank=True)
    # A merchant content image (Wagtail's, with its renditions), shown on the storefront's
    # category cards and page header; deleting the image leaves the category without one.
    image = models.ForeignKey(
        get_image_model_string(),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Brand(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Attribute(models.Model):
    """A typed property (material, screen size, waterproof...) products or variants can carry."""

    class Type(models.TextChoices):
        TEXT = "text", "Text"
        NUMBER = "number", "Number"
        CHOICE = "choice", "Choice"
        MULTI_CHOICE = "multi_choice", "Multiple choice"
        BOOLEAN = "boolean", "Yes / no"

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    type = models.CharField(max_length=16, choices=Type.choices)
    unit = models.CharField(max_length=16, blank=True, help_text="For numbers: cm, kg, GB...")
    is_filterable = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AttributeOption(models.Model):
    """One allowed value of a choice or multi-choice attribute."""

    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="options")
    value = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "value"]
        constraints = [
            models.UniqueConstraint(fields=["attribute", "slug"], name="catalog_option_unique")
        ]

    def __str__(self) -> str:
        return self.value


class ProductType(models.Model):
    """A kind of product (T-shirt, laptop): which attributes its products and variants take."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    product_attributes = models.ManyToManyField(Attribute, blank=True, related_name="product_types")
    variant_attributes = models.ManyToManyField(
        Attribute, blank=True, related_name="variant_product_types"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True, help_text="Rich text (HTML).")
    product_type = models.ForeignKey(
        ProductType, null=True, blank=True, on_delete=models.PROTECT, related_name="products"
    )
    brand = models.ForeignKey(
        Brand, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="products")
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Channels: where the product is sold. Prices per channel live on the variants.
    visible_b2c = models.BooleanField(default=True)
    visible_b2b = models.BooleanField(default=True)
    seo_title = models.CharField(max_length=120, blank=True)
    seo_description = models.CharField(max_length=300, blank=True)
    # Summary of the variants, kept by catalog.summaries.refresh_product_summaries, so that
    # listing, filtering and sorting by price or stock never aggregates variants per request.
    min_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    max_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    min_b2b_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    max_b2b_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    in_stock = models.BooleanField(default=False)
    # Read model of the storefront, rebuilt with the summary: the variants and images as a
    # shopper sees them ({"variants": [...], "images": [...]}), so a listing is one query.
    listing = models.JSONField(default=dict, blank=True, editable=False)
    # Every attribute value of the product and its variants as "<attribute id>:<value>"
    # (catalog.summaries.attribute_token), GIN-indexed: an attribute filter is one lookup.
    attribute_tokens = ArrayField(models.TextField(), default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "visible_b2c", "created_at"]),
            models.Index(fields=["status", "min_price"]),
            models.Index(fields=["status", "min_b2b_price"]),
            models.Index(fields=["status", "name"]),
            GinIndex(fields=["attribute_tokens"], name="catalog_product_attr_tokens"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(visible_b2c=True) | Q(visible_b2b=True),
                name="catalog_product_in_a_channel",
                violation_error_message="A product is sold on B2C, B2B or both.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProductVariant(models.Model):
    """What is actually bought: a SKU with its own options, prices and stock."""

    class StockPolicy(models.TextChoices):
        DENY = "deny", "Stop selling when out of stock"
        BACKORDER = "backorder", "Allow backorders"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200, blank=True)
    # Option values that tell variants apart, e.g. {"size": "M", "colour": "red"}.
    options = models.JSONField(default=dict, blank=True)
    # In the store's currency (Tenant.currency): a variant has no currency of its own.
    price = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(ZERO)], db_index=True
    )
    # The B2B channel's list price; empty means the B2C price. Price lists come on top (B2B).
    b2b_price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )
    compare_at_price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )
    cost_price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )
    weight_grams = models.PositiveIntegerField(null=True, blank=True)
    barcode = models.CharField(max_length=64, blank=True)
    stock_on_hand = models.IntegerField(default=0)
    stock_reserved = models.PositiveIntegerField(default=0)
    stock_policy = models.CharField(
        max_length=16, choices=StockPolicy.choices, default=StockPolicy.DENY
    )
    low_stock_threshold = models.PositiveIntegerField(default=0)
    # What one cart line may hold: at least quantity_min, at most quantity_max (none: no
    # limit but the stock), in steps of quantity_step counted from quantity_min.
    quantity_min = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    quantity_max = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    quantity_step = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_variant_price_gte_0"),
            models.CheckConstraint(
                condition=Q(stock_policy="backorder") | Q(stock_on_hand__gte=0),
                name="catalog_variant_stock_gte_0_unless_backorder",
            ),
            models.CheckConstraint(
                condition=Q(quantity_min__gte=1) & Q(quantity_step__gte=1),
                name="catalog_variant_quantity_min_step_gte_1",
            ),
            models.CheckConstraint(
                condition=Q(quantity_max__isnull=True) | Q(quantity_max__gte=F("quantity_min")),
                name="catalog_variant_quantity_max_gte_min",
            ),
        ]

    def __str__(self) -> str:
        return self.sku

    @property
    def stock_available(self) -> int:
        return self.stock_on_hand - self.stock_reserved


class AttributeValue(models.Model):
    """The value of one attribute on one product or one variant, stored by type."""

    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="values")
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.CASCADE, related_name="attribute_values"
    )
    variant = models.ForeignKey(
        ProductVariant,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attribute_values",
    )
    text = models.CharField(max_length=500, blank=True)
    number = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    boolean = models.BooleanField(null=True, blank=True)
    options = models.ManyToManyField(AttributeOption, blank=True, related_name="values")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(product__isnull=False) & Q(variant__isnull=True))
                | (Q(product__isnull=True) & Q(variant__isnull=False)),
                name="catalog_value_on_product_or_variant",
            ),
            models.UniqueConstraint(
                fields=["attribute", "product"],
                condition=Q(product__isnull=False),
                name="catalog_value_once_per_product",
            ),
            models.UniqueConstraint(
                fields=["attribute", "variant"],
                condition=Q(variant__isnull=False),
                name="catalog_value_once_per_variant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attribute.code}={self.text or self.number or self.boolean}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    variant = models.ForeignKey(
        ProductVariant, null=True, blank=True, on_delete=models.SET_NULL, related_name="images"
    )
    image = models.ImageField(upload_to="products/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    alt_text = models.CharField(max_length=250, blank=True)
    position = models.PositiveIntegerField(default=0)
    # Rendition name -> storage path, filled by a Celery task after upload.
    renditions = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text or self.image.name


class StockAdjustment(models.Model):
    """One change of a variant's stock on hand: who, when, why, and the result."""

    class Reason(models.TextChoices):
        RECEIVED = "received", "Received"
        SOLD = "sold", "Sold"
        RETURNED = "returned", "Returned"
        DAMAGED = "damaged", "Damaged or lost"
        CORRECTION = "correction", "Stock count correction"
        IMPORT = "import", "Import"

    variant = models.ForeignKey(
        ProductVariant, on_delete=models.CASCADE, related_name="stock_adjustments"
    )
    delta = models.IntegerField()
    stock_after = models.IntegerField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    note = models.CharField(max_length=300, blank=True)
    actor = models.CharField(max_length=254, blank=True, help_text="Who made the change.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.variant_id} {self.delta:+d} ({self.reason})"


class ImportJob(models.Model):
    """A catalog import: the uploaded file, where it stands, and its row-by-row report.

    A dry run validates every row and stops at ``validated`` (clean) or ``failed`` (with
    errors); committing a clean dry run, or an import sent without a dry run, writes every row
    in one transaction and ends ``done`` or ``failed`` (nothing written).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        VALIDATING = "validating", "Validating"
        VALIDATED = "validated", "Validated (dry run passed)"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "JSON"

    file = models.FileField(upload_to="imports/")
    format = models.CharField(max_length=8, choices=Format.choices)
    dry_run = models.BooleanField(default=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    products_created = models.PositiveIntegerField(default=0)
    products_updated = models.PositiveIntegerField(default=0)
    variants_created = models.PositiveIntegerField(default=0)
    variants_updated = models.PositiveIntegerField(default=0)
    # [{"row": 2, "field": "price", "message": "..."}]; row numbers as the merchant sees them.
    errors = models.JSONField(default=list, blank=True)
    created_by = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.status})"
