"""The store lifecycle: a transition table; illegal transitions are refused (409), never silent;
every transition is recorded with who, when, from and to; the welcome email is sent once."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection

from config.api_errors import exception_handler
from tenants import services
from tenants.errors import IllegalTransition
from tenants.models import AuditLogEntry, Tenant
from tenants.tasks import send_welcome_email

User = get_user_model()


def _status(tenant: Tenant) -> str:
    return Tenant.objects.get(pk=tenant.pk).status


def test_reactivating_an_active_store_is_an_illegal_transition(store_a):
    with pytest.raises(IllegalTransition) as refused:
        services.reactivate_store(tenant=store_a, actor_label="ops")
    assert refused.value.message == "A store that is active cannot be reactivated."
    assert _status(store_a) == Tenant.Status.ACTIVE
    assert not AuditLogEntry.objects.filter(tenant=store_a).exists()


def test_suspending_a_suspended_store_is_refused_and_changes_nothing(store_a):
    services.suspend_store(tenant=store_a, reason="platform", actor_label="ops")
    first = Tenant.objects.get(pk=store_a.pk)
    with pytest.raises(IllegalTransition):
        services.suspend_store(tenant=store_a, reason="billing", actor_label="billing")
    after = Tenant.objects.get(pk=store_a.pk)
    assert (after.status, after.suspension_reason, after.suspended_at) == (
        Tenant.Status.SUSPENDED,
        "platform",
        first.suspended_at,
    )
    assert AuditLogEntry.objects.filter(tenant=store_a, action="store.suspended").count() == 1


def test_a_deleted_store_can_be_neither_deleted_again_nor_suspended_nor_reactivated(store_a):
    services.delete_store(tenant=store_a, actor_label="ops")
    for service, kwargs in [
        (services.delete_store, {}),
        (services.suspend_store, {"reason": "platform"}),
        (services.reactivate_store, {}),
    ]:
        with pytest.raises(IllegalTransition):
            service(tenant=store_a, actor_label="ops", **kwargs)
    assert _status(store_a) == Tenant.Status.DELETED


def test_every_transition_is_recorded_with_who_when_from_and_to(store_a):
    services.suspend_store(tenant=store_a, reason="platform", actor_label="ops@mercato.test")
    services.reactivate_store(tenant=store_a, actor_label="ops@mercato.test")
    services.delete_store(tenant=store_a, actor_label="ops@mercato.test")
    entries = AuditLogEntry.objects.filter(tenant=store_a).order_by("created_at", "pk")
    assert [
        (e.action, e.actor_label, e.details["from_status"], e.details["to_status"]) for e in entries
    ] == [
        ("store.suspended", "ops@mercato.test", "active", "suspended"),
        ("store.reactivated", "ops@mercato.test", "suspended", "active"),
        ("store.deleted", "ops@mercato.test", "active", "deleted"),
    ]
    assert all(entry.created_at is not None for entry in entries)


def test_illegal_transition_answers_409_with_its_code_in_the_api():
    response = exception_handler(IllegalTransition("A store that is active cannot be x."), {})
    assert response.status_code == 409
    assert response.data["error"]["code"] == "illegal_transition"


def test_platform_admin_reactivating_an_active_store_is_told_why_and_nothing_changes(
    platform_client, two_factor_login, store_a
):
    connection.set_schema_to_public()
    admin = User.objects.create_superuser("ops", "ops@mercato.test", "Platform-pass-1")
    two_factor_login(platform_client, admin)
    response = platform_client.post(
        "/admin/tenants/tenant/", {"action": "reactivate", "_selected_action": [store_a.pk]}
    )
    assert response.status_code == 302
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert shown == ["Reactivate stores: none of the selected stores qualifies."]
    assert _status(store_a) == Tenant.Status.ACTIVE
    assert not AuditLogEntry.objects.filter(tenant=store_a).exists()


def test_welcome_email_task_delivered_twice_sends_one_email(store_a, celery_eager):
    Tenant.objects.filter(pk=store_a.pk).update(
        owner_email="owner@store-a.test", welcome_email_sent_at=None
    )
    assert send_welcome_email.delay(store_a.pk).get() is True
    assert send_welcome_email.delay(store_a.pk).get() is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@store-a.test"]
    assert Tenant.objects.get(pk=store_a.pk).welcome_email_sent_at is not None


def test_a_failed_welcome_email_is_sent_by_the_retry(store_a, settings):
    Tenant.objects.filter(pk=store_a.pk).update(
        owner_email="owner@store-a.test", welcome_email_sent_at=None
    )
    settings.EMAIL_BACKEND = "tests.tenants.test_state.RefusingEmailBackend"
    with pytest.raises(ConnectionRefusedError):
        send_welcome_email(store_a.pk)
    assert Tenant.objects.get(pk=store_a.pk).welcome_email_sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_welcome_email(store_a.pk) is True
    assert len(mail.outbox) == 1


class RefusingEmailBackend:
    """A mail server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")
