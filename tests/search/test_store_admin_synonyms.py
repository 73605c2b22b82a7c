"""Catalog > Search synonyms in the store admin: groups of words that find each other, written
through the search services; owner and catalog manager edit, support reads, order manager is
refused; a group added here widens the storefront's search and the API's at once."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from search import services
from search.models import Synonym
from tests.catalog.store_admin_clients import EDITORS, admin_client, login_redirect

pytestmark = pytest.mark.django_db

LIST = "/admin/search-synonyms/"
NEW = f"{LIST}new/"
DASHBOARD = "/admin/"


@pytest.fixture
def as_role(store_a):
    return lambda role: admin_client(store_a, role)


@pytest.fixture
def manager(as_role):
    return as_role("catalog_manager")


@pytest.fixture
def tv(store_a):
    connection.set_tenant(store_a)
    return services.create_synonym(terms="tv, television")


def errors_of(response, field: str = "terms") -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def typed(response) -> str:
    return response.context["form"]["terms"].value()


def card_names(response) -> list[str]:
    return re.findall(
        r'class="product-card__name"[^>]*>\s*(?:<a[^>]*>)?\s*([^<]+?)\s*<',
        (response.content.decode()),
    )


# --- Who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", EDITORS)
def test_owner_and_catalog_manager_list_synonyms_with_add_and_edit(as_role, tv, role):
    response = as_role(role).get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert "tv, television" in html
    assert f'href="{NEW}"' in html
    assert f"{LIST}edit/{tv.pk}/" in html


def test_support_reads_the_synonyms_without_any_write_button(as_role, tv):
    response = as_role("support").get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert "tv, television" in html
    assert NEW not in html
    assert "/edit/" not in html
    assert "/delete/" not in html


def test_support_is_refused_every_write(as_role, tv):
    support = as_role("support")
    writes = [
        (NEW, {"terms": "sofa, couch"}),
        (f"{LIST}edit/{tv.pk}/", {"terms": "tv, telly"}),
        (f"{LIST}delete/{tv.pk}/", {}),
    ]

    statuses = {url: support.post(url, data).status_code for url, data in writes}
    pages = {url: support.get(url) for url, _ in writes}

    assert set(statuses.values()) == {403}, statuses
    assert {(p.status_code, p["Location"]) for p in pages.values()} == {(302, DASHBOARD)}
    assert [s.terms for s in Synonym.objects.all()] == ["tv, television"]


def test_an_order_manager_is_refused_the_synonyms(as_role, tv):
    order_manager = as_role("order_manager")

    refused = order_manager.get(LIST, follow=True)

    assert refused.redirect_chain == [(DASHBOARD, 302)]
    assert "Sorry, you do not have permission to access this area." in refused.content.decode()
    assert order_manager.post(NEW, {"terms": "sofa, couch"}).status_code == 403
    assert order_manager.post(f"{LIST}edit/{tv.pk}/", {"terms": "x, y"}).status_code == 403
    assert order_manager.post(f"{LIST}delete/{tv.pk}/").status_code == 403
    assert Synonym.objects.count() == 1


@pytest.mark.parametrize("role", ["customer", "anonymous"])
def test_customers_and_strangers_are_sent_to_sign_in(as_role, store_client, store_a, tv, role):
    client = as_role("customer") if role == "customer" else store_client(store_a)

    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"] == login_redirect(LIST)
    assert client.post(NEW, {"terms": "sofa, couch"}).status_code == 302
    assert client.post(f"{LIST}delete/{tv.pk}/").status_code == 302
    assert Synonym.objects.count() == 1


def test_the_catalog_menu_ends_with_search_synonyms_for_those_who_may_read_them(as_role):
    def menu(role) -> str:
        return as_role(role).get(DASHBOARD).content.decode()

    manager = menu("catalog_manager")
    assert LIST in manager
    assert '"label": "Search synonyms"' in manager
    assert manager.index(LIST) > manager.index("/admin/import-export/")  # last of the group
    assert LIST in menu("support")
    assert LIST in menu("owner")
    assert LIST not in menu("order_manager")


# --- Add, edit, delete --------------------------------------------------------------------------


def test_a_group_is_added_lower_cased_and_once_each(manager):
    response = manager.post(NEW, {"terms": " Sofa,  couch , SOFA, settee,"})

    assert response.status_code == 302
    assert response["Location"] == LIST
    assert [s.terms for s in Synonym.objects.all()] == ["sofa, couch, settee"]
    assert "sofa, couch, settee" in manager.get(LIST).content.decode()


def test_a_group_is_edited_and_deleted(manager, tv):
    edit = f"{LIST}edit/{tv.pk}/"
    assert manager.get(edit).status_code == 200
    assert typed(manager.get(edit)) == "tv, television"

    assert manager.post(edit, {"terms": "tv, television, telly"}).status_code == 302
    tv.refresh_from_db()
    assert tv.terms == "tv, television, telly"

    assert manager.get(f"{LIST}delete/{tv.pk}/").status_code == 200  # asks first
    assert manager.post(f"{LIST}delete/{tv.pk}/").status_code == 302
    assert not Synonym.objects.exists()


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("", "This field is required."),
        ("sofa", "Enter at least two different words, separated by commas."),
        ("sofa, Sofa, SOFA", "Enter at least two different words, separated by commas."),
        ("sofa, big couch", "“big couch” is not one word: use letters and digits only."),
        ("sofa, <script>", "“<script>” is not one word: use letters and digits only."),
        ("sofa, " + "c" * 51, f"“{'c' * 20}…” is longer than 50 characters."),
        (", ".join(f"w{n}" for n in range(21)), "A group has at most 20 words."),
        ("a, " * 200, "Ensure this value has at most 500 characters (it has 599)."),
        ("Television, TV", "This group exists already."),
    ],
)
def test_a_bad_group_is_refused_next_to_the_field_with_what_was_typed_kept(
    manager, tv, terms, message
):
    response = manager.post(NEW, {"terms": terms})

    assert response.status_code == 200  # Wagtail's create view re-renders with the errors
    assert errors_of(response) == [message]
    assert typed(response) == terms
    assert escape(message) in response.content.decode()
    assert Synonym.objects.count() == 1


def test_an_edit_that_would_duplicate_another_group_is_refused(manager, tv):
    sofa = services.create_synonym(terms="sofa, couch")

    response = manager.post(f"{LIST}edit/{sofa.pk}/", {"terms": "television, tv"})

    assert errors_of(response) == ["This group exists already."]
    assert typed(response) == "television, tv"
    sofa.refresh_from_db()
    assert sofa.terms == "sofa, couch"


def test_the_number_of_groups_is_bounded(manager, tv, monkeypatch):
    monkeypatch.setattr(services, "SYNONYM_GROUPS_MAX", 1)

    response = manager.post(NEW, {"terms": "sofa, couch"})

    assert errors_of(response) == ["A store has at most 1 synonym groups."]
    assert Synonym.objects.count() == 1


def test_the_list_takes_the_same_queries_for_3_or_30_groups(manager):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert manager.get(LIST).status_code == 200
        return len(queries)

    for number in range(3):
        services.create_synonym(terms=f"a{number}, b{number}")
    few = count()
    for number in range(3, 30):
        services.create_synonym(terms=f"a{number}, b{number}")
    assert count() == few


def test_each_store_has_its_own_synonyms(manager, tv, store_b):
    connection.set_tenant(store_b)
    assert not Synonym.objects.exists()
    other = admin_client(store_b, "catalog_manager")
    assert "television" not in other.get(LIST).content.decode()


# --- What shoppers notice -----------------------------------------------------------------------


def test_a_group_added_in_the_admin_widens_the_storefront_and_api_search(
    corpus, manager, store_a, store_client
):
    shop = store_client(store_a)
    assert card_names(shop.get("/search/", {"q": "luminaire"})) == []
    cached = shop.get("/search/", {"q": "luminaire"})
    assert cached["X-Storefront-Cache"] == "hit"
    assert shop.get("/api/v1/search/", {"q": "luminaire"}).json()["count"] == 0

    assert manager.post(NEW, {"terms": "luminaire, lamp"}).status_code == 302

    found = shop.get("/search/", {"q": "luminaire"})
    assert sorted(card_names(found)) == ["Brass Desk Lamp", "Floor Lamp"]
    api = shop.get("/api/v1/search/", {"q": "luminaire"}).json()
    assert sorted(hit["name"] for hit in api["results"]) == ["Brass Desk Lamp", "Floor Lamp"]

    synonym = Synonym.objects.get()
    assert manager.post(f"{LIST}delete/{synonym.pk}/").status_code == 302
    assert card_names(shop.get("/search/", {"q": "luminaire"})) == []


def test_with_elasticsearch_a_change_rebuilds_the_index_with_the_new_synonyms(
    store_a, settings, httpserver, celery_eager, django_capture_on_commit_callbacks
):
    from tests.search.elasticsearch_double import ElasticsearchDouble

    connection.set_tenant(store_a)
    double = ElasticsearchDouble()
    double.install(httpserver)
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = httpserver.url_for("/")

    with (
        time_machine.travel("2026-11-25 15:00:00+00:00", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.create_synonym(terms="Lamp, light, luminaire")

    created = double.requests[0]
    assert created.method == "PUT"
    assert created.path == "/store_a-products-20261125150000000000"
    assert created.body["settings"]["analysis"]["filter"]["store_synonyms"]["synonyms"] == [
        "lamp, light, luminaire"
    ]


def test_the_platform_s_django_admin_writes_synonyms_through_the_same_services(
    store_a, store_client
):
    from tests.matrix import make_person

    connection.set_tenant(store_a)
    browser = store_client(store_a)
    browser.force_login(make_person("owner"))
    url = "/django-admin/search/synonym/add/"

    refused = browser.post(url, {"terms": "sofa"})
    added = browser.post(url, {"terms": "Sofa, Couch"})
    duplicate = browser.post(url, {"terms": "couch, sofa"})

    assert refused.status_code == 200
    assert "Enter at least two different words" in refused.content.decode()
    assert added.status_code == 302
    assert duplicate.status_code == 200
    assert "This group exists already." in duplicate.content.decode()
    synonym = Synonym.objects.get()
    assert synonym.terms == "sofa, couch"
    assert browser.post(f"/django-admin/search/synonym/{synonym.pk}/delete/", {"post": "yes"})[
        "Location"
    ].endswith("/django-admin/search/synonym/")
    assert not Synonym.objects.exists()
