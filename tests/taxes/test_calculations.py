"""The tax calculation checkout calls (taxes.calculations): net and gross prices, rounding per
line and per total, zero-decimal currencies, 0% and exempt classes, places without a rate,
regions overriding their country, shipping. Pure functions: no database."""

from decimal import Decimal

import pytest

from money import Money
from taxes.calculations import (
    PER_LINE,
    PER_TOTAL,
    Rate,
    TaxableLine,
    TaxAddress,
    TaxRules,
    display_price,
    tax_for_lines,
)

STANDARD, REDUCED, ZERO, EXEMPT = 1, 2, 3, 4
FRANCE = TaxAddress(country="FR")


def usd(amount) -> Money:
    return Money(Decimal(str(amount)), "USD")


def eur(amount) -> Money:
    return Money(Decimal(str(amount)), "EUR")


def rules(**overrides) -> TaxRules:
    values = {
        "currency": "EUR",
        "default_class_id": STANDARD,
        "exempt_class_ids": frozenset({EXEMPT}),
        "rates": (
            Rate(STANDARD, "FR", "", Decimal("20"), "TVA 20%"),
            Rate(REDUCED, "FR", "", Decimal("5.5"), "TVA 5,5%"),
            Rate(ZERO, "FR", "", Decimal("0"), "TVA 0%"),
            Rate(STANDARD, "DE", "", Decimal("19"), "MwSt. 19%"),
            Rate(STANDARD, "US", "", Decimal("0"), "No state sales tax"),
            Rate(STANDARD, "US", "CA", Decimal("7.25"), "CA sales tax 7.25%"),
            Rate(STANDARD, "US", "NY", Decimal("8.875"), "NY sales tax 8.875%"),
            Rate(STANDARD, "JP", "", Decimal("10"), "消費税 10%"),
        ),
    }
    values.update(overrides)
    return TaxRules(**values)


def line(key, price, quantity=1, tax_class_id=None) -> TaxableLine:
    return TaxableLine(key=key, unit_price=price, quantity=quantity, tax_class_id=tax_class_id)


def test_net_prices_get_their_tax_added():
    breakdown = tax_for_lines(
        [line("a", eur("10.00"), 2), line("b", eur("4.99"))], address=FRANCE, settings=rules()
    )

    a, b = breakdown.lines
    assert (a.net, a.tax, a.gross) == (eur("20.00"), eur("4.00"), eur("24.00"))
    assert (b.net, b.tax, b.gross) == (eur("4.99"), eur("1.00"), eur("5.99"))  # 0.998 -> 1.00
    assert (breakdown.net, breakdown.tax, breakdown.gross) == (
        eur("24.99"),
        eur("5.00"),
        eur("29.99"),
    )
    assert a.rate == Decimal("20") and a.rate_name == "TVA 20%"
    assert breakdown.missing_rate == ()


def test_gross_prices_have_their_tax_extracted():
    breakdown = tax_for_lines(
        [line("a", eur("12.00")), line("b", eur("9.99"))],
        address=FRANCE,
        settings=rules(prices_entered_with_tax=True),
    )

    a, b = breakdown.lines
    # net = gross / 1.2, rounded; tax = what remains: the shopper pays the price as shown.
    assert (a.net, a.tax, a.gross) == (eur("10.00"), eur("2.00"), eur("12.00"))
    assert (b.net, b.tax, b.gross) == (eur("8.33"), eur("1.66"), eur("9.99"))
    assert breakdown.gross == eur("21.99")
    assert breakdown.net + breakdown.tax == breakdown.gross


def test_per_line_rounding_adds_up_each_line_s_rounded_tax():
    # Three lines of 1.665 at 20% net: 0.333 tax each, rounded per line to 0.33 each.
    lines = [line(key, Money(Decimal("1.67"), "EUR")) for key in "abc"]
    special = rules(rates=(Rate(STANDARD, "FR", "", Decimal("19.94"), "TVA"),))
    # 1.67 * 19.94% = 0.333 tax per line.
    breakdown = tax_for_lines(lines, address=FRANCE, settings=special)

    assert [taxed.tax for taxed in breakdown.lines] == [eur("0.33")] * 3
    assert breakdown.tax == eur("0.99")
    assert breakdown.rounding == PER_LINE


def test_per_total_rounding_rounds_each_rate_once_and_shares_it_over_the_lines():
    lines = [line(key, eur("1.67")) for key in "abc"]
    special = rules(rates=(Rate(STANDARD, "FR", "", Decimal("19.94"), "TVA"),), rounding=PER_TOTAL)
    breakdown = tax_for_lines(lines, address=FRANCE, settings=special)

    # 5.01 * 19.94% = 0.999 -> 1.00 once; the lines show shares that add up to it.
    assert breakdown.tax == eur("1.00")
    # The first of equal remainders gets the cent.
    assert [taxed.tax for taxed in breakdown.lines] == [eur("0.34"), eur("0.33"), eur("0.33")]
    assert breakdown.gross == eur("6.01")
    assert breakdown.rounding == PER_TOTAL


def test_per_total_rounding_of_gross_prices():
    lines = [line(key, eur("0.99")) for key in "abc"]
    per_line = tax_for_lines(lines, address=FRANCE, settings=rules(prices_entered_with_tax=True))
    per_total = tax_for_lines(
        lines, address=FRANCE, settings=rules(prices_entered_with_tax=True, rounding=PER_TOTAL)
    )

    # 0.99 / 1.2 = 0.825 -> net 0.83, tax 0.16 per line; 2.97 / 1.2 = 2.475 -> net 2.48.
    assert per_line.tax == eur("0.48") and per_line.net == eur("2.49")
    assert per_total.tax == eur("0.49") and per_total.net == eur("2.48")
    assert per_line.gross == per_total.gross == eur("2.97")
    assert sum((taxed.tax for taxed in per_total.lines), eur(0)) == per_total.tax


def test_zero_decimal_currency_rounds_to_whole_yen():
    settings = rules(currency="JPY")
    jpy = [
        line("a", Money(Decimal("333"), "JPY")),
        line("b", Money(Decimal("333"), "JPY")),
        line("c", Money(Decimal("333"), "JPY")),
    ]
    japan = TaxAddress(country="JP")

    per_line = tax_for_lines(jpy, address=japan, settings=settings)
    per_total = tax_for_lines(
        jpy, address=japan, settings=rules(currency="JPY", rounding=PER_TOTAL)
    )

    # 33.3 yen per line: 33 each (99) per line; 99.9 -> 100 once per total.
    assert [taxed.tax for taxed in per_line.lines] == [Money(Decimal("33"), "JPY")] * 3
    assert per_line.tax == Money(Decimal("99"), "JPY")
    assert per_total.tax == Money(Decimal("100"), "JPY")
    assert per_total.gross == Money(Decimal("1099"), "JPY")
    assert per_total.tax.amount.as_tuple().exponent == 0


def test_zero_decimal_currency_gross():
    breakdown = tax_for_lines(
        [line("a", Money(Decimal("1100"), "JPY"), 3)],
        address=TaxAddress(country="JP"),
        settings=rules(currency="JPY", prices_entered_with_tax=True),
    )

    taxed = breakdown.lines[0]
    assert (taxed.net, taxed.tax, taxed.gross) == (
        Money(Decimal("3000"), "JPY"),
        Money(Decimal("300"), "JPY"),
        Money(Decimal("3300"), "JPY"),
    )


def test_zero_rate_is_a_rate_and_an_exempt_class_is_never_taxed():
    breakdown = tax_for_lines(
        [line("book", eur("10.00"), 1, ZERO), line("stamp", eur("10.00"), 1, EXEMPT)],
        address=FRANCE,
        settings=rules(),
    )

    book, stamp = breakdown.lines
    assert book.tax == eur("0.00") and book.rate_name == "TVA 0%" and not book.exempt
    assert stamp.tax == eur("0.00") and stamp.rate_name == "Exempt" and stamp.exempt
    assert book.rate_found and stamp.rate_found
    assert breakdown.missing_rate == ()
    assert [(row.name, row.exempt) for row in breakdown.rates] == [
        ("TVA 0%", False),
        ("Exempt", True),
    ]


def test_reduced_class_has_its_own_rate():
    breakdown = tax_for_lines(
        [line("food", eur("10.00"), 1, REDUCED)], address=FRANCE, settings=rules()
    )

    assert breakdown.lines[0].tax == eur("0.55")
    assert breakdown.lines[0].rate == Decimal("5.5")


def test_a_class_without_a_rate_in_the_country_falls_back_to_the_default_class_rate():
    # Reduced has no German rate: the country's default (Standard) rate applies.
    breakdown = tax_for_lines(
        [line("food", eur("10.00"), 1, REDUCED)],
        address=TaxAddress(country="DE"),
        settings=rules(),
    )

    assert breakdown.lines[0].tax == eur("1.90")
    assert breakdown.lines[0].rate_name == "MwSt. 19%"


def test_no_rate_for_the_country_is_taxed_zero_and_flagged():
    breakdown = tax_for_lines(
        [line("a", eur("10.00")), line("b", eur("5.00"), 1, EXEMPT)],
        address=TaxAddress(country="BR"),
        settings=rules(),
    )

    a, b = breakdown.lines
    assert a.tax == eur("0.00") and a.gross == eur("10.00")
    assert not a.rate_found and a.rate_name == "No tax rate"
    assert b.rate_found  # exempt is a decision, not a missing rate
    assert breakdown.missing_rate == ("a",)
    assert [row.rate_found for row in breakdown.rates] == [False, True]


def test_a_region_s_rate_overrides_its_country_s():
    lines = [line("a", usd("100.00"))]
    settings = rules(currency="USD")

    california = tax_for_lines(lines, address=TaxAddress("US", "CA"), settings=settings)
    new_york = tax_for_lines(lines, address=TaxAddress("us", "ny"), settings=settings)
    oregon = tax_for_lines(lines, address=TaxAddress("US", "OR"), settings=settings)

    assert california.tax == usd("7.25")
    assert new_york.tax == usd("8.88")  # 8.875 rounded half up
    assert oregon.tax == usd("0.00") and oregon.lines[0].rate_found  # the country's 0%


def test_shipping_is_taxed_at_the_shipping_class_rate_when_the_store_says_so():
    settings = rules(shipping_tax_class_id=REDUCED)
    breakdown = tax_for_lines(
        [line("a", eur("10.00"))], address=FRANCE, settings=settings, shipping=eur("5.00")
    )

    assert breakdown.shipping.tax == eur("0.28")  # 5.5% of 5.00 = 0.275 -> 0.28
    assert breakdown.shipping.key == "shipping"
    assert breakdown.tax == eur("2.28")
    assert breakdown.gross == eur("17.28")
    assert {row.name: row.tax for row in breakdown.rates} == {
        "TVA 20%": eur("2.00"),
        "TVA 5,5%": eur("0.28"),
    }


def test_shipping_is_not_taxed_when_the_store_says_so():
    breakdown = tax_for_lines(
        [line("a", eur("10.00"))],
        address=FRANCE,
        settings=rules(charge_tax_on_shipping=False, prices_entered_with_tax=True),
        shipping=eur("5.00"),
    )

    shipping = breakdown.shipping
    assert (shipping.net, shipping.tax, shipping.gross) == (eur("5.00"), eur("0"), eur("5.00"))
    assert shipping.rate_name == "Not taxed" and not shipping.exempt and shipping.rate_found
    assert breakdown.gross == eur("15.00")


@pytest.mark.parametrize("rounding", [PER_LINE, PER_TOTAL])
@pytest.mark.parametrize("gross", [False, True])
def test_rate_rows_and_lines_add_up_to_the_totals(rounding, gross):
    lines = [
        line(1, eur("0.07"), 3),
        line(2, eur("19.99"), 2, REDUCED),
        line(3, eur("3.33"), 7),
        line(4, eur("1.01"), 1, EXEMPT),
        line(5, eur("0.01"), 9, REDUCED),
    ]
    breakdown = tax_for_lines(
        lines,
        address=FRANCE,
        settings=rules(rounding=rounding, prices_entered_with_tax=gross),
        shipping=eur("4.90"),
    )

    everything = [*breakdown.lines, breakdown.shipping]
    for field in ("net", "tax", "gross"):
        total = getattr(breakdown, field)
        assert sum((getattr(row, field) for row in everything), eur(0)) == total
        assert sum((getattr(row, field) for row in breakdown.rates), eur(0)) == total
    for taxed in everything:
        assert taxed.net + taxed.tax == taxed.gross


def test_an_empty_cart_has_no_tax():
    breakdown = tax_for_lines([], address=FRANCE, settings=rules())

    assert (breakdown.net, breakdown.tax, breakdown.gross) == (eur(0), eur(0), eur(0))
    assert breakdown.lines == () and breakdown.rates == () and breakdown.shipping is None


def test_without_an_address_the_store_s_own_country_is_used():
    breakdown = tax_for_lines(
        [line("a", eur("10.00"))], address=None, settings=rules(origin_country="DE")
    )

    assert breakdown.tax == eur("1.90")


def test_a_line_in_another_currency_is_refused():
    with pytest.raises(ValueError, match="USD"):
        tax_for_lines([line("a", usd("1.00"))], address=FRANCE, settings=rules())


def test_display_price_with_and_without_tax():
    net_store = rules()
    gross_store = rules(prices_entered_with_tax=True)

    assert display_price(
        eur("10.00"), with_tax=True, tax_class_id=None, address=FRANCE, settings=net_store
    ) == eur("12.00")
    assert display_price(
        eur("12.00"), with_tax=False, tax_class_id=None, address=FRANCE, settings=gross_store
    ) == eur("10.00")
    assert display_price(
        eur("12.00"), with_tax=True, tax_class_id=None, address=FRANCE, settings=gross_store
    ) == eur("12.00")
