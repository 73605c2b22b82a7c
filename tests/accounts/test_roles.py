"""Staff roles in the store admin: the same permission layer answers ``user.has_perm``."""

import pytest
from django.db import connection

from accounts import permissions, services

from .conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        (
            "catalog_manager",
            ["catalog.change_product", "wagtailcore.publish_page", "wagtailadmin.access_admin"],
            [
                "orders.change_order",
                "accounts.add_apikey",
                "accounts.change_storesecurity",
                "cart.view_cart",
            ],
        ),
        (
            "order_manager",
            [
                "orders.change_order",
                "payments.view_payment",
                "accounts.view_user",
                "cart.view_cart",
            ],
            ["catalog.change_product", "payments.change_payment", "accounts.change_user"],
        ),
        (
            "support",
            ["orders.view_order", "catalog.view_product", "accounts.view_user"],
            [
                "orders.change_order",
                "catalog.add_product",
                "accounts.delete_apikey",
                "cart.view_cart",
            ],
        ),
        ("owner", ["accounts.change_storesecurity", "anything.at_all"], []),
        ("customer", [], ["wagtailadmin.access_admin", "orders.view_order"]),
        ("company_admin", ["b2b.manage_company", "b2b.place_orders"], ["orders.view_order"]),
        ("company_buyer", ["b2b.place_orders"], ["b2b.approve_orders", "b2b.manage_company"]),
        ("company_approver", ["b2b.approve_orders"], ["b2b.place_orders"]),
    ],
)
def test_each_role_holds_its_documented_permissions(in_store_a, role, allowed, refused):
    person = make_person(role)
    for permission in allowed:
        assert person.has_perm(permission), permission
    for permission in refused:
        assert not person.has_perm(permission), permission


def test_support_reads_customers_in_the_django_admin_but_cannot_change_them(
    in_store_a, store_client
):
    support = make_person("support")
    shopper = make_person("customer")
    browser = store_client(in_store_a)
    browser.force_login(support)
    assert browser.get("/django-admin/accounts/user/").status_code == 200
    assert browser.get(f"/django-admin/accounts/user/{shopper.pk}/change/").status_code == 200
    assert browser.get("/django-admin/accounts/user/add/").status_code == 403
    response = browser.post(f"/django-admin/accounts/user/{shopper.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403


def test_catalog_manager_reaches_the_wagtail_admin_but_not_customers(in_store_a, store_client):
    manager = make_person("catalog_manager")
    browser = store_client(in_store_a)
    browser.force_login(manager)
    assert browser.get("/admin/").status_code == 200
    assert browser.get("/django-admin/accounts/user/").status_code == 403


def test_shoppers_do_not_reach_the_store_admin(in_store_a, store_client):
    browser = store_client(in_store_a)
    browser.force_login(make_person("customer"))
    assert browser.get("/admin/").status_code == 302  # to the admin login


def test_roles_exist_only_in_their_store(store_a, store_b):
    connection.set_tenant(store_a)
    manager = make_person("order_manager")
    assert permissions.roles_of(manager) == {"customer", "order_manager"}
    connection.set_tenant(store_b)
    from accounts.models import User

    assert not User.objects.filter(email=manager.email).exists()


def test_store_owner_created_at_provisioning_signs_in_with_a_verified_email(in_store_a):
    owner = services.create_store_owner(email="Merchant@Example.com", password="Shop-owner-77")
    assert (owner.email, owner.staff_role, owner.is_superuser) == (
        "merchant@example.com",
        "owner",
        True,
    )
    assert owner.emailaddress_set.get().verified
    assert owner.password.startswith("argon2")


def test_a_weak_password_is_refused_for_staff(in_store_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.create_staff_member(email="s@example.com", password="password", role="support")


def test_catalog_manager_edits_pages_and_images_in_wagtail(in_store_a, store_client):
    from wagtail.models import Page

    home = Page.objects.filter(depth=2).first()
    browser = store_client(in_store_a)
    browser.force_login(make_person("catalog_manager"))
    assert browser.get(f"/admin/pages/{home.pk}/edit/").status_code == 200
    assert browser.get("/admin/images/").status_code == 200
    assert browser.get("/admin/images/multiple/add/").status_code == 200


def test_order_manager_and_support_cannot_edit_pages(in_store_a, store_client):
    from wagtail.models import Page

    home = Page.objects.filter(depth=2).first()
    for role in ("order_manager", "support"):
        browser = store_client(in_store_a)
        browser.force_login(make_person(role))
        assert browser.get(f"/admin/pages/{home.pk}/edit/").status_code == 302, role


def test_a_role_change_moves_wagtail_rights_with_it(in_store_a, store_client):
    from wagtail.models import Page

    home = Page.objects.filter(depth=2).first()
    manager = make_person("catalog_manager")
    services.change_staff_role(user=manager, role="support")
    browser = store_client(in_store_a)
    browser.force_login(manager)
    assert browser.get(f"/admin/pages/{home.pk}/edit/").status_code == 302
    assert not manager.has_perm("catalog.change_product")
