"""Item 4 (a company's API key reaches only what the company may see as a buyer) and item 5
(company membership is an invitation, answered alike for every email)."""

import secrets

import pytest

STAFF_CATALOG = [
    "/api/v1/catalog/products/",
    "/api/v1/catalog/products/{lamp}/",
    "/api/v1/catalog/products/{draft}/",
    "/api/v1/catalog/categories/",
    "/api/v1/catalog/brands/",
    "/api/v1/catalog/attributes/",
    "/api/v1/catalog/product-types/",
    "/api/v1/catalog/export/",
]


def staff_path(store, path: str) -> str:
    return path.format(lamp=store.products["lamp"]["id"], draft=store.products["draft"]["id"])


@pytest.mark.parametrize("path", STAFF_CATALOG)
def test_a_company_api_key_cannot_read_the_staff_catalog(store_a, path):
    answer = store_a.key_client(store_a.company_key).get(staff_path(store_a, path))

    assert answer.status_code == 403
    assert "cost_price" not in answer.text


@pytest.mark.parametrize("path", STAFF_CATALOG[:3])
def test_the_store_api_key_reads_the_staff_catalog(store_a, path):
    answer = store_a.key_client(store_a.store_key).get(staff_path(store_a, path))

    assert answer.status_code == 200


def test_a_company_api_key_reads_the_shop_catalog_at_the_company_prices(store_a):
    answer = store_a.key_client(store_a.company_key).get("/api/v1/shop/products/lamp-of-store-a/")

    assert answer.status_code == 200
    assert (
        answer.json()["variants"][0]["price"]
        == store_a.products["lamp"]["variants"][0]["b2b_price"]
    )
    assert "cost_price" not in answer.text


def test_a_company_api_key_does_not_see_drafts(store_a):
    shop = store_a.key_client(store_a.company_key)

    assert shop.get("/api/v1/shop/products/draft-of-store-a/").status_code == 404


# --- Invitations -------------------------------------------------------------------------------


def invite(store, email: str, role: str = "buyer"):
    return store.client("company_admin").post(
        "/api/v1/auth/company/members/", json={"email": email, "role": role}
    )


def roles_of(store, person) -> list[str]:
    return store.token_client(person.token).get("/api/v1/auth/user/").json()["roles"]


def test_an_invitation_answers_alike_for_a_customer_a_stranger_and_an_owner(live, store_a):
    customer = live.new_person(store_a, "customer")
    owner = live.new_person(store_a, "owner")
    stranger = f"stranger-{secrets.token_hex(4)}@example.com"

    answers = {email: invite(store_a, email) for email in (customer.email, stranger, owner.email)}

    assert [answer.status_code for answer in answers.values()] == [202, 202, 202]
    # The same words for everyone, the address asked about aside.
    bodies = {answer.text.replace(email, "<email>") for email, answer in answers.items()}
    assert len(bodies) == 1


def test_an_invitation_does_not_make_the_person_a_member(live, store_a):
    customer = live.new_person(store_a, "customer")

    invite(store_a, customer.email)

    members = store_a.client("company_admin").get("/api/v1/auth/company/members/").json()
    assert customer.email not in [member["email"] for member in members]
    assert roles_of(store_a, customer) == ["customer"]


def test_a_company_admin_cannot_pull_an_owner_into_the_company(live, store_a):
    owner = live.new_person(store_a, "owner")

    invite(store_a, owner.email, role="admin")

    assert "company_admin" not in roles_of(store_a, owner)
    assert store_a.token_client(owner.token).get("/api/v1/auth/company/").status_code == 404


def test_a_buyer_cannot_invite(store_a):
    answer = store_a.client("company_buyer").post(
        "/api/v1/auth/company/members/", json={"email": "x@example.com", "role": "buyer"}
    )

    assert answer.status_code == 403
