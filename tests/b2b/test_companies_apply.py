"""Applying for a business account: a signed-in customer applies (API and storefront); the VAT
or tax number is checked per country; members and staff cannot apply; the applicant and the
staff are emailed once; a pending or rejected company's members buy as consumers."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from accounts.models import ApiKey, Company, CompanyMembership
from b2b.companies import services
from b2b.companies.emails import send_company_email
from b2b.models import CompanyApplication, CompanyEmail, CompanyLocation, CompanyStatusChange
from pricing import Channel, buyer_for, channel_for, price_for
from tests.b2b.companies_scene import BERLIN, api_client, application, shopper
from tests.checkout.factories import variant
from tests.conftest import HostClient
from tests.matrix import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_store(store_a):
    connection.set_tenant(store_a)
    return store_a


def test_a_customer_applies_and_waits_as_admin_of_a_pending_company(
    in_store, celery_eager, django_capture_on_commit_callbacks
):
    owner = make_person("owner")
    ana = shopper()

    with django_capture_on_commit_callbacks(execute=True):
        answer = api_client(in_store, ana).post(
            "/api/v1/b2b/applications/", application(), format="json"
        )

    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["status"] == "pending" and body["vat_number"] == "DE136695976"
    assert body["contact"]["contact_email"] == "ana@acme.example"
    company = Company.objects.get(pk=body["id"])
    membership = CompanyMembership.objects.get(user=ana)
    assert membership.company == company and membership.role == "admin"
    location = CompanyLocation.objects.get(company=company)
    assert location.billing_address["city"] == "Berlin"
    assert location.shipping_address["city"] == "Hamburg"
    assert CompanyStatusChange.objects.get(company=company).to_status == "pending"
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@acme.example",
        owner.email,
    ]
    staff_notice = next(m for m in mail.outbox if m.to == [owner.email])
    assert "Acme GmbH" in staff_notice.subject and f"/admin/companies/{company.pk}/" in (
        staff_notice.body
    )
    # Absolute links on the store's host, one slash before the path.
    store_url = connection.tenant.url
    assert staff_notice.body.endswith(f"store admin: {store_url}admin/companies/{company.pk}/\n")
    applicant = next(m for m in mail.outbox if m.to == ["ana@acme.example"])
    assert f"Your company area: {store_url}account/company/\n" in applicant.body


@pytest.mark.parametrize(
    ("vat_number", "country", "message"),
    [
        ("DE136695977", "", "not a valid DE VAT number"),
        ("FR40303265045", "", "of another country (FR)"),
        ("", "", "Enter the company's tax or VAT number."),
        ("12-34", "US", "not a valid tax number for US"),
    ],
)
def test_a_bad_tax_number_is_refused_on_its_field(in_store, vat_number, country, message):
    answer = api_client(in_store, shopper()).post(
        "/api/v1/b2b/applications/",
        application(vat_number=vat_number, country=country),
        format="json",
    )

    assert answer.status_code == 400
    assert message in answer.json()["error"]["fields"]["vat_number"][0]
    assert not Company.objects.exists()


LONDON = {**BERLIN, "country": "GB", "postal_code": "SW1A 1AA", "city": "London"}


def test_valid_numbers_of_other_countries_are_kept_compact(in_store):
    gb = services.apply_for_company(
        user=shopper("gb@example.com"),
        **application(
            vat_number="GB 980 7806 84",
            country="GB",
            billing_address=LONDON,
        ),
    )
    unknown = services.apply_for_company(
        user=shopper("zz@example.com"), **application(vat_number="AQ-42", country="AQ")
    )

    assert gb.vat_number == "980780684"
    assert unknown.vat_number == "AQ-42"  # stdnum has no format for it: kept as typed


def test_every_invalid_field_is_answered_at_once(in_store):
    answer = api_client(in_store, shopper()).post(
        "/api/v1/b2b/applications/",
        application(
            name="",
            contact_email="not-an-email",
            contact_phone="call me",
            billing_address={**BERLIN, "postal_code": "ABC"},
            shipping_address={"country": "DE"},
        ),
        format="json",
    )

    fields = answer.json()["error"]["fields"]
    assert answer.status_code == 400
    assert {"name", "contact_email", "contact_phone", "billing_address.postal_code",
            "shipping_address.full_name", "shipping_address.line1"} <= set(fields)  # fmt: skip
    assert not Company.objects.exists()


def test_a_member_of_a_company_cannot_apply(in_store):
    buyer = make_person("company_buyer")

    answer = api_client(in_store, buyer).post(
        "/api/v1/b2b/applications/", application(), format="json"
    )

    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "already_member"
    assert Company.objects.count() == 1


def test_staff_cannot_apply(in_store):
    answer = api_client(in_store, make_person("order_manager")).post(
        "/api/v1/b2b/applications/", application(), format="json"
    )

    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "staff_cannot_join_company"
    assert not Company.objects.exists()


def test_strange_bodies_answer_400_never_500(in_store):
    client = api_client(in_store, shopper())
    for body in ([1, 2], {"name": 5, "billing_address": "x", "vat_number": ["DE"]},
                 {"name": "x" * 300, "contact_name": None, "country": 7}):  # fmt: skip
        answer = client.post("/api/v1/b2b/applications/", body, format="json")
        assert answer.status_code == 400, (body, answer.content)
    assert not Company.objects.exists()


def test_the_emails_of_an_application_go_out_once(in_store):
    make_person("owner")
    company = services.apply_for_company(user=shopper(), **application())
    kind = CompanyEmail.Kind.APPLICATION_RECEIVED

    first = send_company_email(company_id=company.pk, kind=kind)
    again = send_company_email(company_id=company.pk, kind=kind)

    assert (first, again) == (1, 0)
    assert len(mail.outbox) == 1


def test_a_pending_or_rejected_company_buys_as_a_consumer(in_store):
    owner = make_person("owner")
    ana = shopper()
    company = services.apply_for_company(user=ana, **application())
    key = ApiKey.objects.create(
        name="ERP", prefix="p1", digest="d1", scopes=["catalog:read"], company=company,
        created_by=ana,
    )  # fmt: skip

    def fresh(user):
        return type(user).objects.get(pk=user.pk)  # no membership cached from before

    mug = variant("10.00")
    type(mug).objects.filter(pk=mug.pk).update(b2b_price=Decimal("8.00"))
    mug.refresh_from_db()
    assert channel_for(user=fresh(ana)) == Channel.B2C
    assert buyer_for(user=fresh(ana)).company is None
    assert price_for(mug, buyer_for(user=fresh(ana))).amount == Decimal("10.00")
    assert channel_for(user=None, auth=ApiKey.objects.get(pk=key.pk)) == Channel.B2C

    services.approve_company(company=company, by=owner)
    assert channel_for(user=fresh(ana)) == Channel.B2B
    assert price_for(mug, buyer_for(user=fresh(ana))).amount == Decimal("8.00")
    assert buyer_for(user=fresh(ana)).company == company
    assert buyer_for(user=None, auth=ApiKey.objects.get(pk=key.pk)).company == company

    other = services.apply_for_company(user=shopper("bo@example.com"), **application())
    services.reject_company(company=other, by=owner, note="Not a retailer.")
    bo = type(ana).objects.get(email="bo@example.com")
    assert channel_for(user=bo) == Channel.B2C


def test_the_storefront_application_form(in_store):
    client = HostClient(HTTP_HOST=in_store.primary_host)
    client.force_login(shopper())
    page = client.get("/account/company/", follow=True)
    assert page.status_code == 200 and b"Apply for a business account" in page.content

    form = {"name": "Acme GmbH", "country": "DE", "vat_number": "DE136695977",
            "contact_name": "Ana", "contact_email": "ana@acme.example",
            "shipping_same_as_billing": "1"}  # fmt: skip
    form.update({f"billing-{key}": value for key, value in BERLIN.items()})
    refused = client.post("/account/company/apply/", form)
    assert refused.status_code == 400
    assert b"not a valid DE VAT number" in refused.content
    assert b'value="Acme GmbH"' in refused.content  # what was typed is kept

    form["vat_number"] = "DE136695976"
    sent = client.post("/account/company/apply/", form)
    assert sent.status_code == 302 and sent["Location"] == "/account/company/"
    overview = client.get("/account/company/")
    assert b"Awaiting approval" in overview.content
    application_row = CompanyApplication.objects.get()
    location = CompanyLocation.objects.get()
    assert application_row.contact_email == "ana@acme.example"
    assert location.shipping_address == location.billing_address


def test_a_retried_application_with_its_idempotency_key_makes_one_company(in_store):
    client = api_client(in_store, shopper())
    headers = {"HTTP_IDEMPOTENCY_KEY": "apply-1"}

    first = client.post("/api/v1/b2b/applications/", application(), format="json", **headers)
    retry = client.post("/api/v1/b2b/applications/", application(), format="json", **headers)

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry["Idempotent-Replayed"] == "true" and retry.json() == first.json()
    assert Company.objects.count() == 1
