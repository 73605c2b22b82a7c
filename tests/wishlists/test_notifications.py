"""Price-drop and back-in-stock emails: sent by Celery from the catalog's products_changed
events, only to people who opted in, at most once per person, product and kind a day."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from catalog import inventory
from catalog import services as catalog
from tests.matrix import create_user
from tests.wishlists.catalog_data import buyer
from wishlists import services, tasks
from wishlists.models import WishlistEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def change(celery_eager, django_capture_on_commit_callbacks):
    """``change(fn, ...)``: make a catalog change and let its events run (Celery eager)."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def watch(user, variant, *, price_drop=False, back_in_stock=False, name=None):
    wishlist = (
        services.create_wishlist(user=user, name=name)
        if name
        else services.default_wishlist(user=user)
    )
    services.add_item(wishlist=wishlist, variant_id=variant.pk, buyer=buyer(user))
    services.set_notifications(
        wishlist=wishlist, price_drop=price_drop, back_in_stock=back_in_stock
    )
    return wishlist


def reprice(change, variant, price: str):
    change(catalog.update_variant, variant=variant, data={"price": Decimal(price)})


def test_a_price_drop_emails_who_opted_in_with_links_to_the_product_and_the_list(
    change, store_a, shopper, other_shopper, tee
):
    wishlist = watch(shopper, tee, price_drop=True)
    watch(other_shopper, tee)  # did not opt in
    reprice(change, tee, "15.00")
    assert [message.to for message in mail.outbox] == [[shopper.email]]
    email = mail.outbox[0]
    assert email.subject == "Price drop: Organic tee"
    assert "now $15.00 (was $20.00)" in email.body
    assert f"{store_a.url}p/{tee.product.slug}/" in email.body
    assert f"{store_a.url}account/wishlists/{wishlist.pk}/" in email.body
    [(html, kind)] = email.alternatives
    assert kind == "text/html"
    assert f'href="{store_a.url}p/{tee.product.slug}/"' in html
    assert "<strong>$15.00</strong>" in html


def test_a_price_rise_or_a_change_of_other_fields_sends_nothing(change, shopper, tee):
    watch(shopper, tee, price_drop=True)
    reprice(change, tee, "25.00")
    change(catalog.update_variant, variant=tee, data={"name": "Blue"})
    assert mail.outbox == []


def test_one_email_per_person_product_and_day_and_the_next_must_beat_the_last_announced(
    change, shopper, tee
):
    watch(shopper, tee, price_drop=True)
    reprice(change, tee, "15.00")
    reprice(change, tee, "12.00")  # the same day: no second email
    assert len(mail.outbox) == 1
    tomorrow = timezone.now() + timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        reprice(change, tee, "16.00")  # below when added, above the $15.00 announced: nothing
        assert len(mail.outbox) == 1
        reprice(change, tee, "14.00")
    assert len(mail.outbox) == 2
    assert "now $14.00 (was $20.00)" in mail.outbox[1].body
    with mock.patch("django.utils.timezone.now", return_value=tomorrow + timedelta(days=1)):
        reprice(change, tee, "14.50")
    assert len(mail.outbox) == 2


def test_a_task_delivered_twice_sends_once(change, store_a, shopper, tee):
    watch(shopper, tee, price_drop=True)
    # The price changes without its event, then the same event is delivered twice.
    type(tee).objects.filter(pk=tee.pk).update(price=Decimal("15.00"))
    assert tasks.notify_wishlist_watchers.apply(args=[[tee.product_id]]).get() == 1
    assert tasks.notify_wishlist_watchers.apply(args=[[tee.product_id]]).get() == 0
    assert len(mail.outbox) == 1
    assert WishlistEmail.objects.filter(user=shopper, kind="price_drop").count() == 1


def test_a_failed_send_is_not_recorded_so_a_retry_sends(change, shopper, tee):
    watch(shopper, tee, price_drop=True)
    type(tee).objects.filter(pk=tee.pk).update(price=Decimal("15.00"))
    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send", side_effect=ConnectionRefusedError
        ),
        pytest.raises(ConnectionRefusedError),
    ):
        from wishlists.notifications import notify_watchers

        notify_watchers(product_ids=[tee.product_id])
    assert not WishlistEmail.objects.exists()
    assert tasks.notify_wishlist_watchers.apply(args=[[tee.product_id]]).get() == 1
    assert len(mail.outbox) == 1


def test_back_in_stock_emails_who_opted_in_when_the_variant_becomes_available(
    change, shopper, other_shopper, mug
):
    watch(shopper, mug, back_in_stock=True)
    watch(other_shopper, mug, price_drop=True)  # asked for price drops only
    change(inventory.adjust_stock, variant_id=mug.pk, delta=4, reason="restock")
    assert [message.to for message in mail.outbox] == [[shopper.email]]
    assert mail.outbox[0].subject == "Back in stock: Stoneware mug"
    assert "is back in stock" in mail.outbox[0].body
    # More stock is not "back" again.
    change(inventory.adjust_stock, variant_id=mug.pk, delta=4, reason="restock")
    assert len(mail.outbox) == 1


def test_sold_out_and_back_the_same_day_sends_once(change, shopper, mug):
    watch(shopper, mug, back_in_stock=True)
    change(inventory.adjust_stock, variant_id=mug.pk, delta=1, reason="restock")
    change(inventory.adjust_stock, variant_id=mug.pk, delta=-1, reason="sale")
    change(inventory.adjust_stock, variant_id=mug.pk, delta=1, reason="restock")
    assert len(mail.outbox) == 1


def test_one_email_for_a_product_on_two_lists(change, shopper, tee):
    watch(shopper, tee, price_drop=True)
    watch(shopper, tee, price_drop=True, name="Gifts")
    reprice(change, tee, "15.00")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.count("now $15.00") == 2


def test_a_deactivated_person_gets_nothing(change, shopper, tee):
    watch(shopper, tee, price_drop=True)
    type(shopper).objects.filter(pk=shopper.pk).update(is_active=False)
    reprice(change, tee, "15.00")
    assert mail.outbox == []


def test_emails_go_per_store(change, store_a, store_b, shopper, tee):
    """A change in store B emails nobody of store A, even with the same ids."""
    watch(shopper, tee, price_drop=True)
    connection.set_tenant(store_b)
    create_user(shopper.email)
    from tests.catalog.factories import product

    other = product("Organic tee", price="20.00", stock=5).variants.get()
    reprice(change, other, "10.00")
    assert mail.outbox == []
    connection.set_tenant(store_a)
    reprice(change, tee, "15.00")
    assert len(mail.outbox) == 1 and store_a.url in mail.outbox[0].body


def test_the_email_shows_the_product_name_as_typed(change, shopper):
    from tests.catalog.factories import product

    variant = product('Lamp & Co <"Lights">', price="20.00", stock=5).variants.get()
    watch(shopper, variant, price_drop=True)
    reprice(change, variant, "15.00")
    email = mail.outbox[0]
    assert email.subject == 'Price drop: Lamp & Co <"Lights">'
    assert 'Lamp & Co <"Lights">' in email.body and "&amp;" not in email.body
    assert "Lamp &amp; Co &lt;&quot;Lights&quot;&gt;" in email.alternatives[0][0]
