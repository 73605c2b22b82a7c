"""Item 1 (secrets in the store's admin and database) and item 7 (secrets in the store export)."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.security.conftest import tables_holding

# Models that hold nothing but secrets: hidden from every store admin, for every role.
SECRET_MODEL_PAGES = [
    "/django-admin/authtoken/tokenproxy/",
    "/django-admin/mfa/authenticator/",
    "/django-admin/socialaccount/socialtoken/",
    "/django-admin/account/emailconfirmation/",
]
# What no admin page may show (digests and hashes are not readable secrets there).
READABLE_SECRETS = (
    "customer's API token",
    "owner's API token",
    "TOTP secret",
    "email confirmation key",
    "OAuth app secret",
    "OAuth access token",
    "OAuth token secret",
)


def admin_session(store, role: str):
    browser = store.client()
    browser.sign_in_page(store.people[role].email)
    assert browser.get("/django-admin/").status_code == 200  # they do reach the admin
    return browser


@pytest.mark.parametrize("page", SECRET_MODEL_PAGES)
@pytest.mark.parametrize("role", ["support", "owner"])
def test_secret_models_are_absent_from_the_store_admin(store_a, store_a_secrets, role, page):
    browser = admin_session(store_a, role)

    assert browser.get(page).status_code == 404


def test_support_reads_no_secret_on_any_store_admin_page(store_a, store_a_secrets):
    """Support ("read-only") walks every admin page it is offered, list and first object."""
    browser = admin_session(store_a, "support")
    index = browser.get("/django-admin/").text
    changelists = sorted(set(re.findall(r'href="(/django-admin/\w+/\w+/)"', index)))
    assert changelists, "support is offered no page at all"

    def listing_and_first_object(changelist: str) -> dict[str, str]:
        reader = store_a.client()  # one session per thread, signed in as support
        reader.session.cookies.update(browser.session.cookies)
        listing = reader.get(changelist).text
        first = re.search(rf'href="({re.escape(changelist)}[^"/]+/change/)', listing)
        return {changelist: listing} | (
            {first.group(1): reader.get(first.group(1)).text} if first else {}
        )

    pages = {"/django-admin/": index}
    with ThreadPoolExecutor(max_workers=4) as pool:
        for found in pool.map(listing_and_first_object, changelists):
            pages |= found

    leaks = {
        (name, page)
        for page, text in pages.items()
        for name in READABLE_SECRETS
        if store_a_secrets[name] in text
    }
    assert leaks == set()


def test_support_cannot_read_the_oauth_app_secret(store_a, store_a_secrets):
    browser = admin_session(store_a, "support")
    listing = browser.get("/django-admin/socialaccount/socialapp/")
    first = re.search(r'href="(/django-admin/socialaccount/socialapp/\d+/change/)"', listing.text)
    change_page = browser.get(first.group(1)).text if first else ""

    assert store_a_secrets["OAuth app secret"] not in listing.text + change_page


def test_the_database_does_not_hold_the_api_token_a_login_answered(live, store_a):
    token = live.new_person(store_a, "customer").token

    assert tables_holding(live, store_a, token) == []


def test_a_token_from_the_login_still_signs_the_person_in(live, store_a):
    person = live.new_person(store_a, "customer")

    answer = store_a.token_client(person.token).get("/api/v1/auth/user/")

    assert answer.status_code == 200
    assert answer.json()["email"] == person.email


def test_a_guessed_token_is_refused(store_a):
    answer = store_a.token_client("0" * 40).get("/api/v1/auth/user/")

    assert answer.status_code == 401


def test_the_store_export_contains_no_secret(store_a, store_a_secrets):
    answer = store_a.client("owner").get("/api/v1/store/export/")
    assert answer.status_code == 200
    export = answer.text

    assert [name for name, value in store_a_secrets.items() if value in export] == []
