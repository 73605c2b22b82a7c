"""The invoices API and the store admin's invoice screens: every role against every endpoint
(tests/matrix.py), a company sees only its own invoices (another's: 404), staff record a
payment (idempotent), statements download as CSV and PDF, lists read in constant queries."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Company
from payments import services as payment_services
from tests.b2b.factories import invoice_order, make_company, on_account
from tests.matrix import (
    COMPANY,
    PEOPLE,
    STAFF,
    Endpoint,
    case_id,
    check_every_role,
    every_role,
    expect,
    route_of,
)
from tests.queries import statements

pytestmark = pytest.mark.django_db

MEMBERS = {role: 200 for role in COMPANY}
READERS = {"owner": 200, "order_manager": 200, "support": 200}


def readable(status: int = 200, *, members: int = 200) -> dict:
    return expect(
        403,
        **{role: members for role in COMPANY},
        **{role: status for role in READERS},
        company_key=members,
    )


ROWS = [
    Endpoint("GET", "/api/v1/b2b/invoices/", readable()),
    Endpoint("GET", "/api/v1/b2b/invoices/{own}/", readable()),
    Endpoint("GET", "/api/v1/b2b/invoices/{other}/", readable(members=404)),
    Endpoint("GET", "/api/v1/b2b/invoices/{own}/pdf/", readable()),
    Endpoint("GET", "/api/v1/b2b/invoices/{other}/pdf/", readable(members=404)),
    Endpoint(
        "POST",
        "/api/v1/b2b/invoices/{own}/payments/",
        expect(403, owner=201, order_manager=201),
        {"amount": "5.00", "note": "Wire"},
    ),
    Endpoint("GET", "/api/v1/b2b/statement/?company={company}&format=csv", readable()),
    Endpoint("GET", "/api/v1/b2b/statement/", readable(400)),
]


@pytest.fixture(scope="module")
def scene(cast):
    connection.set_tenant(cast.store)
    payment_services.set_method_settings(data={"enabled_methods": ["invoice"]})
    company = on_account(cast.person("company_buyer").company_membership.company)
    own = invoice_order(company).invoice
    other = invoice_order(make_company("Other Co")).invoice
    return {"own": own.pk, "other": other.pk, "company": company.pk}


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, scene):
    check_every_role(cast, endpoint, scene)


def test_every_invoice_endpoint_is_in_the_matrix():
    from django.urls import URLPattern

    from b2b.api import invoicing
    from b2b.api.urls import urlpatterns

    # Only this module's endpoints (the invoices and the statement): the other B2B features
    # have their own matrices; an include() (the price lists') has no view of its own.
    declared = {
        f"/api/v1/b2b/{pattern.pattern}"
        for pattern in urlpatterns
        if isinstance(pattern, URLPattern) and pattern.callback.__module__ == invoicing.__name__
    }
    assert declared
    assert declared - {route_of(row.path.split("?")[0]) for row in ROWS} == set()


def test_a_company_lists_only_its_own_invoices(cast, scene):
    body = cast.client("company_key").get("/api/v1/b2b/invoices/").json()
    assert [row["id"] for row in body["results"]] == [scene["own"]]
    staff = cast.client("support").get("/api/v1/b2b/invoices/").json()
    assert {row["id"] for row in staff["results"]} == {scene["own"], scene["other"]}
    detail = cast.client("company_buyer").get(f"/api/v1/b2b/invoices/{scene['own']}/").json()
    assert (detail["status"], detail["amount"], detail["outstanding"]) == (
        "open",
        "25.00",
        "25.00",
    )
    assert (
        detail["due_on"]
        == (timezone.localdate() + timedelta(days=Company.PaymentTerms("net_30").days)).isoformat()
    )


def test_recording_a_payment_is_idempotent(cast, scene):
    client = cast.client("order_manager")
    path = f"/api/v1/b2b/invoices/{scene['own']}/payments/"
    headers = {"HTTP_IDEMPOTENCY_KEY": "wire-88812"}
    first = client.post(path, {"amount": "25.00"}, format="json", **headers)
    again = client.post(path, {"amount": "25.00"}, format="json", **headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert first.json()["status"] == "paid"
    assert first.json()["outstanding"] == "0.00"
    refused = client.post(path, {"amount": "1.00"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "illegal_transition"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"amount": "-1"}, "amount"), ({"amount": "abc"}, "amount"), ({"note": "x" * 2001}, "note")],
)
def test_bad_payment_input_is_refused_field_by_field(cast, scene, body, field):
    response = cast.client("owner").post(
        f"/api/v1/b2b/invoices/{scene['own']}/payments/", body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-13-01", "from"),
        ("from=2026-02-01&to=2026-01-01", "to"),
        ("format=xls", "format"),
    ],
)
def test_bad_statement_periods_are_refused(cast, scene, query, field):
    response = cast.client("company_buyer").get(f"/api/v1/b2b/statement/?{query}")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_the_statement_downloads(cast, scene):
    client = cast.client("company_key")
    csv_answer = client.get("/api/v1/b2b/statement/?format=csv")
    assert csv_answer["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(csv_answer.content.decode())))
    assert [row[1] for row in rows] == ["type", "opening_balance", "invoice", "closing_balance"]
    assert rows[-1][6] == "25.00"
    pdf = client.get("/api/v1/b2b/statement/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    json_answer = client.get("/api/v1/b2b/statement/").json()
    assert (json_answer["opening_balance"], json_answer["closing_balance"]) == ("0.00", "25.00")


def test_the_list_reads_in_constant_queries(cast, scene):
    client = cast.client("owner")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/b2b/invoices/").status_code == 200
        return statements(queries)

    few = count()
    company = Company.objects.get(pk=scene["company"])
    for _ in range(4):
        invoice_order(company)
    assert count() == few


# --- Store admin ---------------------------------------------------------------------------------


@pytest.fixture
def admin_client(store_a):
    from tests.catalog.store_admin_clients import admin_client

    def make(role):
        if role == "anonymous":
            from tests.conftest import HostClient

            connection.set_tenant(store_a)
            return HostClient(HTTP_HOST=store_a.primary_host)
        return admin_client(store_a, role)

    return make


ADMIN_READERS = ("owner", "order_manager", "support")


@pytest.mark.parametrize(
    "path", ["/admin/b2b/invoices/", "/admin/b2b/invoices/{own}/", "/admin/b2b/invoices/{own}/pdf/",
             "/admin/b2b/invoices/statements/{company}/"]
)  # fmt: skip
def test_staff_read_the_invoice_screens(admin_client, scene, path):
    url = path.format(**scene)

    def reads(role):
        response = admin_client(role).get(url)
        if role in ADMIN_READERS:
            assert response.status_code == 200
        elif role in STAFF:
            assert response.status_code == 403
        else:
            assert response.status_code == 302

    every_role(["anonymous", *PEOPLE], reads)


def test_owner_and_order_managers_record_a_payment_on_the_invoice_screen(admin_client, scene):
    from b2b.models import Invoice

    url = f"/admin/b2b/invoices/{scene['own']}/payments/"

    def records(role):
        response = admin_client(role).post(url, {"amount": "25.00", "note": "Wire"})
        status = Invoice.objects.get(pk=scene["own"]).status
        if role in ("owner", "order_manager"):
            assert response.status_code == 302
            assert status == "paid"
        else:
            assert response.status_code == (403 if role in STAFF else 302)
            assert status == "open"

    every_role(["anonymous", *PEOPLE], records)


def test_a_bad_amount_on_the_screen_shows_next_to_the_field(admin_client, scene):
    response = admin_client("owner").post(
        f"/admin/b2b/invoices/{scene['own']}/payments/", {"amount": "1.234", "note": "typed"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-message" in html and 'value="typed"' in html
    assert "Invoice 1" in html  # the page's title


def test_the_admin_list_reads_in_constant_queries(admin_client, scene):
    client = admin_client("owner")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/b2b/invoices/").status_code == 200
        return statements(queries)

    count()  # the admin's first page warms its caches
    few = count()
    company = Company.objects.get(pk=scene["company"])
    for _ in range(4):
        invoice_order(company)
    assert count() == few
