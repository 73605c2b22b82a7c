"""The wishlist pages of the storefront: the product page's button, the account's lists, and
the shared-list page."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cart.models import Cart
from tests.matrix import PASSWORD
from tests.wishlists.catalog_data import buyer, many_variants
from wishlists import services
from wishlists.models import Wishlist

pytestmark = pytest.mark.django_db


def html(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text_of(response) -> str:
    return " ".join(html(response).get_text(" ").split())


@pytest.fixture
def anonymous(store_a, store_client):
    client = store_client(store_a)
    connection.set_tenant(store_a)
    return client


@pytest.fixture
def signed_in(store_a, store_client, shopper):
    client = store_client(store_a)
    client.force_login(shopper)
    connection.set_tenant(store_a)
    return client


def test_an_anonymous_shopper_s_button_leads_to_sign_in_and_back(anonymous, store_a, shopper, tee):
    page = anonymous.get(f"/p/{tee.product.slug}/")
    assert page.status_code == 200
    form = html(page).select_one("form.wishlist-add")
    # The page is the same for every anonymous shopper (cached): a GET form, no CSRF token.
    assert form["method"] == "get" and form["action"] == "/account/wishlists/add/"
    assert not form.select("input[name=csrfmiddlewaretoken]")
    query = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}
    assert query["sku"] == tee.sku
    sent = anonymous.get("/account/wishlists/add/", query)
    assert sent.status_code == 302
    login = urlsplit(sent["Location"])
    assert login.path == "/accounts/login/"
    back = parse_qs(login.query)["next"][0]
    signed = anonymous.post(
        f"/accounts/login/?{urlencode({'next': back})}",
        {"login": shopper.email, "password": PASSWORD},
    )
    assert signed.status_code == 302 and signed["Location"] == back
    confirm = anonymous.get(back)
    assert confirm.status_code == 200
    assert "Add to wishlist" in text_of(confirm) and "Organic tee" in text_of(confirm)
    form = html(confirm).select_one("main form[method=post]")
    fields = {field["name"]: field.get("value", "") for field in form.select("input")}
    saved = anonymous.post(form["action"], fields)
    assert (
        saved.status_code == 302
        and saved["Location"] == f"/p/{tee.product.slug}/?variant={tee.sku}"
    )
    connection.set_tenant(store_a)
    wishlist = Wishlist.objects.get(user=shopper, is_default=True)
    assert list(wishlist.items.values_list("variant__sku", flat=True)) == [tee.sku]
    back_on_page = anonymous.get(saved["Location"])
    assert "Organic tee was saved to “My wishlist”." in text_of(back_on_page)


def test_a_signed_in_shopper_s_button_posts_and_comes_back(signed_in, shopper, tee):
    page = signed_in.get(f"/p/{tee.product.slug}/")
    form = html(page).select_one("form.wishlist-add")
    assert form["method"] == "post"
    fields = {field["name"]: field["value"] for field in form.select("input")}
    response = signed_in.post(form["action"], fields)
    assert response.status_code == 302
    assert response["Location"] == f"/p/{tee.product.slug}/?variant={tee.sku}"
    assert services.default_wishlist(user=shopper).items.filter(variant=tee).exists()
    # Saving it again says so and changes nothing.
    again = signed_in.post(form["action"], fields, follow=True)
    assert "Organic tee is already on “My wishlist”." in text_of(again)
    assert services.default_wishlist(user=shopper).items.count() == 1


def test_adding_an_unknown_sku_is_not_found_and_an_outside_next_is_ignored(signed_in, shopper, tee):
    assert signed_in.post("/account/wishlists/add/", {"sku": "NOPE"}).status_code == 404
    response = signed_in.post(
        "/account/wishlists/add/", {"sku": tee.sku, "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/p/{tee.product.slug}/"


def test_the_account_area_links_to_the_lists(signed_in):
    page = signed_in.get("/account/")
    links = [link["href"] for link in html(page).select("nav[aria-label='Account pages'] a")]
    assert "/account/wishlists/" in links


def test_the_lists_page_creates_a_list(signed_in, shopper):
    page = signed_in.get("/account/wishlists/")
    assert page.status_code == 200
    assert "You have no wishlist yet." in text_of(page)
    created = signed_in.post("/account/wishlists/new/", {"name": "Birthday"}, follow=True)
    assert "Your list “Birthday” was created." in text_of(created)
    duplicate = signed_in.post("/account/wishlists/new/", {"name": "birthday"}, follow=True)
    assert "You already have a list of that name." in text_of(duplicate)
    assert Wishlist.objects.filter(user=shopper).count() == 1


def test_a_list_page_shows_prices_availability_and_moves_to_cart(
    signed_in, store_a, shopper, tee, mug
):
    wishlist = services.default_wishlist(user=shopper)
    for variant in (tee, mug):
        services.add_item(wishlist=wishlist, variant_id=variant.pk, buyer=buyer(shopper))
    page = signed_in.get(f"/account/wishlists/{wishlist.pk}/")
    rows = {
        row["data-wishlist-item"]: " ".join(row.get_text(" ").split())
        for row in html(page).select("[data-wishlist-item]")
    }
    assert "$20.00" in rows[tee.sku] and "In stock" in rows[tee.sku]
    assert "$12.00" in rows[mug.sku] and "Out of stock" in rows[mug.sku]
    assert "Move to cart" not in rows[mug.sku]
    moved = signed_in.post(
        f"/account/wishlists/{wishlist.pk}/items/{tee.pk}/move-to-cart/", follow=True
    )
    assert "The item was moved to your cart." in text_of(moved)
    connection.set_tenant(store_a)
    cart = Cart.objects.get(user=shopper, status=Cart.Status.OPEN)
    assert list(cart.lines.values_list("variant_id", "quantity")) == [(tee.pk, 1)]
    assert list(wishlist.items.values_list("variant_id", flat=True)) == [mug.pk]


def test_the_cart_s_refusal_is_shown_and_the_item_stays(signed_in, store_a, shopper, tee):
    from catalog import services as catalog

    wishlist = services.default_wishlist(user=shopper)
    services.add_item(wishlist=wishlist, variant_id=tee.pk, buyer=buyer(shopper))
    catalog.update_variant(variant=tee, data={"stock_on_hand": 0})
    moved = signed_in.post(
        f"/account/wishlists/{wishlist.pk}/items/{tee.pk}/move-to-cart/", follow=True
    )
    connection.set_tenant(store_a)
    messages = [node.get_text(" ", strip=True) for node in html(moved).select(".message--error")]
    assert len(messages) == 1 and "The item was moved" not in text_of(moved)
    assert wishlist.items.filter(variant=tee).exists()


def test_removing_and_the_alert_toggles(signed_in, shopper, tee):
    wishlist = services.default_wishlist(user=shopper)
    services.add_item(wishlist=wishlist, variant_id=tee.pk, buyer=buyer(shopper))
    signed_in.post(f"/account/wishlists/{wishlist.pk}/items/{tee.pk}/remove/")
    assert not wishlist.items.exists()
    saved = signed_in.post(
        f"/account/wishlists/{wishlist.pk}/notifications/",
        {"notify_back_in_stock": "on"},
        follow=True,
    )
    assert "Your email alerts for this list were saved." in text_of(saved)
    wishlist.refresh_from_db()
    assert (wishlist.notify_price_drop, wishlist.notify_back_in_stock) == (False, True)
    box = html(saved).select_one("input[name=notify_back_in_stock]")
    assert box.has_attr("checked")


def test_share_shows_a_read_only_noindex_page_until_revoked(
    signed_in, anonymous, store_a, store_b, store_client, shopper, tee
):
    wishlist = services.create_wishlist(user=shopper, name="Wedding")
    services.add_item(wishlist=wishlist, variant_id=tee.pk, buyer=buyer(shopper))
    shared = signed_in.post(f"/account/wishlists/{wishlist.pk}/share/", follow=True)
    link = html(shared).select_one("#share-link")["value"]
    path = urlsplit(link).path
    assert path.startswith("/wishlists/shared/")
    page = anonymous.get(path)
    assert page.status_code == 200
    assert page["X-Robots-Tag"] == "noindex"
    assert html(page).select_one("meta[name=robots]")["content"] == "noindex"
    assert "Wedding" in text_of(page) and "Organic tee" in text_of(page)
    assert not html(page).select("main form")  # read-only: nothing to press
    assert shopper.email not in page.content.decode()
    assert store_client(store_b).get(path).status_code == 404
    connection.set_tenant(store_a)
    signed_in.post(f"/account/wishlists/{wishlist.pk}/unshare/")
    assert anonymous.get(path).status_code == 404


def test_another_person_s_list_pages_are_not_found(signed_in, other_shopper, tee):
    theirs = services.default_wishlist(user=other_shopper)
    services.add_item(wishlist=theirs, variant_id=tee.pk, buyer=buyer(other_shopper))
    assert signed_in.get(f"/account/wishlists/{theirs.pk}/").status_code == 404
    for action in ("rename", "delete", "share", "unshare", "notifications"):
        assert signed_in.post(f"/account/wishlists/{theirs.pk}/{action}/").status_code == 404
    assert (
        signed_in.post(f"/account/wishlists/{theirs.pk}/items/{tee.pk}/remove/").status_code == 404
    )
    assert theirs.items.count() == 1 and not Wishlist.objects.get(pk=theirs.pk).is_shared


def test_account_pages_ask_an_anonymous_visitor_to_sign_in(anonymous):
    response = anonymous.get("/account/wishlists/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/account/wishlists/")


def test_a_list_page_costs_the_same_queries_for_1_and_10_items(signed_in, shopper):
    variants = many_variants(10)
    counts = []
    for size in (1, 10):
        wishlist = services.create_wishlist(user=shopper, name=f"Size {size}")
        for variant in variants[:size]:
            services.add_item(wishlist=wishlist, variant_id=variant.pk, buyer=buyer(shopper))
        wishlist = services.share_wishlist(wishlist=wishlist)
        signed_in.get(f"/account/wishlists/{wishlist.pk}/")  # the shell's caches
        with CaptureQueriesContext(connection) as page_queries:
            page = signed_in.get(f"/account/wishlists/{wishlist.pk}/")
        with CaptureQueriesContext(connection) as shared_queries:
            shared = signed_in.get(f"/wishlists/shared/{wishlist.share_token}/")
        assert len(html(page).select("[data-wishlist-item]")) == size
        assert shared.status_code == 200
        counts.append((len(page_queries), len(shared_queries)))
    assert counts[0] == counts[1], counts


def test_the_button_keeps_the_anonymous_product_page_cached(anonymous, signed_in, settings, tee):
    from storefront_cms.caching import HEADER

    settings.STOREFRONT_PAGE_CACHE_SECONDS = 60
    path = f"/p/{tee.product.slug}/"
    assert anonymous.get(path)[HEADER] == "miss"
    cached = anonymous.get(path)
    assert cached[HEADER] == "hit"
    assert html(cached).select_one("form.wishlist-add")["method"] == "get"
    own = signed_in.get(path)
    assert own[HEADER] == "bypass"
    assert html(own).select_one("form.wishlist-add")["method"] == "post"
