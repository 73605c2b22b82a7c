"""What a buyer pays: the sales channel of a buyer and ``price_for``, the one pricing function.

A store sells on two channels: consumers (B2C) and businesses (B2B, with their own list
prices and products). The API, the search, the storefront, the cart and the checkout all ask
this module which channel a buyer is on and what a variant costs them, so they never disagree.
The B2B price lists and volume breaks plug into :func:`price_for`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models

import money


class Channel(models.TextChoices):
    B2C = "b2c", "Consumers (B2C)"
    B2B = "b2b", "Businesses (B2B)"


def channel_for(*, user, auth=None) -> Channel:
    """B2B for a member of an approved company and for an API key (an approved company's or
    the store's own integration), B2C for everyone else: anonymous visitors, and the members
    and keys of a company that is pending or rejected."""
    from accounts.models import ApiKey
    from accounts.permissions import buying_company_of

    if isinstance(auth, ApiKey):
        return Channel.B2B if _key_company(auth) is not False else Channel.B2C
    if user is not None and user.is_authenticated and buying_company_of(user) is not None:
        return Channel.B2B
    return Channel.B2C


@dataclass(frozen=True)
class Buyer:
    """Who is buying: the channel, and the person and company behind it when known."""

    channel: Channel = Channel.B2C
    user: object = None
    company: object = None
    api_key: object = None

    @classmethod
    def anonymous(cls) -> Buyer:
        return cls()


def buyer_for(*, user, auth=None) -> Buyer:
    """The buyer behind a request (``request.user`` and, for the API, ``request.auth``)."""
    from accounts.models import ApiKey
    from accounts.permissions import buying_company_of

    person = user if user is not None and user.is_authenticated else None
    api_key = auth if isinstance(auth, ApiKey) else None
    company = buying_company_of(person) if person is not None else None
    if company is None and api_key is not None:
        company = _key_company(api_key) or None
    return Buyer(
        channel=channel_for(user=user, auth=auth), user=person, company=company, api_key=api_key
    )


def _key_company(api_key):
    """An API key's company when approved, None for the store's own key, False for a key of
    a company that is not (or no longer) approved."""
    if api_key.company_id is None:
        return None
    company = api_key.company
    return company if company.status == company.Status.APPROVED else False


@dataclass(frozen=True)
class Price:
    """What one unit of a variant costs a buyer, in the store's currency.

    ``compare_at`` is the price shown struck through beside it (None when there is none).
    """

    amount: Decimal
    currency: str
    compare_at: Decimal | None = None

    @property
    def is_discounted(self) -> bool:
        return self.compare_at is not None and self.compare_at > self.amount

    def __str__(self) -> str:
        return money.format_money(self.amount, self.currency)


def price_for(variant, buyer: Buyer | Channel | None = None, *, currency: str | None = None):
    """The unit price ``buyer`` pays for ``variant`` and the price shown struck through.

    B2C pays the variant's price; B2B pays its B2B list price when it has one (the B2C price
    otherwise). The struck-through price is the variant's compare-at price when above what is
    paid, else for B2B the B2C price when the B2B price is lower. ``currency`` defaults to the
    active store's. Takes a ``Channel`` where no buyer is known (listings, search documents).
    """
    channel = buyer.channel if isinstance(buyer, Buyer) else Channel(buyer or Channel.B2C)
    currency = currency or money.store_currency()
    amount = variant.price
    if channel == Channel.B2B and variant.b2b_price is not None:
        amount = variant.b2b_price
    compare_at = variant.compare_at_price
    if compare_at is None or compare_at <= amount:
        compare_at = variant.price if variant.price > amount else None
    return Price(
        amount=money.quantize(amount, currency),
        currency=currency,
        compare_at=money.quantize(compare_at, currency) if compare_at is not None else None,
    )
