"""Suspension, plans and their limits, deletion with retention, export; all audited."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_exists

from tenants import limits, services
from tenants.models import AuditLogEntry, Invoice, Plan, Tenant

User = get_user_model()


@pytest.fixture
def platform_admin(db):
    connection.set_schema_to_public()
    return User.objects.create_superuser("ops", "ops@mercato.test", "Platform-pass-1")


@pytest.fixture
def admin_client(platform_client, platform_admin, two_factor_login):
    two_factor_login(platform_client, platform_admin)  # platform admins always use 2FA
    return platform_client


def _refresh(tenant: Tenant) -> Tenant:
    return Tenant.objects.get(pk=tenant.pk)


def test_platform_admin_lists_stores_with_plan_status_and_owner(admin_client, store_a):
    Tenant.objects.filter(pk=store_a.pk).update(owner_email="boss@store-a.test")
    response = admin_client.get("/admin/tenants/tenant/", {"q": "store-a"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Store A" in page and "boss@store-a.test" in page and store_a.plan.name in page
    assert "Store template" not in admin_client.get("/admin/tenants/tenant/").content.decode()


def test_suspending_a_store_closes_its_storefront_and_keeps_its_data(
    admin_client, platform_admin, store_a, store_client
):
    connection.set_tenant(store_a)
    User.objects.create_user("kept", "kept@example.com", "Secret-pass-1")
    connection.set_schema_to_public()

    response = admin_client.post(
        "/admin/tenants/tenant/",
        {
            "action": "suspend",
            "_selected_action": [store_a.pk],
            "confirmed": "yes",
            "note": "Terms of service",
        },
    )
    assert response.status_code == 302
    assert _refresh(store_a).status == Tenant.Status.SUSPENDED
    assert _refresh(store_a).suspension_reason == "platform"

    storefront = store_client(store_a).get("/")
    assert storefront.status_code == 503
    assert b"temporarily unavailable" in storefront.content
    # Staff can still reach the admin, to see why and to pay: they sign in on allauth's page.
    assert store_client(store_a).get("/admin/login/")["Location"] == "/accounts/login/?next=/admin/"
    assert store_client(store_a).get("/accounts/login/").status_code == 200
    assert store_client(store_a).get("/accounts/signup/").status_code == 503

    entry = AuditLogEntry.objects.get(action="store.suspended", tenant=store_a)
    assert entry.actor == platform_admin
    assert entry.details == {
        "reason": "platform",
        "note": "Terms of service",
        "from_status": "active",
        "to_status": "suspended",
    }

    admin_client.post(
        "/admin/tenants/tenant/",
        {"action": "reactivate", "_selected_action": [store_a.pk], "confirmed": "yes"},
    )
    assert store_client(store_a).get("/").status_code == 200
    connection.set_tenant(store_a)
    assert User.objects.filter(email="kept@example.com").exists()
    connection.set_schema_to_public()
    assert AuditLogEntry.objects.filter(action="store.reactivated", actor=platform_admin).exists()


def test_platform_admin_changes_a_plan_and_it_is_audited(admin_client, platform_admin, store_a):
    basic = Plan.objects.get(code="basic")
    response = admin_client.post(
        f"/admin/tenants/tenant/{store_a.pk}/change/",
        {
            "name": "Store A",
            "plan": basic.pk,
            "owner_email": "",
            "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0",
            "subscription-TOTAL_FORMS": "0",
            "subscription-INITIAL_FORMS": "0",
            "invoices-TOTAL_FORMS": "0",
            "invoices-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert _refresh(store_a).plan == basic
    entry = AuditLogEntry.objects.get(action="store.plan_changed", tenant=store_a)
    assert entry.actor == platform_admin
    assert entry.details == {"previous_plan": "pro", "plan": "basic"}


def test_plan_limits_refuse_one_staff_account_too_many(store_a):
    Tenant.objects.filter(pk=store_a.pk).update(plan=Plan.objects.get(code="free"))
    store_a = _refresh(store_a)
    connection.set_tenant(store_a)
    User.objects.create_user("one", "one@example.com", "x", is_staff=True)
    limits.ensure_within_plan(tenant=store_a, resource="staff_accounts")  # the 2nd is fine
    User.objects.create_user("two", "two@example.com", "x", is_staff=True)

    with pytest.raises(limits.PlanLimitReached) as refused:
        limits.ensure_within_plan(tenant=store_a, resource="staff_accounts")
    assert "Free plan allows 2 staff accounts; you have 2" in refused.value.message
    assert refused.value.status_code == 403

    connection.set_schema_to_public()
    services.change_plan(tenant=store_a, plan=Plan.objects.get(code="basic"))
    connection.set_tenant(store_a)
    limits.ensure_within_plan(tenant=_refresh(store_a), resource="staff_accounts")


def test_a_deleted_store_goes_offline_at_once_and_is_purged_after_retention(
    store_a, store_client, settings
):
    Invoice.objects.create(
        tenant=store_a,
        store_slug="store-a",
        stripe_invoice_id="in_kept",
        status="paid",
        currency="USD",
        amount_due=29,
        amount_paid=29,
        created=timezone.now(),
    )
    services.delete_store(tenant=store_a, actor_label="owner@store-a (store owner)")
    deleted = _refresh(store_a)
    assert deleted.status == Tenant.Status.DELETED
    assert deleted.purge_after - deleted.deleted_at == timedelta(days=settings.STORE_RETENTION_DAYS)
    assert store_client(store_a).get("/").status_code == 404

    assert services.purge_deleted_stores() == []  # still within retention
    assert schema_exists("store_a")

    purged = services.purge_deleted_stores(now=deleted.purge_after + timedelta(seconds=1))
    assert purged == ["store-a"]
    assert not schema_exists("store_a")
    assert not Tenant.objects.filter(pk=store_a.pk).exists()
    invoice = Invoice.objects.get(stripe_invoice_id="in_kept")
    assert invoice.tenant is None and invoice.store_slug == "store-a"
    assert list(AuditLogEntry.objects.values_list("action", flat=True)[:2]) == [
        "store.purged",
        "store.deleted",
    ]


def test_purging_a_store_deletes_its_files_and_no_other_stores(
    store_a, store_b, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path
    for store in (store_a, store_b):
        connection.set_tenant(store)
        default_storage.save("products/photo.jpg", ContentFile(b"jpeg"))
        default_storage.save("products/renditions/photo/thumbnail.webp", ContentFile(b"webp"))
        default_storage.save("imports/catalog.csv", ContentFile(b"sku,price"))
    connection.set_schema_to_public()
    services.delete_store(tenant=store_a, actor_label="owner@store-a (store owner)")
    deleted = _refresh(store_a)

    with django_capture_on_commit_callbacks(execute=True):
        services.purge_deleted_stores(now=deleted.purge_after + timedelta(seconds=1))

    assert not (tmp_path / "store_a").exists()
    kept = sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*") if path.is_file())
    assert kept == [
        "store_b/imports/catalog.csv",
        "store_b/products/photo.jpg",
        "store_b/products/renditions/photo/thumbnail.webp",
    ]


def test_the_public_schema_has_no_files_to_delete():
    from tenants.storage import delete_store_files

    with pytest.raises(ValueError):
        delete_store_files("public")


def test_owner_exports_the_store_data_without_secrets(store_a, store_owner_client):
    connection.set_tenant(store_a)
    User.objects.create_user("shopper", "shopper@example.com", "Secret-pass-1")
    connection.set_schema_to_public()

    response = store_owner_client(store_a).get("/api/v1/store/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="store-a-export-')
    export = json.loads(response.content)
    assert export["store"]["slug"] == "store-a"
    users = export["data"]["accounts.user"]
    assert {user["email"] for user in users} >= {"shopper@example.com"}
    assert all("password" not in user for user in users)
    assert export["data"]["wagtailcore.page"]
    assert "sessions.session" not in export["data"]


def test_only_the_owner_may_export(store_a, store_client):
    connection.set_tenant(store_a)
    clerk = User.objects.create_user("clerk", "clerk@example.com", "x", is_staff=True)
    clerk.staff_role = User.StaffRole.SUPPORT
    clerk.save()
    client = store_client(store_a)
    client.force_login(clerk)
    assert store_client(store_a).get("/api/v1/store/export/").status_code in (401, 403)
    response = client.get("/api/v1/store/export/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_platform_admin_exports_a_store_and_it_is_audited(admin_client, platform_admin, store_a):
    response = admin_client.post(
        "/admin/tenants/tenant/", {"action": "export_json", "_selected_action": [store_a.pk]}
    )
    assert response.status_code == 200
    assert json.loads(response.content)["store"]["slug"] == "store-a"
    assert AuditLogEntry.objects.filter(action="store.exported", actor=platform_admin).exists()


def test_store_admin_cannot_reach_platform_models(store_a, store_owner_client):
    client = store_owner_client(store_a)
    for path in ("/django-admin/tenants/tenant/", "/django-admin/tenants/auditlogentry/"):
        assert client.get(path).status_code in (403, 404)


def test_store_hosts_of_another_store_never_answer(store_a, store_b):
    # A store's own API answers for its own host only: the host decides the schema.
    response = Client(HTTP_HOST=store_b.primary_host).get("/api/v1/billing/")
    assert response.status_code in (401, 403)


def test_adding_staff_beyond_the_plan_is_refused(store_a):
    from accounts.services import create_staff_member

    Tenant.objects.filter(pk=store_a.pk).update(plan=Plan.objects.get(code="free"))
    connection.set_tenant(_refresh(store_a))
    create_staff_member(email="a@store-a.test", password="Correct-horse-42", role="support")
    create_staff_member(email="b@store-a.test", password="Correct-horse-42", role="support")
    with pytest.raises(limits.PlanLimitReached):
        create_staff_member(email="c@store-a.test", password="Correct-horse-42", role="support")
    assert not User.objects.filter(email="c@store-a.test").exists()
