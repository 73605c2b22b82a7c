"""What the metrics count, taken from the events the apps already send: nothing in the
apps' own code knows about Prometheus. Each counter moves once the change is committed."""

import time

from django.db import transaction
from django.db.models.signals import post_save

from observability import metrics

_task_started: dict[str, float] = {}


def connect() -> None:
    """Connect every receiver (once, from the app's ``ready``)."""
    from allauth.account.signals import user_signed_up
    from celery import signals as celery_signals

    from orders.events import order_placed
    from payments.models import PaymentEvent
    from tenants.models import AuditLogEntry

    order_placed.connect(_on_order_placed, dispatch_uid="observability.order_placed")
    post_save.connect(
        _on_payment_event, sender=PaymentEvent, dispatch_uid="observability.payment_event"
    )
    post_save.connect(_on_audit_entry, sender=AuditLogEntry, dispatch_uid="observability.audit")
    user_signed_up.connect(_on_shopper_signed_up, dispatch_uid="observability.user_signed_up")
    celery_signals.task_prerun.connect(_on_task_prerun, weak=False)
    celery_signals.task_postrun.connect(_on_task_postrun, weak=False)
    celery_signals.task_success.connect(_on_task_success, weak=False)
    celery_signals.task_failure.connect(_on_task_failure, weak=False)
    celery_signals.task_retry.connect(_on_task_retry, weak=False)


def _on_order_placed(sender=None, **kwargs) -> None:
    # Sent on commit already (orders.events).
    metrics.ORDERS_PLACED.inc()


# A payment's creation and each move of its state are recorded as one of these events
# (payments.services); flags, captures and refunds are other kinds, not results.
_RESULT_KINDS = {"created", "state_changed", "failed"}


def _on_payment_event(sender=None, instance=None, created=False, **kwargs) -> None:
    if not created or instance.kind not in _RESULT_KINDS or not instance.to_state:
        return
    # The service passes the payment itself, so its method costs no query.
    provider = instance.payment.method
    result = instance.to_state
    transaction.on_commit(lambda: metrics.PAYMENTS.labels(provider, result).inc())


def _on_audit_entry(sender=None, instance=None, created=False, **kwargs) -> None:
    # A store's signup is recorded in the audit log by tenants.services.sign_up_store, in its
    # transaction: a signup rolled back is not counted.
    if created and instance.action == "store.signed_up":
        transaction.on_commit(lambda: metrics.SIGNUPS.labels("store").inc())


def _on_shopper_signed_up(sender=None, **kwargs) -> None:
    transaction.on_commit(lambda: metrics.SIGNUPS.labels("shopper").inc())


def _task_name(sender, kwargs) -> str:
    name = getattr(sender, "name", None) or kwargs.get("task", None)
    return getattr(name, "name", name) or "unknown"


def _on_task_prerun(sender=None, task_id=None, **kwargs) -> None:
    if task_id:
        _task_started[task_id] = time.perf_counter()


def _on_task_postrun(sender=None, task_id=None, **kwargs) -> None:
    started = _task_started.pop(task_id, None) if task_id else None
    if started is not None:
        metrics.CELERY_TASK_DURATION.labels(_task_name(sender, kwargs)).observe(
            time.perf_counter() - started
        )


def _on_task_success(sender=None, **kwargs) -> None:
    metrics.CELERY_TASKS.labels(_task_name(sender, kwargs), "success").inc()


def _on_task_failure(sender=None, **kwargs) -> None:
    metrics.CELERY_TASKS.labels(_task_name(sender, kwargs), "failure").inc()


def _on_task_retry(sender=None, **kwargs) -> None:
    metrics.CELERY_TASKS.labels(_task_name(sender, kwargs), "retry").inc()
