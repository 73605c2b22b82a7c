"""Data for the abandoned-cart tests: shoppers, variants and carts made through the catalog's
and the cart's own services; time passes by moving a cart's last change into the past."""

from datetime import timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from accounts.models import User
from cart import services as cart_services
from cart.models import Cart
from catalog import services as catalog_services
from catalog.models import ProductVariant
from pricing import buyer_for
from tests.matrix import create_user

_numbers = count(1)


def variant(*, name: str | None = None, price: str = "12.50", stock: int = 100) -> ProductVariant:
    number = next(_numbers)
    product = catalog_services.create_product(
        data={"name": name or f"Lamp {number}", "status": "active"},
        variants=[{"sku": f"LAMP-{number}", "price": Decimal(price), "stock_on_hand": stock}],
    )
    return product.variants.get()


def shopper(email: str = "ada@example.com", *, opted_in: bool = True, **fields) -> User:
    return create_user(email, accepts_cart_reminders=opted_in, **fields)


def cart_of(user: User | None, *lines: tuple[ProductVariant, int]) -> Cart:
    """An open cart of ``user`` (anonymous when None) holding ``lines``."""
    if user is None:
        cart = cart_services.create_anonymous_cart()
    else:
        cart = cart_services.open_cart_for_user(user=user)
    buyer = buyer_for(user=user)
    for line_variant, quantity in lines:
        cart_services.add_line(
            cart=cart, variant_id=line_variant.pk, quantity=quantity, buyer=buyer
        )
    cart.refresh_from_db()
    return cart


def age(cart: Cart, *, hours: float = 0, days: float = 0) -> Cart:
    """Make ``cart`` last changed that long ago (as if the shopper left it then)."""
    Cart.objects.filter(pk=cart.pk).update(
        updated_at=timezone.now() - timedelta(hours=hours, days=days)
    )
    cart.refresh_from_db()
    return cart
