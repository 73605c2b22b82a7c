"""Staff order API shapes: the list's filters, an order (summary and detail), action inputs."""

from decimal import Decimal

from rest_framework import serializers

from orders.models import (
    Fulfilment,
    FulfilmentStatus,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    PaymentStatus,
)
from orders.staff_selectors import OrderFilters
from payments.models import Payment
from pricing import Channel

MAX_AMOUNT = Decimal("9999999999.99")
MAX_INT = 2147483647


class StaffOrderFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
    payment_status = serializers.ChoiceField(choices=PaymentStatus.choices, required=False)
    fulfilment_status = serializers.ChoiceField(choices=FulfilmentStatus.choices, required=False)
    payment_method = serializers.CharField(required=False, allow_blank=True, max_length=32)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    customer = serializers.IntegerField(required=False, min_value=1, max_value=MAX_INT)
    placed_from = serializers.DateField(required=False)
    placed_to = serializers.DateField(required=False)

    def validate(self, data):
        start, end = data.get("placed_from"), data.get("placed_to")
        if start and end and start > end:
            raise serializers.ValidationError({"placed_to": ["Must be on or after placed_from."]})
        return data

    def filters(self) -> OrderFilters:
        data = self.validated_data
        return OrderFilters(
            status=data.get("status", ""),
            payment_status=data.get("payment_status", ""),
            fulfilment_status=data.get("fulfilment_status", ""),
            payment_method=data.get("payment_method", "").strip(),
            channel=data.get("channel", ""),
            customer=data.get("customer"),
            placed_from=data.get("placed_from"),
            placed_to=data.get("placed_to"),
            q=data.get("q", ""),
        )


class StaffOrderSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = (
            "id",
            "number",
            "status",
            "payment_status",
            "fulfilment_status",
            "channel",
            "email",
            "user",
            "currency",
            "subtotal",
            "shipping",
            "tax",
            "discount",
            "total",
            "amount_paid",
            "amount_refunded",
            "payment_method",
            "placed_at",
            "updated_at",
        )
        read_only_fields = fields


class StaffOrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = (
            "id",
            "variant",
            "sku",
            "product_name",
            "variant_label",
            "quantity",
            "quantity_fulfilled",
            "unit_price",
            "net",
            "tax",
            "gross",
            "tax_rate",
        )
        read_only_fields = fields


class StaffOrderEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = OrderEvent
        fields = ("id", "kind", "from_status", "to_status", "actor", "note", "data", "created_at")
        read_only_fields = fields

    def get_actor(self, event) -> str:
        return event.actor.email if event.actor_id and event.actor else ""


class StaffFulfilmentSerializer(serializers.ModelSerializer):
    lines = serializers.SerializerMethodField()

    class Meta:
        model = Fulfilment
        fields = ("id", "carrier", "tracking_number", "shipped_at", "delivered_at", "lines")
        read_only_fields = fields

    def get_lines(self, fulfilment) -> dict[str, int]:
        return {str(line.order_line_id): line.quantity for line in fulfilment.lines.all()}


class StaffPaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = (
            "id",
            "method",
            "state",
            "currency",
            "amount",
            "captured_amount",
            "refunded_amount",
            "created_at",
        )
        read_only_fields = fields


class StaffOrderDetailSerializer(StaffOrderSummarySerializer):
    lines = StaffOrderLineSerializer(many=True, read_only=True)
    events = StaffOrderEventSerializer(many=True, read_only=True)
    fulfilments = StaffFulfilmentSerializer(many=True, read_only=True)
    payments = StaffPaymentSerializer(many=True, read_only=True)

    class Meta(StaffOrderSummarySerializer.Meta):
        fields = (
            *StaffOrderSummarySerializer.Meta.fields,
            "shipping_address",
            "billing_address",
            "delivery_option_name",
            "shipping_tax",
            "tax_rates",
            "prices_include_tax",
            "note",
            "lines",
            "fulfilments",
            "payments",
            "events",
        )
        read_only_fields = fields


class StaffFulfilLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_INT)


class StaffFulfilSerializer(serializers.Serializer):
    lines = StaffFulfilLineSerializer(many=True, allow_empty=False, max_length=500)
    carrier = serializers.CharField(required=False, allow_blank=True, max_length=100)
    tracking_number = serializers.CharField(required=False, allow_blank=True, max_length=100)


class StaffNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class StaffOptionalNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class StaffAmountSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), max_value=MAX_AMOUNT
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class StaffRefundSerializer(StaffAmountSerializer):
    payment = serializers.IntegerField(min_value=1, max_value=MAX_INT)


class NotificationSettingsSerializer(serializers.Serializer):
    notify_staff_email = serializers.CharField(
        allow_blank=True,
        max_length=254,
        trim_whitespace=True,
        help_text="Where new-order, quote-request and accepted-quote emails go; empty: none.",
    )
