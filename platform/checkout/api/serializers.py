"""The checkout API's input and output. Money is a string quantized to the store's currency
("12.50" in USD, "1200" in JPY); nothing a checkout costs is ever read from the client."""

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from checkout.addresses import MAX_LENGTHS
from checkout.models import NOTE_MAX_LENGTH, PAYMENT_METHOD_MAX_LENGTH

BIGINT_MAX = 9223372036854775807


def _money(value) -> str:
    return str(value.amount)


class CheckoutAddressSerializer(serializers.Serializer):
    """A postal address. What a country needs (state, postcode...) is checked by the service,
    per country (400 with the field: ``shipping_address.postal_code``)."""

    full_name = serializers.CharField(max_length=MAX_LENGTHS["full_name"], allow_blank=True)
    company_name = serializers.CharField(
        max_length=MAX_LENGTHS["company_name"], allow_blank=True, required=False
    )
    line1 = serializers.CharField(max_length=MAX_LENGTHS["line1"], allow_blank=True)
    line2 = serializers.CharField(max_length=MAX_LENGTHS["line2"], allow_blank=True, required=False)
    city = serializers.CharField(max_length=MAX_LENGTHS["city"], allow_blank=True, required=False)
    region = serializers.CharField(
        max_length=MAX_LENGTHS["region"],
        allow_blank=True,
        required=False,
        help_text='State, province or region: its code or name ("CA" or "California").',
    )
    postal_code = serializers.CharField(
        max_length=MAX_LENGTHS["postal_code"], allow_blank=True, required=False
    )
    country = serializers.CharField(
        max_length=MAX_LENGTHS["country"], help_text="ISO 3166-1 alpha-2 code, such as US."
    )
    phone = serializers.CharField(max_length=MAX_LENGTHS["phone"], allow_blank=True, required=False)


class CheckoutUpdateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, required=False)
    shipping_address = CheckoutAddressSerializer(required=False)
    shipping_address_id = serializers.IntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        required=False,
        help_text="Ship to an address of your address book (signed-in shoppers).",
    )
    billing_same_as_shipping = serializers.BooleanField(required=False)
    billing_address = CheckoutAddressSerializer(required=False)
    billing_address_id = serializers.IntegerField(min_value=1, max_value=BIGINT_MAX, required=False)
    delivery_option = serializers.IntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        required=False,
        allow_null=True,
        help_text="One of the ids of `delivery-options/` for the shipping address.",
    )
    payment_method = serializers.CharField(
        max_length=PAYMENT_METHOD_MAX_LENGTH, allow_blank=True, required=False
    )
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False)
    po_number = serializers.CharField(
        max_length=64,
        allow_blank=True,
        required=False,
        help_text="Your company's purchase-order number (unique within the company).",
    )


class CompleteSerializer(serializers.Serializer):
    expected_total = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text="The total the buyer was shown: a different total now refuses (409).",
    )
    cart_version = serializers.IntegerField(
        min_value=0,
        max_value=BIGINT_MAX,
        required=False,
        help_text="The `cart_version` the buyer reviewed: a cart changed since refuses (409).",
    )


class AddressOutSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    company_name = serializers.CharField()
    line1 = serializers.CharField()
    line2 = serializers.CharField()
    city = serializers.CharField()
    region = serializers.CharField()
    postal_code = serializers.CharField()
    country = serializers.CharField()
    phone = serializers.CharField()


class TotalsLineSerializer(serializers.Serializer):
    variant = serializers.IntegerField(source="variant_id", allow_null=True)
    sku = serializers.CharField()
    name = serializers.CharField()
    variant_label = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.SerializerMethodField()
    net = serializers.SerializerMethodField()
    tax = serializers.SerializerMethodField()
    gross = serializers.SerializerMethodField()
    tax_rate = serializers.DecimalField(max_digits=7, decimal_places=4, coerce_to_string=True)
    weight_grams = serializers.IntegerField(help_text="Of one unit.")

    def get_unit_price(self, line) -> str:
        return _money(line.unit_price)

    def get_net(self, line) -> str:
        return _money(line.net)

    def get_tax(self, line) -> str:
        return _money(line.tax)

    def get_gross(self, line) -> str:
        return _money(line.gross)


class CheckoutTaxRateSerializer(serializers.Serializer):
    name = serializers.CharField()
    rate = serializers.DecimalField(max_digits=7, decimal_places=4, coerce_to_string=True)
    net = serializers.SerializerMethodField()
    tax = serializers.SerializerMethodField()
    gross = serializers.SerializerMethodField()

    def get_net(self, rate) -> str:
        return _money(rate.net)

    def get_tax(self, rate) -> str:
        return _money(rate.tax)

    def get_gross(self, rate) -> str:
        return _money(rate.gross)


class OfferedDeliveryOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    price = serializers.SerializerMethodField()
    min_delivery_days = serializers.IntegerField(allow_null=True)
    max_delivery_days = serializers.IntegerField(allow_null=True)
    allows_cash_on_delivery = serializers.BooleanField()
    free_above = serializers.SerializerMethodField()

    def get_price(self, option) -> str:
        return _money(option.price)

    def get_free_above(self, option) -> str | None:
        return _money(option.free_above) if option.free_above is not None else None


class TotalsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    prices_include_tax = serializers.BooleanField()
    subtotal = serializers.SerializerMethodField(help_text="The lines, as prices are entered.")
    discount = serializers.SerializerMethodField()
    shipping = serializers.SerializerMethodField()
    shipping_tax = serializers.SerializerMethodField()
    cod_fee = serializers.SerializerMethodField()
    tax = serializers.SerializerMethodField(help_text="All the tax, lines and shipping.")
    total = serializers.SerializerMethodField(help_text="What the buyer pays.")
    weight_grams = serializers.IntegerField()
    tax_rates = CheckoutTaxRateSerializer(many=True)

    def get_subtotal(self, totals) -> str:
        return _money(totals.subtotal)

    def get_discount(self, totals) -> str:
        return _money(totals.discount)

    def get_shipping(self, totals) -> str:
        return _money(totals.shipping)

    def get_shipping_tax(self, totals) -> str:
        return _money(totals.shipping_tax)

    def get_cod_fee(self, totals) -> str:
        return _money(totals.cod_fee)

    def get_tax(self, totals) -> str:
        return _money(totals.tax)

    def get_total(self, totals) -> str:
        return _money(totals.total)


class PaymentMethodSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()


class OrderSerializer(serializers.Serializer):
    """The order a checkout became."""

    number = serializers.IntegerField()
    status = serializers.CharField()
    payment_status = serializers.CharField()
    fulfilment_status = serializers.CharField()
    email = serializers.CharField()
    currency = serializers.CharField()
    subtotal = serializers.CharField()
    shipping = serializers.CharField()
    tax = serializers.CharField()
    total = serializers.CharField()
    payment_method = serializers.CharField()
    po_number = serializers.CharField()
    checkout_token = serializers.CharField()
    placed_at = serializers.DateTimeField()


class CheckoutSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The checkout's token: its URL.")
    status = serializers.ChoiceField(choices=["open", "completed"])
    email = serializers.CharField()
    shipping_address = AddressOutSerializer(allow_null=True)
    billing_same_as_shipping = serializers.BooleanField()
    billing_address = AddressOutSerializer(allow_null=True)
    delivery_option = OfferedDeliveryOptionSerializer(
        allow_null=True, help_text="The chosen option as offered now (null: none chosen)."
    )
    payment_method = serializers.CharField()
    note = serializers.CharField()
    po_number = serializers.CharField()
    lines = TotalsLineSerializer(many=True)
    totals = TotalsSerializer()
    payment_methods = PaymentMethodSerializer(many=True, help_text="The methods offered.")
    missing = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="What is still needed before completing, per field ({} when ready).",
    )
    notices = serializers.ListField(
        child=serializers.CharField(),
        help_text="Lines of the cart that cannot be bought as they are (left out of totals).",
    )
    cart_version = serializers.IntegerField()
    order = OrderSerializer(allow_null=True, help_text="The order placed (null until then).")


ADDRESS_EXAMPLE = {
    "full_name": "Ana Lopez",
    "company_name": "",
    "line1": "1 Market St",
    "line2": "",
    "city": "San Francisco",
    "region": "CA",
    "postal_code": "94105",
    "country": "US",
    "phone": "+1 415 555 0100",
}
CHECKOUT_EXAMPLE = OpenApiExample(
    "A checkout ready to complete",
    response_only=True,
    value={
        "token": "9f1c2e4a-7b3d-4c5e-8a9b-0c1d2e3f4a5b",
        "status": "open",
        "email": "ana@example.com",
        "shipping_address": ADDRESS_EXAMPLE,
        "billing_same_as_shipping": True,
        "billing_address": None,
        "delivery_option": {
            "id": 3,
            "name": "Standard",
            "kind": "flat_rate",
            "price": "5.00",
            "min_delivery_days": 3,
            "max_delivery_days": 5,
            "allows_cash_on_delivery": True,
            "free_above": "100.00",
        },
        "payment_method": "cod",
        "note": "Leave it with the neighbour.",
        "lines": [
            {
                "variant": 42,
                "sku": "MUG-BLUE",
                "name": "Enamel mug",
                "variant_label": "Blue",
                "quantity": 3,
                "unit_price": "19.99",
                "net": "59.97",
                "tax": "4.35",
                "gross": "64.32",
                "tax_rate": "7.2500",
                "weight_grams": 350,
            }
        ],
        "totals": {
            "currency": "USD",
            "prices_include_tax": False,
            "subtotal": "59.97",
            "discount": "0.00",
            "shipping": "5.00",
            "shipping_tax": "0.36",
            "cod_fee": "0.00",
            "tax": "4.71",
            "total": "69.68",
            "weight_grams": 1050,
            "tax_rates": [
                {
                    "name": "California sales tax 7.25%",
                    "rate": "7.2500",
                    "net": "64.97",
                    "tax": "4.71",
                    "gross": "69.68",
                }
            ],
        },
        "payment_methods": [
            {
                "code": "cod",
                "name": "Cash on delivery",
                "description": "Pay when your order is delivered.",
            }
        ],
        "missing": {},
        "notices": [],
        "cart_version": 4,
        "order": None,
    },
)
UPDATE_EXAMPLE = OpenApiExample(
    "Give the contact and the shipping address",
    request_only=True,
    value={"email": "ana@example.com", "shipping_address": ADDRESS_EXAMPLE},
)
DELIVERY_EXAMPLE = OpenApiExample(
    "Choose delivery and payment", request_only=True,
    value={"delivery_option": 3, "payment_method": "cod"},
)  # fmt: skip
ADDRESS_REFUSED_EXAMPLE = OpenApiExample(
    "Refused: the address misses its state and ZIP code",
    response_only=True,
    status_codes=["400"],
    value={
        "error": {
            "code": "invalid",
            "message": "The checkout has invalid fields.",
            "fields": {
                "shipping_address.region": [
                    "Choose a state: an address in United States of America needs one."
                ],
                "shipping_address.postal_code": [
                    "Enter the ZIP code: an address in United States of America needs one, "
                    "such as 95014."
                ],
            },
        }
    },
)
ORDER_EXAMPLE = OpenApiExample(
    "The order placed",
    response_only=True,
    status_codes=["201", "200"],
    value={
        "number": 1001,
        "status": "pending",
        "payment_status": "unpaid",
        "fulfilment_status": "unfulfilled",
        "email": "ana@example.com",
        "currency": "USD",
        "subtotal": "59.97",
        "shipping": "5.00",
        "tax": "4.71",
        "total": "69.68",
        "payment_method": "cod",
        "checkout_token": "9f1c2e4a-7b3d-4c5e-8a9b-0c1d2e3f4a5b",
        "placed_at": "2026-11-30T09:12:00Z",
    },
)
CHANGED_EXAMPLE = OpenApiExample(
    "Refused: the cart changed since it was reviewed",
    response_only=True,
    status_codes=["409"],
    value={
        "error": {
            "code": "cart_changed",
            "message": "Your cart changed since you reviewed it: please check it again.",
            "fields": {"lines.42": ["Enamel mug: Only 2 left"]},
        }
    },
)
