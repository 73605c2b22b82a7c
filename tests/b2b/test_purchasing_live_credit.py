"""Through the real server: two orders placed at the same moment by a company's ERP that each
fit its credit limit but together exceed it: exactly one is placed, the other is refused with
the reason (the company's row is locked at placement)."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from tests.live_server import forget_rate_limits

ADDRESS = {
    "full_name": "Receiving dock",
    "line1": "1 Market St",
    "city": "San Francisco",
    "region": "CA",
    "postal_code": "94105",
    "country": "US",
}


@pytest.fixture
def live(live_platform):
    forget_rate_limits()
    return live_platform


def test_two_concurrent_orders_that_together_exceed_the_credit_limit_place_one(live):
    from accounts import services as account_services
    from accounts.models import Company, User
    from orders.models import Order
    from payments import services as payment_services
    from shipping.demo import seed_demo_shipping

    store = live.store_a
    admin = live.new_person(store, "customer")
    with live.database(store):
        seed_demo_shipping()
        payment_services.set_method_settings(data={"enabled_methods": ["invoice"]})
        company = account_services.create_company(
            name=f"Credit {uuid.uuid4().hex[:6]}", admin=User.objects.get(pk=admin.user_id)
        )
        # The lamp costs 25.00 to companies: 2 of them plus delivery (at most 5.00) fit
        # 90.00 once, never twice.
        Company.objects.filter(pk=company.pk).update(
            payment_terms=Company.PaymentTerms.NET_30, credit_limit=Decimal("90.00")
        )
        secret = account_services.create_api_key(
            name="ERP",
            scopes=["orders:place", "orders:read"],
            created_by=User.objects.get(pk=admin.user_id),
            company=company,
        ).secret
    sku = store.products["lamp"]["variants"][0]["sku"]
    barrier = threading.Barrier(2)

    def place(n):
        client = store.key_client(secret)
        barrier.wait()
        return client.post(
            "/api/v1/b2b/orders/",
            json={
                "lines": [{"sku": sku, "quantity": 2}],
                "po_number": f"PO-RACE-{n}",
                "shipping_address": ADDRESS,
            },
        )

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(place, range(2)))
        assert sorted(answer.status_code for answer in answers) == [201, 400], [
            answer.text for answer in answers
        ]
        refused = next(answer for answer in answers if answer.status_code == 400).json()
        assert refused["error"]["code"] == "credit_limit_exceeded"
        assert refused["error"]["fields"]["payment_method"][0].startswith("Credit limit exceeded")
        with live.database(store):
            assert Order.objects.filter(company_id=company.pk).count() == 1
    finally:
        # Store A is shared by the browser tests: its dashboard expects no payment method.
        with live.database(store):
            payment_services.set_method_settings(data={"enabled_methods": []})
