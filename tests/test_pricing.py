"""Which channel a buyer is on: the one answer the API, the search and the storefront share."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from accounts import services
from accounts.models import User
from pricing import Channel, channel_for


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
