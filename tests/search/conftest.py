"""A fixed corpus for search tests, in store A, indexed through the search services."""

from decimal import Decimal

import pytest
from django.db import connection

from catalog import services as catalog
from search import services
from tests.catalog.factories import attribute, product


@pytest.fixture
def corpus(store_a):
    """Phones, lamps and a kettle in store A, with brands, categories, colours, channels."""
    connection.set_tenant(store_a)
    electronics = catalog.create_category(name="Electronics")
    phones = catalog.create_category(name="Phones", parent=electronics)
    home = catalog.create_category(name="Home")
    lighting = catalog.create_category(name="Lighting", parent=home)
    attribute("colour", "choice", ["Black", "White", "Red"])
    made = {
        "iphone": product(
            "Apple iPhone 15",
            price="999",
            categories=[phones],
            brand_name="Apple",
            description="<p>The phone with a great camera.</p>",
        ),
        "pixel": product(
            "Pixel 8 Phone", price="699", categories=[phones], brand_name="Google", stock=0
        ),
        "case": product(
            "Leather Case",
            price="49",
            categories=[phones],
            brand_name="Apple",
            description="<p>Fits the iPhone 15.</p>",
        ),
        "lamp": product("Brass Desk Lamp", price="80", categories=[lighting], brand_name="Lumen"),
        "floor": product("Floor Lamp", price="140", categories=[lighting], brand_name="Lumen"),
        "kettle": product("Steel Kettle", price="30", categories=[home], brand_name="Acme"),
        "trade": product(
            "Trade Phone Charger Pack",
            categories=[phones],
            brand_name="Apple",
            visible_b2c=False,
            variants=[{"sku": "TRADE-1", "price": Decimal("20"), "b2b_price": Decimal("12")}],
        ),
        "draft": product("Draft Phone", status="draft", categories=[phones]),
    }
    catalog.set_attribute_values(owner=made["lamp"], values={"colour": "black"})
    catalog.set_attribute_values(owner=made["floor"], values={"colour": "white"})
    catalog.set_attribute_values(owner=made["iphone"], values={"colour": "black"})
    services.reindex_store()
    return made
