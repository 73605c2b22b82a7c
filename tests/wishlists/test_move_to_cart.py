"""Moving a saved item to the cart: through cart.services.add_line, both or neither."""

import pytest
from django.db import connection

from cart.errors import CartError
from cart.models import Cart, CartLine
from cart.selectors import cart_view
from cart.services import open_cart_for_user
from catalog import services as catalog
from catalog.models import ProductVariant
from tests.wishlists.catalog_data import buyer
from wishlists import services
from wishlists.errors import WishlistError

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved_tee(shopper, tee):
    wishlist = services.default_wishlist(user=shopper)
    services.add_item(wishlist=wishlist, variant_id=tee.pk, buyer=buyer(shopper))
    return wishlist


def test_moving_puts_the_minimum_quantity_in_the_cart_and_takes_it_off_the_list(
    shopper, tee, saved_tee
):
    # The catalog's services take quantity rules once the money helper's work is merged.
    ProductVariant.objects.filter(pk=tee.pk).update(quantity_min=2)
    cart = open_cart_for_user(user=shopper)
    line = services.move_to_cart(
        wishlist=saved_tee, variant_id=tee.pk, cart=cart, buyer=buyer(shopper)
    )
    assert (line.variant_id, line.quantity) == (tee.pk, 2)
    assert not saved_tee.items.exists()


def test_a_refusal_of_the_cart_leaves_the_list_as_it_was(shopper, tee, saved_tee):
    catalog.update_variant(variant=tee, data={"stock_on_hand": 0})
    cart = open_cart_for_user(user=shopper)
    with pytest.raises(CartError) as refusal:
        services.move_to_cart(
            wishlist=saved_tee, variant_id=tee.pk, cart=cart, buyer=buyer(shopper)
        )
    assert set(refusal.value.fields) == {"quantity"}
    assert saved_tee.items.filter(variant=tee).exists()
    assert not CartLine.objects.filter(cart=cart).exists()


def test_moving_what_the_list_does_not_hold_is_refused(shopper, tee):
    wishlist = services.default_wishlist(user=shopper)
    cart = open_cart_for_user(user=shopper)
    with pytest.raises(WishlistError) as refusal:
        services.move_to_cart(wishlist=wishlist, variant_id=tee.pk, cart=cart, buyer=buyer(shopper))
    assert set(refusal.value.fields) == {"variant"}


def test_the_api_moves_an_item_to_the_account_s_cart(
    store_a, shopper, tee, saved_tee, token_client
):
    client = token_client(store_a, shopper)
    response = client.post(
        f"/api/v1/wishlists/{saved_tee.pk}/items/{tee.pk}/move-to-cart/",
        {"quantity": 3},
        format="json",
    )
    connection.set_tenant(store_a)
    assert response.status_code == 200, response.content
    cart = Cart.objects.get(user=shopper, status=Cart.Status.OPEN)
    assert response.json() == {"cart_token": str(cart.token), "variant": tee.pk, "quantity": 3}
    assert not saved_tee.items.exists()
    view = cart_view(cart, buyer(shopper))
    assert [(line.sku, line.quantity) for line in view.lines] == [(tee.sku, 3)]


@pytest.mark.parametrize("quantity", [0, -1, 2**31, "x"])
def test_the_api_refuses_a_bad_quantity_and_keeps_the_item(
    store_a, shopper, tee, saved_tee, token_client, quantity
):
    client = token_client(store_a, shopper)
    response = client.post(
        f"/api/v1/wishlists/{saved_tee.pk}/items/{tee.pk}/move-to-cart/",
        {"quantity": quantity},
        format="json",
    )
    connection.set_tenant(store_a)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"quantity"}
    assert saved_tee.items.filter(variant=tee).exists()


def test_the_api_answers_the_cart_s_refusal_and_keeps_the_item(
    store_a, shopper, tee, saved_tee, token_client
):
    client = token_client(store_a, shopper)
    response = client.post(
        f"/api/v1/wishlists/{saved_tee.pk}/items/{tee.pk}/move-to-cart/",
        {"quantity": 6},
        format="json",
    )
    connection.set_tenant(store_a)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"quantity"}
    assert saved_tee.items.filter(variant=tee).exists()
