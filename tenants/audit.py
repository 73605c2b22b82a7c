"""The platform's audit log: who did what to which store."""

from django.db import connection

from config.logging import current_client_ip
from tenants.models import AuditLogEntry, Tenant


def active_store() -> Tenant | None:
    """The store whose schema the connection is in: the routed request's, or under
    ``schema_context`` (a command, a task) the one it names; None at the platform."""
    store = connection.tenant
    if isinstance(store, Tenant):
        return store
    return Tenant.objects.filter(schema_name=connection.schema_name).first()


def record(
    *,
    action: str,
    tenant: Tenant | None,
    actor=None,
    actor_label: str = "",
    ip_address: str | None = None,
    **details,
) -> AuditLogEntry:
    """Append an entry.

    ``actor`` is a platform admin (a user of the public schema); a store's own staff have no
    row there, so their actions are recorded by ``actor_label`` only. Neither means the platform
    itself (a periodic task, a Stripe webhook). ``ip_address`` is the client's, when the action
    comes from a request; by default the client IP of the request being handled
    (config.client_ip, noted by config.middleware), none outside a request.
    """
    if actor is not None:
        actor_label = actor.get_username()
    return AuditLogEntry.objects.create(
        actor=actor,
        actor_label=actor_label or "platform",
        action=action,
        tenant=tenant,
        ip_address=ip_address or current_client_ip(),
        details=details,
    )
