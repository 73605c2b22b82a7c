"""What the B2B order API reads and answers (b2b.api.purchasing)."""

from drf_spectacular.utils import OpenApiExample, extend_schema_field
from rest_framework import serializers

from b2b.purchasing.selectors import decision_of
from checkout.api.serializers import CheckoutAddressSerializer
from orders.models import PO_NUMBER_MAX_LENGTH, OrderStatus

BIGINT_MAX = 2**63 - 1
QUANTITY_MAX = 2147483647


class OrderLineInSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64, help_text="The variant's SKU.")
    quantity = serializers.IntegerField(min_value=1, max_value=QUANTITY_MAX)


class CompanyOrderCreateSerializer(serializers.Serializer):
    lines = OrderLineInSerializer(many=True, allow_empty=False, max_length=250)
    po_number = serializers.CharField(
        max_length=PO_NUMBER_MAX_LENGTH,
        allow_blank=True,
        required=False,
        default="",
        help_text="Your purchase-order number: unique within your company (400 when reused).",
    )
    location = serializers.IntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        required=False,
        help_text="The id of one of your company's locations (GET /api/v1/b2b/company/"
        "locations/): ship to its shipping address and bill its billing address. Give "
        "`location` or `shipping_address`, not both.",
    )
    shipping_address = CheckoutAddressSerializer(
        required=False, help_text="Where to ship, typed out; or give `location` instead."
    )
    billing_address = CheckoutAddressSerializer(
        required=False,
        help_text="Omit to bill the shipping address (or the location's billing address).",
    )
    delivery_option = serializers.IntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        required=False,
        help_text="A delivery option's id; omitted: the cheapest offered for the address.",
    )
    payment_method = serializers.CharField(
        max_length=32,
        required=False,
        default="invoice",
        help_text="`invoice` (default: your company's terms and credit limit apply).",
    )
    email = serializers.EmailField(
        max_length=254, required=False, default="", help_text="Default: the key's creator."
    )
    note = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")

    def validate(self, attrs):
        if ("location" in attrs) == ("shipping_address" in attrs):
            message = "Give either a location or a shipping address (exactly one)."
            raise serializers.ValidationError({"location": [message]})
        return attrs


class OrderDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        required=False,
        default="",
        help_text="Required to reject: the buyer reads it.",
    )


class OrdersFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
    updated_since = serializers.DateTimeField(
        required=False, help_text="Only orders changed at or after this moment (ISO 8601)."
    )


class OrderLineOutSerializer(serializers.Serializer):
    sku = serializers.CharField()
    product_name = serializers.CharField()
    variant_label = serializers.CharField()
    quantity = serializers.IntegerField()
    quantity_fulfilled = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    gross = serializers.DecimalField(max_digits=12, decimal_places=2)


class DecisionOutSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approved", "rejected"])
    by = serializers.EmailField(allow_null=True)
    at = serializers.DateTimeField()
    note = serializers.CharField()


class CompanyOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    payment_status = serializers.CharField()
    fulfilment_status = serializers.CharField()
    po_number = serializers.CharField()
    payment_method = serializers.CharField()
    placed_by = serializers.SerializerMethodField()
    currency = serializers.CharField()
    subtotal = serializers.DecimalField(max_digits=12, decimal_places=2)
    shipping = serializers.DecimalField(max_digits=12, decimal_places=2)
    tax = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount_paid = serializers.DecimalField(max_digits=12, decimal_places=2)
    shipping_address = serializers.JSONField()
    delivery_option_name = serializers.CharField()
    lines = OrderLineOutSerializer(many=True)
    approval = serializers.SerializerMethodField()
    placed_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_placed_by(self, order) -> str | None:
        return order.user.email if order.user_id else None

    @extend_schema_field(DecisionOutSerializer(allow_null=True))
    def get_approval(self, order) -> dict | None:
        event = decision_of(order)
        if event is None:
            return None
        return DecisionOutSerializer(
            {
                "decision": "approved" if event.to_status == OrderStatus.PENDING else "rejected",
                "by": event.actor.email if event.actor_id else None,
                "at": event.created_at,
                "note": event.note,
            }
        ).data


ADDRESS = {
    "full_name": "Receiving dock",
    "company_name": "Acme Ltd",
    "line1": "1 Market St",
    "city": "San Francisco",
    "region": "CA",
    "postal_code": "94105",
    "country": "US",
}
PLACE_EXAMPLE = OpenApiExample(
    "Place an order by SKU",
    value={
        "lines": [{"sku": "MUG-1", "quantity": 24}, {"sku": "LAMP-2", "quantity": 2}],
        "po_number": "PO-2026-0042",
        "shipping_address": ADDRESS,
    },
    request_only=True,
)
PLACE_AT_LOCATION_EXAMPLE = OpenApiExample(
    "Place an order shipped to one of your locations",
    value={
        "lines": [{"sku": "MUG-1", "quantity": 24}],
        "po_number": "PO-2026-0043",
        "location": 3,
    },
    request_only=True,
)
LOCATION_EXAMPLE = OpenApiExample(
    "A location that is not one of your company's",
    value={
        "error": {
            "code": "invalid",
            "message": "No location of your company has this id.",
            "fields": {"location": ["No location of your company has this id."]},
        }
    },
    response_only=True,
    status_codes=["400"],
)
ORDER_EXAMPLE = OpenApiExample(
    "An order awaiting approval",
    value={
        "id": 17,
        "number": 1017,
        "status": "awaiting_approval",
        "payment_status": "unpaid",
        "fulfilment_status": "unfulfilled",
        "po_number": "PO-2026-0042",
        "payment_method": "invoice",
        "placed_by": "buyer@acme.example",
        "currency": "USD",
        "subtotal": "310.00",
        "shipping": "5.00",
        "tax": "0.00",
        "total": "315.00",
        "amount_paid": "0.00",
        "shipping_address": ADDRESS,
        "delivery_option_name": "Standard",
        "lines": [
            {
                "sku": "MUG-1",
                "product_name": "Mug",
                "variant_label": "",
                "quantity": 24,
                "quantity_fulfilled": 0,
                "unit_price": "10.00",
                "gross": "240.00",
            }
        ],
        "approval": None,
        "placed_at": "2026-11-30T14:05:00Z",
        "updated_at": "2026-11-30T14:05:00Z",
    },
    response_only=True,
)
CREDIT_EXAMPLE = OpenApiExample(
    "Above the credit limit",
    value={
        "error": {
            "code": "credit_limit_exceeded",
            "message": "Credit limit exceeded: ...",
            "fields": {"payment_method": ["Credit limit exceeded: ..."]},
        }
    },
    response_only=True,
    status_codes=["400"],
)
PO_EXAMPLE = OpenApiExample(
    "PO number used before",
    value={
        "error": {
            "code": "po_number_in_use",
            "message": "PO number PO-2026-0042 is already used by order #1011.",
            "fields": {"po_number": ["Already used by order #1011."]},
        }
    },
    response_only=True,
    status_codes=["400"],
)
REJECT_EXAMPLE = OpenApiExample(
    "Reject with a reason", value={"note": "Over budget this quarter."}, request_only=True
)
