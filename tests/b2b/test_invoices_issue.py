"""Invoices are issued when an order paid by invoice reaches pending: one per order, numbered
per store, due after the company's terms; not for other methods; paid when staff record the
money (through the payments' manual path), void when the order is cancelled."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from b2b import invoicing
from b2b.errors import CreditLimitExceeded, IllegalTransition, InvoiceError
from b2b.models import Invoice, InvoiceStatus
from orders import actions
from orders.models import PaymentStatus
from tests.b2b.factories import committed, invoice_order, make_company

pytestmark = pytest.mark.django_db


def test_an_order_paid_by_invoice_is_invoiced_when_placed_pending(invoice_enabled):
    company = make_company(terms="net_30")
    order = invoice_order(company, quantity=3, price="12.50")

    invoice = Invoice.objects.get(order=order)
    today = timezone.localdate()
    assert (invoice.company, invoice.status, invoice.amount, invoice.currency) == (
        company,
        InvoiceStatus.OPEN,
        Decimal("42.50"),
        order.currency,
    )
    assert (invoice.issued_on, invoice.due_on) == (today, today + timedelta(days=30))
    assert list(invoice.events.values_list("from_status", "to_status")) == [("", "open")]


@pytest.mark.parametrize(("terms", "days"), [("net_15", 15), ("net_30", 30), ("net_60", 60)])
def test_the_due_date_follows_the_terms(invoice_enabled, terms, days):
    order = invoice_order(make_company(terms=terms))
    invoice = order.invoice
    assert invoice.due_on - invoice.issued_on == timedelta(days=days)
    assert invoice.payment_terms == terms


def test_a_prepaid_company_cannot_order_by_invoice(invoice_enabled):
    # b2b.purchasing.eligibility: prepaid terms buy nothing on account.
    with pytest.raises(CreditLimitExceeded):
        invoice_order(make_company(terms="prepaid"))
    assert not Invoice.objects.exists()


def test_other_payment_methods_get_no_invoice(invoice_enabled):
    order = invoice_order(make_company(), payment_method="cod")
    assert not Invoice.objects.filter(order=order).exists()
    assert invoicing.issue_invoice(order_id=order.pk) is None


def test_the_placed_event_of_an_order_not_paid_by_invoice_costs_no_query(
    invoice_enabled, django_assert_num_queries
):
    order = invoice_order(make_company(), payment_method="cod")
    with django_assert_num_queries(0):
        invoicing.on_order_placed(order_id=order.pk, payment_method="cod", company_id=None)
        invoicing.on_order_placed(
            order_id=order.pk, payment_method="cod", company_id=order.company_id
        )


def test_issuing_is_idempotent_and_numbers_are_sequential(invoice_enabled):
    company = make_company()
    first = invoice_order(company)
    second = invoice_order(company)

    again = invoicing.issue_invoice(order_id=first.pk)
    assert again.pk == first.invoice.pk
    assert Invoice.objects.count() == 2
    assert second.invoice.number == first.invoice.number + 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(
            order=first,
            company=company,
            number=999,
            currency="USD",
            amount=1,
            issued_on=date.today(),
            due_on=date.today(),
            payment_terms="net_30",
        )


def test_an_order_approved_later_is_invoiced_on_reaching_pending(invoice_enabled):
    company = make_company()
    order = invoice_order(company)
    Invoice.objects.filter(order=order).delete()
    # As b2b-purchasing's approval moves it: awaiting approval -> pending, with the signal.
    type(order).objects.filter(pk=order.pk).update(status="awaiting_approval")
    assert invoicing.issue_invoice(order_id=order.pk) is None
    type(order).objects.filter(pk=order.pk).update(status="pending")
    with committed():
        invoicing.on_order_status_changed(order_id=order.pk, kind="status", to_status="pending")
    assert Invoice.objects.filter(order=order).count() == 1


def test_the_periodic_task_issues_what_a_receiver_missed(invoice_enabled):
    order = invoice_order(make_company(), commit=False)  # the receiver never ran
    assert not Invoice.objects.filter(order=order).exists()
    assert invoicing.issue_missing_invoices() == 1
    assert invoicing.issue_missing_invoices() == 0
    assert Invoice.objects.filter(order=order).count() == 1


def test_recording_the_payment_makes_the_order_and_the_invoice_paid(invoice_enabled):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create(username="om@a.test", email="om@a.test")
    order = invoice_order(make_company())  # 2 x 10.00 + 5.00
    invoice = order.invoice

    with committed():
        invoicing.record_invoice_payment(
            invoice=invoice, amount="10.00", actor=staff, note="Wire 1"
        )
    invoice.refresh_from_db()
    order.refresh_from_db()
    assert (invoice.status, order.payment_status) == ("open", PaymentStatus.PARTIALLY_PAID)
    assert invoicing.outstanding(invoice) == Decimal("15.00")

    with committed():
        paid = invoicing.record_invoice_payment(invoice=invoice, actor=staff)  # the rest
    order.refresh_from_db()
    assert (paid.status, order.payment_status, order.amount_paid) == (
        InvoiceStatus.PAID,
        PaymentStatus.PAID,
        Decimal("25.00"),
    )
    assert paid.paid_at is not None
    payment = order.payments.get()
    assert (payment.method, payment.captured_amount) == ("invoice", Decimal("25.00"))
    assert [e.note for e in payment.events.filter(kind="paid")] == ["Wire 1", ""]
    assert list(paid.events.values_list("to_status", flat=True)) == ["open", "paid"]
    with pytest.raises(IllegalTransition):
        invoicing.record_invoice_payment(invoice=paid, amount="1.00")


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1e12", "1.001", "NaN"])
def test_a_bad_amount_is_refused_and_nothing_recorded(invoice_enabled, amount):
    order = invoice_order(make_company())
    with pytest.raises(InvoiceError) as refused:
        invoicing.record_invoice_payment(invoice=order.invoice, amount=amount)
    assert "amount" in refused.value.fields
    order.refresh_from_db()
    assert order.amount_paid == 0
    assert not order.payments.filter(captured_amount__gt=0).exists()


def test_a_cancelled_order_voids_its_invoice(invoice_enabled):
    order = invoice_order(make_company())
    with committed():
        actions.cancel_order(order=order, note="Changed our mind")
    invoice = Invoice.objects.get(order=order)
    assert invoice.status == InvoiceStatus.VOID
    assert list(invoice.events.values_list("from_status", "to_status")) == [
        ("", "open"),
        ("open", "void"),
    ]
    with pytest.raises(IllegalTransition):
        invoicing.record_invoice_payment(invoice=invoice, amount="1.00")


def test_invoices_are_numbered_per_store(invoice_enabled, store_b):
    from django.db import connection

    from payments import services

    first_a = invoice_order(make_company()).invoice.number
    connection.set_tenant(store_b)
    services.set_method_settings(data={"enabled_methods": ["invoice"]})
    invoice_b = invoice_order(make_company("Beta GmbH")).invoice
    assert (first_a, invoice_b.number) == (1, 1)  # each store counts from 1
    assert Invoice.objects.count() == 1  # store B sees only its own


def test_checkout_by_invoice_is_invoiced_and_an_approved_order_on_approval(invoice_enabled):
    # The real path: a member checks out with the invoice method (payments.providers.invoice);
    # paid_by_invoice must recognise what it records, placed pending or approved later.
    from b2b.purchasing.approvals import approve_order
    from tests.b2b import purchasing_factories as buying

    option_id = buying.set_up_store()
    company = buying.company(terms="net_15")
    with committed():
        order = buying.place(buying.member(company), [(buying.make_variant(price="10.00"), 2)],
                             option_id=option_id)  # fmt: skip
    assert (order.status, order.payment_method, order.company) == ("pending", "invoice", company)
    assert order.invoice.amount == order.total and order.invoice.payment_terms == "net_15"

    approver = buying.member(company, "approver")
    with committed():
        waiting = buying.place(
            buying.member(company, spending_limit="1.00"),
            [(buying.make_variant(price="10.00"), 1)],
            option_id=option_id,
        )
    assert waiting.status == "awaiting_approval"
    assert not Invoice.objects.filter(order=waiting).exists()
    with committed():
        approve_order(order=waiting, actor=approver)
    assert Invoice.objects.get(order=waiting).amount == waiting.total
