"""Checkout test data made by the apps' own services (as a merchant and a shopper would):
variants, carts, tax rates and settings, zones and delivery options."""

from decimal import Decimal

from django.db import connection

from cart import services as cart_services
from pricing import Buyer
from shipping import services as shipping_services
from taxes import selectors as tax_selectors
from taxes import services as tax_services
from tests.cart.factories import make_variant

US_ADDRESS = {
    "full_name": "Ana Lopez",
    "line1": "1 Market St",
    "city": "San Francisco",
    "region": "CA",
    "postal_code": "94105",
    "country": "US",
    "phone": "+1 415 555 0100",
}
NY_ADDRESS = {**US_ADDRESS, "line1": "5 Fifth Ave", "city": "New York", "region": "NY",
              "postal_code": "10001"}  # fmt: skip
GB_ADDRESS = {
    "full_name": "Tom Smith",
    "line1": "10 Downing Street",
    "city": "London",
    "postal_code": "SW1A 2AA",
    "country": "GB",
}


def use_currency(store, currency: str) -> None:
    """Make ``store`` sell in ``currency`` (the test's transaction undoes it)."""
    store.currency = currency
    store.save(update_fields=["currency"])
    connection.set_tenant(store)


def variant(price="10.00", weight=None, **fields):
    made = make_variant(price=price, **fields)
    if weight is not None:
        type(made).objects.filter(pk=made.pk).update(weight_grams=weight)
        made.weight_grams = weight
    return made


def cart_with(*lines, buyer=None):
    """An anonymous cart holding ``(variant, quantity)`` lines."""
    buyer = buyer or Buyer.anonymous()
    cart = cart_services.create_anonymous_cart()
    for made, quantity in lines:
        cart_services.add_line(cart=cart, variant_id=made.pk, quantity=quantity, buyer=buyer)
    return cart


def standard_class():
    return tax_selectors.default_tax_class() or tax_services.create_tax_class(
        name="Standard", is_default=True
    )


def tax_rate(country="US", region="", rate="10", name=None):
    return tax_services.create_tax_rate(
        tax_class=standard_class(),
        country=country,
        region=region,
        rate=Decimal(rate),
        name=name or f"Tax {rate}%",
    )


def tax_settings(**data):
    return tax_services.update_tax_settings(data=data)


def zone(name="Domestic", countries=("US",), **fields):
    return shipping_services.create_zone(name=name, countries=list(countries), **fields)


def option(in_zone, name="Standard", **fields):
    bands = fields.pop("bands", None)
    fields.setdefault("kind", "flat_rate")
    return shipping_services.create_option(zone=in_zone, data={"name": name, **fields}, bands=bands)
