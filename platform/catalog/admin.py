"""The catalog in the store's Django admin (staff permissions come from the role layer)."""

from copy import copy
from uuid import uuid4

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from catalog import images, services
from catalog.errors import CatalogError
from catalog.events import emit_products_changed
from catalog.models import (
    Attribute,
    AttributeOption,
    Brand,
    Category,
    ImportJob,
    Product,
    ProductImage,
    ProductType,
    ProductVariant,
    StockAdjustment,
)
from config.api_input import has_null_character, null_character_message
from tenants.limits import PlanLimitReached, ensure_current_store_within_plan


@admin.register(Category)
class CategoryAdmin(TreeAdmin):
    form = movenodeform_factory(Category)
    list_display = ["name", "slug", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class AttributeOptionInline(admin.TabularInline):
    model = AttributeOption
    extra = 0
    prepopulated_fields = {"slug": ["value"]}


@admin.register(Attribute)
class AttributeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "type", "unit", "is_filterable"]
    list_filter = ["type", "is_filterable"]
    search_fields = ["name", "code"]
    inlines = [AttributeOptionInline]


@admin.register(ProductType)
class ProductTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    filter_horizontal = ["product_attributes", "variant_attributes"]
    prepopulated_fields = {"slug": ["name"]}


class ProductImageForm(forms.ModelForm):
    """Uploads from the admin pass the same checks as the API's (catalog.images)."""

    class Meta:
        model = ProductImage
        fields = ["image", "variant", "alt_text", "position"]

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if not isinstance(upload, UploadedFile):
            return upload
        try:
            clean = images.clean_image(upload=upload)
        except images.ImageRefused as error:
            raise forms.ValidationError(error.message) from error
        clean.content.name = f"{uuid4().hex}.{clean.extension}"
        self.instance.width, self.instance.height = clean.width, clean.height
        return clean.content


class ProductVariantForm(forms.ModelForm):
    """A variant as the API takes it: its options are names and texts (what the storefront
    shows), without NUL characters (which PostgreSQL cannot store)."""

    class Meta:
        model = ProductVariant
        fields = ["options"]  # the inline names the others

    def clean_options(self):
        options = self.cleaned_data["options"]
        if not isinstance(options, dict) or not all(
            isinstance(name, str) and isinstance(value, str) for name, value in options.items()
        ):
            raise forms.ValidationError('Write the options as {"size": "M", "colour": "red"}.')
        if has_null_character(options):
            raise forms.ValidationError(null_character_message())
        return options

    def clean(self):
        """Prices with the store currency's decimals, quantity rules in order
        (catalog.services.check_variant, the services' own check)."""
        cleaned = super().clean()
        candidate = copy(self.instance)
        for name in (*services.PRICE_FIELDS, *services.QUANTITY_FIELDS):
            if name in cleaned:
                setattr(candidate, name, cleaned[name])
        try:
            services.check_variant(candidate)
        except CatalogError as error:
            for name, messages in error.fields.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return cleaned


class ProductVariantInline(admin.StackedInline):
    model = ProductVariant
    form = ProductVariantForm
    extra = 0
    fields = [
        ("sku", "name", "position"),
        "options",
        ("price", "b2b_price", "compare_at_price", "cost_price"),
        ("weight_grams", "barcode"),
        ("quantity_min", "quantity_max", "quantity_step"),
        ("stock_on_hand", "stock_reserved", "stock_policy", "low_stock_threshold"),
    ]
    # Stock changes go through catalog.inventory (locks and history), not a form field.
    readonly_fields = ["stock_on_hand", "stock_reserved"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "brand", "status", "visible_b2c", "visible_b2b", "updated_at"]
    list_filter = ["status", "visible_b2c", "visible_b2b", "brand"]
    search_fields = ["name", "slug", "variants__sku"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["categories"]
    list_select_related = ["brand"]
    inlines = [ProductVariantInline]

    def add_view(self, request, form_url="", extra_context=None):
        # The plan's product limit, as for every other way of adding products: said before
        # the form is filled, and checked again under the limit's lock when it is saved.
        try:
            if request.method != "POST":
                ensure_current_store_within_plan(resource="products")
            return super().add_view(request, form_url, extra_context)
        except PlanLimitReached as refused:
            self.message_user(request, refused.message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:catalog_product_changelist"))

    def save_model(self, request, obj, form, change):
        if not change:
            ensure_current_store_within_plan(resource="products")  # in the admin's transaction
        super().save_model(request, obj, form, change)

    # Edits here are product changes like any other: summaries, search and caches follow.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        emit_products_changed([form.instance.pk])

    def delete_model(self, request, obj):
        services.delete_product(product=obj)

    def delete_queryset(self, request, queryset):
        for product in queryset:
            services.delete_product(product=product)


@admin.register(ProductImage)
class ProductImageAdmin(admin.ModelAdmin):
    form = ProductImageForm
    list_display = ["__str__", "product", "variant", "width", "height", "position"]
    list_select_related = ["product", "variant"]
    raw_id_fields = ["product", "variant"]
    readonly_fields = ["width", "height", "renditions"]

    def get_fields(self, request, obj=None):
        return ["product", *ProductImageForm.Meta.fields, "width", "height", "renditions"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data:
            transaction.on_commit(lambda: images.request_renditions(obj.pk))
        emit_products_changed([obj.product_id])

    def delete_model(self, request, obj):
        images.delete_product_image(image=obj)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            images.delete_product_image(image=image)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StockAdjustment)
class StockAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ["variant", "delta", "stock_after", "reason", "actor", "created_at"]
    list_filter = ["reason"]
    search_fields = ["variant__sku", "actor", "note"]
    list_select_related = ["variant"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["pk", "format", "dry_run", "status", "total_rows", "created_by", "created_at"]
    list_filter = ["status", "format"]
