"""A company member's requisition lists on their page in the store admin (read-only panel):
shown to the staff who see customers, in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from b2b.bulk import requisitions
from b2b.bulk.lines import RequestedLine
from tests.b2b.bulk_scene import make_company, make_variant, member
from tests.matrix import PEOPLE, every_role, make_person
from tests.queries import statements

pytestmark = pytest.mark.django_db

STAFF = {"owner", "catalog_manager", "order_manager", "support"}
WHO_READ = {"owner", "order_manager", "support"}


@pytest.fixture
def scene(store_a, store_client):
    connection.set_tenant(store_a)
    company = make_company("Globex")
    buyer = member(company, "buyer@globex.test")
    variant = make_variant()
    requisitions.create_list(
        company=company,
        user=buyer,
        name="Weekly paper",
        lines=[RequestedLine(row=1, sku=variant.sku, quantity=5)],
    )
    return {"store": store_a, "company": company, "buyer": buyer, "client": store_client}


def test_staff_who_see_customers_see_the_companys_lists_on_a_members_page(scene):
    path = f"/admin/customers/{scene['buyer'].pk}/"

    def reads(role):
        client = scene["client"](scene["store"])
        if role != "anonymous":
            client.force_login(make_person(role))
        response = client.get(path)
        if role not in STAFF:
            assert response.status_code == 302
            return
        assert response.status_code == (200 if role in WHO_READ else 403)
        shown = b"Requisition lists of Globex" in response.content
        assert shown is (role in WHO_READ)
        if shown:
            assert b"Weekly paper" in response.content

    every_role(["anonymous", *PEOPLE], reads)


def test_the_panel_costs_the_same_queries_for_1_list_and_for_15(scene):
    client = scene["client"](scene["store"])
    client.force_login(make_person("order_manager"))
    path = f"/admin/customers/{scene['buyer'].pk}/"
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    for number in range(14):
        requisitions.create_list(company=scene["company"], user=scene["buyer"], name=f"L{number}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(path).status_code == 200

    assert statements(many) == statements(few)
