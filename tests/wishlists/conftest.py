"""Fixtures of the wishlist tests: store A's schema, shoppers, and a few products."""

import pytest
from django.db import connection

from accounts import services as accounts_services
from tests.catalog.factories import product
from tests.matrix import create_user
from tests.wishlists.catalog_data import variant_of


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # These tests look at pages as rendered; the page cache has tests of its own.
    settings.STOREFRONT_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def in_store_a(store_a):
    connection.set_tenant(store_a)
    return store_a


@pytest.fixture
def shopper(in_store_a):
    return create_user("shopper@example.com", first_name="Ada")


@pytest.fixture
def other_shopper(in_store_a):
    return create_user("other@example.com")


@pytest.fixture
def tee(in_store_a):
    """An active product with one variant at 20.00, 5 in stock."""
    return variant_of(product("Organic tee", price="20.00", stock=5))


@pytest.fixture
def mug(in_store_a):
    return variant_of(product("Stoneware mug", price="12.00", stock=0))


@pytest.fixture
def token_client(store_client):
    """``token_client(store, user)``: a client of the store's API signed in with a token."""
    from rest_framework.test import APIClient

    def make(store, user):
        client = APIClient(HTTP_HOST=store.primary_host)
        client.credentials(
            HTTP_AUTHORIZATION=f"Token {accounts_services.issue_auth_token(user=user).key}"
        )
        return client

    return make
