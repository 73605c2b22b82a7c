"""A paid plan's limits apply only while it is paid for; the Free plan's otherwise. No trial.
The Billing page and API say so, and in development the page names what billing lacks."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.services import change_staff_role, create_staff_member
from tenants import limits
from tenants.models import Plan, Subscription, Tenant


@pytest.fixture
def basic_store(store_a):
    """Store A on the Basic plan, chosen (as at signup) but never paid for."""
    Tenant.objects.filter(pk=store_a.pk).update(
        plan=Plan.objects.get(code="basic"), plan_is_complimentary=False
    )
    Subscription.objects.update_or_create(
        tenant=store_a, defaults={"status": Subscription.Status.NONE, "grace_ends_at": None}
    )
    return Tenant.objects.get(pk=store_a.pk)


def _subscription(tenant, status, grace_ends_at=None):
    Subscription.objects.filter(tenant=tenant).update(status=status, grace_ends_at=grace_ends_at)
    return Tenant.objects.select_related("plan", "subscription").get(pk=tenant.pk)


def test_a_paid_plan_chosen_at_signup_has_the_free_plans_limits_until_paid(
    platform_client, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = platform_client.post(
            "/api/platform/signup/",
            {
                "store_name": "Paid Later",
                "subdomain": "paid-later",
                "owner_email": "owner@paid-later.test",
                "owner_password": "Tandem-Ride-2026",
                "plan": "pro",
            },
            content_type="application/json",
        )
    assert response.status_code == 201
    assert response.json()["plan"] == "pro"
    store = Tenant.objects.select_related("plan", "subscription").get(slug="paid-later")
    assert limits.plan_in_force(store).code == "free"
    assert "Your Pro plan starts when you subscribe to it" in mail.outbox[0].body
    assert "the Free plan's limits" in mail.outbox[0].body


def test_making_a_shopper_staff_counts_against_the_staff_limit(basic_store):
    connection.set_tenant(basic_store)
    create_staff_member(email="one@a.test", password="Staff-pass-2026", role="catalog_manager")
    create_staff_member(email="two@a.test", password="Staff-pass-2026", role="catalog_manager")
    shopper = User.objects.create_user("shopper@a.test", "shopper@a.test", "Shopper-pass-1")
    with pytest.raises(limits.PlanLimitReached):
        change_staff_role(user=shopper, role="support")
    assert User.objects.get(pk=shopper.pk).is_staff is False


def test_staff_beyond_the_free_plan_are_refused_while_basic_is_not_paid(basic_store):
    connection.set_tenant(basic_store)
    create_staff_member(email="one@a.test", password="Staff-pass-2026", role="catalog_manager")
    create_staff_member(email="two@a.test", password="Staff-pass-2026", role="catalog_manager")
    with pytest.raises(limits.PlanLimitReached) as refused:
        create_staff_member(email="three@a.test", password="Staff-pass-2026", role="support")
    assert "Basic plan is not active until its subscription is paid" in refused.value.message
    assert "Free plan's limits apply: it allows 2 staff accounts" in refused.value.message

    connection.set_schema_to_public()
    _subscription(basic_store, Subscription.Status.ACTIVE)
    connection.set_tenant(basic_store)
    create_staff_member(email="three@a.test", password="Staff-pass-2026", role="support")


@pytest.mark.parametrize(
    ("status", "grace_days", "in_force"),
    [
        (Subscription.Status.NONE, None, "free"),
        (Subscription.Status.INCOMPLETE, None, "free"),
        (Subscription.Status.ACTIVE, None, "basic"),
        (Subscription.Status.TRIALING, None, "basic"),
        (Subscription.Status.PAST_DUE, 3, "basic"),  # within its grace period
        (Subscription.Status.PAST_DUE, -1, "free"),  # past it
        (Subscription.Status.UNPAID, -1, "free"),
        (Subscription.Status.CANCELED, None, "free"),
    ],
)
def test_the_plan_in_force_follows_the_subscription(basic_store, status, grace_days, in_force):
    grace = timezone.now() + timedelta(days=grace_days) if grace_days is not None else None
    store = _subscription(basic_store, status, grace)
    assert limits.plan_in_force(store).code == in_force


def test_a_plan_granted_by_the_platform_applies_without_a_subscription(basic_store):
    Tenant.objects.filter(pk=basic_store.pk).update(plan_is_complimentary=True)
    store = Tenant.objects.select_related("plan", "subscription").get(pk=basic_store.pk)
    assert limits.plan_in_force(store).code == "basic"


def test_billing_api_says_the_paid_plan_is_not_active_and_which_limits_apply(
    basic_store, store_owner_client
):
    body = store_owner_client(basic_store).get("/api/v1/billing/").json()
    assert body["plan"]["code"] == "basic"
    assert body["plan_is_active"] is False
    assert body["plan_in_force"]["code"] == "free"
    assert "Your Basic plan is not active" in body["notice"]
    assert "Free plan's limits" in body["notice"]


def test_billing_api_has_no_notice_when_the_plan_is_paid(basic_store, store_owner_client):
    _subscription(basic_store, Subscription.Status.ACTIVE)
    body = store_owner_client(basic_store).get("/api/v1/billing/").json()
    assert (body["plan_is_active"], body["plan_in_force"]["code"], body["notice"]) == (
        True,
        "basic",
        None,
    )


@pytest.fixture
def stripe_configured(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_mercato"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    Plan.objects.filter(code="basic").update(stripe_price_id="price_basic")
    Plan.objects.filter(code="pro").update(stripe_price_id="price_pro")


def test_billing_page_offers_to_pay_for_the_chosen_plan_that_is_not_active(
    basic_store, store_owner_client, stripe_configured
):
    page = store_owner_client(basic_store).get("/admin/billing/").content.decode()
    assert "Your plan: Basic (not active)" in page
    assert "Until it is, your store has the Free plan&#x27;s limits" in page
    assert "Chosen, not paid yet" in page
    assert page.count('name="plan" value="basic"') == 1


def test_billing_page_names_what_is_missing_in_development(store_a, store_owner_client, settings):
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    Plan.objects.filter(code__in=["basic", "pro"]).update(stripe_price_id="")
    page = store_owner_client(store_a).get("/admin/billing/").content.decode()
    assert "Billing is not configured" in page
    assert "STRIPE_SECRET_KEY is not set" in page
    assert "STRIPE_WEBHOOK_SECRET is not set" in page
    assert "The Basic plan has no Stripe price id" in page
    assert "The Pro plan has no Stripe price id" in page
    assert "Online payment is not available yet" in page
    assert ">Subscribe</button>" not in page


def test_billing_page_names_no_setting_in_production(store_a, store_owner_client, settings):
    settings.DEBUG = False
    settings.STRIPE_SECRET_KEY = ""
    page = store_owner_client(store_a).get("/admin/billing/").content.decode()
    assert "STRIPE_SECRET_KEY" not in page
    assert "Online payment is not available yet" in page


def test_billing_page_has_subscribe_buttons_once_configured(
    store_a, store_owner_client, stripe_configured, settings
):
    settings.DEBUG = True
    Tenant.objects.filter(pk=store_a.pk).update(plan=Plan.objects.get(code="free"))
    page = store_owner_client(store_a).get("/admin/billing/").content.decode()
    assert "Billing is not configured" not in page
    assert page.count(">Subscribe</button>") == 2


def test_platform_admin_grants_a_plan_without_subscription_and_it_is_audited(
    basic_store, platform_client, two_factor_login
):
    from tenants.models import AuditLogEntry

    connection.set_schema_to_public()
    admin = User.objects.create_superuser("ops", "ops@mercato.test", "Platform-pass-1")
    two_factor_login(platform_client, admin)
    response = platform_client.post(
        f"/admin/tenants/tenant/{basic_store.pk}/change/",
        {
            "name": "Store A",
            "plan": basic_store.plan_id,
            "owner_email": "",
            "plan_is_complimentary": "on",
            "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0",
            "subscription-TOTAL_FORMS": "0",
            "subscription-INITIAL_FORMS": "0",
            "invoices-TOTAL_FORMS": "0",
            "invoices-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    store = Tenant.objects.select_related("plan", "subscription").get(pk=basic_store.pk)
    assert limits.plan_in_force(store).code == "basic"
    entry = AuditLogEntry.objects.get(action="store.plan_granted", tenant=store)
    assert (entry.actor, entry.details) == (admin, {"plan": "basic"})


def test_a_limit_is_counted_under_the_stores_lock_and_no_limit_takes_none(basic_store):
    """Adding under a plan's limit serialises the adders of the store (an advisory lock, then
    the count); a plan without a limit for the resource has nothing to count or lock."""
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context

    def statements(captured):
        return [q["sql"] for q in captured if not q["sql"].startswith("SET search_path")]

    with schema_context(basic_store.schema_name):
        with CaptureQueriesContext(connection) as limited:
            limits.ensure_current_store_within_plan(resource="staff_accounts")
        # The store, the free plan (Basic is not paid), the lock, the count.
        assert len(statements(limited)) == 4
        assert "pg_advisory_xact_lock" in statements(limited)[2]
        Tenant.objects.filter(pk=basic_store.pk).update(
            plan=Plan.objects.get(code="pro"), plan_is_complimentary=True
        )
        with CaptureQueriesContext(connection) as unlimited:
            limits.ensure_current_store_within_plan(resource="monthly_orders")
        assert len(statements(unlimited)) == 1
