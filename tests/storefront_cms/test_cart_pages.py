"""The storefront's cart as a shopper uses it, without JavaScript (forms, redirects, errors
beside the field) and with htmx (fragments, the mini-cart swapped out of band): adding from a
product page and from product cards, the cart page (quantities, removal, notices), the header's
mini-cart, the page cache never showing anyone's cart, the merge notice after signing in, and
another store never seeing a cart."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from cart.identify import COOKIE_NAME
from cart.models import Cart
from catalog import services as catalog
from catalog.models import ProductVariant
from search import services as search
from storefront_cms.caching import HEADER
from tests.catalog.factories import product

PASSWORD = "Correct-horse-42"


@pytest.fixture
def shop(store_a, store_client):
    """An anonymous shopper's client of store A (the test goes on in store A's schema), whose
    forms come from the store's own pages (the Origin header a browser sends)."""
    connection.set_tenant(store_a)
    client = store_client(store_a)
    client.defaults["HTTP_ORIGIN"] = f"http://{store_a.primary_host}"
    return client


@pytest.fixture
def goods(store_a):
    """A shirt in two sizes (one sold out), socks sold in pairs up to 10, a single mug."""
    connection.set_tenant(store_a)
    made = {
        "shirt": product(
            "Linen Shirt",
            variants=[
                {
                    "sku": "SHIRT-M",
                    "price": Decimal("40.00"),
                    "stock_on_hand": 5,
                    "options": {"size": "M"},
                },
                {
                    "sku": "SHIRT-L",
                    "price": Decimal("42.00"),
                    "stock_on_hand": 0,
                    "options": {"size": "L"},
                },
            ],
        ),
        "socks": product(
            "Wool Socks", variants=[{"sku": "SOCKS", "price": Decimal("6.00"), "stock_on_hand": 40}]
        ),
        "mug": product(
            "Stone Mug", variants=[{"sku": "MUG", "price": Decimal("15.00"), "stock_on_hand": 3}]
        ),
    }
    ProductVariant.objects.filter(sku="SOCKS").update(
        quantity_min=2, quantity_step=2, quantity_max=10
    )
    return made


def html(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text(response) -> str:
    return " ".join(html(response).get_text(" ").split())


def add(client, sku, quantity=None, **extra):
    data = {"sku": sku}
    if quantity is not None:
        data["quantity"] = quantity
    return client.post("/cart/add/", data, **extra)


def mini_count(response) -> str:
    count = html(response).select_one("#mini-cart .mini-cart__count")
    return count["data-cart-count"] if count else "0"


def line_quantities(response) -> dict[str, str]:
    page = html(response)
    return {
        item.select_one(".cart-line__name").get_text(strip=True): item.select_one(
            "input[name=quantity]"
        )["value"]
        for item in page.select(".cart-line")
    }


# --- Adding, without JavaScript --------------------------------------------------------------


def test_adding_from_the_product_page_goes_to_the_cart_with_a_message(shop, goods):
    response = add(shop, "SHIRT-M", "2")
    assert response.status_code == 303
    assert response["Location"] == "/cart/"
    assert COOKIE_NAME in response.cookies
    assert response.cookies[COOKIE_NAME]["httponly"]

    page = shop.get("/cart/")
    assert page.status_code == 200
    assert "Added 2 of Linen Shirt (M) to your cart." in text(page)
    assert line_quantities(page) == {"Linen Shirt": "2"}
    assert "$80.00" in text(page)
    assert mini_count(page) == "2"
    # The message is shown once.
    assert "Added 2 of" not in text(shop.get("/cart/"))


def test_adding_again_adds_to_the_line_and_may_go_back_where_it_came_from(shop, goods):
    add(shop, "MUG", "1")
    response = shop.post("/cart/add/", {"sku": "MUG", "quantity": "1", "next": "/p/stone-mug/"})
    assert response.status_code == 303
    assert response["Location"] == "/p/stone-mug/"
    assert line_quantities(shop.get("/cart/")) == {"Stone Mug": "2"}
    # Never to another site.
    away = shop.post("/cart/add/", {"sku": "MUG", "next": "https://evil.example/"})
    assert away["Location"] == "/cart/"


def test_a_card_adds_the_variants_minimum(shop, goods):
    assert add(shop, "SOCKS").status_code == 303
    assert line_quantities(shop.get("/cart/")) == {"Wool Socks": "2"}


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("abc", "Enter a whole number."),
        ("0", "Ensure this value is greater than or equal to 1."),
        ("-3", "Ensure this value is greater than or equal to 1."),
        ("99999999999999999999", "Ensure this value is less than or equal to 2147483647."),
        ("3", "Sold in steps of 2"),
        ("12", "At most 10"),
    ],
)
def test_a_refused_quantity_is_shown_beside_the_field_with_what_was_typed(
    shop, goods, typed, reason
):
    response = add(shop, "SOCKS", typed)
    assert response.status_code == 400
    page = html(response)
    field = page.select_one("#add-quantity")
    assert field["value"] == typed
    assert field["aria-invalid"] == "true"
    assert reason in page.select_one("#add-quantity-error").get_text()
    assert "add-quantity-error" in field["aria-describedby"]
    assert not Cart.objects.filter(lines__isnull=False).exists()


def test_more_than_the_stock_is_refused(shop, goods):
    response = add(shop, "MUG", "4")
    assert response.status_code == 400
    assert "Only 3 left." in html(response).select_one("#add-quantity-error").get_text()


@pytest.mark.parametrize("sku", ["NOPE", "", "x" * 65])
def test_an_unknown_product_is_refused(shop, goods, sku):
    response = add(shop, sku, "1")
    assert response.status_code == 400
    assert "Not added to your cart" in text(response)


def test_a_product_of_another_channel_or_a_draft_is_refused(shop, goods, store_a):
    product("Trade Pack", visible_b2c=False, variants=[{"sku": "TRADE", "price": Decimal("5")}])
    product("Draft Thing", status="draft", variants=[{"sku": "DRAFT", "price": Decimal("5")}])
    assert add(shop, "TRADE", "1").status_code == 400
    assert add(shop, "DRAFT", "1").status_code == 400


def test_a_form_from_another_site_is_refused(shop, goods, store_a):
    assert add(shop, "MUG", "1", HTTP_ORIGIN="https://evil.example").status_code == 403
    assert add(shop, "MUG", "1", HTTP_ORIGIN="null").status_code == 403
    del shop.defaults["HTTP_ORIGIN"]
    assert add(shop, "MUG", "1").status_code == 403
    assert (
        add(
            shop, "MUG", "1", HTTP_REFERER=f"http://{store_a.primary_host}/p/stone-mug/"
        ).status_code
        == 303
    )
    assert line_quantities(shop.get("/cart/")) == {"Stone Mug": "1"}


def test_adding_is_a_post(shop, goods):
    assert shop.get("/cart/add/").status_code == 405


# --- Adding, with htmx -----------------------------------------------------------------------


def test_with_htmx_the_form_says_it_was_added_and_the_mini_cart_follows(shop, goods):
    response = add(shop, "SHIRT-M", "2", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = html(response)
    assert (
        "Added 2 of Linen Shirt (M) to your cart."
        in page.select_one(".feedback--success").get_text()
    )
    mini = page.select_one("#mini-cart")
    assert mini["hx-swap-oob"] == "true"
    assert mini.select_one(".mini-cart__count")["data-cart-count"] == "2"
    assert COOKIE_NAME in response.cookies
    assert "HX-Request" in response["Vary"]
    # No message is left for the next page.
    assert "Added 2 of" not in text(shop.get("/cart/"))


def test_with_htmx_a_refused_quantity_says_why(shop, goods):
    response = add(shop, "MUG", "9", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert html(response).select_one(".feedback--error").get_text(strip=True) == "Only 3 left."
    assert html(response).select_one("#mini-cart") is None


# --- Product pages and cards -----------------------------------------------------------------


def test_the_product_page_form_follows_the_variants_rules(shop, goods):
    page = html(shop.get("/p/wool-socks/"))
    form = page.select_one("form[data-add-to-cart]")
    assert form["action"] == "/cart/add/" and form["method"] == "post"
    assert form.select_one("input[name=sku]")["value"] == "SOCKS"
    quantity = form.select_one("input[name=quantity]")
    assert (quantity["min"], quantity["step"], quantity["max"], quantity["value"]) == (
        "2",
        "2",
        "10",
        "2",
    )
    assert page.select_one("label[for=add-quantity]").get_text() == "Quantity"
    assert "Sold in steps of 2: 2, 4, 6…" in form.get_text()
    assert form.select_one("button").get_text() == "Add to cart"
    # Cached for everyone: no CSRF token in it.
    assert form.select_one("input[name=csrfmiddlewaretoken]") is None


def test_a_sold_out_variant_cannot_be_added(shop, goods):
    form = html(shop.get("/p/linen-shirt/?variant=SHIRT-L")).select_one("form[data-add-to-cart]")
    button = form.select_one("button")
    assert button.has_attr("disabled") and button.get_text() == "Out of stock"
    assert form.select_one("input[name=quantity]").has_attr("disabled")
    available = html(shop.get("/p/linen-shirt/")).select_one("form[data-add-to-cart]")
    assert available.select_one("input[name=sku]")["value"] == "SHIRT-M"
    assert not available.select_one("button").has_attr("disabled")


def test_cards_add_single_variants_and_lead_to_the_others(shop, goods, store_a):
    category = catalog.create_category(name="Everything")
    for made in goods.values():
        catalog.update_product(product=made, data={}, categories=[category])
    sold_out = product("Old Bowl", stock=0, categories=[category])
    search.reindex_store()
    page = html(shop.get("/c/everything/"))
    cards = {
        card.select_one(".product-card__name").get_text(strip=True): card
        for card in page.select(".product-card")
    }
    mug = cards["Stone Mug"].select_one("form.card-add")
    assert mug["action"] == "/cart/add/" and mug.select_one("input[name=sku]")["value"] == "MUG"
    assert mug.select_one("button").get_text(" ", strip=True) == "Add to cart : Stone Mug"
    shirt = cards["Linen Shirt"]
    assert shirt.select_one("form") is None
    assert shirt.select_one("a.card-add__choose")["href"] == "/p/linen-shirt/"
    assert cards[sold_out.name].select_one("form") is None


# --- The cart page ---------------------------------------------------------------------------


def test_an_empty_cart_says_so_and_leads_to_the_shop(shop, goods):
    response = shop.get("/cart/")
    assert response.status_code == 200
    assert "Your cart is empty." in text(response)
    assert html(response).select_one(".cart-empty a")["href"] == "/"
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_the_cart_shows_lines_prices_and_the_subtotal(shop, goods):
    add(shop, "SHIRT-M", "2")
    add(shop, "SOCKS", "4")
    response = shop.get("/cart/")
    page = html(response)
    lines = page.select(".cart-line")
    assert [line.select_one(".cart-line__name").get_text(strip=True) for line in lines] == [
        "Linen Shirt",
        "Wool Socks",
    ]
    shirt = lines[0]
    assert shirt.select_one(".cart-line__variant").get_text() == "M"
    assert "$40.00" in shirt.select_one(".cart-line__price").get_text()
    assert "$80.00" in shirt.select_one(".cart-line__total").get_text()
    socks = lines[1].select_one("input[name=quantity]")
    assert (socks["min"], socks["step"], socks["max"]) == ("2", "2", "10")
    assert page.select_one(".cart-summary__subtotal strong").get_text() == "$104.00"
    assert "(6 items)" in page.select_one(".cart-summary__subtotal").get_text()
    # No delivery set up yet: the page says checkout opens soon rather than lead the shopper
    # to "we do not deliver to this address".
    assert "Checkout opens soon." in text(response)
    assert page.select_one(".cart-summary__checkout") is None


def test_once_the_store_delivers_the_cart_leads_to_the_checkout(shop, goods):
    from tests.checkout.factories import option, zone

    option(zone(), price=Decimal("5.00"))
    add(shop, "SOCKS", "2")
    response = shop.get("/cart/")
    assert html(response).select_one(".cart-summary__checkout")["href"] == "/checkout/"
    assert "Checkout opens soon." not in text(response)
    # A visitor is offered to sign in to keep the cart on every device.
    sign_in = html(response).select_one(".cart-summary__account a")
    assert sign_in["href"] == "/accounts/login/?next=/cart/"


def test_a_compare_at_price_is_struck_through(shop, goods):
    catalog.update_variant(
        variant=ProductVariant.objects.get(sku="MUG"), data={"compare_at_price": "20.00"}
    )
    add(shop, "MUG", "1")
    price = html(shop.get("/cart/")).select_one(".cart-line__price")
    assert price.select_one("s").get_text(" ", strip=True) == "was $20.00"


def test_changing_a_quantity_without_javascript(shop, goods):
    add(shop, "SHIRT-M", "1")
    variant = ProductVariant.objects.get(sku="SHIRT-M")
    response = shop.post(f"/cart/lines/{variant.pk}/", {"quantity": "3"})
    assert response.status_code == 303 and response["Location"] == "/cart/"
    page = shop.get("/cart/")
    assert line_quantities(page) == {"Linen Shirt": "3"}
    assert "Linen Shirt: quantity updated to 3." in text(page)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("9", "Only 5 left."), ("two", "Enter a whole number."), ("0", "greater than or equal to 1")],
)
def test_a_refused_change_shows_beside_its_line(shop, goods, typed, reason):
    add(shop, "SHIRT-M", "1")
    add(shop, "MUG", "1")
    variant = ProductVariant.objects.get(sku="SHIRT-M")
    response = shop.post(f"/cart/lines/{variant.pk}/", {"quantity": typed})
    assert response.status_code == 400
    page = html(response)
    field = page.select_one(f"#quantity-{variant.pk}")
    assert field["value"] == typed and field["aria-invalid"] == "true"
    assert reason in page.select_one(f"#quantity-{variant.pk}-error").get_text()
    mug = ProductVariant.objects.get(sku="MUG")
    assert page.select_one(f"#quantity-{mug.pk}")["value"] == "1"
    assert page.select_one(f"#quantity-{mug.pk}-error") is None
    assert line_quantities(shop.get("/cart/")) == {"Linen Shirt": "1", "Stone Mug": "1"}


def test_removing_a_line_without_javascript(shop, goods):
    add(shop, "SHIRT-M", "1")
    add(shop, "MUG", "1")
    mug = ProductVariant.objects.get(sku="MUG")
    response = shop.post(f"/cart/lines/{mug.pk}/remove/")
    assert response.status_code == 303
    page = shop.get("/cart/")
    assert line_quantities(page) == {"Linen Shirt": "1"}
    assert "Removed from your cart." in text(page)


def test_changing_a_line_that_is_not_there_is_a_404(shop, goods):
    add(shop, "SHIRT-M", "1")
    mug = ProductVariant.objects.get(sku="MUG")
    assert shop.post(f"/cart/lines/{mug.pk}/", {"quantity": "1"}).status_code == 404
    assert shop.post("/cart/lines/99999999999999999999/", {"quantity": "1"}).status_code == 404


def test_the_cart_page_forms_need_their_csrf_token(goods, store_a, store_client):
    from django.test import Client

    client = Client(HTTP_HOST=store_a.primary_host, enforce_csrf_checks=True)
    client.defaults["HTTP_ORIGIN"] = f"http://{store_a.primary_host}"
    assert add(client, "MUG", "1").status_code == 303  # origin-checked, no token needed
    mug = ProductVariant.objects.get(sku="MUG")
    assert client.post(f"/cart/lines/{mug.pk}/remove/").status_code == 403
    page = html(client.get("/cart/"))
    token = page.select_one("form.cart-line__remove input[name=csrfmiddlewaretoken]")["value"]
    assert (
        client.post(f"/cart/lines/{mug.pk}/remove/", {"csrfmiddlewaretoken": token}).status_code
        == 303
    )


def test_with_htmx_a_change_swaps_the_cart_and_the_mini_cart(shop, goods):
    add(shop, "SHIRT-M", "1")
    variant = ProductVariant.objects.get(sku="SHIRT-M")
    response = shop.post(f"/cart/lines/{variant.pk}/", {"quantity": "2"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = html(response)
    assert page.select_one("#cart-contents") is not None
    assert page.select_one("#cart-status")["hx-swap-oob"] == "innerHTML"
    assert page.select_one("#cart-status").get_text() == "Linen Shirt: quantity updated to 2."
    assert page.select_one("#mini-cart .mini-cart__count")["data-cart-count"] == "2"
    assert page.select_one("html") is None  # a fragment, not a page

    refused = shop.post(f"/cart/lines/{variant.pk}/", {"quantity": "50"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400
    assert "Only 5 left." in html(refused).select_one(f"#quantity-{variant.pk}-error").get_text()

    removed = shop.post(f"/cart/lines/{variant.pk}/remove/", HTTP_HX_REQUEST="true")
    assert "Your cart is empty." in text(removed)
    assert html(removed).select_one("#mini-cart .mini-cart__count") is None


def test_the_change_notices(shop, goods, store_a):
    add(shop, "SHIRT-M", "4")
    add(shop, "SOCKS", "2")
    catalog.update_variant(
        variant=ProductVariant.objects.get(sku="SHIRT-M"),
        data={"price": "35.00", "stock_on_hand": 2},
    )
    catalog.update_product(product=goods["socks"], data={"status": "draft"})
    page = html(shop.get("/cart/"))
    shirt, socks = page.select(".cart-line")
    notices = [item.get_text() for item in shirt.select(".cart-line__notices li")]
    assert "Only 2 left" in notices
    assert "Price changed: was $40.00, now $35.00" in notices
    # The shopper can still lower the quantity of a line with too few left.
    assert shirt.select_one("input[name=quantity]") is not None
    assert [item.get_text() for item in socks.select(".cart-line__notices li")] == [
        "No longer available"
    ]
    assert socks.select_one("input[name=quantity]") is None
    assert socks.select_one("form.cart-line__remove") is not None


def test_the_cart_page_costs_the_same_queries_for_1_or_10_lines(shop, goods):
    add(shop, "MUG", "1")
    shop.get("/cart/")
    with CaptureQueriesContext(connection) as one:
        assert shop.get("/cart/").status_code == 200
    for number in range(9):
        product(
            f"Extra {number}",
            variants=[{"sku": f"EXTRA-{number}", "price": Decimal("3"), "stock_on_hand": 9}],
        )
        add(shop, f"EXTRA-{number}", "1")
    shop.get("/cart/")
    with CaptureQueriesContext(connection) as ten:
        response = shop.get("/cart/")
    assert len(html(response).select(".cart-line")) == 10
    assert len(ten) == len(one)


# --- The header's mini-cart and the page cache -----------------------------------------------


def test_the_page_cache_never_shows_a_cart_to_anyone_else(
    shop, goods, store_a, store_client, settings
):
    settings.STOREFRONT_PAGE_CACHE_SECONDS = 600
    stranger = store_client(store_a)
    assert stranger.get("/p/stone-mug/")[HEADER] == "miss"  # cached: no cart in it
    add(shop, "MUG", "2")
    mine = shop.get("/p/stone-mug/")
    assert mine[HEADER] == "bypass"  # a cart cookie is a page of one's own
    assert mini_count(mine) == "2"
    assert "private" in mine["Cache-Control"]
    again = shop.get("/p/stone-mug/")
    assert again[HEADER] == "bypass"
    # The stranger gets the page kept before, with an empty mini-cart, and never the shopper's.
    theirs = stranger.get("/p/stone-mug/")
    assert theirs[HEADER] == "hit"
    assert mini_count(theirs) == "0"
    fresh = store_client(store_a).get("/c/nothing/")  # a miss rendered after the shopper's views
    assert b"mini-cart__count" not in fresh.content


def test_a_page_rendered_for_the_cache_ignores_an_api_cart_token(
    shop, goods, store_a, store_client, settings
):
    settings.STOREFRONT_PAGE_CACHE_SECONDS = 600
    add(shop, "MUG", "2")
    cart = Cart.objects.get()
    api_client = store_client(store_a)
    response = api_client.get("/p/stone-mug/", HTTP_X_CART_TOKEN=str(cart.token))
    assert response[HEADER] == "miss"
    assert mini_count(response) == "0"


def test_the_mini_cart_fragment(shop, goods):
    assert mini_count(shop.get("/cart/mini/")) == "0"
    add(shop, "MUG", "3")
    response = shop.get("/cart/mini/")
    assert mini_count(response) == "3"
    assert html(response).select_one("#mini-cart").get_text(" ", strip=True) == "Cart 3 items"
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


# --- Signing in: the merge notice, and another store ------------------------------------------


def test_signing_in_merges_the_cart_and_says_what_changed_once(shop, goods, store_a):
    customer = User.objects.create_user("ann@example.com", "ann@example.com", PASSWORD)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=customer, email=customer.email, verified=True, primary=True)
    # The account already holds 2 mugs (of 3 in stock); the visitor adds 2 more and a shirt.
    from cart import identify, services
    from pricing import buyer_for

    account_cart = services.open_cart_for_user(user=customer)
    services.add_line(
        cart=account_cart,
        variant_id=ProductVariant.objects.get(sku="MUG").pk,
        quantity=2,
        buyer=buyer_for(user=customer),
    )
    add(shop, "MUG", "2")
    add(shop, "SHIRT-M", "1")
    shop.get("/cart/")  # the "added" messages are read

    signed = shop.post(
        "/accounts/login/",
        {"login": customer.email, "password": PASSWORD, "next": "/cart/"},
        follow=True,
    )
    assert signed.status_code == 200
    page_text = text(signed)
    notices = [p.get_text() for p in html(signed).select(".message--warning")]
    assert notices, page_text
    assert any("Stone Mug" in notice or "MUG" in notice for notice in notices)
    assert line_quantities(signed) == {"Stone Mug": "3", "Linen Shirt": "1"}
    assert mini_count(signed) == "4"
    assert identify.COOKIE_NAME not in shop.cookies or not shop.cookies[identify.COOKIE_NAME].value
    # Shown once: the next page has no message (the cart keeps its notice until it changes).
    assert not html(shop.get("/")).select(".message--warning")


def test_a_cart_of_store_a_means_nothing_at_store_b(shop, goods, store_b, store_client):
    add(shop, "MUG", "2")
    cookie = shop.cookies[COOKIE_NAME].value
    other = store_client(store_b)
    other.cookies[COOKIE_NAME] = cookie
    connection.set_tenant(store_b)
    response = other.get("/cart/")
    assert response.status_code == 200
    assert "Your cart is empty." in text(response)
    assert mini_count(other.get("/cart/mini/")) == "0"
