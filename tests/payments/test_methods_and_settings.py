"""What checkout offers (payments.selectors.methods_for_checkout) and the store's settings
(payments.services.set_method_settings): COD only when enabled, allowed by the delivery option
and within the maximum, with its fee; settings refused field by field, nothing saved."""

from decimal import Decimal

import pytest
from django.db import connection

import money
from payments import gateway, selectors, services
from payments.demo import set_up_demo_payments
from payments.errors import PaymentError
from payments.models import PaymentMethodSettings
from shipping import selectors as shipping_selectors
from shipping.demo import seed_demo_shipping
from tests.shipping.conftest import option, parcel, to, zone

# Every registered method, as the refusal lists them (more are added by each provider).
KNOWN = ", ".join(sorted(code for code, _ in gateway.choices()))

pytestmark = pytest.mark.django_db
# Every registered method (cash on delivery and the online providers), as refusals name them.
KNOWN = ", ".join(sorted(code for code, _ in gateway.choices()))


def usd(amount) -> money.Money:
    return money.Money(Decimal(amount), "USD")


@pytest.fixture
def options(in_store_a):
    domestic = zone("Domestic", ["US"])
    return {
        "courier": option(domestic, "Courier", price="5", allows_cash_on_delivery=True),
        "post": option(domestic, "Post", price="3", allows_cash_on_delivery=False),
    }


def offered(total, delivery_option) -> list[tuple[str, str]]:
    methods = selectors.methods_for_checkout(total=usd(total), delivery_option=delivery_option)
    return [(method.code, str(method.fee)) for method in methods]


def test_nothing_is_offered_until_the_store_enables_a_method(options):
    assert offered("20", options["courier"]) == []
    assert selectors.payments_are_set_up() is False


def test_cod_is_offered_with_its_fee_where_the_delivery_option_allows_it(options):
    services.set_method_settings(
        data={"enabled_methods": ["cod"], "cod_fee": "2.50", "cod_instructions": "Exact change"}
    )

    assert offered("20", options["courier"]) == [("cod", "$2.50")]
    assert offered("20", options["post"]) == []  # the option does not allow COD
    assert offered("20", None) == []  # no delivery option chosen yet
    method = selectors.offered_method("cod", total=usd("20"), delivery_option=options["courier"])
    assert (method.name, method.instructions, method.action_kind) == (
        "Cash on delivery",
        "Exact change",
        "none",
    )
    assert selectors.payments_are_set_up() is True


def test_cod_is_offered_up_to_its_maximum_order_value(options):
    services.set_method_settings(data={"enabled_methods": ["cod"], "cod_max_order_value": "500"})

    assert offered("499.99", options["courier"]) == [("cod", "$0.00")]
    assert offered("500.00", options["courier"]) == [("cod", "$0.00")]
    assert offered("500.01", options["courier"]) == []

    services.set_method_settings(data={"cod_max_order_value": None})  # no maximum
    assert offered("100000", options["courier"]) == [("cod", "$0.00")]


def test_shippings_offered_option_answers_like_the_model(options):
    services.set_method_settings(data={"enabled_methods": ["cod"]})
    quoted = shipping_selectors.options_for(address=to("US"), parcel=parcel())
    by_name = {quote.name: quote for quote in quoted}

    assert offered("20", by_name["Courier"]) == [("cod", "$0.00")]
    assert offered("20", by_name["Post"]) == []


def test_checking_what_is_offered_is_one_query(options):
    services.set_method_settings(data={"enabled_methods": ["cod"]})
    from tests.shipping.conftest import count_queries

    assert count_queries(lambda: offered("20", options["courier"])) == 1


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"enabled_methods": ["cod", "bitcoin"]}, {"enabled_methods": [
            f"Unknown method(s): bitcoin. Known: {KNOWN}."]}),
        ({"enabled_methods": "cod"}, {"enabled_methods": ["A list of method codes."]}),
        ({"cod_fee": "-1"}, {"cod_fee": ["Must be 0 or more."]}),
        ({"cod_fee": "2.555"}, {"cod_fee": [
            "USD amounts have at most 2 decimals (such as 12.50)."]}),
        ({"cod_fee": "1e10"}, {"cod_fee": ["Must be less than $10,000,000,000.00."]}),
        ({"cod_fee": "lots"}, {"cod_fee": ["Enter an amount, such as 12.50."]}),
        ({"cod_max_order_value": "0"}, {"cod_max_order_value": [
            "Must be more than 0. Empty: no maximum."]}),
        ({"cod_max_order_value": "-5"}, {"cod_max_order_value": [
            "Must be more than 0. Empty: no maximum."]}),
        ({"cod_instructions": "x" * 1001}, {"cod_instructions": [
            "At most 1,000 characters (this has 1,001)."]}),
        ({"colour": "red"}, {"colour": ["Not a payment setting."]}),
        ({"cod_fee": "-1", "cod_max_order_value": "0"}, {
            "cod_fee": ["Must be 0 or more."],
            "cod_max_order_value": ["Must be more than 0. Empty: no maximum."]}),
    ],
)  # fmt: skip
def test_bad_settings_are_refused_field_by_field_and_nothing_is_saved(in_store_a, data, errors):
    services.set_method_settings(data={"enabled_methods": ["cod"], "cod_fee": "1.00"})

    with pytest.raises(PaymentError) as refused:
        services.set_method_settings(data=data)

    assert refused.value.fields == errors
    saved = PaymentMethodSettings.objects.get()
    assert (saved.enabled_methods, saved.cod_fee, saved.cod_max_order_value) == (
        ["cod"],
        Decimal("1.00"),
        None,
    )


def test_a_zero_decimal_store_takes_whole_fees_only(in_store_a):
    connection.tenant.currency = "JPY"
    try:
        with pytest.raises(PaymentError) as refused:
            services.set_method_settings(data={"cod_fee": "300.50"})
        assert refused.value.fields == {
            "cod_fee": ["JPY amounts are whole numbers, without decimals (such as 1200)."]
        }
        services.set_method_settings(data={"cod_fee": "300"})
        assert PaymentMethodSettings.objects.get().cod_fee == 300
    finally:
        connection.tenant.currency = "USD"


def test_the_demo_offers_cash_on_delivery_up_to_500_and_is_set_once(in_store_a):
    assert seed_demo_shipping() is True
    assert set_up_demo_payments() is True

    courier = shipping_selectors.options_for(address=to("US"), parcel=parcel())[0]
    assert offered("500", courier) == [("cod", "$0.00")]
    assert offered("500.01", courier) == []

    services.set_method_settings(data={"enabled_methods": []})  # the owner changed their mind
    assert set_up_demo_payments() is False
    assert PaymentMethodSettings.objects.get().enabled_methods == []


def test_each_store_has_its_own_settings(in_store_a, store_b):
    services.set_method_settings(data={"enabled_methods": ["cod"], "cod_fee": "3"})

    connection.set_tenant(store_b)
    assert selectors.method_settings().enabled_methods == []
    assert selectors.payments_are_set_up() is False
