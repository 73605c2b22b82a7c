"""Plan limits (products, staff accounts, monthly orders), enforced by the store.

Each app registers how to count its resource in the current store's schema; services call
:func:`ensure_current_store_within_plan` inside the transaction that adds one.

The limits that apply are those of the plan *in force* (:func:`plan_in_force`): the store's
plan when it is free, granted by the platform, or paid for; the Free plan's otherwise (a paid
plan chosen at signup and never subscribed to, a subscription cancelled or past its grace).
There is no trial.
"""

from collections.abc import Callable
from datetime import datetime

from django.db import connection
from django.utils import timezone

from tenants.errors import PlanLimitReached
from tenants.models import FREE_PLAN_CODE, Plan, Subscription, Tenant

RESOURCES = ("products", "staff_accounts", "monthly_orders")
_RESOURCE_NAMES = {
    "products": "products",
    "staff_accounts": "staff accounts",
    "monthly_orders": "orders this month",
}
_counters: dict[str, Callable[[], int]] = {}


def register_usage_counter(resource: str, counter: Callable[[], int]) -> None:
    """Declare how to count ``resource`` in the current schema (called from AppConfig.ready)."""
    if resource not in RESOURCES:
        raise ValueError(f"unknown plan resource {resource!r}")
    _counters[resource] = counter


def usage(resource: str) -> int:
    return _counters[resource]()


# Subscription states in which a paid plan is in force (a failing one only until its grace ends).
_PAID_STATUSES = {Subscription.Status.ACTIVE, Subscription.Status.TRIALING}
_GRACE_STATUSES = {Subscription.Status.PAST_DUE, Subscription.Status.UNPAID}


def plan_is_in_force(tenant: Tenant, *, now: datetime | None = None) -> bool:
    """Whether the store's own plan applies: free, granted by the platform, or paid for."""
    plan = tenant.plan
    if plan is None or plan.is_free or tenant.plan_is_complimentary:
        return True
    try:
        subscription = tenant.subscription  # select_related by callers that show billing
    except Subscription.DoesNotExist:
        return False
    if subscription.status in _PAID_STATUSES:
        return True
    grace_ends_at = subscription.grace_ends_at
    return (
        subscription.status in _GRACE_STATUSES
        and grace_ends_at is not None
        and grace_ends_at > (now or timezone.now())
    )


def plan_in_force(tenant: Tenant, *, now: datetime | None = None) -> Plan | None:
    """The plan whose limits apply to the store now (None: no plan, no limits)."""
    if plan_is_in_force(tenant, now=now):
        return tenant.plan
    return Plan.objects.filter(code=FREE_PLAN_CODE).first()


def ensure_within_plan(*, tenant: Tenant, resource: str, adding: int = 1) -> None:
    """Raise PlanLimitReached if adding ``adding`` more would exceed the plan in force.

    Counts in the current schema; to be exact under concurrency, call it through
    :func:`ensure_current_store_within_plan`, which serialises the adders of one store.
    """
    _ensure_within(tenant, plan_in_force(tenant), resource, adding)


def _ensure_within(tenant: Tenant, plan: Plan | None, resource: str, adding: int) -> None:
    limit = plan.limit_for(resource) if plan else None
    if limit is None:
        return
    current = usage(resource)
    if current + adding <= limit:
        return
    message = (
        f"Your {plan.name} plan allows {limit} {_RESOURCE_NAMES[resource]}; you have {current}. "
        "Upgrade your plan to add more."
    )
    if plan != tenant.plan:
        message = (
            f"Your {tenant.plan.name} plan is not active until its subscription is paid; "
            f"until then the {plan.name} plan's limits apply: it allows {limit} "
            f"{_RESOURCE_NAMES[resource]} and you have {current}."
        )
    raise PlanLimitReached(message)


def ensure_current_store_within_plan(*, resource: str, adding: int = 1) -> None:
    """ensure_within_plan for the store whose schema the connection is in (if it is one).

    Call it inside the transaction that adds the resource: it takes a transaction-level
    advisory lock per store and resource, so two concurrent adders at the limit cannot both
    pass (the second counts after the first has committed or rolled back).
    """
    tenant = (
        Tenant.objects.select_related("plan", "subscription")
        .filter(schema_name=connection.schema_name, status__in=Tenant.LIVE_STATUSES)
        .first()
    )
    if tenant is None:
        return
    plan = plan_in_force(tenant)
    if plan is None or plan.limit_for(resource) is None:
        return  # nothing to count, so nothing to serialise: no lock
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            [f"plan-limit:{tenant.schema_name}:{resource}"],
        )
    _ensure_within(tenant, plan, resource, adding)


def _count_staff_accounts() -> int:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_staff=True, is_active=True).count()


register_usage_counter("staff_accounts", _count_staff_accounts)
