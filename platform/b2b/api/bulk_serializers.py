"""Input and output of the bulk purchasing API (quick order, CSV upload, reorder, requisition
lists). Quantities are taken as typed (a number or a string) so that a bad one is reported on
its row instead of refusing the whole request; money is a string in the store's currency."""

from drf_spectacular.utils import OpenApiExample, extend_schema_field
from rest_framework import serializers

from b2b.bulk.lines import MAX_LINES
from b2b.models import RequisitionList

MAX_TYPED = 200  # a typed SKU or quantity longer than this is refused by the serializer


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "maxLength": 30}]})
class TypedQuantity(serializers.Field):
    """A quantity as the client sent it: a whole number, or a string of one; anything else is
    reported on its row (``invalid_quantity``)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and len(data) > 30:
            raise serializers.ValidationError("At most 30 characters.")
        return data

    def to_representation(self, value):
        return value


class QuickOrderLineSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=MAX_TYPED, allow_blank=True, trim_whitespace=True)
    quantity = TypedQuantity(
        required=False, allow_null=True, help_text="Left out or null: the variant's minimum."
    )


class BoundedLines:
    """Refuses more than MAX_LINES lines on the ``lines`` field itself, before each line is
    read (a clear "split the order", not a per-element error)."""

    def to_internal_value(self, data):
        lines = data.get("lines") if hasattr(data, "get") else None
        if isinstance(lines, list) and len(lines) > MAX_LINES:
            raise serializers.ValidationError(
                {"lines": [f"At most {MAX_LINES} lines at once: split the order."]}
            )
        return super().to_internal_value(data)


class QuickOrderSerializer(BoundedLines, serializers.Serializer):
    lines = QuickOrderLineSerializer(many=True, min_length=1)
    validate_only = serializers.BooleanField(
        default=False,
        help_text="True: answer the row-by-row report without changing the cart.",
    )


class CsvOrderSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV (UTF-8): a SKU and a quantity column, header optional; at most 500 "
        "rows and 256 KB."
    )
    validate_only = serializers.BooleanField(default=False)


class RowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="1-based, as the client sent the lines or file.")
    sku = serializers.CharField()
    quantity = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=["ok", "not_found", "unavailable", "invalid_quantity"])
    reason = serializers.CharField(help_text="Why not (empty when ok).")
    field = serializers.CharField(help_text="`sku` or `quantity`: what the reason is about.")
    variant = serializers.IntegerField(source="variant_id", allow_null=True)
    product_name = serializers.CharField()
    unit_price = serializers.SerializerMethodField()
    line_total = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    available = serializers.IntegerField(
        allow_null=True, help_text="How many can be bought now (null: no stock limit)."
    )
    in_cart = serializers.IntegerField(help_text="What your cart already holds of it.")

    def get_unit_price(self, row) -> str | None:
        return str(row.unit_price.amount) if row.unit_price is not None else None


class ReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text="Every row can be ordered as asked.")
    added = serializers.BooleanField(help_text="Lines were added to your cart by this request.")
    currency = serializers.CharField()
    subtotal = serializers.DecimalField(max_digits=20, decimal_places=2)
    rows = RowSerializer(many=True)


def report_data(report, *, added: bool) -> dict:
    """The report as :class:`ReportSerializer` documents it, built directly: up to 500 rows,
    where DRF's field-by-field serialization was most of a 100-line quick order's time."""
    return {
        "ok": report.ok,
        "added": added,
        "currency": report.currency,
        "subtotal": str(report.subtotal),
        "rows": [_row(row) for row in report.rows],
    }


def _row(row) -> dict:
    total = row.line_total
    return {
        "row": row.row,
        "sku": row.sku,
        "quantity": row.quantity,
        "status": row.status,
        "reason": row.reason,
        "field": row.field,
        "variant": row.variant_id,
        "product_name": row.product_name,
        "unit_price": str(row.unit_price.amount) if row.unit_price is not None else None,
        "line_total": str(total) if total is not None else None,
        "available": row.available,
        "in_cart": row.in_cart,
    }


class RequisitionListSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=RequisitionList.Kind.choices, read_only=True)
    created_by = serializers.SerializerMethodField()
    line_count = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_created_by(self, obj) -> str | None:
        return obj.created_by.email if obj.created_by_id else None


class RequisitionLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    variant = serializers.IntegerField(source="variant_id", allow_null=True)
    sku = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()


class RequisitionListDetailSerializer(RequisitionListSerializer):
    line_count = None
    can_edit = serializers.BooleanField(read_only=True)
    lines = RequisitionLineSerializer(many=True, source="lines.all")


class CreateListSerializer(BoundedLines, serializers.Serializer):
    name = serializers.CharField(max_length=MAX_TYPED, allow_blank=True)
    kind = serializers.ChoiceField(
        choices=RequisitionList.Kind.choices, default=RequisitionList.Kind.REQUISITION
    )
    from_cart = serializers.BooleanField(
        default=False, help_text="True: the list holds your cart's lines (a saved cart)."
    )
    lines = QuickOrderLineSerializer(many=True, required=False)


class RenameListSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=MAX_TYPED, allow_blank=True)


class ListLineSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=MAX_TYPED)
    quantity = TypedQuantity()


class AddListToCartSerializer(serializers.Serializer):
    lines = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=9223372036854775807),
        required=False,
        max_length=MAX_LINES,
        help_text="The ids of the list's lines to add; left out: every line.",
    )


QUICK_ORDER_EXAMPLE = OpenApiExample(
    "Check three lines without changing the cart",
    request_only=True,
    value={
        "lines": [
            {"sku": "MUG-BLUE", "quantity": 24},
            {"sku": "MUG-RED", "quantity": "5"},
            {"sku": "NO-SUCH-SKU", "quantity": 1},
        ],
        "validate_only": True,
    },
)
REPORT_EXAMPLE = OpenApiExample(
    "The row-by-row report",
    response_only=True,
    value={
        "ok": False,
        "added": False,
        "currency": "USD",
        "subtotal": "288.00",
        "rows": [
            {
                "row": 1,
                "sku": "MUG-BLUE",
                "quantity": 24,
                "status": "ok",
                "reason": "",
                "field": "",
                "variant": 42,
                "product_name": "Enamel mug",
                "unit_price": "12.00",
                "line_total": "288.00",
                "available": 130,
                "in_cart": 0,
            },
            {
                "row": 2,
                "sku": "MUG-RED",
                "quantity": 5,
                "status": "invalid_quantity",
                "reason": "Sold in steps of 6 from 6 (6, 12, 18…).",
                "field": "quantity",
                "variant": 43,
                "product_name": "Enamel mug",
                "unit_price": "12.00",
                "line_total": None,
                "available": None,
                "in_cart": 0,
            },
            {
                "row": 3,
                "sku": "NO-SUCH-SKU",
                "quantity": 1,
                "status": "not_found",
                "reason": "No product has this SKU.",
                "field": "sku",
                "variant": None,
                "product_name": "",
                "unit_price": None,
                "line_total": None,
                "available": None,
                "in_cart": 0,
            },
        ],
    },
)
REFUSED_EXAMPLE = OpenApiExample(
    "Refused: nothing was added",
    response_only=True,
    status_codes=["400"],
    value={
        "error": {
            "code": "invalid_lines",
            "message": "2 of 3 lines cannot be ordered as asked: nothing was added.",
            "fields": {
                "lines.1.quantity": ["Sold in steps of 6 from 6 (6, 12, 18…)."],
                "lines.2.sku": ["No product has this SKU."],
            },
        }
    },
)
CREATE_LIST_EXAMPLE = OpenApiExample(
    "A list of two lines",
    request_only=True,
    value={"name": "Monthly office supplies", "lines": [{"sku": "MUG-BLUE", "quantity": 24}]},
)
SAVE_CART_EXAMPLE = OpenApiExample(
    "Save my cart for later",
    request_only=True,
    value={"name": "Cart of 3 March", "kind": "saved_cart", "from_cart": True},
)
