"""Which channel a buyer is on: the one answer the API, the search and the storefront share."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from accounts import services
from accounts.models import User
from pricing import Buyer, Channel, buyer_for, channel_for, price_for


@pytest.fixture
def in_store_a(store_a):
    connection.set_tenant(store_a)
    return store_a


def test_anonymous_visitors_and_customers_are_consumers(in_store_a):
    customer = User.objects.create_user("c@example.com", "c@example.com", "Correct-horse-42")
    assert channel_for(user=AnonymousUser()) == Channel.B2C
    assert channel_for(user=None) == Channel.B2C
    assert channel_for(user=customer) is Channel.B2C


def test_company_members_are_businesses(in_store_a):
    buyer = User.objects.create_user("b@co.test", "b@co.test", "Correct-horse-42")
    services.create_company(name="Co", admin=buyer)
    assert channel_for(user=buyer) == Channel.B2B == "b2b"


def test_api_keys_act_for_businesses(in_store_a):
    owner = User.objects.create_user("o@example.com", "o@example.com", "Correct-horse-42")
    issued = services.create_api_key(name="ERP", scopes=["catalog:read"], created_by=owner)
    assert channel_for(user=AnonymousUser(), auth=issued.api_key) == Channel.B2B


# price_for: the one answer to "what does this buyer pay for this variant".


def _variant(**prices):
    from catalog.models import ProductVariant

    defaults = {"price": Decimal("20.00"), "b2b_price": None, "compare_at_price": None}
    return ProductVariant(**{**defaults, **prices})


def test_consumers_pay_the_price_and_see_a_higher_compare_at_struck_through():
    variant = _variant(price=Decimal("20.00"), compare_at_price=Decimal("25.00"))
    price = price_for(variant, Buyer(channel=Channel.B2C), currency="USD")
    assert (price.amount, price.compare_at, price.currency) == (
        Decimal("20.00"),
        Decimal("25.00"),
        "USD",
    )
    assert price.is_discounted
    assert str(price) == "$20.00"


def test_a_compare_at_price_not_above_the_price_is_not_shown():
    variant = _variant(price=Decimal("20.00"), compare_at_price=Decimal("20.00"))
    assert price_for(variant, Channel.B2C, currency="USD").compare_at is None


def test_businesses_pay_the_b2b_price_with_the_consumer_price_struck_through():
    variant = _variant(price=Decimal("20.00"), b2b_price=Decimal("15.00"))
    price = price_for(variant, Buyer(channel=Channel.B2B), currency="USD")
    assert (price.amount, price.compare_at) == (Decimal("15.00"), Decimal("20.00"))
    # Without a B2B price a business pays the consumer price.
    assert price_for(_variant(), Channel.B2B, currency="USD").amount == Decimal("20.00")


def test_prices_are_in_the_stores_currency_and_rounded_by_it(in_store_a):
    variant = _variant(price=Decimal("1200.00"))
    in_store_a.currency = "JPY"
    try:
        price = price_for(variant, Buyer.anonymous())
    finally:
        in_store_a.currency = "USD"
    assert price.currency == "JPY"
    assert price.amount == Decimal("1200")
    assert str(price) == "¥1,200"


def test_the_buyer_of_a_request_carries_channel_person_and_company(in_store_a):
    buyer = User.objects.create_user("bb@co.test", "bb@co.test", "Correct-horse-42")
    company = services.create_company(name="Co", admin=buyer)
    found = buyer_for(user=buyer)
    assert (found.channel, found.user, found.company) == (Channel.B2B, buyer, company)
    assert buyer_for(user=AnonymousUser()) == Buyer.anonymous()
