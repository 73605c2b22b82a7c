"""Serializers of the catalog's images, imports and stock adjustments (input and output)."""

from django.core.files.storage import default_storage
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.imports import progress_of
from catalog.models import ImportJob, ProductImage, ProductVariant, StockAdjustment
from config.api_input import column_bounds

# --- Images ------------------------------------------------------------------------------------


class ProductImageSerializer(serializers.ModelSerializer):
    image = serializers.SerializerMethodField()
    renditions = serializers.SerializerMethodField()

    class Meta:
        model = ProductImage
        fields = [
            "id",
            "product",
            "variant",
            "image",
            "width",
            "height",
            "alt_text",
            "position",
            "renditions",
            "created_at",
        ]
        read_only_fields = fields

    def get_image(self, image: ProductImage) -> str:
        return image.image.url

    def get_renditions(self, image: ProductImage) -> dict[str, str]:
        return {name: default_storage.url(path) for name, path in image.renditions.items()}


@extend_schema_field(OpenApiTypes.INT)
class _VariantOfProduct(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return ProductVariant.objects.filter(product_id=self.context["product"].pk)


class ProductImageUploadSerializer(serializers.Serializer):
    # A FileField, not an ImageField: Pillow checks happen once, in catalog.images.
    image = serializers.FileField()
    alt_text = serializers.CharField(max_length=250, required=False, allow_blank=True)
    position = serializers.IntegerField(required=False, **column_bounds(ProductImage, "position"))
    variant = _VariantOfProduct(required=False, allow_null=True)


class ProductImageChangeSerializer(serializers.Serializer):
    alt_text = serializers.CharField(max_length=250, required=False, allow_blank=True)
    position = serializers.IntegerField(required=False, **column_bounds(ProductImage, "position"))
    variant = _VariantOfProduct(required=False, allow_null=True)


# --- Imports -----------------------------------------------------------------------------------


class ImportJobSerializer(serializers.ModelSerializer):
    processed_rows = serializers.SerializerMethodField()
    progress_percent = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "format",
            "dry_run",
            "status",
            "total_rows",
            "processed_rows",
            "progress_percent",
            "products_created",
            "products_updated",
            "variants_created",
            "variants_updated",
            "errors",
            "created_by",
            "created_at",
            "updated_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_processed_rows(self, job: ImportJob) -> int:
        return progress_of(job)

    def get_progress_percent(self, job: ImportJob) -> int:
        if not job.total_rows:
            return 100 if job.finished_at else 0
        return min(100, progress_of(job) * 100 // job.total_rows)


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=True)


# --- Stock -------------------------------------------------------------------------------------


class StockAdjustmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = StockAdjustment
        fields = ["id", "variant", "delta", "stock_after", "reason", "note", "actor", "created_at"]
        read_only_fields = fields


class StockAdjustmentInputSerializer(serializers.Serializer):
    delta = serializers.IntegerField(**column_bounds(StockAdjustment, "delta"))
    reason = serializers.ChoiceField(choices=StockAdjustment.Reason.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate_delta(self, delta: int) -> int:
        if delta == 0:
            raise serializers.ValidationError("Give a change other than 0.")
        return delta
