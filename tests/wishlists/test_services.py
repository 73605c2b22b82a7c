"""The wishlist services: one default list per account, named lists, items, limits, links."""

from decimal import Decimal

import pytest

from catalog import services as catalog
from tests.catalog.factories import product
from tests.wishlists.catalog_data import buyer, variant_of
from wishlists import selectors, services
from wishlists.errors import WishlistError, WishlistLimitReached
from wishlists.models import Wishlist, WishlistItem

pytestmark = pytest.mark.django_db


def test_the_default_list_is_created_on_first_use_and_only_once(shopper):
    assert not Wishlist.objects.filter(user=shopper).exists()
    first = services.default_wishlist(user=shopper)
    again = services.default_wishlist(user=shopper)
    assert first.pk == again.pk
    assert first.is_default and first.name == "My wishlist"
    assert Wishlist.objects.filter(user=shopper).count() == 1


def test_the_first_named_list_becomes_the_default_and_the_next_do_not(shopper):
    birthday = services.create_wishlist(user=shopper, name="  Birthday   ideas ")
    christmas = services.create_wishlist(user=shopper, name="Christmas")
    assert birthday.name == "Birthday ideas"
    assert birthday.is_default and not christmas.is_default
    assert services.default_wishlist(user=shopper).pk == birthday.pk


def test_list_names_are_unique_per_account_whatever_the_case(shopper, other_shopper):
    services.create_wishlist(user=shopper, name="Christmas")
    with pytest.raises(WishlistError) as refusal:
        services.create_wishlist(user=shopper, name="CHRISTMAS")
    assert refusal.value.fields == {"name": ["You already have a list of that name."]}
    # Another person may use the same name.
    assert services.create_wishlist(user=other_shopper, name="Christmas").name == "Christmas"


def test_a_blank_or_too_long_name_is_refused_by_field(shopper):
    with pytest.raises(WishlistError) as blank:
        services.create_wishlist(user=shopper, name="   ")
    assert set(blank.value.fields) == {"name"}
    with pytest.raises(WishlistError) as long_name:
        services.create_wishlist(user=shopper, name="x" * 101)
    assert set(long_name.value.fields) == {"name"}
    assert not Wishlist.objects.filter(user=shopper).exists()


def test_renaming_keeps_names_unique_and_allows_a_change_of_case(shopper):
    christmas = services.create_wishlist(user=shopper, name="Christmas")
    birthday = services.create_wishlist(user=shopper, name="Birthday")
    with pytest.raises(WishlistError):
        services.rename_wishlist(wishlist=birthday, name="christmas")
    services.rename_wishlist(wishlist=christmas, name="CHRISTMAS")
    christmas.refresh_from_db()
    birthday.refresh_from_db()
    assert (christmas.name, birthday.name) == ("CHRISTMAS", "Birthday")


def test_an_account_keeps_a_bounded_number_of_lists(shopper, monkeypatch):
    monkeypatch.setattr(services, "MAX_LISTS_PER_ACCOUNT", 3)
    for number in range(3):
        services.create_wishlist(user=shopper, name=f"List {number}")
    with pytest.raises(WishlistLimitReached) as refusal:
        services.create_wishlist(user=shopper, name="One more")
    assert refusal.value.fields == {"name": ["You can keep at most 3 lists."]}
    assert Wishlist.objects.filter(user=shopper).count() == 3


def test_adding_saves_the_price_of_the_day_and_adding_again_changes_nothing(shopper, tee):
    wishlist = services.default_wishlist(user=shopper)
    item, created = services.add_item(wishlist=wishlist, variant_id=tee.pk, buyer=buyer(shopper))
    assert created and item.price_when_added == Decimal("20.00") and item.was_available
    again, created_again = services.add_item(
        wishlist=wishlist, variant_id=tee.pk, buyer=buyer(shopper)
    )
    assert again.pk == item.pk and not created_again
    assert WishlistItem.objects.filter(wishlist=wishlist).count() == 1


def test_an_out_of_stock_variant_can_be_saved_and_is_shown_unavailable(shopper, mug):
    wishlist = services.default_wishlist(user=shopper)
    item, _ = services.add_item(wishlist=wishlist, variant_id=mug.pk, buyer=buyer(shopper))
    assert item.was_available is False
    [view] = selectors.item_views(wishlist, buyer=buyer(shopper))
    assert view.available is False
    assert view.price_text == "$12.00"


@pytest.mark.parametrize("variant_id", [0, -1, 2**63, 999_999_999, "abc"])
def test_an_unknown_variant_is_refused_by_field(shopper, variant_id):
    wishlist = services.default_wishlist(user=shopper)
    with pytest.raises(WishlistError) as refusal:
        services.add_item(wishlist=wishlist, variant_id=variant_id, buyer=buyer(shopper))
    assert refusal.value.fields == {"variant": ["This product is not available."]}


def test_a_draft_product_and_a_business_only_product_are_refused_to_a_consumer(shopper):
    draft = variant_of(product("Draft lamp", status="draft"))
    business_only = variant_of(product("Pallet of mugs", visible_b2c=False, visible_b2b=True))
    wishlist = services.default_wishlist(user=shopper)
    for variant in (draft, business_only):
        with pytest.raises(WishlistError):
            services.add_item(wishlist=wishlist, variant_id=variant.pk, buyer=buyer(shopper))
    assert not wishlist.items.exists()


def test_a_list_holds_a_bounded_number_of_items(shopper, tee, mug, monkeypatch):
    monkeypatch.setattr(services, "MAX_ITEMS_PER_LIST", 1)
    wishlist = services.default_wishlist(user=shopper)
    services.add_item(wishlist=wishlist, variant_id=tee.pk, buyer=buyer(shopper))
    with pytest.raises(WishlistLimitReached) as refusal:
        services.add_item(wishlist=wishlist, variant_id=mug.pk, buyer=buyer(shopper))
    assert refusal.value.fields == {"variant": ["A list holds at most 1 items."]}


def test_removing_an_item(shopper, tee):
    wishlist = services.default_wishlist(user=shopper)
    services.add_item(wishlist=wishlist, variant_id=tee.pk, buyer=buyer(shopper))
    assert services.remove_item(wishlist=wishlist, variant_id=tee.pk) is True
    assert services.remove_item(wishlist=wishlist, variant_id=tee.pk) is False
    assert services.remove_item(wishlist=wishlist, variant_id=2**63) is False


def test_the_item_shows_today_s_price_and_that_it_dropped(shopper, tee):
    wishlist = services.default_wishlist(user=shopper)
    services.add_item(wishlist=wishlist, variant_id=tee.pk, buyer=buyer(shopper))
    catalog.update_variant(variant=tee, data={"price": Decimal("15.00")})
    [view] = selectors.item_views(wishlist, buyer=buyer(shopper))
    assert (view.price_text, view.price_when_added_text, view.price_dropped) == (
        "$15.00",
        "$20.00",
        True,
    )


def test_sharing_draws_an_unguessable_token_kept_until_revoked_and_new_when_shared_again(
    shopper,
):
    wishlist = services.default_wishlist(user=shopper)
    shared = services.share_wishlist(wishlist=wishlist)
    first = shared.share_token
    assert len(first) >= 43 and shared.is_shared
    assert services.share_wishlist(wishlist=wishlist).share_token == first
    assert selectors.shared_wishlist(token=first).pk == wishlist.pk
    services.revoke_share(wishlist=wishlist)
    assert selectors.shared_wishlist(token=first) is None
    second = services.share_wishlist(wishlist=wishlist).share_token
    assert second != first
    third = services.share_wishlist(wishlist=wishlist, regenerate=True).share_token
    assert third != second
    assert selectors.shared_wishlist(token=second) is None
    assert selectors.shared_wishlist(token=third).pk == wishlist.pk


def test_tokens_of_two_lists_differ(shopper):
    one = services.share_wishlist(wishlist=services.create_wishlist(user=shopper, name="One"))
    two = services.share_wishlist(wishlist=services.create_wishlist(user=shopper, name="Two"))
    assert one.share_token != two.share_token


def test_notification_opt_ins_are_off_by_default_and_set_per_list(shopper):
    wishlist = services.default_wishlist(user=shopper)
    assert not wishlist.notify_price_drop and not wishlist.notify_back_in_stock
    services.set_notifications(wishlist=wishlist, price_drop=True)
    wishlist.refresh_from_db()
    assert wishlist.notify_price_drop and not wishlist.notify_back_in_stock
    services.set_notifications(wishlist=wishlist, price_drop=False, back_in_stock=True)
    wishlist.refresh_from_db()
    assert not wishlist.notify_price_drop and wishlist.notify_back_in_stock


def test_deleting_the_default_list_makes_a_new_one_on_next_use(shopper, tee):
    wishlist = services.default_wishlist(user=shopper)
    services.add_item(wishlist=wishlist, variant_id=tee.pk, buyer=buyer(shopper))
    services.delete_wishlist(wishlist=wishlist)
    assert not WishlistItem.objects.exists()
    fresh = services.default_wishlist(user=shopper)
    assert fresh.pk != wishlist.pk and fresh.is_default


def test_erasing_an_account_takes_its_lists_and_share_links(shopper, tee):
    from accounts import services as accounts_services

    wishlist = services.share_wishlist(wishlist=services.default_wishlist(user=shopper))
    services.add_item(wishlist=wishlist, variant_id=tee.pk, buyer=buyer(shopper))
    accounts_services.erase_account(user=shopper, password=None)
    assert not Wishlist.objects.filter(user=shopper).exists()
    assert selectors.shared_wishlist(token=wishlist.share_token) is None
