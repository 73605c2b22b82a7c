"""Cart services: every rule refuses with the reason on its field and leaves the cart as it was."""

from decimal import Decimal

import pytest

from accounts.models import Company, CompanyMembership
from cart import rules, services
from cart.errors import CartError, CartLineNotFound
from cart.models import Cart, CartLine
from catalog.models import ProductVariant
from pricing import Buyer, Channel
from tests.cart.factories import make_variant
from tests.matrix import create_user

B2C = Buyer.anonymous()
B2B = Buyer(channel=Channel.B2B)

pytestmark = pytest.mark.django_db


def refused(call, **kwargs) -> dict:
    with pytest.raises(CartError) as caught:
        call(**kwargs)
    return caught.value.fields


def lines_of(cart) -> dict[int, int]:
    return dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity"))


def test_adding_twice_makes_one_line_with_the_quantities_summed(in_store_a):
    cart = services.create_anonymous_cart()
    variant = make_variant()
    services.add_line(cart=cart, variant_id=variant.pk, quantity=2, buyer=B2C)
    line = services.add_line(cart=cart, variant_id=variant.pk, quantity=3, buyer=B2C)
    assert line.quantity == 5
    assert lines_of(cart) == {variant.pk: 5}
    cart.refresh_from_db()
    assert cart.version == 3  # created at 1, two changes


def test_unknown_variant_is_refused_on_variant(in_store_a):
    cart = services.create_anonymous_cart()
    for variant_id in (987654321, "abc", None, -1, 2**70):
        fields = refused(services.add_line, cart=cart, variant_id=variant_id, quantity=1, buyer=B2C)
        assert fields == {"variant": ["Unknown variant."]}
    assert lines_of(cart) == {}


@pytest.mark.parametrize("quantity", [0, -1, "x", 1.5, True, None, "", 2**31])
def test_a_quantity_that_is_not_a_whole_number_from_1_is_refused(in_store_a, quantity):
    cart = services.create_anonymous_cart()
    variant = make_variant()
    fields = refused(
        services.add_line, cart=cart, variant_id=variant.pk, quantity=quantity, buyer=B2C
    )
    assert list(fields) == ["quantity"]
    assert lines_of(cart) == {}


def test_minimum_step_and_maximum_of_the_variant(in_store_a):
    cart = services.create_anonymous_cart()
    variant = make_variant(quantity_min=6, quantity_step=6, quantity_max=24)
    add = services.add_line
    assert refused(add, cart=cart, variant_id=variant.pk, quantity=5, buyer=B2C) == {
        "quantity": ["At least 6 must be bought."]
    }
    assert refused(add, cart=cart, variant_id=variant.pk, quantity=7, buyer=B2C) == {
        "quantity": ["Sold in steps of 6 from 6 (6, 12, 18…)."]
    }
    add(cart=cart, variant_id=variant.pk, quantity=6, buyer=B2C)
    add(cart=cart, variant_id=variant.pk, quantity=18, buyer=B2C)
    assert refused(add, cart=cart, variant_id=variant.pk, quantity=6, buyer=B2C) == {
        "quantity": ["At most 24 per order."]
    }
    assert lines_of(cart) == {variant.pk: 24}


def test_step_is_counted_from_the_minimum(in_store_a):
    cart = services.create_anonymous_cart()
    variant = make_variant(quantity_min=3, quantity_step=5)
    services.add_line(cart=cart, variant_id=variant.pk, quantity=8, buyer=B2C)
    fields = refused(
        services.set_quantity, cart=cart, variant_id=variant.pk, quantity=10, buyer=B2C
    )
    assert fields == {"quantity": ["Sold in steps of 5 from 3 (3, 8, 13…)."]}
    assert lines_of(cart) == {variant.pk: 8}


def test_stock_is_a_limit_only_when_backorders_are_denied(in_store_a):
    cart = services.create_anonymous_cart()
    denied = make_variant(stock=5)
    ProductVariant.objects.filter(pk=denied.pk).update(stock_reserved=3)
    backorder = make_variant(stock=0, policy="backorder")
    assert refused(services.add_line, cart=cart, variant_id=denied.pk, quantity=3, buyer=B2C) == {
        "quantity": ["Only 2 left."]
    }
    services.add_line(cart=cart, variant_id=denied.pk, quantity=2, buyer=B2C)
    services.add_line(cart=cart, variant_id=backorder.pk, quantity=40, buyer=B2C)
    sold_out = make_variant(stock=0)
    assert refused(services.add_line, cart=cart, variant_id=sold_out.pk, quantity=1, buyer=B2C) == {
        "quantity": ["Out of stock."]
    }
    assert lines_of(cart) == {denied.pk: 2, backorder.pk: 40}


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_a_product_not_on_sale_is_refused(in_store_a, status):
    cart = services.create_anonymous_cart()
    variant = make_variant(status=status)
    fields = refused(services.add_line, cart=cart, variant_id=variant.pk, quantity=1, buyer=B2C)
    assert fields == {"variant": ["This product is not available."]}


def test_a_product_of_another_channel_is_refused(in_store_a):
    cart = services.create_anonymous_cart()
    b2b_only = make_variant(visible_b2c=False)
    b2c_only = make_variant(visible_b2b=False)
    assert refused(services.add_line, cart=cart, variant_id=b2b_only.pk, quantity=1, buyer=B2C) == {
        "variant": ["This product is not available."]
    }
    assert refused(services.add_line, cart=cart, variant_id=b2c_only.pk, quantity=1, buyer=B2B) == {
        "variant": ["This product is not available."]
    }
    services.add_line(cart=cart, variant_id=b2b_only.pk, quantity=1, buyer=B2B)
    assert lines_of(cart) == {b2b_only.pk: 1}


def test_a_cart_holds_at_most_250_lines(in_store_a):
    cart = services.create_anonymous_cart()
    variant = make_variant()
    CartLine.objects.bulk_create(
        CartLine(cart=cart, variant=make_variant(), quantity=1, unit_price_at_add=1)
        for _ in range(rules.MAX_LINES)
    )
    fields = refused(services.add_line, cart=cart, variant_id=variant.pk, quantity=1, buyer=B2C)
    assert fields == {"variant": ["A cart holds at most 250 lines."]}
    # Adding to a line it has is still fine.
    first = CartLine.objects.filter(cart=cart).first()
    services.add_line(cart=cart, variant_id=first.variant_id, quantity=1, buyer=B2C)
    assert CartLine.objects.filter(cart=cart).count() == 250


def test_the_price_seen_at_add_comes_from_price_for(in_store_a):
    cart = services.create_anonymous_cart()
    variant = make_variant(price="12.00", b2b_price="9.50")
    line = services.add_line(cart=cart, variant_id=variant.pk, quantity=1, buyer=B2B)
    assert line.unit_price_at_add == Decimal("9.50")
    assert line.sku_at_add == variant.sku


def test_set_quantity_and_remove_line(in_store_a):
    cart = services.create_anonymous_cart()
    variant, other = make_variant(), make_variant()
    services.add_line(cart=cart, variant_id=variant.pk, quantity=1, buyer=B2C)
    services.set_quantity(cart=cart, variant_id=variant.pk, quantity=7, buyer=B2C)
    assert lines_of(cart) == {variant.pk: 7}
    with pytest.raises(CartLineNotFound):
        services.set_quantity(cart=cart, variant_id=other.pk, quantity=1, buyer=B2C)
    assert refused(
        services.set_quantity, cart=cart, variant_id=variant.pk, quantity=0, buyer=B2C
    ) == {"quantity": ["At least 1 must be bought."]}
    services.remove_line(cart=cart, variant_id=variant.pk)
    services.remove_line(cart=cart, variant_id=variant.pk)  # twice: nothing more to remove
    assert lines_of(cart) == {}


def test_clear_empties_the_cart(in_store_a):
    cart = services.create_anonymous_cart()
    for _ in range(3):
        services.add_line(cart=cart, variant_id=make_variant().pk, quantity=1, buyer=B2C)
    services.clear(cart=cart)
    assert lines_of(cart) == {}


def test_a_merged_cart_cannot_be_changed(in_store_a):
    cart = services.create_anonymous_cart()
    Cart.objects.filter(pk=cart.pk).update(status=Cart.Status.MERGED)
    fields = refused(
        services.add_line, cart=cart, variant_id=make_variant().pk, quantity=1, buyer=B2C
    )
    assert fields == {"cart": ["This cart was merged, ordered or has expired."]}


def test_a_change_un_abandons_the_cart_and_keeps_the_owner_email(in_store_a):
    from django.utils import timezone

    user = create_user("shopper@example.com")
    cart = services.open_cart_for_user(user=user)
    assert cart.email == "shopper@example.com"
    Cart.objects.filter(pk=cart.pk).update(abandoned_at=timezone.now())
    services.add_line(cart=cart, variant_id=make_variant().pk, quantity=1, buyer=Buyer(user=user))
    cart.refresh_from_db()
    assert cart.abandoned_at is None


def test_one_open_cart_per_account(in_store_a):
    user = create_user("shopper@example.com")
    assert services.open_cart_for_user(user=user) == services.open_cart_for_user(user=user)
    assert Cart.objects.filter(user=user).count() == 1


def test_merge_sums_quantities_and_clamps_with_notices(in_store_a):
    user = create_user("shopper@example.com")
    both, capped, few, gone, fresh = (
        make_variant(),
        make_variant(quantity_max=5),
        make_variant(stock=4),
        make_variant(),
        make_variant(),
    )
    source = services.create_anonymous_cart()
    target = services.open_cart_for_user(user=user)
    buyer = Buyer(user=user)
    for variant, quantity in ((both, 2), (capped, 3), (few, 3), (gone, 1), (fresh, 1)):
        services.add_line(cart=source, variant_id=variant.pk, quantity=quantity, buyer=buyer)
    for variant, quantity in ((both, 1), (capped, 4), (few, 2)):
        services.add_line(cart=target, variant_id=variant.pk, quantity=quantity, buyer=buyer)
    gone.product.status = "archived"
    gone.product.save()

    notices = services.merge_carts(source=source, target=target, buyer=buyer)

    assert lines_of(target) == {both.pk: 3, capped.pk: 5, few.pk: 4, fresh.pk: 1}
    assert [(n.sku, n.requested, n.kept) for n in notices] == [
        (capped.sku, 7, 5),
        (few.sku, 5, 4),
        (gone.sku, 1, 0),
    ]
    assert notices[0].message == (
        f"{capped.product.name} ({capped.sku}): at most 5 per order; your cart has 5 instead of 7."
    )
    assert notices[1].message.endswith("only 4 left; your cart has 4 instead of 5.")
    assert notices[2].message == (
        f"{gone.product.name} ({gone.sku}) is no longer available and was not added to your cart."
    )
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.status == Cart.Status.MERGED
    assert target.merge_notices == [notice.message for notice in notices]
    # The next change clears them.
    services.remove_line(cart=target, variant_id=fresh.pk)
    target.refresh_from_db()
    assert target.merge_notices == []


def test_merge_for_a_company_member_reapplies_the_channel(in_store_a):
    user = create_user("buyer@example.com")
    company = Company.objects.create(name="Acme Ltd")
    CompanyMembership.objects.create(company=company, user=user)
    b2c_only = make_variant(visible_b2b=False)
    source = services.create_anonymous_cart()
    services.add_line(cart=source, variant_id=b2c_only.pk, quantity=1, buyer=B2C)
    target = services.open_cart_for_user(user=user)
    notices = services.merge_carts(source=source, target=target, buyer=B2B)
    assert [notice.kept for notice in notices] == [0]
    assert lines_of(target) == {}


def test_merging_a_cart_twice_merges_once(in_store_a):
    user = create_user("shopper@example.com")
    variant = make_variant()
    source = services.create_anonymous_cart()
    services.add_line(cart=source, variant_id=variant.pk, quantity=2, buyer=B2C)
    target = services.open_cart_for_user(user=user)
    services.merge_carts(source=source, target=target, buyer=B2C)
    services.merge_carts(source=source, target=target, buyer=B2C)
    assert lines_of(target) == {variant.pk: 2}


def test_clamp_keeps_the_largest_allowed_quantity(in_store_a):
    variant = make_variant(stock=20, quantity_min=2, quantity_step=4, quantity_max=15)
    assert [rules.clamp(variant, q) for q in (1, 2, 5, 6, 9, 14, 100)] == [2, 2, 2, 6, 6, 14, 14]
    assert rules.clamp(make_variant(stock=1, quantity_min=2), 3) == 0
