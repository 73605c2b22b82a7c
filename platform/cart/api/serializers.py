"""The cart API's input and output. Money is a string quantized to the store's currency
("12.50" in USD, "1200" in JPY); what a line costs is never read from the client."""

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from cart.rules import MAX_QUANTITY

BIGINT_MAX = 9223372036854775807


class AddLineSerializer(serializers.Serializer):
    variant = serializers.IntegerField(
        min_value=1, max_value=BIGINT_MAX, help_text="The id of the variant to add."
    )
    quantity = serializers.IntegerField(
        min_value=1,
        max_value=MAX_QUANTITY,
        default=1,
        help_text="How many to add to the line (added to what the cart has of the variant).",
    )


class SetQuantitySerializer(serializers.Serializer):
    quantity = serializers.IntegerField(
        min_value=1,
        max_value=MAX_QUANTITY,
        help_text="The line's new quantity (removing is DELETE).",
    )


class CartLineSerializer(serializers.Serializer):
    variant = serializers.IntegerField(
        source="variant_id", allow_null=True, help_text="Null: the variant was deleted."
    )
    sku = serializers.CharField()
    product_id = serializers.IntegerField(allow_null=True)
    product_name = serializers.CharField()
    product_slug = serializers.CharField()
    variant_label = serializers.CharField()
    image_url = serializers.CharField(allow_null=True)
    quantity = serializers.IntegerField()
    unit_price = serializers.SerializerMethodField()
    compare_at = serializers.SerializerMethodField()
    line_total = serializers.SerializerMethodField()
    available = serializers.BooleanField(
        help_text="Whether the line can be bought as it is (sold to you, in stock, within "
        "its limits); lines that cannot are left out of the subtotal."
    )
    stock_available = serializers.IntegerField(
        allow_null=True, help_text="Null: no stock limit (backorders allowed)."
    )
    quantity_min = serializers.IntegerField()
    quantity_max = serializers.IntegerField(allow_null=True)
    quantity_step = serializers.IntegerField()
    notices = serializers.ListField(
        child=serializers.CharField(),
        help_text='What changed since the line was added: "Price changed: was $12.00, now '
        '$10.00", "Only 2 left", "Out of stock", "No longer available".',
    )

    def get_unit_price(self, line) -> str:
        return str(line.unit_price.amount)

    def get_compare_at(self, line) -> str | None:
        compare_at = line.unit_price.compare_at
        return str(compare_at) if compare_at is not None else None

    def get_line_total(self, line) -> str:
        return str(line.line_total.amount)


class CartSerializer(serializers.Serializer):
    token = serializers.CharField(
        allow_null=True,
        help_text="An anonymous cart's token: send it back as `X-Cart-Token`. Null for the "
        "cart of a signed-in person or an API key (found by the credentials), and before "
        "anything was added.",
    )
    version = serializers.IntegerField(help_text="Bumped by every change of the cart.")
    currency = serializers.CharField()
    lines = CartLineSerializer(many=True)
    subtotal = serializers.SerializerMethodField()
    item_count = serializers.IntegerField()
    line_count = serializers.IntegerField()
    notices = serializers.ListField(
        child=serializers.CharField(),
        help_text="What the last sign-in's merge changed, until the cart next changes.",
    )

    def get_subtotal(self, view) -> str:
        return str(view.subtotal.amount)


def cart_data(view) -> dict:
    """What :class:`CartSerializer` makes of a ``cart.selectors.CartView``, built directly:
    every cart answer is this, and DRF's field machinery (copied for every request, one call
    per field per line) cost more than the rest of the answer. ``CartSerializer`` describes
    it in the OpenAPI schema; tests hold the two equal."""
    return {
        "token": view.token,
        "version": view.version,
        "currency": view.currency,
        "lines": [_line_data(line) for line in view.lines],
        "subtotal": str(view.subtotal.amount),
        "item_count": view.item_count,
        "line_count": view.line_count,
        "notices": list(view.notices),
    }


def _line_data(line) -> dict:
    compare_at = line.unit_price.compare_at
    return {
        "variant": line.variant_id,
        "sku": line.sku,
        "product_id": line.product_id,
        "product_name": line.product_name,
        "product_slug": line.product_slug,
        "variant_label": line.variant_label,
        "image_url": line.image_url,
        "quantity": line.quantity,
        "unit_price": str(line.unit_price.amount),
        "compare_at": str(compare_at) if compare_at is not None else None,
        "line_total": str(line.line_total.amount),
        "available": line.available,
        "stock_available": line.stock_available,
        "quantity_min": line.quantity_min,
        "quantity_max": line.quantity_max,
        "quantity_step": line.quantity_step,
        "notices": list(line.notices),
    }


CART_EXAMPLE = OpenApiExample(
    "A cart with a changed price",
    response_only=True,
    value={
        "token": "5b0f7f8e-3c1a-4d8e-9a57-0f4f8a1f2c3d",
        "version": 4,
        "currency": "USD",
        "lines": [
            {
                "variant": 42,
                "sku": "MUG-BLUE",
                "product_id": 7,
                "product_name": "Enamel mug",
                "product_slug": "enamel-mug",
                "variant_label": "Blue",
                "image_url": "/media/store/products/mug_thumbnail.jpg",
                "quantity": 3,
                "unit_price": "10.00",
                "compare_at": "15.00",
                "line_total": "30.00",
                "available": True,
                "stock_available": 12,
                "quantity_min": 1,
                "quantity_max": None,
                "quantity_step": 1,
                "notices": ["Price changed: was $12.00, now $10.00"],
            }
        ],
        "subtotal": "30.00",
        "item_count": 3,
        "line_count": 1,
        "notices": [],
    },
)
ADD_EXAMPLE = OpenApiExample(
    "Add two of a variant", request_only=True, value={"variant": 42, "quantity": 2}
)
SET_EXAMPLE = OpenApiExample("Change the quantity", request_only=True, value={"quantity": 5})
REFUSED_EXAMPLE = OpenApiExample(
    "Refused: not enough stock",
    response_only=True,
    status_codes=["400"],
    value={
        "error": {
            "code": "invalid",
            "message": "Only 2 left.",
            "fields": {"quantity": ["Only 2 left."]},
        }
    },
)
