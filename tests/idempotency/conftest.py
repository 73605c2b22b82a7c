"""Fixtures of the idempotency tests: staff API clients of the two test stores."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.matrix import create_user


def staff_client(tenant, email: str, role: str = "catalog_manager") -> APIClient:
    """An API client of ``tenant`` signed in as a (new) staff member of ``role``."""
    from accounts import services

    connection.set_tenant(tenant)
    person = services.change_staff_role(user=create_user(email), role=role)
    client = APIClient(HTTP_HOST=tenant.primary_host)
    client.force_authenticate(person)
    client.person = person
    return client


def customer_client(tenant, email: str) -> APIClient:
    """An API client of ``tenant`` signed in as a (new) shopper."""
    connection.set_tenant(tenant)
    person = create_user(email)
    client = APIClient(HTTP_HOST=tenant.primary_host)
    client.force_authenticate(person)
    client.person = person
    return client


@pytest.fixture
def manager(store_a) -> APIClient:
    return staff_client(store_a, "manager@store-a.test")


def product_body(name: str = "Linen Shirt", sku: str = "LS-1", price: str = "49.00") -> dict:
    return {"name": name, "status": "active", "variants": [{"sku": sku, "price": price}]}
