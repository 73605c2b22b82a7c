"""The demo store's taxes: California sales tax on a USD store's net prices, 0% elsewhere in
the US (never flagged), added once."""

from decimal import Decimal

import pytest
from django.db import connection

from money import Money
from taxes import selectors
from taxes.calculations import TaxableLine, TaxAddress, tax_for_lines
from taxes.demo import set_up_demo_taxes
from taxes.models import TaxRate

pytestmark = pytest.mark.django_db


def test_demo_taxes_charge_california_sales_tax_once(store_a):
    connection.set_tenant(store_a)

    assert set_up_demo_taxes() is True
    assert set_up_demo_taxes() is False  # a second start leaves them
    rules = selectors.tax_rules(country="US")
    lamp = [TaxableLine("lamp", Money(Decimal("40.00"), "USD"), 1)]

    california = tax_for_lines(lamp, address=TaxAddress("US", "CA"), settings=rules)
    texas = tax_for_lines(lamp, address=TaxAddress("US", "TX"), settings=rules)

    assert TaxRate.objects.count() == 2
    assert california.tax == Money(Decimal("2.90"), "USD")
    assert california.lines[0].rate_name == "California sales tax 7.25%"
    assert texas.tax == Money(Decimal("0"), "USD") and texas.missing_rate == ()
    assert not rules.prices_entered_with_tax  # US prices are entered without tax
