"""Item 2: a password change signs every other device out (tokens and browser sessions)."""

NEW_PASSWORD = "Another-horse-73"


def signed_in_browser(store, email: str):
    browser = store.client()
    browser.sign_in_page(email)
    assert browser.get("/account/").status_code == 200
    return browser


def test_a_password_change_on_the_page_revokes_the_api_token(live, store_a):
    person = live.new_person(store_a, "customer")
    stolen_token = store_a.token_client(person.token)
    browser = signed_in_browser(store_a, person.email)

    changed = browser.submit(
        "/accounts/password/change/",
        {"oldpassword": person.password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert changed.status_code == 302
    assert stolen_token.get("/api/v1/auth/user/").status_code == 401
    assert browser.get("/account/").status_code == 200  # the session that changed it stays


def test_a_password_change_through_the_api_ends_the_browser_sessions(live, store_a):
    person = live.new_person(store_a, "customer")
    browser = signed_in_browser(store_a, person.email)

    changed = store_a.token_client(person.token).post(
        "/api/v1/auth/password/change/",
        json={
            "old_password": person.password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert changed.status_code == 200
    signed_out = browser.get("/account/")
    assert signed_out.status_code == 302
    assert signed_out.headers["Location"].startswith("/accounts/login/")


def test_a_password_change_through_the_api_revokes_the_token_of_another_device(live, store_a):
    person = live.new_person(store_a, "customer")
    other_device = store_a.token_client(person.token)
    this_device = store_a.token_client(store_a.log_in(person.email))

    changed = this_device.post(
        "/api/v1/auth/password/change/",
        json={
            "old_password": person.password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert changed.status_code == 200
    assert other_device.get("/api/v1/auth/user/").status_code == 401
