"""The platform admin: lifecycle actions confirmed with a reason, filters that say what they
filter, and an audit log that records every change to a store (who, why, from where)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from tenants.models import AuditLogEntry, Domain, Plan, Tenant

User = get_user_model()

ADMIN_IP = "203.0.113.7"


@pytest.fixture
def platform_admin(db):
    connection.set_schema_to_public()
    return User.objects.create_superuser("ops", "ops@mercato.test", "Platform-pass-1")


@pytest.fixture
def admin_client(platform_client, platform_admin, two_factor_login):
    two_factor_login(platform_client, platform_admin)  # platform admins always use 2FA
    platform_client.defaults["REMOTE_ADDR"] = ADMIN_IP
    return platform_client


def _status(store: Tenant) -> str:
    return Tenant.objects.get(pk=store.pk).status


def _act(client, action: str, store: Tenant, **confirmation):
    return client.post(
        "/admin/tenants/tenant/",
        {"action": action, "_selected_action": [store.pk], **confirmation},
    )


def test_suspending_a_store_asks_for_confirmation_and_a_reason_first(admin_client, store_a):
    asked = _act(admin_client, "suspend", store_a)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Suspend these stores?" in page and "Store A (store-a)" in page
    assert 'name="note"' in page
    assert _status(store_a) == Tenant.Status.ACTIVE

    without_reason = _act(admin_client, "suspend", store_a, confirmed="yes", note="  ")
    assert without_reason.status_code == 200
    assert "This field is required." in without_reason.content.decode()
    assert _status(store_a) == Tenant.Status.ACTIVE
    assert not AuditLogEntry.objects.filter(action="store.suspended", tenant=store_a).exists()

    done = _act(
        admin_client, "suspend", store_a, confirmed="yes", note="Chargebacks on 40% of orders"
    )
    assert done.status_code == 302
    assert _status(store_a) == Tenant.Status.SUSPENDED


def test_the_suspension_reason_is_in_the_audit_log_and_on_the_store_page(
    admin_client, platform_admin, store_a
):
    _act(admin_client, "suspend", store_a, confirmed="yes", note="Sells counterfeit lamps")
    entry = AuditLogEntry.objects.get(action="store.suspended", tenant=store_a)
    assert entry.actor == platform_admin
    assert entry.details == {
        "reason": "platform",
        "note": "Sells counterfeit lamps",
        "from_status": "active",
        "to_status": "suspended",
    }
    assert entry.ip_address == ADMIN_IP

    audit_list = admin_client.get("/admin/tenants/auditlogentry/").content.decode()
    assert "Sells counterfeit lamps" in audit_list and ADMIN_IP in audit_list
    store_page = admin_client.get(f"/admin/tenants/tenant/{store_a.pk}/change/")
    assert "Sells counterfeit lamps" in store_page.content.decode()


def test_deleting_a_store_asks_for_confirmation_and_a_reason_first(admin_client, store_a):
    asked = _act(admin_client, "soft_delete", store_a)
    assert asked.status_code == 200
    assert "purged for good" in asked.content.decode()
    assert _status(store_a) == Tenant.Status.ACTIVE
    assert _act(admin_client, "soft_delete", store_a, confirmed="yes").status_code == 200
    assert _status(store_a) == Tenant.Status.ACTIVE

    done = _act(admin_client, "soft_delete", store_a, confirmed="yes", note="Owner asked")
    assert done.status_code == 302
    assert _status(store_a) == Tenant.Status.DELETED
    entry = AuditLogEntry.objects.get(action="store.deleted", tenant=store_a)
    assert entry.details["note"] == "Owner asked"
    assert entry.ip_address == ADMIN_IP


def test_reactivating_asks_for_confirmation_and_takes_an_optional_note(admin_client, store_a):
    _act(admin_client, "suspend", store_a, confirmed="yes", note="Unpaid invoice")
    asked = _act(admin_client, "reactivate", store_a)
    assert asked.status_code == 200
    assert _status(store_a) == Tenant.Status.SUSPENDED

    done = _act(admin_client, "reactivate", store_a, confirmed="yes", note="")
    assert done.status_code == 302
    assert _status(store_a) == Tenant.Status.ACTIVE
    entry = AuditLogEntry.objects.get(action="store.reactivated", tenant=store_a)
    assert entry.ip_address == ADMIN_IP


def test_an_action_names_the_stores_it_leaves_alone(admin_client, store_a, store_b):
    _act(admin_client, "suspend", store_a, confirmed="yes", note="Fraud review")
    asked = admin_client.post(
        "/admin/tenants/tenant/",
        {"action": "suspend", "_selected_action": [store_a.pk, store_b.pk]},
    )
    page = asked.content.decode()
    assert "Left as they are" in page and "Store A (store-a) — Suspended" in page
    done = admin_client.post(
        "/admin/tenants/tenant/",
        {
            "action": "suspend",
            "_selected_action": [store_a.pk, store_b.pk],
            "confirmed": "yes",
            "note": "Same owner",
        },
        follow=True,
    )
    assert "Suspended 1 store(s)." in done.content.decode()
    suspended = AuditLogEntry.objects.filter(
        action="store.suspended", tenant__in=[store_a, store_b]
    )
    assert suspended.count() == 2


def test_the_store_list_filters_have_distinct_titles(admin_client, store_a):
    page = admin_client.get("/admin/tenants/tenant/").content.decode()
    assert "By store status" in page and "By billing status" in page
    assert "By status" not in page

    suspended_only = admin_client.get("/admin/tenants/tenant/", {"status": "suspended"})
    assert "Store A" not in suspended_only.content.decode()
    not_subscribed = admin_client.get("/admin/tenants/tenant/", {"billing": "none"})
    assert "Store A" in not_subscribed.content.decode()


def test_editing_a_store_in_the_platform_admin_is_audited(admin_client, platform_admin, store_a):
    response = admin_client.post(
        f"/admin/tenants/tenant/{store_a.pk}/change/",
        {
            "name": "Store A",
            "plan": store_a.plan.pk,
            "owner_email": "new-owner@store-a.test",
            "plan_is_complimentary": "on",  # as the test stores are
            "domains-TOTAL_FORMS": "1",
            "domains-INITIAL_FORMS": "0",
            "domains-0-domain": "shop.store-a.test",
            "domains-0-is_verified": "on",
            "subscription-TOTAL_FORMS": "0",
            "subscription-INITIAL_FORMS": "0",
            "invoices-TOTAL_FORMS": "0",
            "invoices-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    edited = AuditLogEntry.objects.get(action="store.edited", tenant=store_a)
    assert edited.actor == platform_admin and edited.ip_address == ADMIN_IP
    assert edited.details == {"changes": {"owner_email": ["", "new-owner@store-a.test"]}}
    assert Domain.objects.filter(domain="shop.store-a.test", tenant=store_a).exists()
    added = AuditLogEntry.objects.get(action="domain.added", tenant=store_a)
    assert added.details == {"domain": "shop.store-a.test"}


def test_editing_a_plan_is_audited(admin_client, platform_admin):
    basic = Plan.objects.get(code="basic")
    response = admin_client.post(
        f"/admin/tenants/plan/{basic.pk}/change/",
        {
            "code": "basic",
            "name": basic.name,
            "monthly_price": "39.00",
            "currency": basic.currency,
            "stripe_price_id": basic.stripe_price_id,
            "max_products": basic.max_products or "",
            "max_staff_accounts": basic.max_staff_accounts or "",
            "max_monthly_orders": basic.max_monthly_orders or "",
            "is_public": "on" if basic.is_public else "",
            "sort_order": basic.sort_order,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    entry = AuditLogEntry.objects.get(action="plan.changed", actor=platform_admin)
    assert entry.actor == platform_admin and entry.ip_address == ADMIN_IP
    assert entry.details == {"plan": "basic", "fields": ["monthly_price"]}


def test_a_suspended_store_admin_says_how_to_reach_the_platform(
    admin_client, store_a, store_owner_client, settings
):
    settings.PLATFORM_SUPPORT_EMAIL = "help@mercato.test"
    _act(admin_client, "suspend", store_a, confirmed="yes", note="Policy review")
    dashboard = store_owner_client(store_a).get("/admin/")
    assert dashboard.status_code == 200
    page = dashboard.content.decode()
    assert "The Mercato team has suspended this store" in page
    assert 'href="mailto:help@mercato.test?subject=Suspended%20store%3A%20store-a"' in page
    # Internal notes stay with the platform.
    assert "Policy review" not in page


def test_the_store_own_subdomain_cannot_be_removed_from_the_platform_admin(
    admin_client, store_a, store_client
):
    own = Domain.objects.get(tenant=store_a, domain=store_a.primary_host)
    response = admin_client.post(
        f"/admin/tenants/tenant/{store_a.pk}/change/",
        {
            "name": "Store A",
            "plan": store_a.plan.pk,
            "owner_email": "",
            "domains-TOTAL_FORMS": "1",
            "domains-INITIAL_FORMS": "1",
            "domains-0-id": own.pk,
            "domains-0-tenant": store_a.pk,
            "domains-0-domain": own.domain,
            "domains-0-is_primary": "on",
            "domains-0-is_verified": "on",
            "domains-0-DELETE": "on",
            "subscription-TOTAL_FORMS": "0",
            "subscription-INITIAL_FORMS": "0",
            "invoices-TOTAL_FORMS": "0",
            "invoices-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "is the store&#x27;s own address" in response.content.decode()
    assert Domain.objects.filter(pk=own.pk).exists()
    assert store_client(store_a).get("/").status_code == 200
    assert not AuditLogEntry.objects.filter(action="domain.removed", tenant=store_a).exists()
