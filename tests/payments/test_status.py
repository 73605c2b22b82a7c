"""An order's payment status, derived from its payments' amounts (payments.status): every row
of the table, several payments added up, Money or Decimal totals."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

import money
from orders.models import PaymentStatus
from payments.status import payment_status_for


def paid(received, refunded="0"):
    return SimpleNamespace(captured_amount=Decimal(received), refunded_amount=Decimal(refunded))


@pytest.mark.parametrize(
    ("payments", "expected"),
    [
        ([], PaymentStatus.UNPAID),
        ([paid("0")], PaymentStatus.UNPAID),
        ([paid("0"), paid("0")], PaymentStatus.UNPAID),
        ([paid("40")], PaymentStatus.PARTIALLY_PAID),
        ([paid("100")], PaymentStatus.PAID),
        ([paid("120")], PaymentStatus.OVERPAID),
        ([paid("60"), paid("40")], PaymentStatus.PAID),  # two payments add up
        ([paid("60"), paid("50")], PaymentStatus.OVERPAID),
        ([paid("100", "100")], PaymentStatus.REFUNDED),
        ([paid("40", "40")], PaymentStatus.REFUNDED),  # all of a partial payment given back
        ([paid("120", "120")], PaymentStatus.REFUNDED),
        ([paid("100", "30")], PaymentStatus.PARTIALLY_REFUNDED),
        ([paid("40", "10")], PaymentStatus.PARTIALLY_REFUNDED),
        ([paid("120", "20")], PaymentStatus.PAID),  # an overpayment's excess given back
        ([paid("150", "20")], PaymentStatus.OVERPAID),  # part of the excess given back
        ([paid("120", "50")], PaymentStatus.PARTIALLY_REFUNDED),
        ([paid("60", "60"), paid("40")], PaymentStatus.PARTIALLY_REFUNDED),
        ([paid("60", "60"), paid("100")], PaymentStatus.PAID),
    ],
)
def test_the_status_follows_the_money_received_and_given_back(payments, expected):
    assert payment_status_for(payments, total=Decimal("100.00")) == expected
    assert payment_status_for(payments, total=money.Money(Decimal(100), "USD")) == expected


def test_a_zero_decimal_currency_compares_whole_amounts():
    yen = money.Money(Decimal(1200), "JPY")
    assert payment_status_for([paid("1200")], total=yen) == PaymentStatus.PAID
    assert payment_status_for([paid("1199")], total=yen) == PaymentStatus.PARTIALLY_PAID
    assert payment_status_for([paid("1201")], total=yen) == PaymentStatus.OVERPAID
