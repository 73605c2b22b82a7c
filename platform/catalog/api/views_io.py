"""Catalog API for images, imports/export and stock adjustments.

Each view validates input, calls one service or selector of the catalog and responds; who may
call it is declared in ``required_permissions`` and decided by the one permission layer.
Another store's objects do not exist here (each store is its own schema): they answer 404.
"""

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import RequiresPermission
from catalog import exports, images, imports
from catalog.api import serializers_io as serializers
from catalog.inventory import adjust_stock
from catalog.models import ImportJob, Product, ProductImage, ProductVariant, StockAdjustment
from config.pagination import BoundedPageSize
from idempotency.api import IdempotentCreateMixin


class Page(BoundedPageSize, PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CatalogView(APIView):
    permission_classes = [RequiresPermission]


# --- Images ------------------------------------------------------------------------------------


@extend_schema(tags=["catalog"])
class ProductImageListView(IdempotentCreateMixin, CatalogView):
    """A product's images (GET), or upload one (POST, multipart: image, alt_text, position,
    variant). Renditions appear once the background task has made them."""

    required_permissions = {"GET": "catalog.view_productimage", "POST": "catalog.add_productimage"}
    # A file travels in multipart only (a urlencoded form cannot carry one).
    parser_classes = [MultiPartParser]

    @extend_schema(responses=serializers.ProductImageSerializer(many=True))
    def get(self, request, product_id: int):
        product = get_object_or_404(Product, pk=product_id)
        listed = ProductImage.objects.filter(product=product)
        return Response(serializers.ProductImageSerializer(listed, many=True).data)

    @extend_schema(
        request=serializers.ProductImageUploadSerializer,
        responses={201: serializers.ProductImageSerializer},
    )
    def post(self, request, product_id: int):
        product = get_object_or_404(Product, pk=product_id)
        form = serializers.ProductImageUploadSerializer(
            data=request.data, context={"product": product}
        )
        form.is_valid(raise_exception=True)
        image = images.add_product_image(
            product=product,
            upload=form.validated_data["image"],
            alt_text=form.validated_data.get("alt_text", ""),
            position=form.validated_data.get("position"),
            variant=form.validated_data.get("variant"),
        )
        body = serializers.ProductImageSerializer(image).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(tags=["catalog"])
class ProductImageDetailView(CatalogView):
    """One image of a product: read, change alt text / position / variant, or delete."""

    required_permissions = {
        "GET": "catalog.view_productimage",
        "PATCH": "catalog.change_productimage",
        "DELETE": "catalog.delete_productimage",
    }

    def _image(self, product_id: int, image_id: int) -> ProductImage:
        return get_object_or_404(
            ProductImage.objects.select_related("product"), pk=image_id, product_id=product_id
        )

    @extend_schema(responses=serializers.ProductImageSerializer)
    def get(self, request, product_id: int, image_id: int):
        image = self._image(product_id, image_id)
        return Response(serializers.ProductImageSerializer(image).data)

    @extend_schema(
        request=serializers.ProductImageChangeSerializer,
        responses=serializers.ProductImageSerializer,
    )
    def patch(self, request, product_id: int, image_id: int):
        image = self._image(product_id, image_id)
        form = serializers.ProductImageChangeSerializer(
            data=request.data, context={"product": image.product}, partial=True
        )
        form.is_valid(raise_exception=True)
        image = images.update_product_image(image=image, data=form.validated_data)
        return Response(serializers.ProductImageSerializer(image).data)

    @extend_schema(responses={204: None})
    def delete(self, request, product_id: int, image_id: int):
        images.delete_product_image(image=self._image(product_id, image_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Stock -------------------------------------------------------------------------------------


@extend_schema(tags=["catalog"])
class StockAdjustmentListView(IdempotentCreateMixin, CatalogView):
    """A variant's stock history, newest first (GET), or a change of its stock (POST)."""

    required_permissions = {
        "GET": "catalog.view_stockadjustment",
        "POST": "catalog.add_stockadjustment",
    }
    pagination_class = Page

    @extend_schema(responses=serializers.StockAdjustmentSerializer(many=True))
    def get(self, request, variant_id: int):
        variant = get_object_or_404(ProductVariant, pk=variant_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            StockAdjustment.objects.filter(variant=variant), request, view=self
        )
        return paginator.get_paginated_response(
            serializers.StockAdjustmentSerializer(page, many=True).data
        )

    @extend_schema(
        request=serializers.StockAdjustmentInputSerializer,
        responses={201: serializers.StockAdjustmentSerializer},
    )
    def post(self, request, variant_id: int):
        variant = get_object_or_404(ProductVariant, pk=variant_id)
        form = serializers.StockAdjustmentInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        adjustment = adjust_stock(
            variant_id=variant.pk, actor=request.user.email, **form.validated_data
        )
        body = serializers.StockAdjustmentSerializer(adjustment).data
        return Response(body, status=status.HTTP_201_CREATED)


# --- Imports and export ------------------------------------------------------------------------


@extend_schema(tags=["catalog"])
class ImportJobListView(IdempotentCreateMixin, CatalogView):
    """Recent imports (GET), or upload a CSV/JSON file to import (POST, multipart: file,
    dry_run, default true). Answers 202: the job runs in the background; poll it."""

    required_permissions = {"GET": "catalog.view_importjob", "POST": "catalog.add_importjob"}
    parser_classes = [MultiPartParser]
    pagination_class = Page

    @extend_schema(responses=serializers.ImportJobSerializer(many=True))
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(ImportJob.objects.all(), request, view=self)
        return paginator.get_paginated_response(
            serializers.ImportJobSerializer(page, many=True).data
        )

    @extend_schema(
        request=serializers.ImportUploadSerializer,
        responses={202: serializers.ImportJobSerializer},
    )
    def post(self, request):
        form = serializers.ImportUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        job = imports.start_import(
            upload=form.validated_data["file"],
            dry_run=form.validated_data["dry_run"],
            actor=request.user.email,
        )
        job.refresh_from_db()
        body = serializers.ImportJobSerializer(job).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["catalog"])
class ImportJobDetailView(CatalogView):
    """An import's status, progress, counts and row-by-row errors."""

    required_permissions = {"GET": "catalog.view_importjob"}

    @extend_schema(responses=serializers.ImportJobSerializer)
    def get(self, request, job_id: int):
        job = get_object_or_404(ImportJob, pk=job_id)
        return Response(serializers.ImportJobSerializer(job).data)


@extend_schema(tags=["catalog"])
class ImportJobCommitView(CatalogView):
    """Import for real the file of a dry run that passed (409 otherwise). Answers 202."""

    required_permissions = {"POST": "catalog.change_importjob"}

    @extend_schema(request=None, responses={202: serializers.ImportJobSerializer})
    def post(self, request, job_id: int):
        job = imports.commit_import(job=get_object_or_404(ImportJob, pk=job_id))
        job.refresh_from_db()
        body = serializers.ImportJobSerializer(job).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@extend_schema(
    tags=["catalog"],
    parameters=[OpenApiParameter("format", str, enum=list(EXPORT_TYPES), default="csv")],
    responses={
        (200, "text/csv"): OpenApiTypes.STR,
        # One object per row, with the CSV's columns as keys.
        (200, "application/json"): build_array_type(build_basic_type(OpenApiTypes.OBJECT)),
    },
)
class CatalogExportView(CatalogView):
    """The whole catalog, streamed, in the import's columns (an export imports back)."""

    required_permissions = {"GET": "catalog.view_product"}

    def perform_content_negotiation(self, request, force=False):
        # ``?format=csv`` names the file format here, not one of DRF's renderers.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request):
        file_format = request.query_params.get("format", "csv")
        if file_format not in EXPORT_TYPES:
            raise ValidationError({"format": ["Use csv or json."]})
        columns = exports.export_columns()
        stream = exports.stream_csv if file_format == "csv" else exports.stream_json
        response = StreamingHttpResponse(
            stream(exports.export_rows(), columns), content_type=EXPORT_TYPES[file_format]
        )
        response["Content-Disposition"] = f'attachment; filename="catalog.{file_format}"'
        return response
