"""The demo store's delivery: a domestic zone (flat rate free from $100, express, pickup at
the shop) and the rest of the world by weight. Added once: a store with zones is left alone."""

from decimal import Decimal

from django.db import transaction

from shipping import services
from shipping.models import DeliveryOption, ShippingZone

Kind = DeliveryOption.Kind


def _band(low, high, price) -> dict:
    return {
        "from_value": Decimal(low),
        "to_value": None if high is None else Decimal(high),
        "price": Decimal(price),
    }


def seed_demo_shipping() -> bool:
    """Add the demo's zones and options unless the store has zones (True when added)."""
    if ShippingZone.objects.exists():
        return False
    with transaction.atomic():
        domestic = services.create_zone(name="United States", countries=["US"])
        services.create_option(
            zone=domestic,
            data={
                "name": "Standard",
                "kind": Kind.FLAT_RATE,
                "price": Decimal("5.00"),
                "free_above": Decimal("100.00"),
                "min_delivery_days": 3,
                "max_delivery_days": 5,
                "allows_cash_on_delivery": True,
            },
        )
        services.create_option(
            zone=domestic,
            data={
                "name": "Express",
                "kind": Kind.FLAT_RATE,
                "price": Decimal("15.00"),
                "min_delivery_days": 1,
                "max_delivery_days": 2,
            },
        )
        services.create_option(
            zone=domestic,
            data={
                "name": "Pick up at the shop",
                "kind": Kind.LOCAL_PICKUP,
                "min_delivery_days": 0,
                "max_delivery_days": 1,
                "allows_cash_on_delivery": True,
            },
        )
        international = services.create_zone(name="International", rest_of_world=True)
        services.create_option(
            zone=international,
            data={
                "name": "International",
                "kind": Kind.WEIGHT_BANDS,
                "min_delivery_days": 7,
                "max_delivery_days": 14,
            },
            bands=[
                _band(0, 1000, "15.00"),
                _band(1000, 5000, "30.00"),
                _band(5000, 20000, "60.00"),
            ],
        )
    return True
