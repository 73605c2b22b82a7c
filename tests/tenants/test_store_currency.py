"""A store's currency: chosen at signup (USD unless said), shown and changed in Store details
and through the store API, fixed once a currency lock holds (the orders app registers "the
store has orders"); prices keep their amounts and cached answers show the new currency."""

from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from catalog.catalog_version import catalog_version
from tenants import currency_locks, services
from tenants.errors import CurrencyLocked, InvalidStoreDetails
from tenants.models import AuditLogEntry, Tenant
from tests.catalog import factories
from tests.matrix import (
    Endpoint,
    case_id,
    check_every_role,
    client_for,
    expect,
    make_person,
    send,
)

pytestmark = pytest.mark.django_db

SIGNUP = {
    "store_name": "Kyoto Tea",
    "subdomain": "kyoto-tea",
    "owner_email": "hana@example.com",
    "owner_password": "Matcha-Whisk-2026",
}
CURRENCY_API = "/api/v1/store/currency/"


@pytest.fixture
def has_orders():
    """A currency lock as the orders app registers it, holding for store A only."""

    def lock(tenant):
        return "The store has orders: its currency is fixed." if tenant.slug == "store-a" else None

    currency_locks.register(lock)
    yield lock
    currency_locks.unregister(lock)


# --- Signup -------------------------------------------------------------------------------------


def test_signup_by_api_picks_the_store_currency(platform_client):
    response = platform_client.post(
        "/api/platform/signup/", {**SIGNUP, "currency": "JPY"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["currency"] == "JPY"
    assert Tenant.objects.get(slug="kyoto-tea").currency == "JPY"


def test_signup_without_a_currency_sells_in_us_dollars(platform_client):
    response = platform_client.post(
        "/api/platform/signup/", SIGNUP, content_type="application/json"
    )
    assert response.status_code == 201
    assert Tenant.objects.get(slug="kyoto-tea").currency == "USD"


def test_signup_refuses_an_unknown_currency_and_creates_nothing(platform_client):
    response = platform_client.post(
        "/api/platform/signup/", {**SIGNUP, "currency": "XXX"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["currency"]
    assert not Tenant.objects.filter(slug="kyoto-tea").exists()


def test_the_signup_page_offers_a_currency_us_dollars_first_chosen(platform_client):
    page = platform_client.get("/signup/").content.decode()
    assert 'name="currency"' in page
    assert '<option value="USD" selected>' in page
    response = platform_client.post("/signup/", {**SIGNUP, "plan": "free", "currency": "EUR"})
    assert response.status_code == 201
    assert Tenant.objects.get(slug="kyoto-tea").currency == "EUR"


# --- The service --------------------------------------------------------------------------------


def test_a_change_keeps_the_amounts_is_audited_and_shows_at_once(
    store_a, settings, django_capture_on_commit_callbacks
):
    settings.CATALOG_ANSWER_CACHE_SECONDS = 60
    connection.set_tenant(store_a)
    factories.product("Teapot", variants=[{"sku": "TP-1", "price": Decimal("12.00")}])
    shop = APIClient(HTTP_HOST=store_a.primary_host)
    assert shop.get("/api/v1/shop/products/teapot/").json()["currency"] == "USD"
    version = catalog_version()

    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True):
        services.set_store_currency(store_a, "eur", actor_label="owner@example.com")

    assert Tenant.objects.get(pk=store_a.pk).currency == "EUR"
    connection.set_tenant(store_a)
    assert catalog_version() != version
    card = shop.get("/api/v1/shop/products/teapot/").json()
    assert (card["currency"], card["price_from"]) == ("EUR", "12.00")
    entry = AuditLogEntry.objects.get(action="store.currency_changed")
    assert (entry.details["from_currency"], entry.details["to_currency"]) == ("USD", "EUR")


def test_a_store_with_orders_keeps_its_currency(store_a, store_b, has_orders):
    with pytest.raises(CurrencyLocked) as refused:
        services.set_store_currency(store_a, "EUR")
    assert refused.value.fields == {"currency": ["The store has orders: its currency is fixed."]}
    assert refused.value.status_code == 409
    assert Tenant.objects.get(pk=store_a.pk).currency == "USD"
    # The lock is store A's: store B has no orders.
    services.set_store_currency(store_b, "EUR")
    assert Tenant.objects.get(pk=store_b.pk).currency == "EUR"


def test_a_currency_the_prices_do_not_fit_is_refused(store_a):
    with schema_context(store_a.schema_name):
        factories.product("Mug", variants=[{"sku": "MUG-1", "price": Decimal("12.50")}])
    with pytest.raises(InvalidStoreDetails) as refused:
        services.set_store_currency(store_a, "JPY")
    assert "MUG-1" in refused.value.fields["currency"][0]
    assert Tenant.objects.get(pk=store_a.pk).currency == "USD"


def test_an_unknown_currency_is_refused(store_a):
    with pytest.raises(InvalidStoreDetails) as refused:
        services.set_store_currency(store_a, "DOGE")
    assert list(refused.value.fields) == ["currency"]


# --- Store details screen -----------------------------------------------------------------------


@pytest.fixture
def owner_admin(store_a, store_client):
    connection.set_tenant(store_a)
    client = store_client(store_a)
    client.force_login(make_person("owner"))
    return client


DETAILS = {"name": "Store A", "weight_unit": "kg", "time_zone": "UTC"}


def test_the_owner_sees_and_changes_the_currency_in_store_details(owner_admin, store_a):
    page = owner_admin.get("/admin/store/details/").content.decode()
    assert '<option value="USD" selected>' in page
    assert "nothing is converted" in page

    response = owner_admin.post("/admin/store/details/", {**DETAILS, "currency": "GBP"})
    assert response.status_code == 302
    assert Tenant.objects.get(pk=store_a.pk).currency == "GBP"


def test_a_store_with_orders_shows_its_currency_fixed(owner_admin, store_a, has_orders):
    page = owner_admin.get("/admin/store/details/").content.decode()
    assert "The store has orders: its currency is fixed." in page
    assert 'name="currency"' in page and "disabled" in page

    response = owner_admin.post("/admin/store/details/", {**DETAILS, "currency": "GBP"})
    assert response.status_code == 302  # a disabled field keeps its value
    assert Tenant.objects.get(pk=store_a.pk).currency == "USD"


def test_a_refused_currency_is_shown_next_to_the_field_and_nothing_is_saved(owner_admin, store_a):
    connection.set_tenant(store_a)
    factories.product("Mug", variants=[{"sku": "MUG-1", "price": Decimal("12.50")}])
    response = owner_admin.post(
        "/admin/store/details/", {**DETAILS, "name": "Renamed", "currency": "JPY"}
    )
    assert response.status_code == 400
    assert "JPY amounts are whole numbers" in response.content.decode()
    store = Tenant.objects.get(pk=store_a.pk)
    assert (store.name, store.currency) == ("Store A", "USD")


# --- Store API -----------------------------------------------------------------------------------


def owner_api(store) -> APIClient:
    connection.set_tenant(store)
    client, _ = client_for("owner", store=store, other_store=None)
    return client


def test_the_owner_reads_and_changes_the_currency_through_the_api(store_a):
    client = owner_api(store_a)
    assert client.get(CURRENCY_API).json() == {
        "currency": "USD",
        "name": "US dollar",
        "decimals": 2,
        "changeable": True,
        "locked_because": [],
    }
    response = client.patch(CURRENCY_API, {"currency": "JPY"}, format="json")
    assert response.status_code == 200
    assert (response.json()["currency"], response.json()["decimals"]) == ("JPY", 0)
    assert Tenant.objects.get(pk=store_a.pk).currency == "JPY"


def test_the_api_refuses_a_change_once_the_store_has_orders(store_a, has_orders):
    client = owner_api(store_a)
    assert client.get(CURRENCY_API).json()["locked_because"] == [
        "The store has orders: its currency is fixed."
    ]
    response = client.patch(CURRENCY_API, {"currency": "EUR"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "currency_locked"
    assert list(response.json()["error"]["fields"]) == ["currency"]
    assert Tenant.objects.get(pk=store_a.pk).currency == "USD"


def test_the_api_refuses_an_unknown_currency_field_by_field(store_a):
    response = owner_api(store_a).patch(CURRENCY_API, {"currency": "ABC"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["currency"]


ROWS = [
    Endpoint("GET", CURRENCY_API, expect(403, owner=200)),
    Endpoint("PATCH", CURRENCY_API, expect(403, owner=200), {"currency": "EUR"}),
]


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast):
    def send_and_look(client, endpoint, values):
        response = send(client, endpoint, values)
        # Only the owner's change lands, and only at their store (undone after each role).
        changed = response.status_code == 200 and endpoint.method == "PATCH"
        currencies = dict(Tenant.objects.values_list("schema_name", "currency"))
        assert (currencies["store_a"], currencies["store_b"]) == (
            "EUR" if changed else "USD",
            "USD",
        ), f"{endpoint} left the currencies at {currencies}"
        return response

    check_every_role(cast, endpoint, request=send_and_look)
