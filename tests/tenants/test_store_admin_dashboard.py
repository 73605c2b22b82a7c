"""The store admin's dashboard and branding: titled with the store, figures of the day, the
getting-started checklist, sign-in through allauth, and no request to any outside host."""

import re

import pytest
from django.db import connection
from wagtail import hooks

from catalog.models import Product, ProductVariant
from tenants.store_admin.dashboard import (
    DASHBOARD_FIGURES_HOOK,
    GETTING_STARTED_HOOK,
    DashboardFigure,
    GettingStartedStep,
)
from tests.matrix import PEOPLE, every_role, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(store_a, store_client):
    """``admin_client(role)``: a client at store A signed in as a new person of ``role``."""

    def make(role: str):
        connection.set_tenant(store_a)
        client = store_client(store_a)
        if role != "anonymous":
            client.force_login(make_person(role))
        return client

    return make


def _product(name: str, *, status=Product.Status.ACTIVE, stock: int = 10, threshold: int = 0):
    product = Product.objects.create(name=name, slug=name.lower().replace(" ", "-"), status=status)
    ProductVariant.objects.create(
        product=product,
        sku=f"SKU-{product.pk}",
        price="10.00",
        stock_on_hand=stock,
        low_stock_threshold=threshold,
    )
    return product


def _steps(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-step="(\w+)" data-state="([\w-]+)"', html))


def test_the_dashboard_is_titled_with_the_store_name(admin_client, store_a):
    page = admin_client("owner").get("/admin/")

    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r"<h1[^>]*>\s*Store A\s*</h1>", html)
    assert re.search(r"<title>\s*Dashboard - Store A\s*</title>", html)
    assert "Mercato" not in html
    # No logo yet: the sidebar shows the store's initial.
    assert 'class="store-admin-monogram" role="img" aria-label="Store A"' in html


def test_who_opens_the_dashboard(admin_client):
    def opens(role):
        response = admin_client(role).get("/admin/")

        if role in {"owner", "catalog_manager", "order_manager", "support"}:
            assert response.status_code == 200
        else:
            # Not staff: Wagtail sends them to the sign-in page.
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")

    every_role(PEOPLE, opens)


def test_no_page_asks_an_outside_host_for_anything(admin_client):
    html = admin_client("owner").get("/admin/").content.decode()

    assert "gravatar" not in html.lower()
    # Links out (Wagtail's editor guide) are not requests; nothing is loaded from outside.
    loaded = re.findall(
        r'<(?:img|script|link|iframe|source)[^>]+(?:src|href)="((?:https?:)?//[^"]+)"', html
    )
    assert loaded == [], loaded


def test_the_owner_sees_today_s_catalog_figures(admin_client):
    client = admin_client("owner")
    _product("Lamp", stock=2, threshold=5)
    _product("Chair", stock=0)
    _product("Table")
    _product("Old", status=Product.Status.ARCHIVED)
    _product("Draft", status=Product.Status.DRAFT)

    html = client.get("/admin/").content.decode()

    figures = re.search(r"data-dashboard-figures>(.*?)</ul>", html, re.S).group(1)
    products = re.search(r'data-figure="Products">(.*?)</li>', figures, re.S).group(1)
    assert re.search(r">\s*4\s*<", products)  # archived products do not count
    assert "3 on sale" in products
    low_stock = re.search(r'data-figure="Low stock">(.*?)</li>', figures, re.S).group(1)
    assert re.search(r">\s*1\s*<", low_stock)
    assert "1 out of stock" in low_stock


def test_an_order_manager_sees_no_catalog_figure(admin_client):
    html = admin_client("order_manager").get("/admin/").content.decode()

    assert 'data-figure="Products"' not in html


def test_the_orders_issue_plugs_its_figures_into_the_dashboard(admin_client):
    def orders_today(request, figures):
        figures.append(DashboardFigure(label="Orders today", value="7", note="$420.00 revenue"))

    with hooks.register_temporarily(DASHBOARD_FIGURES_HOOK, orders_today):
        html = admin_client("owner").get("/admin/").content.decode()

    assert 'data-figure="Orders today"' in html
    assert "$420.00 revenue" in html


def test_a_new_store_has_every_step_to_do(admin_client):
    html = admin_client("owner").get("/admin/").content.decode()

    steps = _steps(html)
    assert steps["product"] == "to-do"
    assert steps["image"] == "to-do"
    assert steps["payments"] == "to-do"  # payments lights it up (payments.wagtail_hooks)
    assert steps["delivery"] == "to-do"  # shipping lights it up (shipping.wagtail_hooks)


def test_a_step_is_ticked_once_done(admin_client):
    client = admin_client("owner")
    _product("Lamp")

    steps = _steps(client.get("/admin/").content.decode())

    assert steps["product"] == "done"
    assert steps["image"] == "to-do"


def test_a_later_area_lights_its_step_up(admin_client):
    def payments_ready(request, steps):
        steps[:] = [
            GettingStartedStep(key="payments", label="Set up payments", done=True)
            if step.key == "payments"
            else step
            for step in steps
        ]

    with hooks.register_temporarily(GETTING_STARTED_HOOK, payments_ready):
        steps = _steps(admin_client("owner").get("/admin/").content.decode())

    assert steps["payments"] == "done"


def test_the_dashboard_takes_a_constant_number_of_queries(
    admin_client, django_assert_max_num_queries
):
    from django.test.utils import CaptureQueriesContext

    client = admin_client("owner")
    with CaptureQueriesContext(connection) as empty:
        client.get("/admin/")
    for number in range(10):
        _product(f"Product {number}", stock=number, threshold=5)
    with CaptureQueriesContext(connection) as full:
        client.get("/admin/")

    assert len(full) == len(empty)


# --- Signing in ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/login/", "/django-admin/login/"])
def test_the_admin_sign_in_forms_send_staff_to_allauth(admin_client, path):
    response = admin_client("anonymous").get(f"{path}?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"


@pytest.mark.parametrize(
    ("path", "home"), [("/admin/login/", "/admin/"), ("/django-admin/login/", "/django-admin/")]
)
def test_the_admin_sign_in_address_without_next_leads_back_to_the_admin(admin_client, path, home):
    # A bookmarked /admin/login/: after signing in, the admin, not the storefront.
    response = admin_client("anonymous").get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={home}"


def test_an_anonymous_visit_to_the_admin_goes_to_allauth_s_sign_in(admin_client):
    response = admin_client("anonymous").get("/admin/customers/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/customers/"


def test_the_sign_in_page_asks_for_an_email_not_a_username(admin_client):
    html = admin_client("anonymous").get("/accounts/login/?next=/admin/").content.decode()

    assert re.search(r"<label[^>]*>\s*Email", html)
    assert "Username" not in html


# --- No way into the Django admin ----------------------------------------------------------------

ADMIN_PAGES = [
    "/admin/",
    "/admin/customers/",
    "/admin/companies/",
    "/admin/store/details/",
    "/admin/store/staff/",
    "/admin/store/security/",
    "/admin/store/api-keys/",
    "/admin/store/domains/",
    "/admin/billing/",
    "/admin/store/social-login/",
    "/admin/search-synonyms/",
    "/admin/search-synonyms/new/",
    "/admin/pages/",
    "/admin/images/",
    "/admin/documents/",
    "/admin/account/",
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_no_store_admin_page_links_to_the_django_admin(admin_client, path):
    response = admin_client("owner").get(path)

    assert response.status_code == 200
    assert "/django-admin/" not in response.content.decode()
