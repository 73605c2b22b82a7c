"""Abandoned carts: marked after the store's delay, one reminder email to shoppers who opted
in (never a second, even from a task delivered twice), a changed cart no longer abandoned, and
anonymous carts expired after 30 days. The periodic task runs through Celery (eager, as the
suite runs Celery), fanned out per store."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.services import erase_account
from cart import identify
from cart import services as cart_services
from cart.abandonment import mark_abandoned_carts
from cart.models import Cart, CartLine
from cart.tasks import process_abandoned_carts, process_store_carts, send_cart_reminder
from pricing import buyer_for
from tenants.models import Tenant
from tests.cart.abandoned_scene import age, cart_of, shopper, variant

pytestmark = pytest.mark.django_db

TIMES = "\N{MULTIPLICATION SIGN}"


@pytest.fixture
def in_store(store_a, celery_eager):
    Tenant.objects.filter(pk=store_a.pk).update(abandoned_cart_hours=24)
    store_a.refresh_from_db()
    connection.set_tenant(store_a)
    return store_a


def run_periodic_task() -> None:
    """What Celery beat starts: the fan-out, from the public schema."""
    previous = connection.tenant
    connection.set_schema_to_public()
    try:
        process_abandoned_carts.delay()
    finally:
        connection.set_tenant(previous)


def reminders_to(email: str) -> list:
    return [message for message in mail.outbox if message.to == [email]]


# --- Marking ------------------------------------------------------------------------------------


def test_a_cart_untouched_for_the_store_s_delay_is_marked_abandoned(in_store):
    lamp = variant()
    left = age(cart_of(shopper("ada@example.com"), (lamp, 1)), hours=25)
    recent = age(cart_of(shopper("bob@example.com"), (lamp, 1)), hours=23)
    empty = age(cart_of(shopper("cy@example.com")), hours=100)

    run_periodic_task()

    for cart in (left, recent, empty):
        cart.refresh_from_db()
    assert left.abandoned_at is not None
    assert recent.abandoned_at is None
    assert empty.abandoned_at is None  # nothing in it to come back for


def test_the_delay_is_the_store_s_setting(in_store):
    Tenant.objects.filter(pk=in_store.pk).update(abandoned_cart_hours=48)
    cart = age(cart_of(shopper(), (variant(), 1)), hours=30)

    run_periodic_task()
    cart.refresh_from_db()
    assert cart.abandoned_at is None

    age(cart, hours=49)
    run_periodic_task()
    cart.refresh_from_db()
    assert cart.abandoned_at is not None


def test_each_store_is_processed_in_its_own_schema_with_its_own_delay(in_store, store_b):
    Tenant.objects.filter(pk=store_b.pk).update(abandoned_cart_hours=48)
    at_a = age(cart_of(shopper(), (variant(), 1)), hours=30)
    with schema_context(store_b.schema_name):
        at_b = age(cart_of(shopper(), (variant(), 1)), hours=30)

    run_periodic_task()

    at_a.refresh_from_db()
    assert at_a.abandoned_at is not None
    assert [message.to for message in mail.outbox] == [["ada@example.com"]]
    assert "Store A" in mail.outbox[0].subject
    with schema_context(store_b.schema_name):
        at_b.refresh_from_db()
        assert at_b.abandoned_at is None


def test_a_suspended_store_s_carts_are_left_alone(in_store):
    cart = age(cart_of(shopper(), (variant(), 1)), hours=30)
    Tenant.objects.filter(pk=in_store.pk).update(status=Tenant.Status.SUSPENDED)

    run_periodic_task()

    cart.refresh_from_db()
    assert cart.abandoned_at is None
    assert mail.outbox == []


def test_a_cart_changed_after_being_marked_is_no_longer_abandoned(in_store):
    ada = shopper(opted_in=False)
    lamp, bulb = variant(), variant()
    cart = age(cart_of(ada, (lamp, 1)), hours=30)
    run_periodic_task()
    cart.refresh_from_db()
    assert cart.abandoned_at is not None

    cart_services.add_line(cart=cart, variant_id=bulb.pk, quantity=1, buyer=buyer_for(user=ada))
    run_periodic_task()

    cart.refresh_from_db()
    assert cart.abandoned_at is None
    assert not Cart.objects.filter(pk=cart.pk, abandoned_at__isnull=False).exists()


# --- The reminder -------------------------------------------------------------------------------


def test_only_shoppers_who_opted_in_get_a_reminder(in_store):
    lamp = variant(name="Brass desk lamp", price="12.50")
    ada = shopper("ada@example.com", opted_in=True, first_name="Ada")
    bob = shopper("bob@example.com", opted_in=False)
    ada_cart = age(cart_of(ada, (lamp, 2)), hours=25)
    bob_cart = age(cart_of(bob, (lamp, 1)), hours=25)

    run_periodic_task()

    assert [message.to for message in mail.outbox] == [["ada@example.com"]]
    reminder = mail.outbox[0]
    assert reminder.subject == "You left 2 items in your cart at Store A"
    assert reminder.body.startswith("Hello Ada,\n")
    assert f"- 2 {TIMES} Brass desk lamp: $25.00" in reminder.body
    assert "Subtotal: $25.00" in reminder.body
    assert re.search(r"http://store-a\.[^/\s]+/cart/restore/[^/\s]+/", reminder.body)
    html, mimetype = reminder.alternatives[0]
    assert mimetype == "text/html"
    assert "Brass desk lamp" in html and "$25.00" in html
    assert "Return to your cart" in html
    ada_cart.refresh_from_db()
    bob_cart.refresh_from_db()
    assert ada_cart.reminder_sent_at is not None
    assert bob_cart.reminder_sent_at is None
    assert bob_cart.abandoned_at is not None  # abandoned all the same, seen by the staff


def test_a_shopper_gets_one_reminder_however_often_the_task_runs(in_store):
    age(cart_of(shopper(), (variant(), 1)), hours=25)

    run_periodic_task()
    run_periodic_task()
    with schema_context(in_store.schema_name):
        process_store_carts.delay()

    assert len(reminders_to("ada@example.com")) == 1


def test_a_reminder_task_delivered_twice_sends_one_email(in_store):
    cart = age(cart_of(shopper(), (variant(), 1)), hours=25)
    mark_abandoned_carts(hours=24)

    first = send_cart_reminder.delay(cart.pk).get()
    second = send_cart_reminder.delay(cart.pk).get()

    assert (first, second) == (True, False)
    assert len(reminders_to("ada@example.com")) == 1


def test_a_cart_changed_before_its_reminder_goes_gets_none(in_store):
    ada = shopper()
    cart = age(cart_of(ada, (variant(), 1)), hours=25)
    mark_abandoned_carts(hours=24)
    # The shopper comes back between the marking and the (queued) reminder.
    cart_services.add_line(
        cart=cart, variant_id=variant().pk, quantity=1, buyer=buyer_for(user=ada)
    )

    assert send_cart_reminder.delay(cart.pk).get() is False
    assert mail.outbox == []
    cart.refresh_from_db()
    assert cart.reminder_sent_at is None


def test_no_reminder_for_a_deactivated_or_erased_account(in_store):
    lamp = variant()
    age(cart_of(shopper("off@example.com", is_active=False), (lamp, 1)), hours=25)
    age(cart_of(shopper("gone@example.com"), (lamp, 1)), hours=25)
    erase_account(user=User.objects.get(email="gone@example.com"), password=None)

    run_periodic_task()

    assert mail.outbox == []


def test_a_shopper_who_opts_in_later_is_reminded_of_a_recent_cart_only(in_store):
    ada = shopper(opted_in=False)
    age(cart_of(ada, (variant(), 1)), hours=25)
    run_periodic_task()
    assert mail.outbox == []

    ada.accepts_cart_reminders = True
    ada.save(update_fields=["accepts_cart_reminders"])
    run_periodic_task()
    assert len(reminders_to("ada@example.com")) == 1

    # A cart abandoned weeks ago is not brought up when its owner opts in today.
    bob = shopper("bob@example.com", opted_in=False)
    old = age(cart_of(bob, (variant(), 1)), days=40)
    Cart.objects.filter(pk=old.pk).update(abandoned_at=timezone.now() - timedelta(days=39))
    bob.accepts_cart_reminders = True
    bob.save(update_fields=["accepts_cart_reminders"])
    run_periodic_task()
    assert reminders_to("bob@example.com") == []


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_a_reminder_that_could_not_be_sent_is_sent_by_the_retry(in_store, settings):
    cart = age(cart_of(shopper(), (variant(), 1)), hours=25)
    mark_abandoned_carts(hours=24)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    with pytest.raises(ConnectionRefusedError):
        send_cart_reminder.delay(cart.pk)
    cart.refresh_from_db()
    assert cart.reminder_sent_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_cart_reminder.delay(cart.pk).get() is True
    assert len(reminders_to("ada@example.com")) == 1


def test_the_reminder_prices_in_the_store_s_currency(in_store):
    Tenant.objects.filter(pk=in_store.pk).update(currency="JPY")
    lamp = variant(name="Paper lantern", price="1200")
    age(cart_of(shopper(), (lamp, 3)), hours=25)

    run_periodic_task()

    assert f"- 3 {TIMES} Paper lantern: ¥3,600" in mail.outbox[0].body


# --- Expiry -------------------------------------------------------------------------------------


def test_anonymous_carts_untouched_for_30_days_expire_and_lose_their_lines(in_store):
    lamp = variant()
    stale = age(cart_of(None, (lamp, 2)), days=31)
    fresh = age(cart_of(None, (lamp, 1)), days=29)
    account_cart = age(cart_of(shopper(opted_in=False), (lamp, 1)), days=90)

    run_periodic_task()

    stale.refresh_from_db()
    fresh.refresh_from_db()
    account_cart.refresh_from_db()
    assert stale.status == Cart.Status.EXPIRED
    assert not CartLine.objects.filter(cart=stale).exists()
    assert fresh.status == Cart.Status.OPEN
    assert CartLine.objects.filter(cart=fresh).count() == 1
    # An account's cart waits for its owner, however long.
    assert account_cart.status == Cart.Status.OPEN
    assert CartLine.objects.filter(cart=account_cart).count() == 1
    # The expired cart's cookie or token names no cart any more.
    assert identify.anonymous_cart(str(stale.token)) is None
    assert identify.anonymous_cart(str(fresh.token)) == fresh


def test_celery_beat_runs_the_fan_out_periodically(settings):
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["process-abandoned-carts"]
    assert entry["task"] == "cart.tasks.process_abandoned_carts"
    assert entry["task"] in app.tasks
    assert entry["schedule"] <= 60 * 60  # a delay of 1 hour is honoured within the hour
