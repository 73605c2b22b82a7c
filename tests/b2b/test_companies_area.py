"""The storefront's company area (/account/company/): the company's admin manages members
(role, spending limit, removal, invitations), locations and API keys (the secret shown once);
approvers and buyers read; the checkout offers the company's locations to its members."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiKey, Company, CompanyMembership, digest_secret
from b2b.companies import services
from b2b.models import CompanyLocation
from checkout.models import Checkout
from tests.b2b.companies_scene import BERLIN, HAMBURG, shopper
from tests.checkout.factories import variant, zone
from tests.conftest import HostClient
from tests.queries import statements

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_store(store_a):
    connection.set_tenant(store_a)
    return store_a


@pytest.fixture
def company(in_store):
    acme = Company.objects.create(name="Acme GmbH", payment_terms="net_30",
                                  credit_limit=Decimal("25000"))  # fmt: skip
    for email, role in (("admin@acme.example", "admin"), ("approver@acme.example", "approver"),
                        ("buyer@acme.example", "buyer")):  # fmt: skip
        CompanyMembership.objects.create(company=acme, user=shopper(email), role=role)
    return acme


def signed_in(store, email):
    from accounts.models import User

    client = HostClient(HTTP_HOST=store.primary_host)
    client.force_login(User.objects.get(email=email))
    return client


def member(email):
    return CompanyMembership.objects.get(user__email=email)


def test_the_overview_shows_status_terms_and_credit_limit(in_store, company):
    page = signed_in(in_store, "buyer@acme.example").get("/account/company/")

    text = page.content.decode()
    assert page.status_code == 200
    assert "Acme GmbH" in text and "Net 30" in text and "25000" in text and "Buyer" in text
    assert 'href="/account/company/members/"' in text
    assert "API keys" not in text  # the admin's only


def test_the_admin_changes_roles_and_spending_limits_and_removes_members(in_store, company):
    admin = signed_in(in_store, "admin@acme.example")
    buyer = member("buyer@acme.example")

    saved = admin.post(f"/account/company/members/{buyer.pk}/", {
        f"m{buyer.pk}-role": "approver", f"m{buyer.pk}-spending_limit": "1500"})  # fmt: skip
    bad = admin.post(f"/account/company/members/{buyer.pk}/", {
        f"m{buyer.pk}-role": "approver", f"m{buyer.pk}-spending_limit": "lots"})  # fmt: skip
    buyer.refresh_from_db()
    assert saved.status_code == 302 and bad.status_code == 302
    assert (buyer.role, buyer.spending_limit) == ("approver", Decimal("1500.00"))
    assert "Enter an amount" in admin.get("/account/company/members/").content.decode()

    own = member("admin@acme.example")
    last_admin = admin.post(f"/account/company/members/{own.pk}/remove/")
    assert last_admin.status_code == 302
    assert CompanyMembership.objects.filter(pk=own.pk).exists()  # a company keeps an admin

    assert admin.post(f"/account/company/members/{buyer.pk}/remove/").status_code == 302
    assert not CompanyMembership.objects.filter(pk=buyer.pk).exists()


def test_the_admin_invites_and_others_only_read(
    in_store, company, django_capture_on_commit_callbacks
):
    admin = signed_in(in_store, "admin@acme.example")
    with django_capture_on_commit_callbacks(execute=True):
        invited = admin.post("/account/company/members/", {"email": "new@acme.example",
                                                           "role": "buyer"})  # fmt: skip
    assert invited.status_code == 302
    assert [m.to for m in mail.outbox] == [["new@acme.example"]]

    for email in ("approver@acme.example", "buyer@acme.example"):
        client = signed_in(in_store, email)
        target = member("admin@acme.example")
        page = client.get("/account/company/members/")
        assert page.status_code == 200 and b"Send an invitation" not in page.content
        assert client.post("/account/company/members/", {"email": "x@acme.example"}
                           ).status_code == 403  # fmt: skip
        assert client.post(f"/account/company/members/{target.pk}/", {}).status_code == 403
        assert client.post(f"/account/company/members/{target.pk}/remove/").status_code == 403
        assert client.get("/account/company/locations/new/").status_code == 403
        assert client.get("/account/company/api-keys/").status_code == 403
    assert member("admin@acme.example").role == "admin"
    assert len(mail.outbox) == 1


def test_a_customer_without_company_is_sent_to_the_application(in_store):
    client = HostClient(HTTP_HOST=in_store.primary_host)
    client.force_login(shopper())
    assert client.get("/account/company/")["Location"] == "/account/company/apply/"
    assert client.get("/account/company/members/").status_code == 403
    anonymous = HostClient(HTTP_HOST=in_store.primary_host).get("/account/company/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_admin_manages_locations(in_store, company):
    admin = signed_in(in_store, "admin@acme.example")
    form = {"name": "Warehouse"}
    form.update({f"shipping-{key}": value for key, value in HAMBURG.items()})
    form.update({f"billing-{key}": value for key, value in BERLIN.items()})

    refused = admin.post("/account/company/locations/new/", {**form, "shipping-postal_code": "X"})
    assert refused.status_code == 400 and b'value="Warehouse"' in refused.content
    assert admin.post("/account/company/locations/new/", form).status_code == 302
    location = CompanyLocation.objects.get(company=company)
    assert location.shipping_address["city"] == "Hamburg"
    assert location.billing_address["city"] == "Berlin"
    twice = admin.post("/account/company/locations/new/", form)
    assert twice.status_code == 400 and b"location of this name" in twice.content

    renamed = admin.post(f"/account/company/locations/{location.pk}/", {**form, "name": "Dock"})
    assert renamed.status_code == 302
    listing = signed_in(in_store, "buyer@acme.example").get("/account/company/locations/")
    assert b"Dock" in listing.content and b"Add a location" not in listing.content
    assert admin.post(f"/account/company/locations/{location.pk}/delete/").status_code == 302
    assert not CompanyLocation.objects.exists()


def test_an_api_key_secret_is_shown_once_and_revoking_ends_it(in_store, company):
    admin = signed_in(in_store, "admin@acme.example")

    created = admin.post("/account/company/api-keys/", {"name": "ERP", "scopes": [
        "catalog:read", "orders:place"]})  # fmt: skip
    text = created.content.decode()
    key = ApiKey.objects.get(company=company)
    secret = text.split('class="api-key-secret">')[1].split("<")[0]
    assert created.status_code == 200 and key.digest == digest_secret(secret)
    assert key.scopes == ["catalog:read", "orders:place"]
    assert secret not in admin.get("/account/company/api-keys/").content.decode()

    api = HostClient(HTTP_HOST=in_store.primary_host)
    current = api.get("/api/v1/auth/api-keys/current/", HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert current.status_code == 200
    assert admin.post(f"/account/company/api-keys/{key.pk}/revoke/").status_code == 302
    revoked = api.get("/api/v1/auth/api-keys/current/", HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert revoked.status_code == 401

    no_scope = admin.post("/account/company/api-keys/", {"name": "ERP"})
    assert no_scope.status_code == 400 and b"Choose at least one scope" in no_scope.content


def test_a_pending_company_gets_no_api_key(in_store, company):
    Company.objects.filter(pk=company.pk).update(status="pending")
    admin = signed_in(in_store, "admin@acme.example")

    refused = admin.post("/account/company/api-keys/", {"name": "ERP", "scopes": ["orders:read"]})

    assert refused.status_code == 403 and b"once the store approves it" in refused.content
    assert not ApiKey.objects.exists()


def test_the_members_page_takes_constant_queries(in_store, company):
    admin = signed_in(in_store, "admin@acme.example")
    admin.get("/account/company/members/")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert admin.get("/account/company/members/").status_code == 200
        return statements(queries)

    few = count()
    for number in range(5):
        CompanyMembership.objects.create(company=company, user=shopper(f"b{number}@acme.example"))
    assert count() == few


def with_cart(client, variant):
    """The signed-in shopper's cart (found by their account, no cookie needed)."""
    answer = client.post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 1},
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 201, answer.content


def test_the_checkout_offers_the_company_locations_to_its_members(in_store, company):
    services.save_location(company=company, name="Warehouse", shipping_address={
        **HAMBURG, "full_name": "Dock 4"}, billing_address=BERLIN)  # fmt: skip
    location = CompanyLocation.objects.get()
    zone(countries=("DE",))
    mug = variant("19.99", stock=5)
    buyer = signed_in(in_store, "buyer@acme.example")
    with_cart(buyer, mug)

    page = buyer.get("/checkout/")
    assert f'value="location-{location.pk}"'.encode() in page.content
    assert b"Warehouse (Hamburg)" in page.content
    chosen = buyer.post("/checkout/", {"email": "buyer@acme.example",
                                       "saved_address": f"location-{location.pk}"})  # fmt: skip
    assert chosen.status_code == 302, chosen.content[:3000]
    checkout = Checkout.objects.get()
    assert checkout.shipping_address["full_name"] == "Dock 4"
    assert checkout.billing_address["city"] == "Berlin"
    assert not checkout.billing_same_as_shipping

    stranger = HostClient(HTTP_HOST=in_store.primary_host)
    stranger.force_login(shopper())
    with_cart(stranger, mug)
    assert b"location-" not in stranger.get("/checkout/").content


def test_the_accounts_api_issues_no_key_to_a_pending_company(in_store, company):
    from tests.b2b.companies_scene import api_client

    admin = CompanyMembership.objects.get(role="admin", company=company).user
    body = {"name": "ERP", "scopes": ["orders:read"]}
    issued = api_client(in_store, admin).post("/api/v1/auth/api-keys/", body, format="json")
    assert issued.status_code == 201 and issued.json()["secret"]

    Company.objects.filter(pk=company.pk).update(status="pending")
    admin = type(admin).objects.get(pk=admin.pk)
    refused = api_client(in_store, admin).post("/api/v1/auth/api-keys/", body, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "company_not_approved"
    assert ApiKey.objects.filter(company=company).count() == 1
