"""Overdue invoices are marked by the periodic task and reminded once; a company's statement
adds up (opening balance, invoices, payments, closing balance) on the page, as CSV and PDF."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from b2b import documents, invoicing, tasks
from b2b.models import InvoiceStatus
from tests.b2b.factories import committed, invoice_order, make_company

pytestmark = pytest.mark.django_db


def test_overdue_invoices_are_marked_and_reminded_once(invoice_enabled, celery_eager):
    company = make_company(terms="net_15")
    order = invoice_order(company)
    on_time = invoice_order(company)
    invoice, other = order.invoice, on_time.invoice
    other.due_on = other.issued_on + timedelta(days=40)
    other.save(update_fields=["due_on"])
    mail.outbox.clear()

    later = timezone.now() + timedelta(days=16)
    with time_machine.travel(later, tick=False):
        counts = tasks.process_store_invoices_and_quotes()
        again = tasks.process_store_invoices_and_quotes()

    assert (counts["overdue"], counts["reminded"]) == (1, 1)
    assert (again["overdue"], again["reminded"]) == (0, 0)
    invoice.refresh_from_db()
    other.refresh_from_db()
    assert (invoice.status, other.status) == (InvoiceStatus.OVERDUE, InvoiceStatus.OPEN)
    assert invoice.reminder_sent_at is not None
    assert [m.subject for m in mail.outbox] == [f"Invoice {invoice.number} is overdue"]
    assert mail.outbox[0].to == [order.email]
    assert "25.00" in mail.outbox[0].body
    # The link is the store's own, absolute, with one slash before the path.
    store_url = connection.tenant.url
    assert f"Your invoices: {store_url}account/company/invoices/\n" in mail.outbox[0].body
    assert list(invoice.events.values_list("to_status", flat=True)) == ["open", "overdue"]


def test_an_overdue_invoice_paid_late_becomes_paid(invoice_enabled):
    order = invoice_order(make_company(terms="net_15"))
    with time_machine.travel(timezone.now() + timedelta(days=20), tick=False):
        invoicing.mark_overdue_and_remind()
        with committed():
            invoice = invoicing.record_invoice_payment(invoice=order.invoice)
    assert invoice.status == InvoiceStatus.PAID
    assert list(invoice.events.values_list("to_status", flat=True)) == ["open", "overdue", "paid"]


def test_the_beat_task_fans_out_to_every_live_store(celery_eager, store_a, store_b):
    slugs = tasks.process_invoices_and_quotes()
    assert {store_a.slug, store_b.slug} <= set(slugs)


@pytest.fixture
def history(invoice_enabled):
    """Acme's invoices: one issued 10 days ago paid in full 5 days ago, one today half paid
    today; and another company's invoice that must not show."""
    company = make_company(terms="net_30")
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=10), tick=False):
        old = invoice_order(company, quantity=1, price="95.00").invoice  # 100.00
    with time_machine.travel(now - timedelta(days=5), tick=False), committed():
        invoicing.record_invoice_payment(invoice=old)
    new = invoice_order(company, quantity=3, price="15.00").invoice  # 50.00
    with committed():
        invoicing.record_invoice_payment(invoice=new, amount="20.00")
    invoice_order(make_company("Other Co"), quantity=1, price="500.00")
    return company, old, new


def test_a_statement_adds_up(history):
    company, old, new = history
    today = timezone.localdate()

    whole = invoicing.statement(
        company=company, date_from=today - timedelta(days=30), date_to=today
    )
    assert whole.opening_balance == Decimal("0.00")
    assert [(line.kind, line.debit, line.credit) for line in whole.lines] == [
        ("invoice", Decimal("100.00"), Decimal(0)),
        ("payment", Decimal(0), Decimal("100.00")),
        ("invoice", Decimal("50.00"), Decimal(0)),
        ("payment", Decimal(0), Decimal("20.00")),
    ]
    assert [line.balance for line in whole.lines] == [
        Decimal("100.00"), Decimal("0.00"), Decimal("50.00"), Decimal("30.00")
    ]  # fmt: skip
    assert whole.closing_balance == Decimal("30.00")

    recent = invoicing.statement(
        company=company, date_from=today - timedelta(days=7), date_to=today
    )
    assert recent.opening_balance == Decimal("100.00")  # invoiced before, not yet paid then
    assert recent.closing_balance == Decimal("30.00")
    assert [line.reference for line in recent.lines] == [str(old.number), str(new.number),
                                                         str(new.number)]  # fmt: skip


def test_a_void_is_its_own_dated_entry(history):
    from orders import actions

    company, _old, new = history
    with committed():
        actions.cancel_order(order=new.order)
    today = timezone.localdate()
    result = invoicing.statement(company=company, date_from=today, date_to=today)
    assert [(line.kind, line.debit, line.credit) for line in result.lines] == [
        ("invoice", Decimal("50.00"), Decimal(0)),
        ("payment", Decimal(0), Decimal("20.00")),
        ("void", Decimal(0), Decimal("50.00")),
    ]
    # The 20.00 paid on the cancelled order is the company's credit until it is given back.
    assert result.closing_balance == Decimal("-20.00")
    new.refresh_from_db()
    assert invoicing.outstanding(new) == Decimal(0)


def test_a_void_later_leaves_the_statement_of_an_earlier_period_unchanged(invoice_enabled):
    from orders import actions

    company = make_company(terms="net_30")
    today = timezone.localdate()
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        invoice = invoice_order(company, quantity=1, price="95.00").invoice  # 100.00
    first = {"date_from": today - timedelta(days=45), "date_to": today - timedelta(days=31)}
    second = {"date_from": today - timedelta(days=30), "date_to": today}

    def figures(period):
        result = invoicing.statement(company=company, **period)
        lines = [(line.on, line.kind, line.debit, line.credit) for line in result.lines]
        return result.opening_balance, lines, result.closing_balance

    before = figures(first)
    assert before == (
        Decimal("0.00"),
        [(invoice.issued_on, "invoice", Decimal("100.00"), Decimal(0))],
        Decimal("100.00"),
    )
    with committed():
        actions.cancel_order(order=invoice.order)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.VOID

    assert figures(first) == before
    assert figures(second) == (
        Decimal("100.00"),
        [(today, "void", Decimal(0), Decimal("100.00"))],
        Decimal("0.00"),
    )


def test_the_statement_as_csv_and_pdf(history):
    company, _old, new = history
    today = timezone.localdate()
    result = invoicing.statement(
        company=company, date_from=today - timedelta(days=30), date_to=today
    )

    rows = list(csv.reader(io.StringIO(documents.statement_csv(result))))
    assert rows[0] == documents.CSV_HEADER
    assert [row[1] for row in rows[1:]] == [
        "opening_balance", "invoice", "payment", "invoice", "payment", "closing_balance"
    ]  # fmt: skip
    assert rows[1][6] == "0.00"
    assert rows[-1][6] == "30.00"
    assert rows[2][4] == "100.00" and rows[3][5] == "100.00"

    pdf = documents.statement_pdf(result)
    assert pdf.startswith(b"%PDF-")
    invoice_pdf = documents.invoice_pdf(new)
    assert invoice_pdf.startswith(b"%PDF-") and len(invoice_pdf) > 1000


def test_the_statement_reads_in_constant_queries(history, django_assert_max_num_queries):
    company, *_ = history
    today = timezone.localdate()
    for _ in range(3):
        invoice_order(company)
    with django_assert_max_num_queries(3):
        invoicing.statement(company=company, date_from=today - timedelta(days=30), date_to=today)
