"""Merchant signup, by API and by page: a live store the moment the response returns."""

import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context, schema_exists

from accounts.models import User
from orders.models import OrderSettings
from tenants.models import AuditLogEntry, Domain, Tenant
from tenants.services import sign_up_store
from tenants.signals import store_provisioned

GOOD = {
    "store_name": "Blue Bicycle",
    "subdomain": "blue-bicycle",
    "owner_email": "Maria@Example.com",
    "owner_password": "Tandem-Ride-2026",
    "plan": "basic",
}


def test_signup_by_api_opens_a_live_store_with_its_owner(
    platform_client, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = platform_client.post(
            "/api/platform/signup/", GOOD, content_type="application/json"
        )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "blue-bicycle"
    assert body["store_url"] == "http://blue-bicycle.localhost:8000/"
    assert body["plan"] == "basic"

    storefront = Client(HTTP_HOST="blue-bicycle.localhost").get("/")
    assert storefront.status_code == 200
    assert b"Blue Bicycle" in storefront.content

    tenant = Tenant.objects.get(slug="blue-bicycle")
    assert tenant.schema_name == "blue_bicycle"
    assert tenant.owner_email == "maria@example.com"
    with schema_context(tenant.schema_name):
        owner = User.objects.get(email="maria@example.com")
        assert owner.staff_role == User.StaffRole.OWNER
        assert owner.check_password("Tandem-Ride-2026")
        assert owner.password.startswith("argon2")
        # The store's new-order emails go to its owner until they choose another address.
        assert OrderSettings.objects.get(pk=1).notify_staff_email == "maria@example.com"

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maria@example.com"]
    assert "http://blue-bicycle.localhost:8000/admin/" in mail.outbox[0].body


def test_new_owner_can_sign_in_to_the_store_admin(platform_client):
    platform_client.post("/api/platform/signup/", GOOD, content_type="application/json")
    client = Client(HTTP_HOST="blue-bicycle.localhost")
    # The admin's sign-in is allauth's page, by email.
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/accounts/login/?next=/admin/"
    response = client.post(
        "/accounts/login/?next=/admin/",
        {"login": "maria@example.com", "password": "Tandem-Ride-2026"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert dashboard.wsgi_request.user.email == "maria@example.com"


def test_signup_page_opens_a_store(platform_client):
    assert platform_client.get("/signup/").status_code == 200
    response = platform_client.post(
        "/signup/",
        {**GOOD, "subdomain": "Page-Shop"},
    )
    assert response.status_code == 201
    assert b"http://page-shop.localhost:8000/" in response.content
    assert Tenant.objects.filter(slug="page-shop", status=Tenant.Status.ACTIVE).exists()


def test_signup_page_shows_errors_next_to_their_fields(platform_client):
    response = platform_client.post("/signup/", {**GOOD, "subdomain": "www", "owner_password": "1"})
    assert response.status_code == 400
    assert b"This name is reserved." in response.content
    assert b"This password is too short." in response.content
    assert not Tenant.objects.filter(name="Blue Bicycle").exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"subdomain": "store-a"}, "subdomain", "This subdomain is taken."),
        ({"subdomain": "admin"}, "subdomain", "This name is reserved."),
        ({"subdomain": "ab"}, "subdomain", "Use between 3 and 63 characters."),
        ({"subdomain": "-shop"}, "subdomain", "hyphens only"),
        ({"subdomain": "my_shop"}, "subdomain", "hyphens only"),
        ({"subdomain": "xn--shop"}, "subdomain", "not allowed"),
        ({"owner_password": "password"}, "owner_password", "This password is too common."),
        ({"owner_password": "Maria@Example.com"}, "owner_password", "too similar"),
        ({"owner_email": "not-an-email"}, "owner_email", "valid email"),
        ({"store_name": ""}, "store_name", "may not be blank"),
        ({"plan": "platinum"}, "plan", "Choose one of the offered plans."),
    ],
)
def test_bad_signup_input_gets_400_per_field_and_creates_nothing(
    platform_client, store_a, change, field, message
):
    stores_before = Tenant.objects.count()
    response = platform_client.post(
        "/api/platform/signup/", {**GOOD, **change}, content_type="application/json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert any(message in text for text in error["fields"][field]), error
    assert Tenant.objects.count() == stores_before
    assert not schema_exists("blue_bicycle")


def test_missing_fields_are_each_reported(platform_client):
    response = platform_client.post("/api/platform/signup/", {}, content_type="application/json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"store_name", "subdomain", "owner_email", "owner_password"}


def test_subdomain_is_case_folded(platform_client):
    response = platform_client.post(
        "/api/platform/signup/",
        {**GOOD, "subdomain": "Blue-BICYCLE"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["slug"] == "blue-bicycle"


def test_subdomain_availability_check(platform_client, store_a):
    def check(name):
        return platform_client.get("/api/platform/signup/availability/", {"subdomain": name}).json()

    assert check("Fresh-Name") == {"subdomain": "fresh-name", "available": True, "reason": None}
    assert check("store-a")["available"] is False
    assert check("store-a")["reason"] == "This subdomain is taken."
    assert check("api")["reason"] == "This name is reserved."
    assert check("a")["available"] is False


def test_plans_are_listed_for_signup(platform_client):
    plans = platform_client.get("/api/platform/plans/").json()
    assert [plan["code"] for plan in plans] == ["free", "basic", "pro"]
    assert plans[0]["max_products"] == 100


def test_signup_is_rate_limited_per_ip(platform_client, settings):
    settings.SIGNUP_RATE = "2/hour"
    statuses = [
        platform_client.post(
            "/api/platform/signup/",
            {**GOOD, "subdomain": f"limited-{n}"},
            content_type="application/json",
        ).status_code
        for n in range(3)
    ]
    assert statuses == [201, 201, 429]
    assert not Tenant.objects.filter(slug="limited-2").exists()


def test_a_failing_provisioning_step_rolls_back_everything(platform_client):
    def broken_receiver(sender, tenant, **kwargs):
        raise RuntimeError("the storefront could not be set up")

    store_provisioned.connect(broken_receiver)
    try:
        with pytest.raises(RuntimeError):
            sign_up_store(
                store_name="Doomed",
                subdomain="doomed-shop",
                owner_email="d@example.com",
                owner_password="Tandem-Ride-2026",
            )
    finally:
        store_provisioned.disconnect(broken_receiver)

    assert not Tenant.objects.filter(slug="doomed-shop").exists()
    assert not Domain.objects.filter(domain__startswith="doomed-shop.").exists()
    assert not schema_exists("doomed_shop")
    assert Client(HTTP_HOST="doomed-shop.localhost").get("/").status_code == 404


@pytest.fixture
def committed_cleanup(django_db_blocker):
    """For tests that must commit (real concurrency): drop what they created afterwards."""
    slugs: list[str] = []
    yield slugs
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for tenant in Tenant.objects.filter(slug__in=slugs):
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
            AuditLogEntry.objects.filter(tenant=tenant).delete()
            tenant.delete()


def test_two_signups_racing_for_one_subdomain_exactly_one_wins(
    django_db_setup, django_db_blocker, committed_cleanup
):
    committed_cleanup.append("photo-finish")
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def sign_up(email: str) -> None:
        with django_db_blocker.unblock():
            try:
                barrier.wait()
                outcomes.append(
                    sign_up_store(
                        store_name="Photo Finish",
                        subdomain="photo-finish",
                        owner_email=email,
                        owner_password="Tandem-Ride-2026",
                    )
                )
            except ValidationError as error:
                outcomes.append(error)
            finally:
                connection.close()

    threads = [threading.Thread(target=sign_up, args=(f"{n}@example.com",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [outcome for outcome in outcomes if isinstance(outcome, Tenant)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert losers[0].message_dict == {"subdomain": ["This subdomain is taken."]}
    with django_db_blocker.unblock():
        assert Tenant.objects.filter(slug="photo-finish").count() == 1


def test_signup_takes_a_ready_schema_from_the_warm_pool_and_refills_it(
    platform_client, settings, celery_eager, django_capture_on_commit_callbacks
):
    from tenants import pool

    settings.STORE_POOL_SIZE = 2
    assert pool.refill_pool() == 2
    pooled = set(
        Tenant.objects.filter(status=Tenant.Status.POOLED).values_list("schema_name", flat=True)
    )
    assert all(schema_exists(schema) for schema in pooled)

    with django_capture_on_commit_callbacks(execute=True):
        response = platform_client.post(
            "/api/platform/signup/", GOOD, content_type="application/json"
        )
    assert response.status_code == 201
    # One pooled schema became the store (renamed), and the pool was topped up again.
    remaining = set(
        Tenant.objects.filter(status=Tenant.Status.POOLED).values_list("schema_name", flat=True)
    )
    assert len(remaining) == 2
    assert len(pooled - remaining) == 1
    assert not schema_exists((pooled - remaining).pop())
    assert schema_exists("blue_bicycle")
    storefront = Client(HTTP_HOST="blue-bicycle.localhost").get("/")
    assert storefront.status_code == 200
    assert b"Blue Bicycle" in storefront.content


def test_pooled_schemas_are_never_served(settings, db):
    from tenants import pool

    pool.refill_pool(size=1)
    entry = Tenant.objects.get(status=Tenant.Status.POOLED)
    Domain.objects.create(domain="pooled.localhost", tenant=entry, is_primary=True)
    assert Client(HTTP_HOST="pooled.localhost").get("/").status_code == 404


@pytest.mark.parametrize(
    "subdomain",
    ["public", "information-schema", "pg-toast", "pg-catalog", "pg-temp-1", "store-template"],
)
def test_signup_refuses_a_subdomain_whose_schema_is_postgresqls_or_the_platforms(
    platform_client, subdomain
):
    response = platform_client.post(
        "/api/platform/signup/", {**GOOD, "subdomain": subdomain}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"]["subdomain"] == ["This name is reserved."]
    availability = platform_client.get(
        "/api/platform/signup/availability/", {"subdomain": subdomain}
    ).json()
    assert availability["available"] is False
    assert availability["reason"] == "This name is reserved."


def test_signup_refuses_a_subdomain_whose_schema_already_exists(platform_client):
    # A schema no store row names (left by an operator, an extension, an old pool entry).
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "orphan_shop"')
    response = platform_client.post(
        "/api/platform/signup/",
        {**GOOD, "subdomain": "orphan-shop"},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"]["subdomain"] == ["This subdomain is taken."]
    availability = platform_client.get(
        "/api/platform/signup/availability/", {"subdomain": "orphan-shop"}
    ).json()
    assert availability == {
        "subdomain": "orphan-shop",
        "available": False,
        "reason": "This subdomain is taken.",
    }


def test_pool_schema_names_cannot_be_signed_up_for(platform_client):
    response = platform_client.post(
        "/api/platform/signup/",
        {**GOOD, "subdomain": "pool-0123456789ab"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["subdomain"] == ["This name is reserved."]
