"""Purchasing test data, made through the apps' own services: a company on account with its
people, a delivery option, the invoice method enabled, and orders placed through checkout."""

from __future__ import annotations

from decimal import Decimal

from accounts import services as account_services
from accounts.models import Company, CompanyMembership
from cart import services as cart_services
from checkout import services as checkout_services
from payments import services as payment_services
from pricing import buyer_for
from tests.cart.factories import make_variant
from tests.checkout.factories import US_ADDRESS, option, zone
from tests.matrix import create_user

__all__ = ["US_ADDRESS", "make_variant"]

_numbers = iter(range(1, 10**6))


def set_up_store() -> int:
    """The store ships to the US (a flat 5.00 option) and offers COD and invoice; returns the
    delivery option's id."""
    payment_services.set_method_settings(data={"enabled_methods": ["cod", "invoice"]})
    domestic = zone(name=f"Domestic {next(_numbers)}", countries=("US",))
    return option(domestic, name="Standard", price=Decimal("5.00"), allows_cash_on_delivery=True).pk


def company(
    *,
    name: str = "Acme Ltd",
    terms: str = Company.PaymentTerms.NET_30,
    credit_limit: str | None = "1000.00",
    requires_approval: bool = False,
    status: str = Company.Status.APPROVED,
) -> Company:
    return Company.objects.create(
        name=f"{name} {next(_numbers)}",
        payment_terms=terms,
        credit_limit=Decimal(credit_limit) if credit_limit is not None else None,
        requires_approval=requires_approval,
        status=status,
    )


def member(of: Company, role: str = "buyer", *, spending_limit: str | None = None, email=None):
    user = create_user(email or f"{role}-{next(_numbers)}@{of.pk}.example")
    membership = account_services.add_company_member(
        company=of, user=user, role=CompanyMembership.Role(role)
    )
    if spending_limit is not None:
        CompanyMembership.objects.filter(pk=membership.pk).update(
            spending_limit=Decimal(spending_limit)
        )
    return user


def buyer_of(user, auth=None):
    if hasattr(user, "_mercato_membership"):
        del user._mercato_membership
    return buyer_for(user=user, auth=auth)


def checkout_for(user, items, *, option_id, payment_method="invoice", po_number=""):
    """A ready checkout of ``items`` ((variant, quantity)) in ``user``'s cart."""
    buyer = buyer_of(user)
    cart = cart_services.open_cart_for_user(user=user)
    for variant, quantity in items:
        cart_services.add_line(cart=cart, variant_id=variant.pk, quantity=quantity, buyer=buyer)
    checkout = checkout_services.start_checkout(cart=cart, buyer=buyer)
    checkout_services.update_checkout(
        checkout=checkout,
        buyer=buyer,
        data={"email": user.email, "shipping_address": US_ADDRESS, "po_number": po_number},
    )
    checkout_services.update_checkout(
        checkout=checkout,
        buyer=buyer,
        data={"delivery_option": option_id, "payment_method": payment_method},
    )
    return checkout, buyer


def place(user, items, *, option_id, payment_method="invoice", po_number=""):
    """An order of ``items`` placed by ``user`` through checkout."""
    checkout, buyer = checkout_for(
        user, items, option_id=option_id, payment_method=payment_method, po_number=po_number
    )
    return checkout_services.complete_checkout(checkout=checkout, buyer=buyer)
