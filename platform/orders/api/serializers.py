"""Shapes of the shopper's order API (read only: the writes are actions)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from orders.models import Fulfilment, Order, OrderLine


class OrderSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = [
            "number",
            "placed_at",
            "status",
            "payment_status",
            "fulfilment_status",
            "currency",
            "total",
        ]
        read_only_fields = fields


class OrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = [
            "sku",
            "product_name",
            "variant_label",
            "quantity",
            "unit_price",
            "net",
            "tax",
            "gross",
            "tax_rate",
            "quantity_fulfilled",
        ]
        read_only_fields = fields


class FulfilmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Fulfilment
        fields = ["carrier", "tracking_number", "shipped_at", "delivered_at"]
        read_only_fields = fields


class TimelineStepSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    title = serializers.CharField()
    detail = serializers.CharField()
    kind = serializers.CharField()


class OrderTaxRateSerializer(serializers.Serializer):
    name = serializers.CharField(required=False)
    rate = serializers.CharField(required=False)
    net = serializers.CharField(required=False)
    tax = serializers.CharField(required=False)
    gross = serializers.CharField(required=False)


class OrderDetailSerializer(serializers.ModelSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)
    fulfilments = FulfilmentSerializer(many=True, read_only=True)
    tax_rates = OrderTaxRateSerializer(many=True, read_only=True)
    timeline = serializers.SerializerMethodField()
    can_cancel = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "number",
            "placed_at",
            "status",
            "payment_status",
            "fulfilment_status",
            "email",
            "currency",
            "subtotal",
            "discount",
            "shipping",
            "shipping_tax",
            "tax",
            "total",
            "prices_include_tax",
            "tax_rates",
            "shipping_address",
            "billing_address",
            "delivery_option_name",
            "payment_method",
            "note",
            "lines",
            "fulfilments",
            "timeline",
            "can_cancel",
        ]
        read_only_fields = fields

    @extend_schema_field(TimelineStepSerializer(many=True))
    def get_timeline(self, order) -> list[dict]:
        from orders import shopper

        return TimelineStepSerializer(shopper.timeline(order), many=True).data

    def get_can_cancel(self, order) -> bool:
        from orders import state

        return order.status in state.CANCELLABLE_BY_SHOPPER


class NotAddedSerializer(serializers.Serializer):
    item = serializers.CharField()
    reason = serializers.CharField()


class ReorderSerializer(serializers.Serializer):
    added = serializers.ListField(child=serializers.CharField())
    not_added = NotAddedSerializer(many=True)
