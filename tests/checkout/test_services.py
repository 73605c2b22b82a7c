"""checkout.services: one checkout per cart, all-or-nothing updates with field errors, the
delivery option and payment method only as offered, completion into one order."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cart import services as cart_services
from cart.models import Cart
from checkout import services
from checkout.errors import CartEmpty, CheckoutCompleted, CheckoutError
from checkout.models import Checkout
from orders.errors import OutOfStock
from orders.models import Order
from pricing import Buyer, buyer_for
from shipping.errors import DeliveryOptionUnavailable
from tests.checkout.factories import GB_ADDRESS, NY_ADDRESS, cart_with, option, variant, zone
from tests.matrix import make_person

pytestmark = pytest.mark.django_db
ANYONE = Buyer.anonymous()


@pytest.fixture
def options(in_store_a):
    domestic = zone()
    return {
        "cod": option(domestic, "Standard", price=Decimal("5.00"), allows_cash_on_delivery=True),
        "prepaid": option(domestic, "Courier", price=Decimal("9.00")),
        "uk": option(zone("UK", ("GB",)), "Royal Mail", price=Decimal("6.00")),
    }


def ready(checkout, options):
    services.update_checkout(
        checkout=checkout,
        buyer=ANYONE,
        data={"email": "a@example.com", "shipping_address": NY_ADDRESS,
              "delivery_option": options["cod"].pk, "payment_method": "cod"},
    )  # fmt: skip
    return checkout


def test_one_checkout_per_cart_resumed(options):
    cart = cart_with((variant(), 1))
    first = services.start_checkout(cart=cart, buyer=ANYONE)
    again = services.start_checkout(cart=cart, buyer=ANYONE)
    assert first.pk == again.pk
    assert Checkout.objects.count() == 1


def test_an_empty_cart_cannot_be_checked_out(in_store_a):
    with pytest.raises(CartEmpty):
        services.start_checkout(cart=cart_services.create_anonymous_cart(), buyer=ANYONE)


def test_updates_are_all_or_nothing(options):
    checkout = services.start_checkout(cart=cart_with((variant(), 1)), buyer=ANYONE)
    with pytest.raises(CheckoutError) as refused:
        services.update_checkout(
            checkout=checkout, buyer=ANYONE,
            data={"email": "a@example.com", "shipping_address": {**NY_ADDRESS, "postal_code": ""},
                  "note": "x" * 1001},
        )  # fmt: skip
    assert set(refused.value.fields) == {"shipping_address.postal_code", "note"}
    checkout.refresh_from_db()
    assert checkout.email == "" and checkout.shipping_address == {}


def test_delivery_needs_an_address_and_an_offered_option(options):
    checkout = services.start_checkout(cart=cart_with((variant(), 1)), buyer=ANYONE)
    with pytest.raises(CheckoutError) as refused:
        services.set_delivery_option(checkout=checkout, buyer=ANYONE, option_id=options["cod"].pk)
    assert "delivery_option" in refused.value.fields
    services.set_addresses(checkout=checkout, buyer=ANYONE, shipping_address=NY_ADDRESS)
    with pytest.raises(DeliveryOptionUnavailable):
        services.set_delivery_option(checkout=checkout, buyer=ANYONE, option_id=options["uk"].pk)
    services.set_delivery_option(checkout=checkout, buyer=ANYONE, option_id=options["cod"].pk)
    assert Checkout.objects.get().delivery_option_id == options["cod"].pk


def test_a_new_address_drops_an_option_not_offered_there(options):
    checkout = ready(services.start_checkout(cart=cart_with((variant(), 1)), buyer=ANYONE),
                     options)  # fmt: skip
    services.set_addresses(checkout=checkout, buyer=ANYONE, shipping_address=GB_ADDRESS)
    checkout.refresh_from_db()
    assert checkout.delivery_option_id is None
    assert checkout.shipping_address["country"] == "GB"


def test_cash_on_delivery_only_where_the_option_allows_it(options):
    checkout = services.start_checkout(cart=cart_with((variant(), 1)), buyer=ANYONE)
    services.set_addresses(checkout=checkout, buyer=ANYONE, shipping_address=NY_ADDRESS)
    services.set_delivery_option(checkout=checkout, buyer=ANYONE, option_id=options["prepaid"].pk)
    with pytest.raises(CheckoutError) as refused:
        services.set_payment_method(checkout=checkout, buyer=ANYONE, code="cod")
    assert "payment_method" in refused.value.fields


def test_choosing_an_option_without_cod_drops_cod(options):
    checkout = ready(services.start_checkout(cart=cart_with((variant(), 1)), buyer=ANYONE),
                     options)  # fmt: skip
    services.set_delivery_option(checkout=checkout, buyer=ANYONE, option_id=options["prepaid"].pk)
    assert Checkout.objects.get().payment_method == ""


def test_completing_places_one_order_and_orders_the_cart(options):
    checkout = ready(services.start_checkout(cart=cart_with((variant("10.00"), 2)), buyer=ANYONE),
                     options)  # fmt: skip
    order = services.complete_checkout(checkout=checkout, buyer=ANYONE)
    again = services.complete_checkout(checkout=Checkout.objects.get(), buyer=ANYONE)

    assert again.pk == order.pk
    assert Order.objects.count() == 1
    assert order.total == Decimal("25.00")
    assert order.shipping_address["city"] == NY_ADDRESS["city"]
    assert Cart.objects.get().status == Cart.Status.ORDERED
    with pytest.raises(CheckoutCompleted):
        services.set_note(checkout=Checkout.objects.get(), note="too late")


def test_a_b2b_buyer_orders_at_the_b2b_price(options):
    member = make_person("company_buyer")
    buyer = buyer_for(user=member)
    cart = cart_services.open_cart_for_user(user=member)
    cart_services.add_line(cart=cart, variant_id=variant("10.00", b2b_price="8.00").pk,
                           quantity=3, buyer=buyer)  # fmt: skip
    checkout = services.start_checkout(cart=cart, buyer=buyer)
    assert checkout.email == member.email
    services.update_checkout(
        checkout=checkout, buyer=buyer,
        data={"shipping_address": NY_ADDRESS, "delivery_option": options["cod"].pk,
              "payment_method": "cod"},
    )  # fmt: skip

    order = services.complete_checkout(checkout=checkout, buyer=buyer)

    assert order.subtotal == Decimal("24.00")
    assert order.channel == "b2b"
    assert order.company_id == member.company_membership.company_id


def test_stock_sold_since_review_is_out_of_stock_with_what_is_left(options):
    scarce, gone, plenty = variant(stock=5), variant(stock=1), variant(stock=9)
    checkout = ready(
        services.start_checkout(cart=cart_with((scarce, 3), (gone, 1), (plenty, 1)), buyer=ANYONE),
        options,
    )
    # Other shoppers' orders took the stock after this shopper reviewed the checkout.
    type(scarce).objects.filter(pk=scarce.pk).update(stock_reserved=3)
    type(gone).objects.filter(pk=gone.pk).update(stock_reserved=1)

    with pytest.raises(OutOfStock) as refused:
        services.complete_checkout(checkout=checkout, buyer=ANYONE, expected_total="55.00")

    assert refused.value.code == "out_of_stock"
    assert refused.value.fields == {
        f"lines.{scarce.pk}": [f"Only 2 of {scarce.product.name} left."],
        f"lines.{gone.pk}": [f"{gone.product.name} is out of stock."],
    }
    assert [(s["variant_id"], s["available"]) for s in refused.value.shortages] == [
        (scarce.pk, 2), (gone.pk, 0)
    ]  # fmt: skip
    assert Order.objects.count() == 0
    assert Cart.objects.get().status == Cart.Status.OPEN


def _placement_queries(options, lines: int) -> int:
    made = [(variant(stock=50), 1 + n % 3) for n in range(lines)]
    checkout = ready(services.start_checkout(cart=cart_with(*made), buyer=ANYONE), options)
    with CaptureQueriesContext(connection) as captured:
        order = services.complete_checkout(checkout=checkout, buyer=ANYONE)
    assert order.lines.count() == lines
    return len(captured)


def test_placing_an_order_costs_the_same_queries_whatever_its_lines(options):
    one, five, twelve = (_placement_queries(options, n) for n in (1, 5, 12))
    # 21 statements place it (the checkout locked, the totals, the variants locked in id order,
    # the lines inserted in one statement, one UPDATE of the reserved stock), 11 start its COD
    # payment after commit (payments), 2 are the test's savepoints: it was 82 (and N+1-free).
    assert one == five == twelve <= 34, (one, five, twelve)
