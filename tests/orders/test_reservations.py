"""Stock held before an order exists (two-phase flows) is taken over by the order or given back
when it expires: a crash between reserving and confirming leaves nothing reserved for ever."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders import actions
from orders.errors import OutOfStock
from orders.models import StockReservation
from orders.tasks import release_expired_stock_reservations, release_store_reservations
from pricing import Buyer
from tests.orders.factories import draft_for, make_variant

pytestmark = pytest.mark.django_db


def _stock(variant):
    variant.refresh_from_db()
    return variant.stock_on_hand, variant.stock_reserved


def test_a_reservation_never_confirmed_is_released_after_it_expires(in_store_a):
    mug = make_variant(stock=5)
    draft = draft_for([(mug, 3)])
    actions.reserve_stock(checkout_token=draft.checkout_token, lines=[(mug.pk, 3)])
    assert _stock(mug) == (5, 3)
    # ...the process dies here: the order is never placed.

    assert release_store_reservations() == 0  # not expired yet
    assert _stock(mug) == (5, 3)

    released = actions.release_expired_reservations(
        now=timezone.now() + timedelta(minutes=actions.RESERVATION_MINUTES, seconds=1)
    )

    assert released == 3
    assert _stock(mug) == (5, 0)
    assert not StockReservation.objects.exists()


def test_the_periodic_task_releases_expired_reservations_of_every_store(in_store_a, celery_eager):
    mug = make_variant(stock=5)
    actions.reserve_stock(checkout_token=draft_for([]).checkout_token, lines=[(mug.pk, 2)])
    StockReservation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    slugs = release_expired_stock_reservations()

    assert in_store_a.slug in slugs
    assert _stock(mug) == (5, 0)


def test_reserved_stock_is_not_sold_to_another_checkout(in_store_a):
    mug = make_variant(stock=5)
    actions.reserve_stock(checkout_token=draft_for([]).checkout_token, lines=[(mug.pk, 4)])
    with pytest.raises(OutOfStock) as refused:
        actions.place_order(draft=draft_for([(mug, 2)]), buyer=Buyer())
    assert refused.value.fields == {f"lines.{mug.pk}": [f"Only 1 of {mug.product.name} left."]}
    with pytest.raises(OutOfStock):
        actions.reserve_stock(checkout_token=draft_for([]).checkout_token, lines=[(mug.pk, 2)])
    assert _stock(mug) == (5, 4)


def test_placing_the_checkout_takes_its_reservation_over(in_store_a):
    mug = make_variant(stock=5)
    draft = draft_for([(mug, 3)])
    actions.reserve_stock(checkout_token=draft.checkout_token, lines=[(mug.pk, 3)])

    order = actions.place_order(draft=draft, buyer=Buyer())

    assert _stock(mug) == (5, 3)  # held once, not twice
    assert order.lines.get().quantity_reserved == 3
    assert not StockReservation.objects.exists()
    later = timezone.now() + timedelta(hours=1)
    assert actions.release_expired_reservations(now=later) == 0
    assert _stock(mug) == (5, 3)


def test_a_checkout_reserving_again_replaces_what_it_held(in_store_a):
    mug = make_variant(stock=5)
    token = draft_for([]).checkout_token
    actions.reserve_stock(checkout_token=token, lines=[(mug.pk, 2)])
    actions.reserve_stock(checkout_token=token, lines=[(mug.pk, 5)])
    assert _stock(mug) == (5, 5)
    assert actions.release_reservations(checkout_token=token) == 5
    assert _stock(mug) == (5, 0)
