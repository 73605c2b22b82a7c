"""A shopper's own account: profile, address book, and erasure (GDPR)."""

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import events
from accounts.models import Address, AuthToken, User

from .conftest import PASSWORD, make_customer, token_for

pytestmark = pytest.mark.django_db

HOME = {
    "full_name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "gb",
}


@pytest.fixture
def shopper(in_store_a):
    return make_customer()


@pytest.fixture
def client(in_store_a, api_client, shopper):
    return api_client(in_store_a, token=token_for(shopper))


def test_profile_can_be_changed_but_not_its_email(client, shopper):
    response = client.patch(
        "/api/v1/auth/user/",
        {"first_name": "Ada", "phone": "+44 20 7946 0000", "email": "other@example.com"},
        format="json",
    )
    assert response.status_code == 200
    shopper.refresh_from_db()
    assert (shopper.first_name, shopper.phone, shopper.email) == (
        "Ada",
        "+44 20 7946 0000",
        "shopper@example.com",
    )


def test_address_book_holds_several_addresses_with_one_default_each(client):
    first = client.post(
        "/api/v1/auth/user/addresses/",
        {**HOME, "is_default_shipping": True, "is_default_billing": True},
        format="json",
    )
    assert first.status_code == 201, first.json()
    assert first.json()["country"] == "GB"
    second = client.post(
        "/api/v1/auth/user/addresses/",
        {**HOME, "line1": "1 Office Road", "is_default_shipping": True},
        format="json",
    )
    assert second.status_code == 201

    book = client.get("/api/v1/auth/user/addresses/").json()
    defaults = {(a["line1"], a["is_default_shipping"], a["is_default_billing"]) for a in book}
    assert defaults == {
        ("12 St James's Square", False, True),
        ("1 Office Road", True, False),
    }


def test_address_book_is_listed_with_a_constant_number_of_queries(client):
    for number in range(5):
        client.post(
            "/api/v1/auth/user/addresses/", {**HOME, "line1": f"{number} Road"}, format="json"
        )
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/auth/user/addresses/")
    assert len(response.json()) == 5
    reads = [q["sql"] for q in queries if not q["sql"].startswith("SET search_path")]
    # the store, the token with its person, the person's company role, the addresses
    assert len(reads) == 4, reads


def test_address_edit_and_delete(client):
    address = client.post("/api/v1/auth/user/addresses/", HOME, format="json").json()
    url = f"/api/v1/auth/user/addresses/{address['id']}/"
    assert client.patch(url, {"city": "Bath"}, format="json").json()["city"] == "Bath"
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_address_with_bad_fields_is_a_400_listing_them(client):
    response = client.post(
        "/api/v1/auth/user/addresses/", {**HOME, "country": "Britain", "city": ""}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"country", "city"}


def test_another_persons_address_is_not_found(client, api_client, in_store_a):
    other = make_customer("other@example.com")
    theirs = Address.objects.create(user=other, **{**HOME, "country": "GB"})
    url = f"/api/v1/auth/user/addresses/{theirs.pk}/"
    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404
    assert Address.objects.filter(pk=theirs.pk).exists()


def test_storefront_address_book_page(in_store_a, store_client, shopper):
    browser = store_client(in_store_a)
    browser.force_login(shopper)
    form = browser.get("/account/addresses/new/").content.decode()
    # The country is chosen by its name, not typed as an ISO code.
    assert '<select name="country"' in form
    assert '<option value="GB">United Kingdom</option>' in form
    assert "ISO 3166" not in form
    assert "Use as my default shipping address" in form
    response = browser.post("/account/addresses/new/", {**HOME, "country": "GB"})
    assert response.status_code == 302
    page = browser.get("/account/")
    assert b"12 St James" in page.content


def test_erasure_anonymises_the_person_and_keeps_the_row_for_orders(client, shopper):
    Address.objects.create(user=shopper, **{**HOME, "country": "GB"})
    erased = []

    def listener(sender, user, **kwargs):
        erased.append(user.pk)

    # Only this test's listener goes afterwards: orders, wishlists and idempotency listen too.
    events.account_erased.connect(listener, weak=False)
    try:
        response = client.delete("/api/v1/auth/user/", {"password": PASSWORD}, format="json")
    finally:
        events.account_erased.disconnect(listener)
    assert response.status_code == 204
    assert erased == [shopper.pk]

    row = User.objects.get(pk=shopper.pk)
    assert row.email == f"erased-{shopper.pk}@invalid.invalid"
    assert (row.first_name, row.last_name, row.phone, row.is_active) == ("", "", "", False)
    assert not row.has_usable_password()
    assert row.erased_at is not None
    assert not Address.objects.filter(user=shopper).exists()
    assert not EmailAddress.objects.filter(user=shopper).exists()
    assert not AuthToken.objects.filter(user=shopper).exists()
    assert client.get("/api/v1/auth/user/").status_code == 401
    # The email is free again: the person may sign up anew.
    assert not User.objects.filter(email__iexact="shopper@example.com").exists()


def test_erasure_needs_the_password(client, shopper):
    response = client.delete("/api/v1/auth/user/", {"password": "wrong"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "wrong_password"
    assert User.objects.get(pk=shopper.pk).is_active


def test_storefront_account_deletion_signs_out(in_store_a, store_client, shopper):
    browser = store_client(in_store_a)
    browser.force_login(shopper)
    assert browser.post("/account/delete/", {"password": PASSWORD}).status_code == 302
    assert browser.get("/account/").status_code == 302
    assert not User.objects.get(pk=shopper.pk).is_active


def test_erasure_ends_the_persons_sessions_on_other_devices(
    in_store_a, store_client, client, shopper
):
    other_device = store_client(in_store_a)
    other_device.force_login(shopper)
    assert other_device.get("/account/").status_code == 200
    client.delete("/api/v1/auth/user/", {"password": PASSWORD}, format="json")
    assert other_device.get("/account/").status_code == 302
