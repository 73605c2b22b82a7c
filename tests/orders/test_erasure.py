"""Erasing an account anonymises its orders: the amounts and lines stay for the books."""

from decimal import Decimal

import pytest

from accounts import services as account_services
from orders.models import OrderEvent
from tests.orders.factories import make_variant, place

pytestmark = pytest.mark.django_db


def test_erasure_keeps_the_amounts_and_drops_who_the_person_was(in_store_a, django_user_model):
    shopper = django_user_model.objects.create_user(
        username="ada@example.com", email="ada@example.com", password="Correct-horse-42"
    )
    other = place([(make_variant(stock=5), 1)], email="bob@example.com")
    order = place([(make_variant(price="12.00", stock=5), 2)], user=shopper, email=shopper.email)
    from orders import actions

    actions.add_note(order=order, note="Ada asked for gift wrap", actor=None)

    account_services.erase_account(user=shopper, password="Correct-horse-42")

    order.refresh_from_db()
    assert order.email == ""
    assert order.shipping_address == {"country": "US"}
    assert order.billing_address == {"country": "US"}
    assert order.anonymised_at is not None
    assert order.total == Decimal("29.00")
    assert order.lines.get().gross == Decimal("24.00")
    assert not order.events.exclude(note="").exists()
    assert order.events.filter(kind=OrderEvent.Kind.ANONYMISED).count() == 1
    other.refresh_from_db()
    assert other.email == "bob@example.com"
    assert other.shipping_address["full_name"] == "Ada Lovelace"
