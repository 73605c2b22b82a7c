"""A small catalog for the storefront's catalog tests (categories, brands, attributes,
variants, channels), indexed for the search.

A plain module, not a conftest: each test module declares the two fixtures it needs in a few
lines (``catalog_a`` calling :func:`make_catalog`, ``shop``), so this folder's conftest stays
the storefront shell's."""

from decimal import Decimal

from django.db import connection

from catalog import services as catalog
from search import services as search
from tests.catalog.factories import attribute, product


def make_catalog(store) -> dict:
    """Shoes and lamps in ``store``: a category tree, two brands, colours, a multi-variant
    product, one out of stock, one for businesses only, one draft."""
    connection.set_tenant(store)
    clothing = catalog.create_category(name="Clothing")
    shoes = catalog.create_category(name="Shoes", parent=clothing)
    home = catalog.create_category(name="Home")
    lighting = catalog.create_category(name="Lighting", parent=home)
    attribute("colour", "choice", ["Black", "White", "Red"])
    made = {
        "runner": product(
            "Trail Runner",
            categories=[shoes],
            brand_name="Stride",
            description="<p>Light <b>trail</b> shoes.<script>alert(1)</script></p>",
            seo_title="Trail Runner shoes",
            seo_description="Grippy trail shoes for wet rock.",
            variants=[
                {
                    "sku": "RUN-40",
                    "price": Decimal("80.00"),
                    "stock_on_hand": 0,
                    "options": {"size": "40"},
                },
                {
                    "sku": "RUN-42",
                    "price": Decimal("90.00"),
                    "b2b_price": Decimal("60.00"),
                    "stock_on_hand": 3,
                    "options": {"size": "42"},
                },
            ],
        ),
        "loafer": product("City Loafer", price="120", categories=[shoes], brand_name="Stride"),
        "boot": product("Winter Boot", price="150", categories=[shoes], stock=0),
        "lamp": product("Brass Desk Lamp", price="45", categories=[lighting], brand_name="Lumen"),
        "floor": product("Floor Lamp", price="140", categories=[lighting], brand_name="Lumen"),
        "trade": product(
            "Trade Lamp Pack",
            categories=[lighting],
            brand_name="Lumen",
            visible_b2c=False,
            variants=[{"sku": "TRADE-1", "price": Decimal("20"), "b2b_price": Decimal("12")}],
        ),
        "draft": product("Draft Lamp", status="draft", categories=[lighting]),
    }
    catalog.set_attribute_values(owner=made["lamp"], values={"colour": "black"})
    catalog.set_attribute_values(owner=made["floor"], values={"colour": "white"})
    search.reindex_store()
    return made
