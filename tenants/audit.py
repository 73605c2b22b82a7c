"""The platform's audit log: who did what to which store."""

from config.logging import current_client_ip
from tenants.models import AuditLogEntry, Tenant


def record(
    *, action: str, tenant: Tenant | None, actor=None, actor_label: str = "", **details
) -> AuditLogEntry:
    """Append an entry.

    ``actor`` is a platform admin (a user of the public schema); a store's own staff have no
    row there, so their actions are recorded by ``actor_label`` only. Neither means the platform
    itself (a periodic task, a Stripe webhook). Inside a request the entry records the client's
    IP address (config.client_ip), whoever the actor.
    """
    if actor is not None:
        actor_label = actor.get_username()
    return AuditLogEntry.objects.create(
        actor=actor,
        actor_label=actor_label or "platform",
        action=action,
        tenant=tenant,
        details=details,
        ip_address=current_client_ip(),
    )
