"""Item 6: registration does not tell which emails have an account."""

import secrets

from tests.live_server import PASSWORD

ATTACKER_PASSWORD = "Attacker-horse-66"


def register(store, email: str, password: str = PASSWORD):
    return store.client().post(
        "/api/v1/auth/registration/",
        json={"email": email, "password1": password, "password2": password},
    )


def test_registering_a_taken_email_answers_as_for_a_new_one(live, store_a):
    existing = live.new_person(store_a, "customer")

    new = register(store_a, f"new-{secrets.token_hex(4)}@example.com")
    taken = register(store_a, existing.email)

    assert new.status_code == 201
    assert (taken.status_code, taken.json()) == (new.status_code, new.json())


def test_registering_a_new_email_sends_the_confirmation_link(live, store_a):
    email = f"new-{secrets.token_hex(4)}@example.com"

    assert register(store_a, email).status_code == 201

    assert live.server_log().count(f"To: {email}") == 1


def test_registering_a_taken_email_emails_the_account_instead(live, store_a):
    existing = live.new_person(store_a, "customer")
    emailed_before = live.server_log().count(f"To: {existing.email}")

    register(store_a, existing.email)

    assert live.server_log().count(f"To: {existing.email}") == emailed_before + 1


def test_registering_a_taken_email_does_not_take_the_account_over(live, store_a):
    existing = live.new_person(store_a, "customer")

    register(store_a, existing.email, ATTACKER_PASSWORD)

    attacker = store_a.client().post(
        "/api/v1/auth/login/", json={"email": existing.email, "password": ATTACKER_PASSWORD}
    )
    assert attacker.status_code == 400
    assert store_a.log_in(existing.email, existing.password)
