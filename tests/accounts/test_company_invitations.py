"""Joining a company is an invitation its recipient accepts; the inviter learns nothing."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from accounts.models import CompanyMembership

from .conftest import make_customer, make_person, token_for

pytestmark = pytest.mark.django_db

MEMBERS = "/api/v1/auth/company/members/"


@pytest.fixture
def company_admin(in_store_a):
    return make_person("company_admin")


@pytest.fixture
def inviter(in_store_a, api_client, company_admin):
    return api_client(in_store_a, token=token_for(company_admin))


def _invite(client, email, role="buyer", *, capture):
    with capture(execute=True):
        return client.post(MEMBERS, {"email": email, "role": role}, format="json")


def _secret_from(message) -> str:
    return re.search(r"/account/company/invitations/([^/\s]+)/", message.body).group(1)


def _accept(client, secret):
    return client.post(f"/api/v1/auth/company/invitations/{secret}/accept/")


def test_an_invited_person_accepts_by_api_and_joins_with_the_invited_role(
    in_store_a, api_client, inviter, company_admin, django_capture_on_commit_callbacks
):
    invitee = make_customer("ada@example.com")
    response = _invite(
        inviter, "Ada@Example.com", "approver", capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 202
    assert not CompanyMembership.objects.filter(user=invitee).exists()  # not until accepted
    assert mail.outbox[-1].to == ["ada@example.com"]
    assert "Acme Ltd" in mail.outbox[-1].subject
    link = re.search(r"http://\S+/account/company/invitations/\S+/", mail.outbox[-1].body)
    assert link.group(0).startswith(f"http://{in_store_a.primary_host}/")

    accepted = _accept(
        api_client(in_store_a, token=token_for(invitee)), _secret_from(mail.outbox[-1])
    )

    assert accepted.status_code == 201
    assert accepted.json()["company"]["name"] == "Acme Ltd"
    membership = CompanyMembership.objects.get(user=invitee)
    assert (membership.company, membership.role) == (
        company_admin.company_membership.company,
        "approver",
    )


def test_the_answer_is_the_same_whether_or_not_the_email_has_an_account(
    in_store_a, inviter, django_capture_on_commit_callbacks
):
    make_customer("known@example.com")
    make_person("owner")
    answers = [
        _invite(inviter, email, capture=django_capture_on_commit_callbacks)
        for email in ("known@example.com", "unknown@example.com", "owner@example.com")
    ]
    assert {response.status_code for response in answers} == {202}
    bodies = [{**response.json(), "email": None} for response in answers]
    assert bodies[0] == bodies[1] == bodies[2]
    assert [message.to for message in mail.outbox] == [
        ["known@example.com"],
        ["unknown@example.com"],
        ["owner@example.com"],
    ]


def test_the_store_owner_cannot_be_pulled_into_a_company(
    in_store_a, api_client, inviter, django_capture_on_commit_callbacks
):
    owner = make_person("owner")
    _invite(inviter, owner.email, "admin", capture=django_capture_on_commit_callbacks)
    response = _accept(
        api_client(in_store_a, token=token_for(owner)), _secret_from(mail.outbox[-1])
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "staff_cannot_join_company"
    assert not CompanyMembership.objects.filter(user=owner).exists()


def test_only_the_invited_email_accepts(
    in_store_a, api_client, inviter, django_capture_on_commit_callbacks
):
    make_customer("ada@example.com")
    intruder = make_customer("eve@example.com")
    _invite(inviter, "ada@example.com", capture=django_capture_on_commit_callbacks)
    response = _accept(
        api_client(in_store_a, token=token_for(intruder)), _secret_from(mail.outbox[-1])
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invitation_for_another_email"
    assert not CompanyMembership.objects.filter(user=intruder).exists()
    assert _accept(api_client(in_store_a), _secret_from(mail.outbox[-1])).status_code == 401


def test_an_invitation_works_once(
    in_store_a, api_client, inviter, company_admin, django_capture_on_commit_callbacks
):
    invitee = make_customer("ada@example.com")
    _invite(inviter, "ada@example.com", capture=django_capture_on_commit_callbacks)
    client = api_client(in_store_a, token=token_for(invitee))
    secret = _secret_from(mail.outbox[-1])
    assert _accept(client, secret).status_code == 201
    CompanyMembership.objects.filter(user=invitee).delete()  # removed from the company since
    again = _accept(client, secret)
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "not_found"


def test_an_invitation_expires_after_a_week(
    in_store_a, api_client, inviter, django_capture_on_commit_callbacks
):
    invitee = make_customer("ada@example.com")
    _invite(inviter, "ada@example.com", capture=django_capture_on_commit_callbacks)
    secret = _secret_from(mail.outbox[-1])
    client = api_client(in_store_a, token=token_for(invitee))
    with time_machine.travel(datetime.now(UTC) + timedelta(days=8), tick=False):
        assert _accept(client, secret).status_code == 404
    assert not CompanyMembership.objects.filter(user=invitee).exists()


def test_only_company_admins_invite(in_store_a, api_client):
    buyer = make_person("company_buyer")
    response = api_client(in_store_a, token=token_for(buyer)).post(
        MEMBERS, {"email": "x@example.com"}, format="json"
    )
    assert response.status_code == 403
    assert mail.outbox == []


def test_an_invitation_with_a_bad_role_is_a_field_error(in_store_a, inviter):
    response = inviter.post(MEMBERS, {"email": "x@example.com", "role": "owner"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"role"}


def test_the_emailed_link_opens_a_storefront_page_that_accepts(
    in_store_a, store_client, inviter, django_capture_on_commit_callbacks
):
    invitee = make_customer("ada@example.com")
    _invite(inviter, "ada@example.com", capture=django_capture_on_commit_callbacks)
    page_url = f"/account/company/invitations/{_secret_from(mail.outbox[-1])}/"

    anonymous = store_client(in_store_a)
    assert anonymous.get(page_url)["Location"].startswith("/accounts/login/")

    browser = store_client(in_store_a)
    browser.force_login(invitee)
    page = browser.get(page_url)
    assert page.status_code == 200
    assert b"Join Acme Ltd" in page.content
    assert browser.post(page_url).status_code == 302
    assert CompanyMembership.objects.get(user=invitee).role == "buyer"
    assert browser.get(page_url).status_code == 404  # used


def test_the_storefront_page_refuses_staff(
    in_store_a, store_client, inviter, django_capture_on_commit_callbacks
):
    support = make_person("support")
    _invite(inviter, support.email, capture=django_capture_on_commit_callbacks)
    browser = store_client(in_store_a)
    browser.force_login(support)
    response = browser.post(f"/account/company/invitations/{_secret_from(mail.outbox[-1])}/")
    assert response.status_code == 403
    assert b"staff cannot join" in response.content
    assert not CompanyMembership.objects.filter(user=support).exists()


def test_staff_cannot_be_added_to_a_company_in_the_django_admin(
    in_store_a, store_client, two_factor_login
):
    from accounts.models import Company

    company = Company.objects.create(name="Acme Ltd")
    support = make_person("support")
    browser = store_client(in_store_a)
    two_factor_login(browser, make_person("owner"))
    response = browser.post(
        f"/django-admin/accounts/company/{company.pk}/change/",
        {
            "name": "Acme Ltd",
            "vat_number": "",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": str(support.pk),
            "memberships-0-role": "buyer",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert b"staff cannot join a company" in response.content
    assert not CompanyMembership.objects.filter(user=support).exists()


def test_a_company_member_cannot_be_made_staff(in_store_a):
    from accounts import services
    from accounts.errors import StaffCannotJoinCompany

    buyer = make_person("company_buyer")
    with pytest.raises(StaffCannotJoinCompany):
        services.change_staff_role(user=buyer, role="support")


def test_a_company_member_cannot_be_made_staff_in_the_django_admin(
    in_store_a, store_client, two_factor_login
):
    buyer = make_person("company_buyer")
    browser = store_client(in_store_a)
    two_factor_login(browser, make_person("owner"))
    page = browser.get(f"/django-admin/accounts/user/{buyer.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"password", "groups", "user_permissions"}
    }
    data.update(staff_role="support", date_joined_0="2026-11-30", date_joined_1="00:00:00")
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = browser.post(f"/django-admin/accounts/user/{buyer.pk}/change/", data)
    assert response.status_code == 200  # the form again, with the error
    assert b"A member of a company cannot join" in response.content
    buyer.refresh_from_db()
    assert buyer.staff_role == ""
