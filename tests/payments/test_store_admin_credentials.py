"""Settings > Payments, provider credentials: the owner saves them, the screen then says
"Connected" and "Saved" for each secret without ever showing it, an empty secret keeps the
saved one, a refused value is shown next to its field (400, nothing saved); the webhook URL to
register is shown. Orders > Payment mismatches lists what a provider flagged."""

import pytest

from payments import credentials
from payments.models import ProviderAccount
from tests.catalog.store_admin_clients import admin_client
from tests.payments.example_provider import CODE, shopper_pays
from tests.payments.test_core import online_payment

pytestmark = pytest.mark.django_db

SCREEN = "/admin/payments/"
SAVE = f"/admin/payments/credentials/{CODE}/"


def test_the_owner_connects_a_provider_and_never_sees_its_secrets_again(example, store_a):
    credentials.forget(CODE)
    owner = admin_client(store_a, "owner")
    before = owner.get(SCREEN).content.decode()
    assert "Not connected yet: enter its credentials below." in before
    assert f"{store_a.primary_host}" in before
    assert f"/payments/webhooks/{CODE}/</code>" in before

    saved = owner.post(
        SAVE,
        {
            f"{CODE}-api_key": "sk_live_TOPSECRET_1",
            f"{CODE}-webhook_secret": "whsec_TOPSECRET_2",
            f"{CODE}-account_name": "Main account",
            f"{CODE}-capture": "manual",
        },
    )
    assert (saved.status_code, saved["Location"]) == (302, SCREEN)
    after = owner.get(SCREEN).content.decode()
    assert "Connected: its credentials are saved" in after
    assert after.count("Saved — leave empty to keep it.") == 2
    assert "TOPSECRET" not in after
    assert 'value="Main account"' in after

    # Saving again with the secret fields empty keeps them; a bad choice is refused.
    kept = owner.post(SAVE, {f"{CODE}-account_name": "Renamed", f"{CODE}-capture": "automatic"})
    assert kept.status_code == 302
    assert credentials.get(CODE) == {
        "api_key": "sk_live_TOPSECRET_1",
        "webhook_secret": "whsec_TOPSECRET_2",
        "account_name": "Renamed",
        "capture": "automatic",
    }
    refused = owner.post(SAVE, {f"{CODE}-capture": "sometimes"})
    assert refused.status_code == 400
    assert "Select a valid choice." in refused.content.decode()
    assert ProviderAccount.objects.get(code=CODE).options["capture"] == "automatic"


def test_support_reads_the_screen_with_every_credential_field_disabled(example, store_a):
    page = admin_client(store_a, "support").get(SCREEN).content.decode()
    assert f'name="{CODE}-api_key"' in page
    assert "Save ExamplePay settings" not in page


def test_the_mismatch_report_lists_a_flagged_underpayment_with_its_difference(example, store_a):
    payment = online_payment()
    shopper_pays(payment.provider_reference, "20.00", flags=("underpaid",))
    from payments import services

    services.confirm_return(payment=payment)
    page = admin_client(store_a, "order_manager").get("/admin/payments/mismatches/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"#{payment.order.number}" in text
    assert "underpaid" in text
    assert "-$5.00" in text
