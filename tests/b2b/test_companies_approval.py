"""Staff decide on applications (API and store admin): approve or reject with a note, each
move recorded and emailed to the applicant once; illegal moves answer 409; terms, credit
limits and spending limits change through the same services; lists take constant queries."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Company, CompanyMembership
from b2b.companies import services
from b2b.companies.emails import send_company_email
from b2b.models import CompanyEmail, CompanyStatusChange
from tests.b2b.companies_scene import api_client, application, shopper
from tests.conftest import HostClient
from tests.matrix import PEOPLE, every_role, make_person
from tests.queries import statements

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_store(store_a):
    connection.set_tenant(store_a)
    return store_a


@pytest.fixture
def pending(in_store):
    return services.apply_for_company(user=shopper(), **application())


def test_staff_approve_with_a_note_and_the_applicant_is_emailed_once(
    in_store, pending, celery_eager, django_capture_on_commit_callbacks
):
    manager = make_person("order_manager")
    client = api_client(in_store, manager)

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"/api/v1/b2b/companies/{pending.pk}/approve/", {"note": "VIES ok"}, format="json"
        )

    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "approved"
    change = CompanyStatusChange.objects.filter(company=pending).last()
    assert (change.from_status, change.to_status, change.note, change.by) == (
        "pending", "approved", "VIES ok", manager,
    )  # fmt: skip
    approved = [m for m in mail.outbox if "can now buy" in m.subject]
    assert [m.to for m in approved] == [["ana@acme.example"]]
    assert "VIES ok" in approved[0].body
    # The task delivered again sends nothing.
    assert send_company_email(company_id=pending.pk, kind="approved", key=str(change.pk)) == 0

    again = client.post(f"/api/v1/b2b/companies/{pending.pk}/approve/", {}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "illegal_transition"


def test_a_rejection_needs_a_note_which_is_emailed(
    in_store, pending, celery_eager, django_capture_on_commit_callbacks
):
    client = api_client(in_store, make_person("owner"))

    silent = client.post(f"/api/v1/b2b/companies/{pending.pk}/reject/", {}, format="json")
    assert silent.status_code == 400 and "note" in silent.json()["error"]["fields"]
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"/api/v1/b2b/companies/{pending.pk}/reject/",
            {"note": "We sell to registered retailers only."},
            format="json",
        )

    assert answer.status_code == 200 and answer.json()["status"] == "rejected"
    rejected = [m for m in mail.outbox if m.to == ["ana@acme.example"] and "application" in
                m.subject and "registered retailers" in m.body]  # fmt: skip
    assert len(rejected) == 1
    assert CompanyEmail.objects.filter(company=pending, kind="rejected").count() == 1
    # A rejected company may be approved later; never rejected twice.
    assert client.post(f"/api/v1/b2b/companies/{pending.pk}/reject/", {"note": "x"},
                       format="json").status_code == 409  # fmt: skip
    assert client.post(f"/api/v1/b2b/companies/{pending.pk}/approve/", {},
                       format="json").status_code == 200  # fmt: skip


def test_staff_change_terms_and_bad_values_are_refused_field_by_field(in_store, pending):
    client = api_client(in_store, make_person("owner"))
    path = f"/api/v1/b2b/companies/{pending.pk}/"

    bad = client.patch(path, {"payment_terms": "net_90", "credit_limit": "1e20",
                              "requires_approval": "maybe"}, format="json")  # fmt: skip
    good = client.patch(path, {"payment_terms": "net_30", "credit_limit": "25000.00",
                               "requires_approval": True}, format="json")  # fmt: skip

    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {
        "payment_terms", "credit_limit", "requires_approval",
    }  # fmt: skip
    assert good.status_code == 200, good.content
    assert good.json()["payment_terms"] == "net_30"
    assert good.json()["credit_limit"] == "25000.00"
    pending.refresh_from_db()
    assert pending.requires_approval is True


def test_the_staff_list_filters_by_status_with_constant_queries(in_store, pending):
    client = api_client(in_store, make_person("support"))

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(path)
        assert answer.status_code == 200, answer.content
        return len(queries), answer.json()

    few, body = count("/api/v1/b2b/companies/?status=pending")
    assert [row["name"] for row in body["results"]] == ["Acme GmbH"]
    for number in range(6):
        services.apply_for_company(user=shopper(f"s{number}@example.com"), **application())
    many, body = count("/api/v1/b2b/companies/")
    assert len(body["results"]) == 7
    assert few == many
    assert client.get("/api/v1/b2b/companies/?status=nope").status_code == 400


def test_store_b_sees_nothing_of_store_a(in_store, pending, store_b):
    connection.set_tenant(store_b)
    owner_b = make_person("owner")
    client = api_client(store_b, owner_b)

    assert client.get(f"/api/v1/b2b/companies/{pending.pk}/").status_code == 404
    assert client.get("/api/v1/b2b/companies/").json()["results"] == []
    connection.set_tenant(in_store)


# --- Store admin ---------------------------------------------------------------------------------


def test_who_opens_and_who_decides_in_the_store_admin(in_store, pending):
    readers = {"owner", "order_manager", "support"}
    deciders = {"owner", "order_manager"}

    def check(role):
        connection.set_tenant(in_store)
        client = HostClient(HTTP_HOST=in_store.primary_host)
        if role != "anonymous":
            client.force_login(make_person(role))
        listing = client.get("/admin/companies/?status=pending")
        page = client.get(f"/admin/companies/{pending.pk}/")
        decided = client.post(f"/admin/companies/{pending.pk}/reject/", {"note": "No."})
        if role == "anonymous":
            assert (listing.status_code, page.status_code, decided.status_code) == (302,) * 3
            return
        assert listing.status_code == (200 if role in readers else 403 if role in
                                       {"catalog_manager"} else 302), role  # fmt: skip
        if role not in readers | {"catalog_manager"}:
            return
        assert page.status_code == (200 if role in readers else 403), role
        assert decided.status_code == (302 if role in deciders else 403), role
        status = Company.objects.get(pk=pending.pk).status
        assert status == ("rejected" if role in deciders else "pending"), role

    every_role(("anonymous", *PEOPLE), check)


def test_the_admin_screens_approve_set_terms_and_spending_limits(in_store, pending):
    client = HostClient(HTTP_HOST=in_store.primary_host)
    client.force_login(make_person("owner"))
    member = CompanyMembership.objects.get(company=pending)

    page = client.get(f"/admin/companies/{pending.pk}/").content.decode()
    assert "Approve" in page and "ana@acme.example" in page and "Hamburg" in page
    assert "/django-admin/" not in page

    bad = client.post(f"/admin/companies/{pending.pk}/terms/", {
        "name": "Acme GmbH", "payment_terms": "net_30", "credit_limit": "-5"})  # fmt: skip
    assert bad.status_code == 400
    assert "Enter an amount from 0" in bad.content.decode()
    assert 'value="-5"' in bad.content.decode()

    assert client.post(f"/admin/companies/{pending.pk}/approve/", {"note": "ok"}).status_code == 302
    assert client.post(f"/admin/companies/{pending.pk}/terms/", {
        "name": "Acme GmbH", "payment_terms": "net_30", "credit_limit": "10000",
        "requires_approval": "on"}).status_code == 302  # fmt: skip
    assert client.post(f"/admin/companies/{pending.pk}/members/{member.pk}/spending-limit/",
                       {f"m{member.pk}-spending_limit": "750"}).status_code == 302  # fmt: skip

    pending.refresh_from_db()
    member.refresh_from_db()
    assert (pending.status, pending.payment_terms, str(pending.credit_limit)) == (
        "approved", "net_30", "10000.00",
    )  # fmt: skip
    assert pending.requires_approval and str(member.spending_limit) == "750.00"
    page = client.get(f"/admin/companies/{pending.pk}/").content.decode()
    assert "pending → approved" in page


def test_the_admin_list_takes_constant_queries(in_store, pending):
    client = HostClient(HTTP_HOST=in_store.primary_host)
    client.force_login(make_person("owner"))
    client.get("/admin/companies/")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/companies/").status_code == 200
        return statements(queries)

    few = count()
    for number in range(5):
        services.apply_for_company(user=shopper(f"m{number}@example.com"), **application())
    assert count() == few


def test_staff_add_and_change_a_company_location(in_store, pending):
    from b2b.models import CompanyLocation
    from tests.b2b.companies_scene import BERLIN

    client = HostClient(HTTP_HOST=in_store.primary_host)
    client.force_login(make_person("order_manager"))
    form = {"name": "Dock 2"}
    for prefix in ("shipping", "billing"):
        form.update({f"{prefix}-{key}": value for key, value in BERLIN.items()})

    refused = client.post(f"/admin/companies/{pending.pk}/locations/new/",
                          {**form, "billing-postal_code": "12"})  # fmt: skip
    added = client.post(f"/admin/companies/{pending.pk}/locations/new/", form)
    place = CompanyLocation.objects.get(company=pending, name="Dock 2")
    renamed = client.post(f"/admin/companies/{pending.pk}/locations/{place.pk}/",
                          {**form, "name": "Dock 3"})  # fmt: skip

    assert refused.status_code == 400 and 'value="Dock 2"' in refused.content.decode()
    assert added.status_code == 302 and renamed.status_code == 302
    place.refresh_from_db()
    assert place.name == "Dock 3"
    support = HostClient(HTTP_HOST=in_store.primary_host)
    support.force_login(make_person("support"))
    assert support.get(f"/admin/companies/{pending.pk}/locations/new/").status_code == 403


def test_the_dashboard_shows_applications_awaiting_approval(in_store, pending):
    client = HostClient(HTTP_HOST=in_store.primary_host)
    client.force_login(make_person("order_manager"))

    page = client.get("/admin/").content.decode()

    assert "Company applications" in page and "/admin/companies/?status=pending" in page
