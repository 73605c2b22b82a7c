"""B2B test data: companies with terms, their members, orders paid by invoice placed through
orders.actions (as checkout places them), quotes asked from a real cart."""

import uuid
from decimal import Decimal
from functools import partial

from django.test import TestCase

from accounts import services as account_services
from accounts.models import Company, CompanyMembership
from b2b.invoicing import INVOICE_METHOD
from pricing import Buyer, Channel
from tests.matrix import create_user
from tests.orders.factories import draft_for, make_variant

__all__ = [
    "b2b_buyer",
    "committed",
    "invoice_order",
    "make_company",
    "make_member",
    "make_variant",
    "on_account",
]

# ``with committed(): ...``: what waits for the commit (signals, emails) runs at the block's
# end, as it would after the real commit (tests run in a transaction never committed).
committed = partial(TestCase.captureOnCommitCallbacks, execute=True)


def make_company(
    name: str = "Acme Ltd", *, terms: str = "net_30", credit_limit="100000.00", **fields
) -> Company:
    """An approved company buying on account (b2b.purchasing.eligibility: not prepaid, a credit
    limit), so the invoice method is offered to it; ``credit_limit=None``: no credit."""
    return Company.objects.create(
        name=name,
        payment_terms=terms,
        credit_limit=Decimal(credit_limit) if credit_limit is not None else None,
        **fields,
    )


def on_account(company: Company, *, terms: str = "net_30", credit_limit="100000.00") -> Company:
    """``company`` (e.g. the cast's, created prepaid) put on account: the invoice method is
    offered to its members and keys."""
    Company.objects.filter(pk=company.pk).update(
        status=Company.Status.APPROVED, payment_terms=terms, credit_limit=Decimal(credit_limit)
    )
    company.refresh_from_db()
    return company


def make_member(company: Company, *, role: str = CompanyMembership.Role.BUYER, email=None):
    user = create_user(email or f"{uuid.uuid4().hex[:8]}@{company.pk}.example.com")
    account_services.add_company_member(company=company, user=user, role=role)
    return user


def b2b_buyer(user, company) -> Buyer:
    return Buyer(channel=Channel.B2B, user=user, company=company)


def invoice_order(
    company, *, user=None, quantity: int = 2, price: str = "10.00", commit=True, **kwargs
):
    """An order of ``company`` paid by invoice (``quantity`` x ``price`` + 5.00 shipping),
    placed by orders.actions.place_order; its ``order_placed`` runs as after the commit
    (``commit=False``: never, as if the receiver had missed it)."""
    from orders.actions import place_order

    user = user or make_member(company)
    buyer = b2b_buyer(user, company)
    variant = make_variant(price=price)
    draft = draft_for(
        [(variant, quantity)],
        buyer=buyer,
        user=user,
        payment_method=kwargs.pop("payment_method", INVOICE_METHOD),
        **kwargs,
    )
    from dataclasses import replace

    draft = replace(draft, company=company, channel=Channel.B2B, email=user.email)
    if not commit:
        return place_order(draft=draft, buyer=buyer)
    with committed():
        order = place_order(draft=draft, buyer=buyer)
    return order


def total_of(quantity: int, price: str) -> Decimal:
    return Decimal(price) * quantity + Decimal("5.00")


def company_cart(user, company, *lines):
    """``user``'s open cart (a member of ``company``) holding ``(variant, quantity)`` lines,
    added through cart.services as the storefront adds them."""
    from cart import services as cart_services

    cart = cart_services.open_cart_for_user(user=user)
    for variant, quantity in lines:
        cart_services.add_line(
            cart=cart, variant_id=variant.pk, quantity=quantity, buyer=b2b_buyer(user, company)
        )
    return cart


def delivery_option():
    """A flat 5.00 delivery to the US (tests.checkout.factories' zone and option)."""
    from tests.checkout.factories import option, zone

    return option(zone(), price=Decimal("5.00"))


def offered_quote(user, company, *lines, prices=None, days: int = 7):
    """A quote asked from ``user``'s cart and offered by staff at ``prices`` ({variant id:
    price}; default: 90% of the list price), valid ``days`` days."""
    from datetime import timedelta

    from django.utils import timezone

    from b2b import quotes

    cart = company_cart(user, company, *lines)
    with committed():
        quote = quotes.request_quote(cart=cart, buyer=b2b_buyer(user, company), message="Bulk?")
    chosen = {
        line.pk: (prices or {}).get(line.variant_id, line.list_price * Decimal("0.9"))
        for line in quote.lines.all()
    }
    with committed():
        quotes.offer_quote(
            quote=quote, prices=chosen, valid_until=timezone.now() + timedelta(days=days)
        )
    return quote
