"""Platform billing with Stripe Billing, against a local server answering as Stripe's API does,
and webhooks signed with Stripe's real scheme."""

import hashlib
import hmac
import json
import time
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from django.utils import timezone

from tenants import billing
from tenants.models import AuditLogEntry, Invoice, Plan, StripeEvent, Subscription, Tenant

WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def stripe_settings(settings, httpserver):
    settings.STRIPE_SECRET_KEY = "sk_test_mercato"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = httpserver.url_for("").rstrip("/")
    Plan.objects.filter(code="basic").update(stripe_price_id="price_basic")
    Plan.objects.filter(code="pro").update(stripe_price_id="price_pro")
    # Billing starts from a store on the free plan.
    Tenant.objects.filter(schema_name="store_a").update(plan=Plan.objects.get(code="free"))
    return settings


@pytest.fixture
def subscribed_store(store_a, stripe_settings):
    Subscription.objects.update_or_create(
        tenant=store_a,
        defaults={"stripe_customer_id": "cus_A", "stripe_subscription_id": "sub_A"},
    )
    return store_a


def signed(event: dict, secret: str = WEBHOOK_SECRET) -> tuple[bytes, str]:
    """A webhook delivery as Stripe signs it: v1 = HMAC-SHA256 of "<timestamp>.<payload>"."""
    payload = json.dumps(event).encode()
    timestamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return payload, f"t={timestamp},v1={digest.hexdigest()}"


def deliver(client, event: dict, secret: str = WEBHOOK_SECRET):
    payload, signature = signed(event, secret)
    return client.post(
        "/api/platform/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )


def event(event_id: str, event_type: str, obj: dict, created: int = 1_700_000_000) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": event_type,
        "created": created,
        "livemode": False,
        "api_version": "2025-03-31.basil",
        "data": {"object": obj},
    }


def subscription(status: str, price: str = "price_basic", **extra) -> dict:
    return {
        "id": "sub_A",
        "object": "subscription",
        "customer": "cus_A",
        "status": status,
        "metadata": {},
        "items": {
            "object": "list",
            "data": [
                {
                    "id": "si_1",
                    "object": "subscription_item",
                    "current_period_end": 1_800_000_000,
                    "price": {"id": price, "object": "price"},
                }
            ],
        },
        **extra,
    }


def invoice(invoice_id: str, status: str, paid: int = 0) -> dict:
    return {
        "id": invoice_id,
        "object": "invoice",
        "customer": "cus_A",
        "number": f"MERC-{invoice_id[-4:]}",
        "status": status,
        "currency": "usd",
        "amount_due": 2900,
        "amount_paid": paid,
        "hosted_invoice_url": f"https://invoice.stripe.com/i/{invoice_id}",
        "invoice_pdf": f"https://pay.stripe.com/invoice/{invoice_id}/pdf",
        "period_start": 1_700_000_000,
        "period_end": 1_702_592_000,
        "created": 1_700_000_000,
    }


def test_owner_starts_a_subscription_checkout(
    store_a, stripe_settings, httpserver, store_owner_client
):
    httpserver.expect_request("/v1/customers", method="POST").respond_with_json(
        {"id": "cus_new", "object": "customer", "email": "owner@store-a.test"}
    )
    httpserver.expect_request("/v1/checkout/sessions", method="POST").respond_with_json(
        {
            "id": "cs_test_1",
            "object": "checkout.session",
            "mode": "subscription",
            "url": "https://checkout.stripe.com/c/pay/cs_test_1",
        }
    )
    response = store_owner_client(store_a).post(
        "/api/v1/billing/checkout/", {"plan": "basic"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"checkout_url": "https://checkout.stripe.com/c/pay/cs_test_1"}

    customer_call, session_call = [request for request, _ in httpserver.log]
    assert customer_call.headers["Authorization"] == "Bearer sk_test_mercato"
    session = parse_qs(session_call.get_data(as_text=True))
    assert session["mode"] == ["subscription"]
    assert session["customer"] == ["cus_new"]
    assert session["line_items[0][price]"] == ["price_basic"]
    assert session["client_reference_id"] == [str(store_a.pk)]
    assert Subscription.objects.get(tenant=store_a).stripe_customer_id == "cus_new"


def test_checkout_for_an_unknown_plan_is_refused(store_a, stripe_settings, store_owner_client):
    response = store_owner_client(store_a).post(
        "/api/v1/billing/checkout/", {"plan": "gold"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "plan" in response.json()["error"]["fields"]


def test_checkout_says_so_when_billing_is_not_configured(store_a, settings, store_owner_client):
    settings.STRIPE_SECRET_KEY = ""
    Plan.objects.filter(code="basic").update(stripe_price_id="price_basic")
    response = store_owner_client(store_a).post(
        "/api/v1/billing/checkout/", {"plan": "basic"}, content_type="application/json"
    )
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "billing_unavailable"


def test_checkout_completion_links_the_stripe_subscription(
    platform_client, store_a, stripe_settings
):
    Subscription.objects.filter(tenant=store_a).update(stripe_customer_id="cus_A")
    completed = {
        "id": "cs_1",
        "object": "checkout.session",
        "client_reference_id": str(store_a.pk),
        "customer": "cus_A",
        "subscription": "sub_A",
        "metadata": {"tenant_id": str(store_a.pk)},
    }
    response = deliver(platform_client, event("evt_1", "checkout.session.completed", completed))
    assert response.status_code == 200
    assert response.json() == {"received": True, "outcome": "linked"}
    assert Subscription.objects.get(tenant=store_a).stripe_subscription_id == "sub_A"


def test_an_active_subscription_moves_the_store_to_its_plan(platform_client, subscribed_store):
    response = deliver(
        platform_client, event("evt_2", "customer.subscription.updated", subscription("active"))
    )
    assert response.json()["outcome"] == "active"
    store = Tenant.objects.get(pk=subscribed_store.pk)
    assert store.plan.code == "basic"
    state = Subscription.objects.get(tenant=store)
    assert state.status == "active"
    assert state.current_period_end.timestamp() == 1_800_000_000
    assert AuditLogEntry.objects.filter(action="store.plan_changed", actor_label="stripe").exists()


def test_a_replayed_event_is_applied_once(platform_client, subscribed_store):
    delivery = event("evt_3", "customer.subscription.updated", subscription("active"))
    assert deliver(platform_client, delivery).json()["outcome"] == "active"
    assert deliver(platform_client, delivery).json()["outcome"] == "duplicate"
    assert StripeEvent.objects.filter(event_id="evt_3").count() == 1
    assert AuditLogEntry.objects.filter(action="store.plan_changed").count() == 1


def test_events_arriving_out_of_order_leave_the_newest_state(platform_client, subscribed_store):
    newer = event("evt_new", "customer.subscription.updated", subscription("active"), 2_000)
    older = event("evt_old", "customer.subscription.updated", subscription("past_due"), 1_000)
    deliver(platform_client, newer)
    assert deliver(platform_client, older).json()["outcome"] == "stale"
    state = Subscription.objects.get(tenant=subscribed_store)
    assert state.status == "active"
    assert state.grace_ends_at is None


def test_past_due_grace_then_suspension_then_payment_reactivates(
    platform_client, subscribed_store, store_client, settings
):
    deliver(
        platform_client, event("evt_a", "customer.subscription.updated", subscription("active"), 1)
    )
    deliver(
        platform_client, event("evt_f", "invoice.payment_failed", invoice("in_0001", "open"), 2)
    )
    deliver(
        platform_client,
        event("evt_p", "customer.subscription.updated", subscription("past_due"), 3),
    )
    state = Subscription.objects.get(tenant=subscribed_store)
    assert state.status == "past_due"
    grace_days = (state.grace_ends_at - timezone.now()).days
    assert grace_days in (settings.BILLING_GRACE_DAYS - 1, settings.BILLING_GRACE_DAYS)

    # During the grace period the store stays open...
    assert billing.suspend_stores_past_grace() == []
    assert store_client(subscribed_store).get("/").status_code == 200
    # ...and once it has ended, the store is suspended.
    after_grace = state.grace_ends_at + timedelta(minutes=1)
    assert billing.suspend_stores_past_grace(now=after_grace) == ["store-a"]
    store = Tenant.objects.get(pk=subscribed_store.pk)
    assert (store.status, store.suspension_reason) == ("suspended", "billing")
    assert store_client(subscribed_store).get("/").status_code == 503

    deliver(platform_client, event("evt_paid", "invoice.paid", invoice("in_0001", "paid", 2900), 4))
    store = Tenant.objects.get(pk=subscribed_store.pk)
    assert store.status == "active"
    assert store_client(subscribed_store).get("/").status_code == 200
    paid = Invoice.objects.get(stripe_invoice_id="in_0001")
    assert (paid.status, str(paid.amount_paid)) == ("paid", "29.00")


def test_a_store_suspended_by_the_platform_is_not_reopened_by_a_payment(
    platform_client, subscribed_store
):
    from tenants.services import suspend_store

    suspend_store(tenant=subscribed_store, reason="platform")
    deliver(platform_client, event("evt_pd", "invoice.paid", invoice("in_0002", "paid", 2900)))
    assert Tenant.objects.get(pk=subscribed_store.pk).status == "suspended"


def test_a_late_invoice_event_does_not_undo_a_payment(platform_client, subscribed_store):
    deliver(platform_client, event("evt_i2", "invoice.paid", invoice("in_0003", "paid", 2900), 20))
    deliver(platform_client, event("evt_i1", "invoice.finalized", invoice("in_0003", "open"), 10))
    assert Invoice.objects.get(stripe_invoice_id="in_0003").status == "paid"


def test_a_cancelled_subscription_returns_the_store_to_the_free_plan(
    platform_client, subscribed_store
):
    deliver(
        platform_client, event("evt_c1", "customer.subscription.updated", subscription("active"), 1)
    )
    deliver(
        platform_client,
        event("evt_c2", "customer.subscription.deleted", subscription("canceled"), 2),
    )
    assert Tenant.objects.get(pk=subscribed_store.pk).plan.code == "free"


def test_a_webhook_with_a_bad_signature_is_refused_and_changes_nothing(
    platform_client, subscribed_store
):
    response = deliver(
        platform_client,
        event("evt_forged", "customer.subscription.updated", subscription("active")),
        secret="whsec_wrong",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_signature"
    assert not StripeEvent.objects.filter(event_id="evt_forged").exists()
    assert Subscription.objects.get(tenant=subscribed_store).status == "none"


def test_owner_sees_plan_subscription_and_invoices(
    platform_client, subscribed_store, store_owner_client, django_assert_num_queries
):
    deliver(
        platform_client, event("evt_s", "customer.subscription.updated", subscription("active"), 1)
    )
    deliver(platform_client, event("evt_inv", "invoice.paid", invoice("in_1000", "paid", 2900)))
    client = store_owner_client(subscribed_store)
    # Routing, session, user, the permission layer's role lookups (company membership, staff
    # 2FA policy), store, invoices: seven, and SET search_path once per schema switch (public,
    # the store's: TENANT_LIMIT_SET_CALLS).
    with django_assert_num_queries(9):
        client.get("/api/v1/billing/")

    for number in range(1, 4):
        deliver(
            platform_client,
            event(f"evt_inv{number}", "invoice.paid", invoice(f"in_100{number}", "paid", 2900)),
        )
    with django_assert_num_queries(9):  # the same, however many invoices
        response = client.get("/api/v1/billing/")
    assert response.status_code == 200
    body = response.json()
    assert body["plan"]["code"] == "basic"
    assert body["subscription"]["status"] == "active"
    assert len(body["invoices"]) == 4
    assert body["invoices"][0]["hosted_invoice_url"].startswith("https://invoice.stripe.com/")


def test_owner_subscribes_from_the_store_admin_billing_page(
    store_a, stripe_settings, httpserver, store_owner_client
):
    httpserver.expect_request("/v1/customers", method="POST").respond_with_json(
        {"id": "cus_admin", "object": "customer"}
    )
    httpserver.expect_request("/v1/checkout/sessions", method="POST").respond_with_json(
        {
            "id": "cs_2",
            "object": "checkout.session",
            "url": "https://checkout.stripe.com/c/pay/cs_2",
        }
    )
    client = store_owner_client(store_a)
    page = client.get("/admin/billing/")
    assert page.status_code == 200
    assert b"Your plan: Free" in page.content
    assert b"Subscribe" in page.content

    response = client.post("/admin/billing/", {"plan": "pro"})
    assert response.status_code == 302
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_2"
    session = parse_qs(httpserver.log[-1][0].get_data(as_text=True))
    assert session["line_items[0][price]"] == ["price_pro"]


def test_store_admin_dashboard_says_why_the_store_is_suspended(store_a, store_owner_client):
    from tenants.services import suspend_store

    client = store_owner_client(store_a)
    suspend_store(tenant=store_a, reason=Tenant.SuspensionReason.BILLING)
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert b"Your store is suspended" in dashboard.content
    assert b"payment is overdue" in dashboard.content


def test_an_invoice_in_yen_is_read_in_whole_yen(platform_client, subscribed_store):
    # Stripe sends amounts in minor units: cents for USD, yen as they are (money.py knows).
    in_yen = {**invoice("in_0900", "paid", 2900), "currency": "jpy"}
    deliver(platform_client, event("evt_yen", "invoice.paid", in_yen))
    paid = Invoice.objects.get(stripe_invoice_id="in_0900")
    assert (paid.currency, paid.amount_due, paid.amount_paid) == ("JPY", 2900, 2900)
