"""Shipping fixtures: store A's connection, and a way to make zones and options through the
services (as the merchant would)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import money
from shipping import services
from shipping.selectors import Destination, Parcel


@pytest.fixture
def in_store_a(store_a):
    connection.set_tenant(store_a)
    return store_a


def zone(name="Domestic", countries=("US",), **fields):
    return services.create_zone(name=name, countries=list(countries), **fields)


def option(in_zone, name="Standard", **fields):
    bands = fields.pop("bands", None)
    fields.setdefault("kind", "flat_rate")
    return services.create_option(zone=in_zone, data={"name": name, **fields}, bands=bands)


def parcel(weight_grams=500, subtotal="20", currency=None) -> Parcel:
    currency = currency or money.store_currency()
    return Parcel(weight_grams=weight_grams, subtotal=money.Money(Decimal(subtotal), currency))


def to(country="US", region="", postal_code="") -> Destination:
    return Destination(country=country, region=region, postal_code=postal_code)


def bands(*rows):
    """``bands((0, 1000, "5"), (1000, None, "9"))`` as the services take them."""
    return [
        {"from_value": Decimal(str(low)), "to_value": None if high is None else Decimal(str(high)),
         "price": Decimal(price)}
        for low, high, price in rows
    ]  # fmt: skip


def count_queries(action) -> int:
    """The queries ``action()`` makes, django-tenants' ``SET search_path`` left out."""
    with CaptureQueriesContext(connection) as queries:
        action()
    return sum(1 for query in queries if not query["sql"].startswith("SET search_path"))
