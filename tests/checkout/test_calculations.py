"""checkout.calculations.totals: what a checkout costs, computed in one place."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkout import services
from checkout.calculations import LineInput, order_totals, totals
from money import Money
from pricing import Buyer, Channel
from tests.checkout.factories import (
    GB_ADDRESS,
    NY_ADDRESS,
    US_ADDRESS,
    cart_with,
    option,
    tax_rate,
    tax_settings,
    use_currency,
    variant,
    zone,
)

pytestmark = pytest.mark.django_db
ANYONE = Buyer.anonymous()


def usd(amount) -> Money:
    return Money(Decimal(amount), "USD")


def checkout_of(*lines, address=None, option_id=None, buyer=ANYONE):
    checkout = services.start_checkout(cart=cart_with(*lines), buyer=buyer)
    if address is not None:
        services.set_addresses(checkout=checkout, buyer=buyer, shipping_address=address)
    if option_id is not None:
        services.set_delivery_option(checkout=checkout, buyer=buyer, option_id=option_id)
    return checkout


def test_net_prices_with_state_tax_on_lines_and_shipping(in_store_a):
    tax_rate("US", "", "0", "No sales tax")
    tax_rate("US", "CA", "7.25", "California 7.25%")
    standard = option(zone(), "Standard", price=Decimal("5.00"))
    checkout = checkout_of((variant("19.99"), 3), address=US_ADDRESS, option_id=standard.pk)

    result = totals(checkout, ANYONE)

    assert result.subtotal == usd("59.97")
    assert result.lines[0].unit_price == usd("19.99")
    assert result.lines[0].tax == usd("4.35")  # 4.347825 rounded half up
    assert result.lines[0].gross == usd("64.32")
    assert result.lines[0].tax_rate == Decimal("7.25")
    assert result.shipping == usd("5.00")
    assert result.shipping_tax == usd("0.36")  # 0.3625
    assert result.tax == usd("4.71")
    assert result.total == usd("69.68")
    assert result.delivery_option.name == "Standard"
    assert [(rate.name, rate.tax) for rate in result.tax_rates] == [
        ("California 7.25%", usd("4.71"))
    ]
    assert result.discount == usd("0") and result.cod_fee == usd("0")


def test_another_state_pays_its_own_rate(in_store_a):
    tax_rate("US", "", "0", "No sales tax")
    tax_rate("US", "CA", "7.25", "California 7.25%")
    standard = option(zone(), "Standard", price=Decimal("5.00"))
    checkout = checkout_of((variant("19.99"), 3), address=NY_ADDRESS, option_id=standard.pk)

    result = totals(checkout, ANYONE)

    assert result.tax == usd("0")
    assert result.total == usd("64.97")


def test_rounding_per_line_and_per_total_differ_as_documented(in_store_a):
    tax_rate("US", "", "5")
    lines = [(variant("0.10"), 1), (variant("0.10"), 1), (variant("0.10"), 1)]
    checkout = checkout_of(*lines, address=NY_ADDRESS)

    per_line = totals(checkout, ANYONE)
    tax_settings(rounding="per_total")
    per_total = totals(checkout, ANYONE)

    assert [line.tax for line in per_line.lines] == [usd("0.01")] * 3  # 0.005 each, half up
    assert per_line.tax == usd("0.03")
    assert per_total.tax == usd("0.02")  # 0.015 once
    assert sum((line.tax for line in per_total.lines), usd("0")) == usd("0.02")
    assert per_total.total == usd("0.32")


def test_gross_prices_have_their_tax_extracted(in_store_a):
    tax_settings(prices_entered_with_tax=True)
    tax_rate("GB", "", "20", "VAT 20%")
    standard = option(zone("UK", ("GB",)), "Royal Mail", price=Decimal("6.00"))
    gbp = variant("12.00")
    checkout = checkout_of((gbp, 2), address=GB_ADDRESS, option_id=standard.pk)

    result = totals(checkout, ANYONE)

    assert result.prices_include_tax is True
    assert result.subtotal == usd("24.00")
    assert result.subtotal_net == usd("20.00")
    assert result.lines[0].tax == usd("4.00")
    assert result.shipping == usd("6.00")
    assert result.shipping_tax == usd("1.00")
    assert result.tax == usd("5.00")
    assert result.total == usd("30.00")  # what was shown is what is paid


def test_no_tax_on_shipping_when_the_store_says_so(in_store_a):
    tax_settings(charge_tax_on_shipping=False)
    tax_rate("US", "", "10")
    standard = option(zone(), price=Decimal("5.00"))
    checkout = checkout_of((variant("10.00"), 1), address=NY_ADDRESS, option_id=standard.pk)

    result = totals(checkout, ANYONE)

    assert result.shipping_tax == usd("0")
    assert result.tax == usd("1.00")
    assert result.total == usd("16.00")


def test_zero_decimal_currency(in_store_a):
    use_currency(in_store_a, "JPY")
    tax_rate("JP", "", "8", "Consumption tax 8%")
    standard = option(zone("Japan", ("JP",)), "Yamato", price=Decimal("500"))
    address = {"full_name": "Sato Yui", "line1": "1-1 Chiyoda", "city": "Chiyoda-ku",
               "region": "Tokyo", "postal_code": "100-0001", "country": "JP"}  # fmt: skip
    checkout = checkout_of(
        (variant("333"), 1), (variant("1000"), 3), address=address, option_id=standard.pk
    )

    result = totals(checkout, ANYONE)

    yen = lambda amount: Money(Decimal(amount), "JPY")  # noqa: E731
    assert result.currency == "JPY"
    assert [line.tax for line in result.lines] == [yen(27), yen(240)]  # 26.64 -> 27
    assert result.shipping_tax == yen(40)
    assert result.total == yen(333 + 3000 + 500 + 27 + 240 + 40)
    assert result.total.amount.as_tuple().exponent == 0  # no decimals anywhere
    assert str(result.total) == "¥4,140"


def test_shipping_free_above_the_threshold(in_store_a):
    standard = option(zone(), price=Decimal("5.00"), free_above=Decimal("50.00"))
    below = checkout_of((variant("40.00"), 1), address=NY_ADDRESS, option_id=standard.pk)
    above = checkout_of((variant("30.00"), 2), address=NY_ADDRESS, option_id=standard.pk)

    assert totals(below, ANYONE).shipping == usd("5.00")
    assert totals(above, ANYONE).shipping == usd("0.00")
    assert totals(above, ANYONE).delivery_option.is_free


def test_weight_from_the_variants_picks_the_band(in_store_a):
    bands = [
        {"from_value": Decimal(0), "to_value": Decimal(1000), "price": Decimal("4.00")},
        {"from_value": Decimal(1000), "to_value": Decimal(2000), "price": Decimal("9.00")},
    ]
    by_weight = option(zone(), "By weight", kind="weight_bands", bands=bands)
    checkout = checkout_of(
        (variant("10.00", weight=300), 2),
        (variant("10.00", weight=500), 1),
        (variant("10.00"), 1),  # no weight given: weighs nothing
        address=NY_ADDRESS,
        option_id=by_weight.pk,
    )

    result = totals(checkout, ANYONE)

    assert result.weight_grams == 1100
    assert [line.weight_grams for line in result.lines] == [300, 500, 0]  # per unit
    assert result.shipping == usd("9.00")


def test_an_option_no_longer_offered_is_left_out(in_store_a):
    standard = option(zone(), price=Decimal("5.00"))
    checkout = checkout_of((variant("10.00"), 1), address=NY_ADDRESS, option_id=standard.pk)
    standard.is_active = False
    standard.save(update_fields=["is_active"])

    result = totals(checkout, ANYONE)

    assert result.delivery_option is None
    assert result.delivery_option_unavailable is True
    assert result.shipping == usd("0")


def test_b2b_buyer_pays_the_b2b_price(in_store_a):
    checkout = checkout_of((variant("10.00", b2b_price="8.00"), 2))

    assert totals(checkout, Buyer(channel=Channel.B2B)).subtotal == usd("16.00")
    assert totals(checkout, ANYONE).subtotal == usd("20.00")


def test_order_totals_from_given_lines_keep_their_shipping(in_store_a):
    tax_rate("US", "", "10")
    lines = [
        LineInput(variant_id=None, sku="A", name="A", variant_label="", quantity=2,
                  unit_price=usd("2.50")),
    ]  # fmt: skip
    result = order_totals(lines=lines, address=NY_ADDRESS, shipping=usd("4.00"))

    assert result.subtotal == usd("5.00")
    assert result.tax == usd("0.90")
    assert result.total == usd("9.90")


def test_constant_queries_for_1_and_10_lines(in_store_a):
    tax_rate("US", "", "10")
    standard = option(zone(), price=Decimal("5.00"))
    one = checkout_of((variant(), 1), address=NY_ADDRESS, option_id=standard.pk)
    ten = checkout_of(*[(variant(), 1) for _ in range(10)], address=NY_ADDRESS,
                      option_id=standard.pk)  # fmt: skip

    def count(checkout):
        with CaptureQueriesContext(connection) as queries:
            totals(checkout, ANYONE)
        return [q["sql"][:120] for q in queries if not q["sql"].startswith("SET search_path")]

    assert len(count(one)) == len(count(ten))
    assert len(count(ten)) <= 10, count(ten)
