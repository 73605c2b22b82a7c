"""What a company's order must pass where every order is placed, and where it goes first.

``orders.actions.place_order`` calls :func:`check_placement` inside its transaction, before it
reserves stock or writes anything, for every order (checkout pages, the checkout API, the B2B
order API: one placement path). For an order of a company it:

1. locks the company's row (``select_for_update``): placements of one company are decided one
   after the other, so two orders placed at once can neither pass the credit limit together
   nor take the same PO number (the partial unique constraint is the backstop);
2. refuses a PO number the company already used (400 ``po_number_in_use``, naming the order);
3. for the "invoice" method, refuses when the company may not buy on account any more, or when
   its open balance plus this order's total would exceed its credit limit (400
   ``credit_limit_exceeded`` on ``payment_method``);
4. answers the order's first status: ``awaiting_approval`` when the company requires approval
   of every order, or when the total is above the spending limit of the person placing it;
   ``pending`` otherwise.

Who places an order with a company API key: the key's creator is the order's person (as
everywhere in the API), so their spending limit applies, and they may not approve the order
themselves (b2b.purchasing.approvals).
"""

from __future__ import annotations

from decimal import Decimal

from accounts.models import Company, CompanyMembership
from b2b.errors import CreditLimitExceeded, PoNumberInUse
from b2b.purchasing.credit import open_balance
from b2b.purchasing.eligibility import buys_on_account
from money import format_money
from orders.models import Order, OrderStatus
from payments.providers.invoice import CODE as INVOICE

PO_NUMBER_MAX_LENGTH = 64


def check_placement(*, draft, buyer) -> str:
    """Refuse what the company's rules forbid (nothing written); the order's first status.
    Runs inside the placing transaction (the company's row stays locked until it commits)."""
    company = draft.company
    if company is None:
        if draft.payment_method == INVOICE:
            raise CreditLimitExceeded(
                "Paying by invoice is for companies buying on account.",
                fields={"payment_method": ["Choose one of the payment methods offered."]},
            )
        return OrderStatus.PENDING
    locked = Company.objects.select_for_update().get(pk=company.pk)
    if draft.po_number:
        refuse_used_po_number(company=locked, po_number=draft.po_number)
    if draft.payment_method == INVOICE:
        _check_credit(locked, Decimal(draft.total), draft.currency)
    if needs_approval(company=locked, user=draft.user, total=Decimal(draft.total)):
        return OrderStatus.AWAITING_APPROVAL
    return OrderStatus.PENDING


def refuse_used_po_number(*, company, po_number: str, exclude_order=None) -> None:
    """PoNumberInUse (400) when ``company`` has an order with ``po_number`` already."""
    used = Order.objects.filter(company=company, po_number=po_number)
    if exclude_order is not None:
        used = used.exclude(pk=exclude_order.pk)
    number = used.values_list("number", flat=True).first()
    if number is not None:
        raise PoNumberInUse(
            f"PO number {po_number} is already used by order #{number}.",
            fields={"po_number": [f"Already used by order #{number}."]},
        )


def needs_approval(*, company, user, total: Decimal) -> bool:
    """Whether an order of ``total`` placed by ``user`` for ``company`` waits for an
    approver: always when the company requires it, else when the total is above the person's
    spending limit (no limit: never)."""
    if company.requires_approval:
        return True
    if user is None:
        return False
    limit = (
        CompanyMembership.objects.filter(company=company, user=user)
        .values_list("spending_limit", flat=True)
        .first()
    )
    return limit is not None and total > limit


def _check_credit(company, total: Decimal, currency: str) -> None:
    if not buys_on_account(company):
        raise CreditLimitExceeded(
            "Your company does not buy on account.",
            fields={"payment_method": ["Paying by invoice is not offered to your company."]},
        )
    balance = open_balance(company)
    if balance + total > company.credit_limit:
        available = max(company.credit_limit - balance, Decimal(0))
        message = (
            f"Credit limit exceeded: this order of {format_money(total, currency)} would bring "
            f"your company's open balance to {format_money(balance + total, currency)}, above "
            f"its credit limit of {format_money(company.credit_limit, currency)} "
            f"({format_money(available, currency)} available)."
        )
        raise CreditLimitExceeded(message, fields={"payment_method": [message]})
