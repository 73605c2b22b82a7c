"""Settings > Payments in the store admin: the owner enables cash on delivery and sets its
fee, maximum and instructions through the payments' service; order managers and support read
the screen; other staff get 403; customers and strangers are sent to sign in. The dashboard's
"Set up payments" step is done once a method is enabled."""

import re
from decimal import Decimal

import pytest
from django.utils.html import escape

from payments import services
from payments.models import PaymentMethodSettings
from tests.catalog.store_admin_clients import admin_client, login_redirect
from tests.matrix import STAFF

pytestmark = pytest.mark.django_db

SCREEN = "/admin/payments/"
FORM = {
    "enabled_methods": ["cod"],
    "cod_fee": "2.50",
    "cod_max_order_value": "500",
    "cod_instructions": "Exact change, please.",
}


@pytest.fixture
def as_role(store_a):
    return lambda role: admin_client(store_a, role)


@pytest.fixture
def owner(as_role):
    return as_role("owner")


def saved() -> tuple:
    row = PaymentMethodSettings.objects.filter(pk=1).first()
    if row is None:
        return None
    return (row.enabled_methods, row.cod_fee, row.cod_max_order_value, row.cod_instructions)


EXPECTED = {"owner": 200, "order_manager": 200, "support": 200, "catalog_manager": 403}


@pytest.mark.parametrize("role", STAFF)
def test_each_staff_role_gets_exactly_its_screen(as_role, role):
    assert as_role(role).get(SCREEN).status_code == EXPECTED[role]


@pytest.mark.parametrize("role", ["order_manager", "support", "catalog_manager"])
def test_staff_who_may_not_manage_are_refused_the_write_and_nothing_changes(as_role, role):
    refused = as_role(role).post(SCREEN, FORM)

    assert refused.status_code == 403
    if role != "catalog_manager":
        assert escape("Only the store's owner changes its payment methods.") in (
            refused.content.decode()
        )
    assert saved() is None


@pytest.mark.parametrize("role", ["customer", "anonymous"])
def test_customers_and_strangers_are_sent_to_sign_in(as_role, store_client, in_store_a, role):
    client = as_role("customer") if role == "customer" else store_client(in_store_a)

    response = client.get(SCREEN)
    assert (response.status_code, response["Location"]) == (302, login_redirect(SCREEN))
    assert client.post(SCREEN, FORM).status_code == 302
    assert saved() is None


def test_readers_see_the_settings_without_a_save_button(as_role, in_store_a):
    services.set_method_settings(data={"enabled_methods": ["cod"], "cod_fee": "1.25"})

    html = as_role("order_manager").get(SCREEN).content.decode()

    assert "Cash on delivery" in html and 'value="1.25"' in html
    assert "Only the store's owner changes these settings." in html
    assert 'type="submit"' not in html.split('id="main"')[-1]


def test_the_owner_enables_cash_on_delivery_with_a_fee_and_a_maximum(owner):
    response = owner.post(SCREEN, FORM)

    assert (response.status_code, response["Location"]) == (302, SCREEN)
    assert saved() == (["cod"], Decimal("2.50"), Decimal("500.00"), "Exact change, please.")
    page = owner.get(SCREEN).content.decode()
    assert "The payment settings are saved." in page


def test_the_owner_turns_cash_on_delivery_off_and_clears_the_maximum(owner):
    owner.post(SCREEN, FORM)

    response = owner.post(SCREEN, {"cod_fee": "", "cod_max_order_value": ""})

    assert response.status_code == 302
    assert saved() == ([], Decimal("0"), None, "")


def test_a_fee_the_currency_cannot_hold_is_refused_next_to_its_field(owner):
    response = owner.post(SCREEN, FORM | {"cod_fee": "2.555", "cod_max_order_value": "-1"})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="2.555"' in html  # what was typed is still there
    assert "USD amounts have at most 2 decimals (such as 12.50)." in html
    assert "Must be more than 0. Empty: no maximum." in html
    assert saved() is None


def test_a_maximum_of_zero_is_refused_by_the_service_next_to_its_field(owner):
    response = owner.post(SCREEN, FORM | {"cod_max_order_value": "0"})

    assert response.status_code == 400
    assert "Must be more than 0. Empty: no maximum." in response.content.decode()
    assert saved() is None


def test_the_settings_menu_shows_payments_to_those_who_may_read_it(as_role):
    def menu(role) -> str:
        return as_role(role).get("/admin/").content.decode()

    for role in ("owner", "order_manager", "support"):
        assert '"label": "Payments"' in menu(role), role
    assert '"label": "Payments"' not in menu("catalog_manager")


def _payments_step(html: str) -> str:
    return re.search(r'data-step="payments" data-state="([a-z-]+)"', html).group(1)


def test_the_dashboard_step_is_done_once_a_method_is_enabled(owner):
    before = owner.get("/admin/").content.decode()
    assert _payments_step(before) == "to-do"
    assert 'href="/admin/payments/"' in before
    # Cards, PayPal and crypto are set up on that screen: nothing is announced as "soon".
    assert "How shoppers pay: cash on delivery, invoice, cards, PayPal or crypto." in before
    assert "soon" not in before

    owner.post(SCREEN, FORM)

    assert _payments_step(owner.get("/admin/").content.decode()) == "done"
