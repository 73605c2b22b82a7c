"""Plan limits (products, staff accounts, monthly orders), enforced by the store.

Each app registers how to count its resource in the current store's schema; services call
:func:`ensure_within_plan` before adding one.
"""

from collections.abc import Callable

from rest_framework import status

from config.api_errors import DomainError
from tenants.models import Tenant

RESOURCES = ("products", "staff_accounts", "monthly_orders")
_RESOURCE_NAMES = {
    "products": "products",
    "staff_accounts": "staff accounts",
    "monthly_orders": "orders this month",
}
_counters: dict[str, Callable[[], int]] = {}


class PlanLimitReached(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "plan_limit_reached"


def register_usage_counter(resource: str, counter: Callable[[], int]) -> None:
    """Declare how to count ``resource`` in the current schema (called from AppConfig.ready)."""
    if resource not in RESOURCES:
        raise ValueError(f"unknown plan resource {resource!r}")
    _counters[resource] = counter


def usage(resource: str) -> int:
    return _counters[resource]()


def ensure_within_plan(*, tenant: Tenant, resource: str, adding: int = 1) -> None:
    """Raise PlanLimitReached if adding ``adding`` more would exceed the store's plan."""
    limit = tenant.plan.limit_for(resource) if tenant.plan else None
    if limit is None:
        return
    current = usage(resource)
    if current + adding > limit:
        raise PlanLimitReached(
            f"Your {tenant.plan.name} plan allows {limit} {_RESOURCE_NAMES[resource]}; "
            f"you have {current}. Upgrade your plan to add more.",
        )


def ensure_current_store_within_plan(*, resource: str, adding: int = 1) -> None:
    """ensure_within_plan for the store whose schema the connection is in (if it is one)."""
    from django.db import connection

    tenant = (
        Tenant.objects.select_related("plan")
        .filter(schema_name=connection.schema_name, status=Tenant.Status.ACTIVE)
        .first()
    )
    if tenant is not None:
        ensure_within_plan(tenant=tenant, resource=resource, adding=adding)


def _count_staff_accounts() -> int:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_staff=True, is_active=True).count()


register_usage_counter("staff_accounts", _count_staff_accounts)
