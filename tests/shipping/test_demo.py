"""The demo store's delivery (shipping.demo, seeded by create_demo_store): US rates free from
$100, express and pickup at the shop, the rest of the world by weight; added once."""

import pytest

from shipping import selectors
from shipping.demo import seed_demo_shipping
from shipping.models import ShippingZone
from tests.shipping.conftest import parcel, to

pytestmark = pytest.mark.django_db


def offered(address, **parcel_fields) -> list[tuple[str, str]]:
    options = selectors.options_for(address=address, parcel=parcel(**parcel_fields))
    return [(o.name, str(o.price)) for o in options]


def test_the_demo_delivers_at_home_and_abroad_and_is_seeded_once(in_store_a):
    assert seed_demo_shipping() is True

    assert offered(to("US", "CA", "94103"), subtotal="40") == [
        ("Standard", "$5.00"),
        ("Express", "$15.00"),
        ("Pick up at the shop", "$0.00"),
    ]
    assert offered(to("US"), subtotal="100")[0] == ("Standard", "$0.00")
    assert offered(to("FR", postal_code="75011"), weight_grams=1200) == [
        ("International", "$30.00")
    ]
    assert offered(to("JP"), weight_grams=25000) == []  # heavier than the last band
    assert selectors.delivery_is_set_up()

    assert seed_demo_shipping() is False
    assert ShippingZone.objects.count() == 2
