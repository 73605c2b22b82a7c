"""Customers and companies in the store admin: who may see and act on them, search and
filters, the CSV export, a customer's page, and the owner's actions on an account."""

import csv
import io
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services
from accounts.models import Address, AuthToken, Company, CompanyMembership, User
from tenants.models import AuditLogEntry
from tests.matrix import PEOPLE, create_user, every_role, make_person

pytestmark = pytest.mark.django_db

STAFF_WHO_READ = {"owner", "order_manager", "support"}


@pytest.fixture
def in_store(store_a):
    connection.set_tenant(store_a)
    return store_a


@pytest.fixture
def admin_client(in_store, store_client):
    """``admin_client(role)``: a client at store A signed in as a new person of ``role``."""

    def make(role: str):
        connection.set_tenant(in_store)
        client = store_client(in_store)
        if role != "anonymous":
            client.force_login(make_person(role))
        return client

    return make


def customer(email: str, *, first="", last="", verified=True, joined=None, company=None) -> User:
    user = create_user(email, first_name=first, last_name=last)
    if not verified:
        EmailAddress.objects.filter(user=user).update(verified=False)
    if joined is not None:
        User.objects.filter(pk=user.pk).update(date_joined=joined)
    if company is not None:
        services.add_company_member(company=company, user=user, role=CompanyMembership.Role.BUYER)
    return user


def listed_emails(response) -> list[str]:
    return re.findall(r"<td[^>]*>\s*([\w.+-]+@[\w.-]+)\s*</td>", response.content.decode())


# --- Who may do what ----------------------------------------------------------------------------


def _expected(role: str, allowed: set[str]) -> int:
    if role not in {"owner", "catalog_manager", "order_manager", "support"}:
        return 302  # not staff: Wagtail sends them to the sign-in page
    return 200 if role in allowed else 403


READ_SCREENS = [
    "/admin/customers/",
    "/admin/customers/results/",
    "/admin/customers/{customer}/",
    "/admin/companies/",
    "/admin/companies/{company}/",
]


@pytest.mark.parametrize("path", READ_SCREENS)
def test_who_reads_customers_and_companies(admin_client, path):
    def reads(role):
        client = admin_client(role)
        company = Company.objects.create(name="Globex")
        shopper = customer("ada@example.com", company=company)

        response = client.get(path.format(customer=shopper.pk, company=company.pk))

        expected = 302 if role == "anonymous" else _expected(role, STAFF_WHO_READ)
        assert response.status_code == expected
        if expected == 403:
            assert b"Your role does not include the store" in response.content

    every_role(["anonymous", *PEOPLE], reads)


def test_who_exports_customers(admin_client):
    def exports(role):
        response = admin_client(role).get("/admin/customers/?export=csv")

        allowed = {"owner", "order_manager"}
        assert response.status_code == (302 if role == "anonymous" else _expected(role, allowed))

    every_role(["anonymous", *PEOPLE], exports)


ACTIONS = {
    # action path, roles allowed, status when allowed
    "deactivate": ({"owner"}, 302),
    "reactivate": ({"owner"}, 302),
    "resend-verification": ({"owner", "order_manager"}, 302),
    "erase": ({"owner"}, 400),  # allowed, but the confirmation is missing
}


@pytest.mark.parametrize("action", ACTIONS)
def test_who_acts_on_an_account(admin_client, action):
    allowed, status_when_allowed = ACTIONS[action]

    def acts(role):
        client = admin_client(role)
        shopper = customer("ada@example.com", verified=False)

        response = client.post(f"/admin/customers/{shopper.pk}/{action}/")

        if role == "anonymous" or role not in {
            "owner",
            "catalog_manager",
            "order_manager",
            "support",
        }:
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        elif role in allowed:
            assert response.status_code == status_when_allowed
        else:
            assert response.status_code == 403
        shopper.refresh_from_db()
        if role not in allowed:
            assert shopper.is_active and shopper.erased_at is None

    every_role(["anonymous", *PEOPLE], acts)


def test_the_menu_shows_customers_to_those_who_read_them(admin_client):
    assert b'"Customers"' in admin_client("order_manager").get("/admin/").content
    assert b'"Customers"' not in admin_client("catalog_manager").get("/admin/").content


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_shoppers_not_staff_nor_erased_accounts(admin_client):
    client = admin_client("owner")
    customer("ada@example.com")
    make_person("support")
    erased = customer("gone@example.com")
    services.erase_account(user=erased, password=None)

    emails = listed_emails(client.get("/admin/customers/"))

    assert emails == ["ada@example.com"]


def test_search_finds_customers_by_every_word_of_their_name_or_email(admin_client):
    client = admin_client("owner")
    customer("ada@example.com", first="Ada", last="Lovelace")
    customer("grace@example.com", first="Grace", last="Hopper")
    customer("alan@turing.example", first="Alan", last="Turing")

    assert listed_emails(client.get("/admin/customers/?q=ada+love")) == ["ada@example.com"]
    assert listed_emails(client.get("/admin/customers/?q=HOPPER")) == ["grace@example.com"]
    assert listed_emails(client.get("/admin/customers/?q=turing.example")) == [
        "alan@turing.example"
    ]
    assert listed_emails(client.get("/admin/customers/?q=nobody")) == []


def test_filters_by_verified_email_company_and_sign_up_date(admin_client):
    client = admin_client("owner")
    globex = Company.objects.create(name="Globex")
    customer("new@example.com", verified=False)
    customer("buyer@example.com", company=globex, joined=timezone.now() - timedelta(days=30))
    customer("old@example.com", joined=timezone.now() - timedelta(days=400))

    assert listed_emails(client.get("/admin/customers/?email_verified=false")) == [
        "new@example.com"
    ]
    assert listed_emails(client.get(f"/admin/customers/?company={globex.pk}")) == [
        "buyer@example.com"
    ]
    since = (timezone.now() - timedelta(days=60)).date().isoformat()
    assert sorted(listed_emails(client.get(f"/admin/customers/?signed_up_since={since}"))) == [
        "buyer@example.com",
        "new@example.com",
    ]


def test_a_bad_filter_value_is_not_an_error(admin_client):
    response = admin_client("owner").get("/admin/customers/?signed_up_since=yesterday&company=x")

    assert response.status_code == 200


def test_the_list_takes_the_same_number_of_queries_for_any_number_of_customers(admin_client):
    client = admin_client("owner")
    globex = Company.objects.create(name="Globex")
    customer("first@example.com", company=globex)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/admin/customers/").status_code == 200
    for number in range(12):
        shopper = customer(f"c{number}@example.com", company=globex if number % 2 else None)
        Address.objects.create(
            user=shopper,
            full_name="C",
            line1="1 Road",
            city="Paris",
            postal_code="75001",
            country="FR",
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/admin/customers/")

    assert len(listed_emails(response)) == 13
    assert len(many) == len(few), [query["sql"] for query in many]


def test_the_export_is_a_csv_of_the_filtered_customers_safe_to_open(admin_client):
    client = admin_client("owner")
    globex = Company.objects.create(name="Globex")
    customer("ada@example.com", first="=HYPERLINK(1)", last="Lovelace", company=globex)
    customer("new@example.com", verified=False)

    response = client.get("/admin/customers/?export=csv&email_verified=true")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="customers.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Email", "First name", "Last name", "Email verified", "Company", "Signed up"]
    assert [row[:5] for row in rows[1:]] == [
        ["ada@example.com", "'=HYPERLINK(1)", "Lovelace", "True", "Globex"]
    ]


# --- A customer's page --------------------------------------------------------------------------


def test_a_customer_s_page_shows_profile_addresses_company_and_orders(admin_client):
    client = admin_client("support")
    globex = Company.objects.create(name="Globex")
    shopper = customer("ada@example.com", first="Ada", last="Lovelace", company=globex)
    Address.objects.create(
        user=shopper,
        full_name="Ada Lovelace",
        line1="12 St James's Square",
        city="London",
        postal_code="SW1Y 4JH",
        country="GB",
        is_default_shipping=True,
    )

    html = client.get(f"/admin/customers/{shopper.pk}/").content.decode()

    assert "Ada Lovelace" in html
    assert "12 St James&#x27;s Square" in html
    assert "default shipping" in html
    assert "Globex" in html and "Buyer" in html
    # The orders app's section (tests/ordersstaff), not a placeholder promising it.
    assert "data-customer-orders" in html
    assert "data-orders-placeholder" not in html
    # Support only reads: no action is offered.
    assert "Deactivate account" not in html and "Erase personal data" not in html


def test_staff_have_no_customer_page(admin_client):
    client = admin_client("owner")
    manager = make_person("catalog_manager")

    assert client.get(f"/admin/customers/{manager.pk}/").status_code == 404
    assert client.post(f"/admin/customers/{manager.pk}/deactivate/").status_code == 404


def test_a_company_lists_its_members(admin_client):
    client = admin_client("order_manager")
    globex = Company.objects.create(name="Globex", vat_number="FR123")
    customer("ada@example.com", company=globex)
    customer("bob@example.com", company=globex)

    listing = client.get("/admin/companies/").content.decode()
    page = client.get(f"/admin/companies/{globex.pk}/").content.decode()

    assert "Globex" in listing and re.search(r">\s*2\s*<", listing)
    assert "ada@example.com" in page and "bob@example.com" in page


# --- Actions ------------------------------------------------------------------------------------


def test_the_owner_deactivates_and_reactivates_a_customer(admin_client, in_store):
    client = admin_client("owner")
    shopper = customer("ada@example.com")
    services.issue_auth_token(user=shopper)

    response = client.post(f"/admin/customers/{shopper.pk}/deactivate/", follow=True)

    shopper.refresh_from_db()
    assert not shopper.is_active
    assert not AuthToken.objects.filter(user=shopper).exists()
    assert "can no longer sign in" in response.content.decode()
    assert "This account is deactivated" in response.content.decode()
    entry = AuditLogEntry.objects.get(action="customer.deactivated")
    assert entry.tenant == in_store
    assert entry.actor_label == "owner@example.com"
    assert entry.details == {"user_id": shopper.pk}

    client.post(f"/admin/customers/{shopper.pk}/reactivate/")

    shopper.refresh_from_db()
    assert shopper.is_active
    assert AuditLogEntry.objects.filter(action="customer.reactivated").count() == 1


def test_a_deactivated_customer_cannot_sign_in(admin_client, store_client, in_store):
    admin = admin_client("owner")
    shopper = customer("ada@example.com")
    admin.post(f"/admin/customers/{shopper.pk}/deactivate/")

    response = store_client(in_store).post(
        "/api/v1/auth/login/",
        {"email": "ada@example.com", "password": "Correct-horse-42"},
        content_type="application/json",
    )

    assert response.status_code == 400


def test_an_order_manager_resends_the_verification_email(admin_client):
    client = admin_client("order_manager")
    shopper = customer("new@example.com", verified=False)
    mail.outbox.clear()

    response = client.post(f"/admin/customers/{shopper.pk}/resend-verification/", follow=True)

    assert "A new verification link was sent to new@example.com" in response.content.decode()
    assert [message.to for message in mail.outbox] == [["new@example.com"]]
    assert "http://store-a." in mail.outbox[0].body


def test_a_verified_address_gets_no_new_link(admin_client):
    client = admin_client("owner")
    shopper = customer("ada@example.com")
    mail.outbox.clear()

    response = client.post(f"/admin/customers/{shopper.pk}/resend-verification/", follow=True)

    assert "is verified already" in response.content.decode()
    assert mail.outbox == []


def test_erasure_asks_for_the_customer_s_email_and_keeps_nothing_personal(admin_client):
    client = admin_client("owner")
    shopper = customer("ada@example.com", first="Ada", last="Lovelace")
    page = client.get(f"/admin/customers/{shopper.pk}/erase/")
    assert page.status_code == 200 and "cannot be undone" in page.content.decode()

    wrong = client.post(f"/admin/customers/{shopper.pk}/erase/", {"confirm_email": "bob@x.io"})

    assert wrong.status_code == 400
    html = wrong.content.decode()
    assert "This is not the customer&#x27;s email address." in html
    assert 'value="bob@x.io"' in html  # what was typed stays
    shopper.refresh_from_db()
    assert shopper.erased_at is None

    done = client.post(
        f"/admin/customers/{shopper.pk}/erase/", {"confirm_email": "ADA@example.com"}
    )

    assert done.status_code == 302 and done["Location"] == "/admin/customers/"
    shopper.refresh_from_db()
    assert shopper.erased_at is not None and not shopper.is_active
    assert shopper.email == f"erased-{shopper.pk}@invalid.invalid" and shopper.first_name == ""
    entry = AuditLogEntry.objects.get(action="customer.erased")
    assert entry.details == {"user_id": shopper.pk}
    assert "ada@example.com" not in str(entry.details)


def test_the_services_refuse_to_treat_staff_as_customers(in_store):
    owner = make_person("owner")
    manager = make_person("order_manager")

    from accounts.errors import NotACustomer

    for action in (services.deactivate_customer, services.erase_customer_on_request):
        with pytest.raises(NotACustomer):
            action(user=manager, by=owner)
    manager.refresh_from_db()
    assert manager.is_active and manager.erased_at is None
