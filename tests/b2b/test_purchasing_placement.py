"""Placing a company's order: the invoice method's eligibility, PO numbers unique per company,
the credit limit, and which orders wait for an approver."""

from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import Company
from b2b.credit import open_balance
from b2b.errors import CreditLimitExceeded, PoNumberInUse
from checkout import payment_methods
from checkout.calculations import totals
from checkout.errors import CheckoutError
from orders.actions import cancel_order
from orders.models import Order, OrderStatus
from tests.b2b.purchasing_factories import (
    checkout_for,
    company,
    make_variant,
    member,
    place,
    set_up_store,
)
from tests.matrix import create_user


@pytest.fixture
def shop(store_a):
    connection.set_tenant(store_a)
    return {"option": set_up_store(), "mug": make_variant(price="100.00", stock=50)}


def offered(user, shop):
    checkout, buyer = checkout_for(
        user, [(shop["mug"], 1)], option_id=shop["option"], payment_method="cod"
    )
    return {method.code for method in payment_methods.methods_for(totals(checkout, buyer))}


def test_invoice_is_offered_only_to_members_of_approved_companies_on_account(shop):
    on_account = company()
    assert offered(member(on_account), shop) == {"cod", "invoice"}
    assert offered(member(company(terms=Company.PaymentTerms.PREPAID)), shop) == {"cod"}
    assert offered(member(company(credit_limit=None)), shop) == {"cod"}
    assert offered(member(company(status=Company.Status.PENDING)), shop) == {"cod"}
    assert offered(create_user("b2c@example.com"), shop) == {"cod"}


def test_choosing_invoice_without_being_on_account_is_refused(shop):
    shopper = create_user("shopper@example.com")
    with pytest.raises(CheckoutError) as refused:
        checkout_for(shopper, [(shop["mug"], 1)], option_id=shop["option"])
    assert refused.value.fields == {
        "payment_method": ["Choose one of the payment methods offered."]
    }


def test_an_invoice_order_is_placed_unpaid_with_its_po_number(shop):
    buyer = member(company())
    order = place(buyer, [(shop["mug"], 2)], option_id=shop["option"], po_number="PO-1")
    order.refresh_from_db()
    assert (order.status, order.payment_status, order.payment_method, order.po_number) == (
        OrderStatus.PENDING,
        "unpaid",
        "invoice",
        "PO-1",
    )
    assert order.payments.get().state == "pending"
    assert open_balance(order.company) == Decimal("205.00")


def test_a_po_number_is_unique_within_a_company_only(shop):
    acme = company()
    first = place(member(acme), [(shop["mug"], 1)], option_id=shop["option"], po_number="PO-7")
    with pytest.raises(CheckoutError) as refused:
        checkout_for(member(acme), [(shop["mug"], 1)], option_id=shop["option"], po_number="PO-7")
    assert refused.value.fields == {"po_number": [f"Already used by order #{first.number}."]}
    other = place(member(company()), [(shop["mug"], 1)], option_id=shop["option"], po_number="PO-7")
    assert other.po_number == "PO-7"


def test_a_po_number_taken_between_checkout_and_placement_is_refused_at_placement(shop):
    from checkout import services

    acme = company()
    late, buyer = checkout_for(member(acme), [(shop["mug"], 1)], option_id=shop["option"])
    late.po_number = "PO-9"  # typed before the other order took it
    late.save(update_fields=["po_number"])
    first = place(member(acme), [(shop["mug"], 1)], option_id=shop["option"], po_number="PO-9")
    with pytest.raises(PoNumberInUse) as refused:
        services.complete_checkout(checkout=late, buyer=buyer)
    assert refused.value.fields == {"po_number": [f"Already used by order #{first.number}."]}
    assert Order.objects.filter(company=acme).count() == 1


def test_the_credit_limit_refuses_an_order_that_would_exceed_it(shop):
    acme = company(credit_limit="500.00")
    buyer = member(acme)
    place(buyer, [(shop["mug"], 3)], option_id=shop["option"])  # 305.00
    with pytest.raises(CreditLimitExceeded) as refused:
        place(member(acme), [(shop["mug"], 2)], option_id=shop["option"])  # 205.00 more
    assert refused.value.code == "credit_limit_exceeded"
    assert refused.value.fields["payment_method"][0].startswith("Credit limit exceeded: ")
    assert Order.objects.filter(company=acme).count() == 1
    assert shop["mug"].__class__.objects.get(pk=shop["mug"].pk).stock_reserved == 3


def test_cancelled_and_paid_orders_free_the_credit_again(shop):
    acme = company(credit_limit="400.00")
    first = place(member(acme), [(shop["mug"], 3)], option_id=shop["option"])
    cancel_order(order=first, actor=None)
    assert open_balance(acme) == Decimal("0.00")
    second = place(member(acme), [(shop["mug"], 3)], option_id=shop["option"])
    Order.objects.filter(pk=second.pk).update(amount_paid=Decimal("305.00"))
    assert open_balance(acme) == Decimal("0.00")
    assert place(member(acme), [(shop["mug"], 3)], option_id=shop["option"]).pk


def test_an_order_above_the_spending_limit_awaits_approval(shop):
    acme = company()
    buyer = member(acme, spending_limit="150.00")
    small = place(buyer, [(shop["mug"], 1)], option_id=shop["option"])  # 105.00
    large = place(
        member(acme, spending_limit="150.00"), [(shop["mug"], 2)], option_id=shop["option"]
    )
    assert (small.status, large.status) == (OrderStatus.PENDING, OrderStatus.AWAITING_APPROVAL)
    assert large.events.get(kind="placed").to_status == OrderStatus.AWAITING_APPROVAL
    # Awaiting orders count against the credit: they are commitments.
    assert open_balance(acme) == Decimal("310.00")


def test_every_order_awaits_approval_when_the_company_requires_it(shop):
    order = place(
        member(company(requires_approval=True)),
        [(shop["mug"], 1)],
        option_id=shop["option"],
        payment_method="cod",
    )
    assert order.status == OrderStatus.AWAITING_APPROVAL
