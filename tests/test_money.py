"""The money module: the only place amounts are rounded and converted to minor units."""

from decimal import Decimal

import pytest

import money
from money import Money


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("12.345", "USD", Decimal("12.35")),  # half up, not banker's rounding
        ("12.344", "USD", Decimal("12.34")),
        ("0.125", "EUR", Decimal("0.13")),
        ("1199.5", "JPY", Decimal("1200")),  # yen has no minor unit
        ("1199.49", "JPY", Decimal("1199")),
        ("1.2345", "KWD", Decimal("1.235")),  # three decimals
        ("-2.005", "USD", Decimal("-2.01")),
    ],
)
def test_amounts_round_half_up_to_the_currencys_minor_units(amount, currency, expected):
    rounded = money.quantize(Decimal(amount), currency)
    assert rounded == expected
    assert rounded.as_tuple().exponent == -money.minor_units(currency)


def test_minor_units_follow_iso_4217():
    assert money.minor_units("USD") == 2
    assert money.minor_units("jpy") == 0
    assert money.minor_units("KRW") == 0
    assert money.minor_units("BHD") == 3
    with pytest.raises(money.UnknownCurrency):
        money.minor_units("US")


def test_conversions_to_and_from_minor_units_round_trip():
    assert money.to_minor_units(Decimal("12.34"), "USD") == 1234
    assert money.to_minor_units(Decimal("1200"), "JPY") == 1200
    assert money.to_minor_units(Decimal("0.005"), "USD") == 1
    assert money.from_minor_units(1234, "USD") == Decimal("12.34")
    assert money.from_minor_units(1200, "JPY") == Decimal("1200")
    assert money.from_minor_units(1235, "KWD") == Decimal("1.235")
    for cents in (0, 1, 99, 100, 123456789):
        assert money.to_minor_units(money.from_minor_units(cents, "EUR"), "EUR") == cents


def test_an_amount_fits_a_currency_only_with_its_decimals():
    assert money.fits_currency(Decimal("12.50"), "USD")
    assert money.fits_currency(Decimal("1200"), "JPY")
    assert money.fits_currency(Decimal("1200.00"), "JPY")
    assert not money.fits_currency(Decimal("12.5"), "JPY")
    assert not money.fits_currency(Decimal("1.001"), "USD")
    assert not money.fits_currency("not a number", "USD")


def test_amounts_are_formatted_with_the_currencys_symbol_and_decimals():
    assert money.format_money(Decimal("1234.5"), "USD") == "$1,234.50"
    assert money.format_money(Decimal("1200"), "JPY") == "¥1,200"
    assert money.format_money(Decimal("12"), "CHF") == "CHF 12.00"
    assert money.format_money(Decimal("-3"), "EUR") == "-€3.00"
    assert money.format_money(None, "USD") == ""


def test_money_values_add_in_one_currency_only():
    total = Money(Decimal("10.005"), "USD") + Money(Decimal("2"), "USD")
    assert total == Money(Decimal("12.01"), "USD")
    assert (Money(Decimal("3.33"), "USD") * 3).amount == Decimal("9.99")
    assert Money(Decimal("1200"), "JPY").minor_units == 1200
    assert str(Money.zero("JPY")) == "¥0"
    with pytest.raises(ValueError, match="cannot combine"):
        Money(Decimal(1), "USD") + Money(Decimal(1), "EUR")


def test_every_store_currency_is_known_to_iso_4217_with_at_most_two_decimals():
    for code, label in money.CURRENCY_CHOICES:
        assert money.minor_units(code) in (0, 2)
        assert label.startswith(code)


def test_tax_rates_read_as_people_write_them():
    from catalog.templatetags.money_tags import percentage, with_rate

    assert [percentage(rate) for rate in ("7.2500", "20.0000", "5.5", "100", "0")] == [
        "7.25",
        "20",
        "5.5",
        "100",
        "0",
    ]
    assert with_rate("VAT", "20.0000") == "VAT (20%)"
    assert with_rate("California sales tax 7.25%", "7.2500") == "California sales tax 7.25%"
    assert with_rate("TVA 5,5 %", "5.5000") == "TVA 5,5 % (5.5%)"
    assert with_rate("", "8.8750") == "Tax (8.875%)"
    assert with_rate("Exempt", None) == "Exempt"
