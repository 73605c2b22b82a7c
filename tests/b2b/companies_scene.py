"""What the company tests share: a valid application, people, clients at store A."""

from rest_framework.test import APIClient

from accounts import services as account_services
from tests.matrix import create_user

BERLIN = {
    "full_name": "Ana Weber",
    "line1": "Friedrichstraße 68",
    "city": "Berlin",
    "postal_code": "10117",
    "country": "DE",
}
HAMBURG = {**BERLIN, "full_name": "Receiving", "city": "Hamburg", "postal_code": "20095"}


def application(**overrides) -> dict:
    return {
        "name": "Acme GmbH",
        "vat_number": "DE136695976",
        "billing_address": dict(BERLIN),
        "shipping_address": dict(HAMBURG),
        "contact_name": "Ana Weber",
        "contact_email": "ana@acme.example",
        "contact_phone": "+49 30 1234567",
        **overrides,
    }


def api_client(store, user=None) -> APIClient:
    client = APIClient(HTTP_HOST=store.primary_host)
    if user is not None:
        token = account_services.issue_auth_token(user=user).key
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def shopper(email: str = "ana@example.com"):
    return create_user(email)
