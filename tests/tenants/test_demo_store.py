"""`make run`'s demo store: provisioned once, with a catalog shoppers can browse and search."""

from django.core.management import call_command
from django.db import connection
from django.test import Client

from catalog.models import Product
from tenants.models import Tenant


def test_demo_store_is_created_once_with_a_searchable_catalog(db):
    call_command("create_demo_store")
    call_command("create_demo_store")  # a second run leaves it as it is
    demo = Tenant.objects.get(slug="demo")
    assert demo.plan.code == "pro"

    connection.set_tenant(demo)
    assert Product.objects.count() == 24
    word = Product.objects.order_by("pk").first().name.split()[1]
    connection.set_schema_to_public()

    client = Client(HTTP_HOST="demo.localhost")
    listing = client.get("/api/v1/shop/products/")
    assert listing.status_code == 200
    assert listing.json()["results"]
    found = client.get("/api/v1/search/", {"q": word.lower()})
    assert found.status_code == 200
    assert found.json()["count"] > 0
