"""The demo store's company: approved, net 30 with a credit limit, three members who sign in
with the demo password, a location, and a company API key with every scope that works with
its fixed secret; set up once."""

import pytest
from django.db import connection

from accounts.models import ApiKey, Company, CompanyMembership
from b2b.companies.demo import DEMO_API_KEY_SECRET, set_up_demo_company
from b2b.models import CompanyLocation
from tests.conftest import HostClient

pytestmark = pytest.mark.django_db


def test_the_demo_company_is_set_up_once_and_its_key_works(store_a):
    connection.set_tenant(store_a)

    assert set_up_demo_company(password="mercato-demo") is True
    assert set_up_demo_company(password="mercato-demo") is False

    company = Company.objects.get(name="Demo Trading Co.")
    assert (company.status, company.payment_terms, str(company.credit_limit)) == (
        "approved", "net_30", "10000.00",
    )  # fmt: skip
    roles = dict(CompanyMembership.objects.filter(company=company)
                 .values_list("user__email", "role"))  # fmt: skip
    assert roles == {"company-admin@example.com": "admin", "approver@example.com": "approver",
                     "buyer@example.com": "buyer"}  # fmt: skip
    buyer = CompanyMembership.objects.get(role="buyer", company=company).user
    assert buyer.check_password("mercato-demo")
    assert CompanyLocation.objects.filter(company=company).count() == 1
    key = ApiKey.objects.get(company=company)
    assert sorted(key.scopes) == ["catalog:read", "orders:place", "orders:read"]

    answer = HostClient(HTTP_HOST=store_a.primary_host).get(
        "/api/v1/b2b/company/locations/", HTTP_AUTHORIZATION=f"Api-Key {DEMO_API_KEY_SECRET}"
    )
    assert answer.status_code == 200
    assert answer.json()[0]["name"] == "Oakland warehouse"
