"""The platform's audit log: who did what to which store."""

from allauth.core import context

from tenants.models import AuditLogEntry, Tenant


def record(
    *, action: str, tenant: Tenant | None, actor=None, actor_label: str = "", **details
) -> AuditLogEntry:
    """Append an entry.

    ``actor`` is a platform admin (a user of the public schema); a store's own staff have no
    row there, so their actions are recorded by ``actor_label`` only. Neither means the platform
    itself (a periodic task, a Stripe webhook). Inside a request the entry records the client's
    IP address, whoever the actor.
    """
    if actor is not None:
        actor_label = actor.get_username()
    return AuditLogEntry.objects.create(
        actor=actor,
        actor_label=actor_label or "platform",
        action=action,
        tenant=tenant,
        details=details,
        ip_address=_current_client_ip(),
    )


def _current_client_ip() -> str | None:
    # The request being served (allauth's middleware keeps it for the whole request).
    # REMOTE_ADDR until config.client_ip (issue #10 item 3) is merged.
    request = context.request
    return request.META.get("REMOTE_ADDR") if request is not None else None
