"""Payments API bodies: the store's method settings (staff), the methods offered at checkout
(public), an order's payments and the staff's "paid on delivery" and refunds."""

from rest_framework import serializers

import money
from config.api_input import column_bounds
from payments import gateway
from payments.models import (
    INSTRUCTIONS_MAX_LENGTH,
    Payment,
    PaymentEvent,
    PaymentMethodSettings,
    Refund,
)
from payments.services import NOTE_MAX_LENGTH


def _amount(model, field_name: str, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(**column_bounds(model, field_name), **kwargs)


class MethodSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MethodSettingsSerializer(serializers.Serializer):
    enabled_methods = serializers.ListField(
        child=serializers.CharField(max_length=32),
        max_length=50,
        required=False,
        help_text="Codes of the methods offered at checkout (of `available_methods`).",
    )
    cod_fee = _amount(
        PaymentMethodSettings,
        "cod_fee",
        min_value=0,
        required=False,
        help_text="Cash on delivery's fee, added to the order; 0: none. In `currency`.",
    )
    cod_max_order_value = _amount(
        PaymentMethodSettings,
        "cod_max_order_value",
        required=False,
        allow_null=True,
        help_text="Orders above this total are not offered cash on delivery; null: any total.",
    )
    cod_instructions = serializers.CharField(
        max_length=INSTRUCTIONS_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Shown to the shopper at checkout.",
    )
    currency = serializers.SerializerMethodField()
    available_methods = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def get_currency(self, obj) -> str:
        return money.store_currency()

    def get_available_methods(self, obj) -> list[dict]:
        return MethodSerializer(
            [{"code": code, "name": name} for code, name in gateway.choices()], many=True
        ).data


class OfferedParamsSerializer(serializers.Serializer):
    total = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text="The order's total before any method's fee, in the store's currency.",
    )
    delivery_option = serializers.IntegerField(
        min_value=1,
        max_value=2_147_483_647,
        required=False,
        allow_null=True,
        default=None,
        help_text="The chosen delivery option's id; without one, cash on delivery is not offered.",
    )


class OfferedMethodSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    fee = serializers.SerializerMethodField()
    fee_display = serializers.SerializerMethodField()
    instructions = serializers.CharField()
    action_kind = serializers.ChoiceField(choices=gateway.ActionKind.choices)

    def get_fee(self, obj) -> str:
        return str(obj.fee.amount)

    def get_fee_display(self, obj) -> str:
        return str(obj.fee)


class OfferedSerializer(serializers.Serializer):
    currency = serializers.CharField()
    methods = OfferedMethodSerializer(many=True)


class PaymentEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = PaymentEvent
        fields = ["kind", "from_state", "to_state", "amount", "actor", "note", "data", "created_at"]

    def get_actor(self, obj) -> str | None:
        return obj.actor.email if obj.actor_id and obj.actor else None


class RefundRowSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    reason = serializers.CharField(source="note", read_only=True)

    class Meta:
        model = Refund
        fields = [
            "id",
            "amount",
            "currency",
            "state",
            "source",
            "provider_reference",
            "moved_money",
            "actor",
            "reason",
            "created_at",
        ]
        read_only_fields = fields

    def get_actor(self, obj) -> str | None:
        return obj.actor.email if obj.actor_id and obj.actor else None


class PaymentSerializer(serializers.ModelSerializer):
    order_id = serializers.IntegerField(read_only=True)
    refundable_amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    events = PaymentEventSerializer(many=True, read_only=True)
    refunds = RefundRowSerializer(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "order_id",
            "method",
            "state",
            "currency",
            "amount",
            "captured_amount",
            "refunded_amount",
            "refundable_amount",
            "provider_reference",
            "flags",
            "message",
            "created_at",
            "updated_at",
            "events",
            "refunds",
        ]
        read_only_fields = fields


class MarkPaidSerializer(serializers.Serializer):
    amount = _amount(
        Payment,
        "captured_amount",
        min_value=0,
        help_text="What was received, in the order's currency.",
    )
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True)


class CaptureSerializer(serializers.Serializer):
    amount = _amount(
        Payment,
        "captured_amount",
        min_value=0,
        required=False,
        allow_null=True,
        help_text="What to capture, at most what was authorised; omitted: all of it.",
    )
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True)


class StartPaymentSerializer(serializers.Serializer):
    checkout_token = serializers.UUIDField(
        help_text="The order's `checkout_token` (in the answer that placed it)."
    )
    method = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text="The method's code (of the methods offered); default: the order's.",
    )


class ActionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=gateway.ActionKind.choices)
    url = serializers.CharField(allow_blank=True)
    client_secret = serializers.CharField(allow_blank=True)
    data = serializers.DictField()


class ShopperPaymentSerializer(serializers.Serializer):
    """A payment as its shopper sees it (no history, no staff notes)."""

    token = serializers.UUIDField()
    order_number = serializers.IntegerField(source="order.number")
    method = serializers.CharField()
    state = serializers.ChoiceField(choices=gateway.PaymentState.choices)
    currency = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    captured_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    message = serializers.CharField()
    pay_url = serializers.CharField()
    action = ActionSerializer()
