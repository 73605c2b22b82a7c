"""Platform billing with Stripe Billing: the one module that talks to Stripe.

Merchants subscribe through a Stripe Checkout session; Stripe's webhooks keep our copy of the
subscription and its invoices. Each event is verified with Stripe's signature scheme and applied
exactly once (its id is recorded in the same transaction); subscription events older than the
last one applied are ignored, so replays and out-of-order deliveries change nothing.

A failed payment opens a grace period; when it ends the store is suspended; a payment
reactivates a store suspended for billing.
"""

import logging
from datetime import UTC, datetime, timedelta

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

import money
from config.api_errors import DomainError
from tenants import audit
from tenants.errors import BillingUnavailable, IllegalTransition, InvalidWebhook
from tenants.models import FREE_PLAN_CODE, Invoice, Plan, StripeEvent, Subscription, Tenant

logger = logging.getLogger(__name__)

_ACTIVE_STATUSES = {Subscription.Status.ACTIVE, Subscription.Status.TRIALING}
_FAILING_STATUSES = {Subscription.Status.PAST_DUE, Subscription.Status.UNPAID}
# Invoice statuses that are final: a late event must not move an invoice back from them.
_FINAL_INVOICE_STATUSES = {"paid", "void", "uncollectible"}


def stripe_client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise BillingUnavailable("Billing is not configured on this platform.")
    options = {"max_network_retries": 2}
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)


def configuration_problems() -> list[str]:
    """What is missing for merchants to subscribe (empty when billing is ready).

    Shown on the store's Billing page in development, so that a missing setting is named
    rather than a Subscribe button silently absent.
    """
    problems = []
    if not settings.STRIPE_SECRET_KEY:
        problems.append("STRIPE_SECRET_KEY is not set (the Stripe API key of the platform).")
    if not settings.STRIPE_WEBHOOK_SECRET:
        problems.append(
            "STRIPE_WEBHOOK_SECRET is not set (the signing secret of the webhook endpoint "
            "/api/platform/stripe/webhook/): subscriptions would never become active."
        )
    unpriced = Plan.objects.filter(is_public=True, monthly_price__gt=0, stripe_price_id="")
    for plan in unpriced:
        problems.append(
            f"The {plan.name} plan has no Stripe price id (platform admin, Plans: "
            f"{plan.name}, field stripe_price_id)."
        )
    return problems


def plan_notice(tenant: Tenant) -> str | None:
    """What the merchant must know about their plan's state, or None when all is in order."""
    from tenants.limits import plan_in_force, plan_is_in_force

    if plan_is_in_force(tenant):
        return None
    free = plan_in_force(tenant)
    return (
        f"Your {tenant.plan.name} plan is not active: its subscription is not paid. "
        f"Until it is, your store has the {free.name if free else 'Free'} plan's limits. "
        f"Subscribe to the {tenant.plan.name} plan below to activate it."
    )


def start_subscription_checkout(
    *, tenant: Tenant, plan: Plan, success_url: str, cancel_url: str
) -> str:
    """Open a Stripe Checkout session for ``plan``; returns the URL to send the merchant to."""
    if not plan.stripe_price_id:
        raise DomainError("This plan has no subscription to pay for.", fields={"plan": ["free"]})
    client = stripe_client()
    subscription, _ = Subscription.objects.get_or_create(tenant=tenant)
    try:
        if not subscription.stripe_customer_id:
            customer = client.v1.customers.create(
                params={
                    "email": tenant.owner_email,
                    "name": tenant.name,
                    "metadata": {"tenant_id": str(tenant.pk), "store": tenant.slug},
                }
            )
            subscription.stripe_customer_id = customer.id
            subscription.save(update_fields=["stripe_customer_id", "updated_at"])
        session = client.v1.checkout.sessions.create(
            params={
                "mode": "subscription",
                "customer": subscription.stripe_customer_id,
                "client_reference_id": str(tenant.pk),
                "line_items": [{"price": plan.stripe_price_id, "quantity": 1}],
                "success_url": success_url,
                "cancel_url": cancel_url,
                "metadata": {"tenant_id": str(tenant.pk), "plan": plan.code},
                "subscription_data": {"metadata": {"tenant_id": str(tenant.pk)}},
            }
        )
    except stripe.StripeError as error:
        logger.warning("stripe checkout failed for %s: %s", tenant.slug, type(error).__name__)
        raise BillingUnavailable("The payment provider is unavailable; try again.") from error
    return session.url


def receive_webhook(*, payload: bytes, signature: str) -> str:
    """Verify a webhook delivery and apply its event once. Returns what happened."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise BillingUnavailable("Billing is not configured on this platform.")
    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as error:
        raise InvalidWebhook("The webhook signature is invalid.") from error
    return apply_event(event)


def apply_event(event) -> str:
    """Apply one Stripe event exactly once; "duplicate" when it was seen before."""
    handler = _HANDLERS.get(event["type"])
    with transaction.atomic():
        try:
            # A concurrent delivery of the same event waits here until this one commits.
            with transaction.atomic():
                StripeEvent.objects.create(
                    event_id=event["id"], type=event["type"], created=event["created"]
                )
        except IntegrityError:
            return "duplicate"
        if handler is None:
            return "ignored"
        return handler(event["data"]["object"], event["created"])


def _on_checkout_completed(session, created: int) -> str:
    tenant = _tenant_for(session.get("client_reference_id") or _metadata(session, "tenant_id"))
    if tenant is None:
        return "unknown-store"
    subscription, _ = Subscription.objects.select_for_update().get_or_create(tenant=tenant)
    subscription.stripe_customer_id = session.get("customer") or subscription.stripe_customer_id
    subscription.stripe_subscription_id = (
        session.get("subscription") or subscription.stripe_subscription_id
    )
    subscription.save(update_fields=["stripe_customer_id", "stripe_subscription_id"])
    return "linked"


def _on_subscription_changed(stripe_subscription, created: int) -> str:
    subscription = _subscription_for(stripe_subscription)
    if subscription is None:
        return "unknown-store"
    if created < subscription.last_event_created:
        return "stale"
    subscription.last_event_created = created
    subscription.stripe_subscription_id = stripe_subscription["id"]
    subscription.stripe_customer_id = (
        stripe_subscription.get("customer") or subscription.stripe_customer_id
    )
    subscription.status = _status(stripe_subscription.get("status"))
    subscription.current_period_end = _period_end(stripe_subscription)
    tenant = subscription.tenant
    if subscription.status in _FAILING_STATUSES:
        subscription.grace_ends_at = subscription.grace_ends_at or (
            timezone.now() + timedelta(days=settings.BILLING_GRACE_DAYS)
        )
    else:
        subscription.grace_ends_at = None
    subscription.save()

    if subscription.status in _ACTIVE_STATUSES:
        plan = _plan_for(stripe_subscription)
        if plan is not None and tenant.plan_id != plan.pk:
            from tenants.services import change_plan

            change_plan(tenant=tenant, plan=plan, actor_label="stripe")
        _reactivate_if_suspended_for_billing(tenant)
    elif subscription.status == Subscription.Status.CANCELED:
        free = Plan.objects.filter(code=FREE_PLAN_CODE).first()
        if free is not None:
            from tenants.services import change_plan

            change_plan(tenant=tenant, plan=free, actor_label="stripe")
    return subscription.status


def _on_invoice(stripe_invoice, created: int) -> str:
    return _upsert_invoice(stripe_invoice)[1]


def _upsert_invoice(stripe_invoice) -> tuple[Tenant | None, str]:
    """Mirror the invoice; returns its store (None when unknown) and what happened."""
    tenant = _tenant_for_customer(stripe_invoice.get("customer"))
    if tenant is None:
        return None, "unknown-store"
    invoice = Invoice.objects.select_for_update().filter(
        stripe_invoice_id=stripe_invoice["id"]
    ).first() or Invoice(stripe_invoice_id=stripe_invoice["id"], tenant=tenant)
    new_status = stripe_invoice.get("status") or "open"
    if invoice.status in _FINAL_INVOICE_STATUSES and new_status not in _FINAL_INVOICE_STATUSES:
        return tenant, "stale"
    currency = (stripe_invoice.get("currency") or "usd").upper()
    invoice.store_slug = tenant.slug
    invoice.number = stripe_invoice.get("number") or ""
    invoice.status = new_status
    invoice.currency = currency
    # Stripe amounts are in the currency's minor units (cents; yen as they are).
    invoice.amount_due = money.from_minor_units(stripe_invoice.get("amount_due"), currency)
    invoice.amount_paid = money.from_minor_units(stripe_invoice.get("amount_paid"), currency)
    invoice.hosted_invoice_url = stripe_invoice.get("hosted_invoice_url") or ""
    invoice.invoice_pdf = stripe_invoice.get("invoice_pdf") or ""
    invoice.period_start = _timestamp(stripe_invoice.get("period_start"))
    invoice.period_end = _timestamp(stripe_invoice.get("period_end"))
    invoice.created = _timestamp(stripe_invoice.get("created")) or timezone.now()
    invoice.save()
    return tenant, invoice.status


def _on_invoice_paid(stripe_invoice, created: int) -> str:
    tenant, result = _upsert_invoice(stripe_invoice)
    if tenant is not None:
        Subscription.objects.filter(tenant=tenant).update(grace_ends_at=None)
        _reactivate_if_suspended_for_billing(tenant)
    return result


def _on_invoice_payment_failed(stripe_invoice, created: int) -> str:
    tenant, result = _upsert_invoice(stripe_invoice)
    if tenant is not None:
        subscription = Subscription.objects.select_for_update().get(tenant=tenant)
        if subscription.grace_ends_at is None:
            subscription.grace_ends_at = timezone.now() + timedelta(
                days=settings.BILLING_GRACE_DAYS
            )
            subscription.save(update_fields=["grace_ends_at", "updated_at"])
    return result


_HANDLERS = {
    "checkout.session.completed": _on_checkout_completed,
    "customer.subscription.created": _on_subscription_changed,
    "customer.subscription.updated": _on_subscription_changed,
    "customer.subscription.deleted": _on_subscription_changed,
    "invoice.created": _on_invoice,
    "invoice.finalized": _on_invoice,
    "invoice.updated": _on_invoice,
    "invoice.voided": _on_invoice,
    "invoice.paid": _on_invoice_paid,
    "invoice.payment_failed": _on_invoice_payment_failed,
}


def suspend_stores_past_grace(*, now=None) -> list[str]:
    """Suspend every active store whose payment grace period has ended."""
    from tenants.services import suspend_store

    now = now or timezone.now()
    due = Tenant.objects.filter(
        status=Tenant.Status.ACTIVE,
        subscription__grace_ends_at__lte=now,
    )
    suspended = []
    for tenant in due:
        try:
            suspend_store(
                tenant=tenant, reason=Tenant.SuspensionReason.BILLING, actor_label="billing"
            )
        except IllegalTransition:
            continue  # suspended or deleted by someone else meanwhile
        suspended.append(tenant.slug)
    return suspended


def _reactivate_if_suspended_for_billing(tenant: Tenant) -> None:
    from tenants.services import reactivate_store

    tenant.refresh_from_db(fields=["status", "suspension_reason"])
    if (
        tenant.status == Tenant.Status.SUSPENDED
        and tenant.suspension_reason == Tenant.SuspensionReason.BILLING
    ):
        try:
            reactivate_store(tenant=tenant, actor_label="billing")
        except IllegalTransition:
            return  # reactivated by someone else meanwhile
        audit.record(action="billing.payment_received", tenant=tenant, actor_label="stripe")


def _subscription_for(stripe_subscription) -> Subscription | None:
    queryset = Subscription.objects.select_for_update().select_related("tenant")
    found = queryset.filter(stripe_subscription_id=stripe_subscription["id"]).first()
    if found is not None:
        return found
    tenant = _tenant_for(_metadata(stripe_subscription, "tenant_id"))
    if tenant is None:
        tenant = _tenant_for_customer(stripe_subscription.get("customer"))
    if tenant is None:
        return None
    return queryset.get_or_create(tenant=tenant)[0]


def _tenant_for(tenant_id) -> Tenant | None:
    if not tenant_id or not str(tenant_id).isdigit():
        return None
    return (
        Tenant.objects.filter(pk=int(tenant_id))
        .exclude(status__in=[Tenant.Status.TEMPLATE, Tenant.Status.POOLED])
        .first()
    )


def _tenant_for_customer(customer_id) -> Tenant | None:
    if not customer_id:
        return None
    return Tenant.objects.filter(subscription__stripe_customer_id=customer_id).first()


def _plan_for(stripe_subscription) -> Plan | None:
    items = (stripe_subscription.get("items") or {}).get("data") or []
    price_ids = [item["price"]["id"] for item in items if item.get("price")]
    return Plan.objects.filter(stripe_price_id__in=price_ids).first() if price_ids else None


def _period_end(stripe_subscription) -> datetime | None:
    # Newer API versions carry the period on each subscription item.
    end = stripe_subscription.get("current_period_end")
    if end is None:
        items = (stripe_subscription.get("items") or {}).get("data") or []
        end = max((item.get("current_period_end") or 0 for item in items), default=None)
    return _timestamp(end)


def _status(value) -> str:
    if value in Subscription.Status.values:
        return value
    if value == "incomplete_expired":
        return Subscription.Status.CANCELED
    return Subscription.Status.INCOMPLETE


def _metadata(obj, key: str):
    return (obj.get("metadata") or {}).get(key)


def _timestamp(value) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None
