"""The store admin's products: list (filters, search, bulk actions, export), inspect, form.

A ``ModelViewSet`` of Wagtail whose views never write a model: the form's views
(catalog.store_admin.product_views) and the bulk actions here call catalog.services,
catalog.inventory and catalog.images. Who may do what is the one permission layer's answer
(``user.has_perm``, backed by accounts.permissions): catalog managers and the owner edit,
support only reads, and every refusal here is a 403 page (Wagtail's default would send the
person to the dashboard with a message, which a refused POST should not look like).
"""

from django import forms
from django.core.files.storage import default_storage
from django.db.models import Exists, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.viewsets.model import ModelViewSet

import money
from catalog import services
from catalog.models import Brand, Category, Product, ProductVariant
from catalog.store_admin.product_forms import CategoryChoice
from catalog.store_admin.product_views import (
    TEMPLATES,
    ProductCreateView,
    ProductEditView,
    RefusedWith403,
    refused,
)
from pricing import Channel

# --- The list ----------------------------------------------------------------------------------


class StockLevel:
    IN = "in"
    OUT = "out"
    LOW = "low"
    CHOICES = [(IN, "In stock"), (OUT, "Out of stock"), (LOW, "Low stock")]


class CategoryFilter(ModelChoiceFilter):
    field_class = CategoryChoice


class ProductFilterSet(WagtailFilterSet):
    category = CategoryFilter(
        queryset=Category.objects.order_by("path"),
        method="filter_category",
        label="Category",
        help_text="Includes its subcategories.",
    )
    brand = ModelChoiceFilter(queryset=Brand.objects.all(), label="Brand")
    status = ChoiceFilter(choices=Product.Status.choices, label="Status")
    channel = ChoiceFilter(choices=Channel.choices, method="filter_channel", label="Channel")
    stock = ChoiceFilter(choices=StockLevel.CHOICES, method="filter_stock", label="Stock")

    class Meta:
        model = Product
        fields = ["category", "brand", "status"]

    def filter_category(self, queryset, name, category):
        # A materialised path prefix is the whole subtree; Exists keeps one row per product.
        in_subtree = Product.categories.through.objects.filter(
            product=OuterRef("pk"), category__path__startswith=category.path
        )
        return queryset.filter(Exists(in_subtree))

    def filter_channel(self, queryset, name, channel):
        if channel == Channel.B2B:
            return queryset.filter(visible_b2b=True)
        return queryset.filter(visible_b2c=True)

    def filter_stock(self, queryset, name, level):
        if level == StockLevel.IN:
            return queryset.filter(in_stock=True)
        if level == StockLevel.OUT:
            return queryset.filter(in_stock=False)
        available = F("stock_on_hand") - F("stock_reserved")
        low = ProductVariant.objects.annotate(available=available).filter(
            product=OuterRef("pk"),
            available__gt=0,
            available__lte=F("low_stock_threshold"),
        )
        return queryset.filter(Exists(low))


def thumbnail_url(product: Product) -> str:
    """The first image's thumbnail (its original until Celery has made the rendition)."""
    images = (product.listing or {}).get("images") or []
    if not images:
        return ""
    first = images[0]
    path = (first.get("renditions") or {}).get("thumbnail") or first.get("image")
    return default_storage.url(path) if path else ""


def skus_of(product: Product) -> str:
    return ", ".join(variant["sku"] for variant in (product.listing or {}).get("variants", []))


def price_range(product: Product) -> str:
    if product.min_price is None:
        return "No price"
    currency = money.store_currency()
    if product.min_price == product.max_price:
        return money.format_money(product.min_price, currency)
    low, high = (money.format_money(p, currency) for p in (product.min_price, product.max_price))
    return f"{low} to {high}"


def stock_summary(product: Product) -> str:
    label = "In stock" if product.in_stock else "Out of stock"
    return f"{label} · {product.stock_available} available"


def channels_of(product: Product) -> str:
    return " + ".join(
        name
        for name, shown in (("B2C", product.visible_b2c), ("B2B", product.visible_b2b))
        if shown
    )


class ThumbnailColumn(Column):
    cell_template_name = f"{TEMPLATES}/thumbnail_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["url"] = thumbnail_url(instance)
        return context


class ProductIndexView(RefusedWith403, generic.IndexView):
    template_name = f"{TEMPLATES}/index.html"
    search_fields = ["name"]  # and SKUs: search_queryset
    filterset_class = ProductFilterSet
    default_ordering = "name"
    list_export = ["name", "skus", "price_range", "stock", "status", "channels", "brand"]
    export_headings = {
        "name": "Name",
        "skus": "SKUs",
        "price_range": "Price",
        "stock": "Stock",
        "status": "Status",
        "channels": "Channels",
        "brand": "Brand",
    }

    def get_base_queryset(self):
        # Everything the list shows comes from the product row (its summary and listing) and
        # one aggregate subquery: the query count does not grow with products or variants.
        stock = (
            ProductVariant.objects.filter(product=OuterRef("pk"))
            .order_by()
            .values("product")
            .annotate(total=Sum(F("stock_on_hand") - F("stock_reserved")))
            .values("total")
        )
        return (
            Product.objects.select_related("brand")
            .annotate(stock_available=Coalesce(Subquery(stock, output_field=IntegerField()), 0))
            .defer("description", "attribute_tokens")
        )

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        query = self.search_query
        by_sku = ProductVariant.objects.filter(product=OuterRef("pk"), sku__icontains=query)
        return queryset.filter(Q(name__icontains=query) | Q(Exists(by_sku)))

    @cached_property
    def can_change(self) -> bool:
        return self.request.user.has_perm("catalog.change_product")

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["can_change"] = self.can_change
        return context

    @cached_property
    def columns(self):
        # Support reads the list: no boxes to tick for actions it may not take.
        ticks = [BulkActionsCheckboxColumn("bulk_actions", obj_type="product")]
        return [
            *(ticks if self.can_change else []),
            ThumbnailColumn("thumbnail", label=""),
            self._get_title_column(
                "name", get_title_id=lambda product: f"product_{product.pk}_title"
            ),
            Column("skus", label="SKU", accessor=skus_of),
            Column("price", label="Price", accessor=price_range, sort_key="min_price"),
            Column("stock", label="Stock", accessor=stock_summary),
            Column("status", label="Status", accessor="get_status_display", sort_key="status"),
            Column("channels", label="Channel", accessor=channels_of),
        ]

    def to_row_dict(self, item):
        values = {
            "name": item.name,
            "skus": skus_of(item),
            "price_range": price_range(item),
            "stock": stock_summary(item),
            "status": item.get_status_display(),
            "channels": channels_of(item),
            "brand": item.brand.name if item.brand else "",
        }
        return {field: values[field] for field in self.list_export}


class ProductInspectView(RefusedWith403, generic.InspectView):
    template_name = f"{TEMPLATES}/inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        product = self.object
        context["variants"] = list(product.variants.all())
        context["images"] = [
            {"image": image, "url": image.image.url if image.image else ""}
            for image in product.images.all()
        ]
        context["categories"] = list(product.categories.all())
        context["attribute_values"] = list(
            product.attribute_values.select_related("attribute").prefetch_related("options")
        )
        context["description"] = product.description
        context["price_range"] = price_range(product)
        context["channels"] = channels_of(product)
        return context


class ProductDeleteView(RefusedWith403, generic.DeleteView):
    def delete_action(self):
        services.delete_product(product=self.object)


class ProductViewSet(ModelViewSet):
    model = Product
    icon = "form"
    menu_label = "Products"
    name = "products"
    add_to_admin_menu = False
    list_per_page = 25
    export_filename = "products"
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = ProductIndexView
    add_view_class = ProductCreateView
    edit_view_class = ProductEditView
    inspect_view_class = ProductInspectView
    delete_view_class = ProductDeleteView
    # The views build their own forms (catalog.store_admin.product_forms); this only keeps
    # ModelViewSet from asking for form fields.
    form_fields = ["name"]
    inspect_view_fields = ["name", "slug", "status", "brand", "product_type"]


# --- Bulk actions ------------------------------------------------------------------------------


class ProductBulkAction(BulkAction):
    """A bulk action on the products ticked in the list, through the catalog's services."""

    models = [Product]
    permission = "catalog.change_product"
    template_name = f"{TEMPLATES}/bulk_confirm.html"
    verb = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            return refused(request)
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def get_queryset(cls, model, object_ids):
        # Only numbers are product ids ("all", and anything typed into the URL, select none:
        # an action applies to the products a person ticked and sees named on this page).
        ids = [int(pk) for pk in object_ids if str(pk).isdigit() and len(str(pk)) < 19]
        return list(Product.objects.filter(pk__in=ids).order_by("name"))

    def check_perm(self, obj):
        return self.request.user.has_perm(self.permission)

    def get_execution_context(self):
        return {"actor": self.request.user.email, "form": self.cleaned_form}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["verb"] = self.verb
        context["action"] = self
        return context

    def get_success_message(self, num_parent_objects, num_child_objects):
        noun = "product" if num_parent_objects == 1 else "products"
        return f"{num_parent_objects} {noun} {self.done}."


class StatusBulkAction(ProductBulkAction):
    status = None

    @classmethod
    def execute_action(cls, objects, **kwargs):
        # Wagtail runs the action in one transaction: all of them change, or none.
        for product in objects:
            services.update_product(product=product, data={"status": cls.status})
        return len(objects), 0


class PublishProducts(StatusBulkAction):
    display_name = "Publish"
    action_type = "publish"
    aria_label = "Publish the selected products"
    action_priority = 10
    status = Product.Status.ACTIVE
    verb = "Publish"
    done = "published"


class ArchiveProducts(StatusBulkAction):
    display_name = "Archive"
    action_type = "archive"
    aria_label = "Archive the selected products"
    action_priority = 20
    status = Product.Status.ARCHIVED
    verb = "Archive"
    done = "archived"


class MoveToCategoryForm(forms.Form):
    category = CategoryChoice(
        queryset=Category.objects.order_by("path"),
        label="Move to category",
        help_text="The products will be in this category only.",
    )


class MoveProductsToCategory(ProductBulkAction):
    display_name = "Move to category"
    action_type = "move_to_category"
    aria_label = "Move the selected products to a category"
    action_priority = 30
    form_class = MoveToCategoryForm
    verb = "Move"
    done = "moved"

    @classmethod
    def execute_action(cls, objects, form=None, **kwargs):
        category = form.cleaned_data["category"]
        for product in objects:
            services.update_product(product=product, data={}, categories=[category])
        return len(objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        category = self.cleaned_form.cleaned_data["category"]
        noun = "product" if num_parent_objects == 1 else "products"
        return f"{num_parent_objects} {noun} moved to {category}."


class DeleteProducts(ProductBulkAction):
    display_name = "Delete"
    action_type = "delete"
    aria_label = "Delete the selected products"
    action_priority = 40
    classes = {"serious"}
    permission = "catalog.delete_product"
    verb = "Delete"
    done = "deleted"

    @classmethod
    def execute_action(cls, objects, **kwargs):
        for product in objects:
            services.delete_product(product=product)
        return len(objects), 0


BULK_ACTIONS = (PublishProducts, ArchiveProducts, MoveProductsToCategory, DeleteProducts)
