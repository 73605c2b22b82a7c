"""A refund of an order paid by invoice is a credit note: recorded against the invoice (what
is due decreases, an invoice left with nothing due is settled), and a refund of a paid invoice
leaves a credit on the company's statement and against its open balance (the credit limit).
Refunds go through the staff refunds API (payments.services.refund), as staff make them."""

from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as accounts_services
from b2b import invoicing
from b2b.credit import open_balance
from b2b.models import InvoiceStatus
from payments.models import Payment
from tests.b2b.factories import committed, invoice_order, make_company
from tests.matrix import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(invoice_enabled, store_a):
    client = APIClient(HTTP_HOST=store_a.primary_host)
    token = accounts_services.issue_auth_token(user=make_person("order_manager")).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def paid(invoice, amount):
    with committed():
        return invoicing.record_invoice_payment(invoice=invoice, amount=amount)


def refund(manager, invoice, amount):
    payment = Payment.objects.get(order=invoice.order, method="invoice")
    with committed():
        answer = manager.post(
            f"/api/v1/orders/{invoice.order_id}/refunds/",
            {"payment": payment.pk, "amount": amount, "note": "2 chairs returned"},
            format="json",
        )
    assert answer.status_code == 201, answer.content
    invoice.refresh_from_db()
    invoice.order.refresh_from_db()
    return invoice


def today_statement(company):
    today = timezone.localdate()
    return invoicing.statement(company=company, date_from=today, date_to=today)


def test_a_partial_refund_of_an_unpaid_invoice_lowers_what_is_due(manager):
    company = make_company(terms="net_30")
    invoice = invoice_order(company, quantity=1, price="95.00").invoice  # 100.00
    invoice = paid(invoice, "40.00")
    assert (invoicing.outstanding(invoice), open_balance(company)) == (
        Decimal("60.00"),
        Decimal("60.00"),
    )

    invoice = refund(manager, invoice, "10.00")

    assert invoice.status == InvoiceStatus.OPEN
    assert invoicing.outstanding(invoice) == Decimal("50.00")
    assert open_balance(company) == Decimal("50.00")
    result = today_statement(company)
    assert [(line.kind, line.debit, line.credit) for line in result.lines] == [
        ("invoice", Decimal("100.00"), Decimal(0)),
        ("payment", Decimal(0), Decimal("40.00")),
        ("credit", Decimal(0), Decimal("10.00")),
    ]
    assert result.lines[-1].description == f"Credit on invoice {invoice.number} (refund)"
    assert result.closing_balance == Decimal("50.00")
    api = manager.get(f"/api/v1/b2b/invoices/{invoice.pk}/")
    assert (api.status_code, api.json()["outstanding"]) == (200, "50.00")


def test_a_credit_that_covers_the_rest_settles_the_invoice(manager):
    company = make_company(terms="net_30")
    invoice = invoice_order(company, quantity=1, price="95.00").invoice  # 100.00
    invoice = paid(invoice, "60.00")

    invoice = refund(manager, invoice, "40.00")

    assert invoice.status == InvoiceStatus.PAID
    assert invoicing.outstanding(invoice) == Decimal("0.00")
    assert open_balance(company) == Decimal("0.00")
    assert list(invoice.events.values_list("to_status", flat=True)) == ["open", "paid"]
    assert today_statement(company).closing_balance == Decimal("0.00")


def test_a_refund_of_a_paid_invoice_leaves_a_credit_on_the_balance(manager):
    company = make_company(terms="net_30", credit_limit="1000.00")
    invoice = invoice_order(company, quantity=1, price="95.00").invoice  # 100.00
    invoice = paid(invoice, "100.00")
    other = invoice_order(company, quantity=3, price="15.00").invoice  # 50.00, unpaid
    assert open_balance(company) == Decimal("50.00")

    invoice = refund(manager, invoice, "30.00")

    assert invoice.status == InvoiceStatus.PAID  # a credit never reopens an invoice
    assert invoicing.outstanding(invoice) == Decimal("0.00")
    assert invoicing.outstanding(other) == Decimal("50.00")
    # The 30.00 credit counts against what the company owes on its other invoice.
    assert open_balance(company) == Decimal("20.00")
    result = today_statement(company)
    assert [(line.kind, line.reference, line.credit) for line in result.lines][-1] == (
        "credit",
        str(invoice.number),
        Decimal("30.00"),
    )
    assert result.closing_balance == Decimal("20.00")

    refund(manager, invoice, "70.00")  # the rest: refunded in full
    assert open_balance(company) == Decimal("0.00")  # 100.00 credit, 50.00 owed: never below 0
    assert today_statement(company).closing_balance == Decimal("-50.00")


def test_giving_back_an_overpayment_is_money_returned_not_a_credit(manager):
    company = make_company(terms="net_30")
    invoice = invoice_order(company, quantity=1, price="95.00").invoice  # 100.00
    invoice = paid(invoice, "120.00")
    other = invoice_order(company, quantity=3, price="15.00").invoice  # 50.00, unpaid
    assert open_balance(company) == Decimal("30.00")  # the 20.00 overpaid is a credit

    refund(manager, invoice, "20.00")

    assert open_balance(company) == Decimal("50.00")
    assert invoicing.outstanding(other) == Decimal("50.00")
    result = today_statement(company)
    own = [line for line in result.lines if line.reference == str(invoice.number)]
    assert [(line.kind, line.debit, line.credit) for line in own] == [
        ("invoice", Decimal("100.00"), Decimal(0)),
        ("payment", Decimal(0), Decimal("120.00")),
        ("refund", Decimal("20.00"), Decimal(0)),
    ]
    assert result.closing_balance == Decimal("50.00")
