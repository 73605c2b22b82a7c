"""A company's prices reach its members and its API keys, and nobody else: the shop catalog API
(list, detail, the cached answers), the storefront's pages and the search. Listing queries stay
constant; the shop list filters by ``updated_since`` for an ERP's sync."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts import services as accounts_services
from b2b.pricing import services
from catalog.models import Product
from tests.b2b.pricing_scene import make_scene
from tests.catalog import factories
from tests.matrix import create_user

pytestmark = pytest.mark.django_db

LISTING = "/api/v1/shop/products/"
SECRET = "61.23"  # Acme's price of the drill: it must show nowhere but to Acme


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def scene(module_db):
    from tenants.models import Tenant

    store = Tenant.objects.get(schema_name="store_a")
    connection.set_tenant(store)
    scene = make_scene("cat-")
    listed = services.create_price_list(name="Acme net", company_ids=[scene.acme.pk])
    services.add_entry(
        price_list=listed, target="variant", target_id=scene.drill.pk, kind="fixed", value=SECRET
    )
    services.add_entry(
        price_list=listed,
        target="brand",
        target_id=scene.hammer.product.brand_id,
        kind="percent_off",
        value="50",
    )
    from search import services as search_services

    search_services.index_products(product_ids=list(Product.objects.values_list("pk", flat=True)))
    customer = create_user("shopper@cat.test")
    acme_key = accounts_services.create_api_key(
        name="Acme ERP", scopes=["catalog:read"], created_by=scene.acme_buyer, company=scene.acme
    ).secret
    globex_key = accounts_services.create_api_key(
        name="Globex ERP",
        scopes=["catalog:read"],
        created_by=scene.globex_buyer,
        company=scene.globex,
    ).secret
    store_key = accounts_services.create_api_key(
        name="Store", scopes=["catalog:read"], created_by=create_user("owner@cat.test")
    ).secret
    tokens = {
        name: accounts_services.issue_auth_token(user=user).key
        for name, user in (
            ("acme", scene.acme_buyer),
            ("globex", scene.globex_buyer),
            ("customer", customer),
        )
    }
    return {
        "store": store,
        "scene": scene,
        "auth": {
            "anonymous": None,
            "customer": f"Token {tokens['customer']}",
            "acme": f"Token {tokens['acme']}",
            "acme_key": f"Api-Key {acme_key}",
            "globex": f"Token {tokens['globex']}",
            "globex_key": f"Api-Key {globex_key}",
            "store_key": f"Api-Key {store_key}",
        },
        "users": {"acme": scene.acme_buyer, "globex": scene.globex_buyer, "customer": customer},
    }


@pytest.fixture(autouse=True)
def in_store(scene, db):
    connection.set_tenant(scene["store"])


def api(scene, who: str) -> APIClient:
    client = APIClient(HTTP_HOST=scene["store"].primary_host)
    if scene["auth"][who]:
        client.credentials(HTTP_AUTHORIZATION=scene["auth"][who])
    return client


def drill_prices(body: dict) -> dict:
    product = next(p for p in body["results"] if p["slug"] == "cat-drill")
    return {v["sku"]: v["price"] for v in product["variants"]} | {"from": product["price_from"]}


def test_the_shop_list_shows_a_companys_prices_to_its_members_and_keys_only(scene):
    # Asked in this order on purpose: Acme's answer is cached first, and must not be served to
    # the others asking for the very same listing.
    seen = {who: drill_prices(api(scene, who).get(LISTING).json()) for who in scene["auth"]}
    assert (
        seen["acme"]
        == seen["acme_key"]
        == {
            "cat-DRILL": SECRET,
            "cat-DRILL-BIG": "150.00",
            "from": SECRET,
        }
    )
    b2b = {"cat-DRILL": "90.00", "cat-DRILL-BIG": "150.00", "from": "90.00"}
    b2c = {"cat-DRILL": "100.00", "cat-DRILL-BIG": "150.00", "from": "100.00"}
    assert seen["globex"] == seen["globex_key"] == seen["store_key"] == b2b
    assert seen["anonymous"] == seen["customer"] == b2c


def test_the_product_detail_shows_a_companys_prices_to_its_members_only(scene):
    path = f"{LISTING}cat-drill/"
    for who, expected in (("acme", SECRET), ("acme_key", SECRET), ("globex", "90.00")):
        body = api(scene, who).get(path).json()
        assert body["variants"][0]["price"] == expected, who
        assert body["price_from"] == expected, who
    for who in ("anonymous", "customer", "globex_key"):
        assert SECRET not in api(scene, who).get(path).content.decode(), who


def test_a_members_listing_costs_the_same_queries_whatever_the_page_size(scene, settings):
    settings.CATALOG_ANSWER_CACHE_SECONDS = 0  # count the queries, not the answer cache
    client = api(scene, "acme")
    client.get(LISTING, {"page_size": 2})  # warm-up
    with CaptureQueriesContext(connection) as small:
        client.get(LISTING, {"page_size": 2})
    for number in range(30):
        factories.product(
            f"Bulk {number}",
            brand_name="Stanley",
            variants=[
                {"sku": f"BULK-{number}-{k}", "price": Decimal(k + 5), "stock_on_hand": 1}
                for k in range(3)
            ],
        )
    with CaptureQueriesContext(connection) as large:
        answer = client.get(LISTING, {"page_size": 40})
    assert len(answer.json()["results"]) > 30
    assert len(large.captured_queries) == len(small.captured_queries)
    # The brand's 50% off reached the new products too (Stanley, via the hammer's brand).
    bulk = next(p for p in answer.json()["results"] if p["slug"].startswith("bulk-0"))
    assert [v["price"] for v in bulk["variants"]] == ["2.50", "3.00", "3.50"]


def test_a_consumers_listing_costs_no_query_more_than_before(scene, settings):
    settings.CATALOG_ANSWER_CACHE_SECONDS = 0
    client = api(scene, "anonymous")
    client.get(LISTING)
    with CaptureQueriesContext(connection) as anonymous:
        client.get(LISTING)
    # Nothing of B2B pricing is asked for a consumer.
    assert not any(
        table in query["sql"]
        for query in anonymous.captured_queries
        for table in ("b2b_pricelist", "b2b_volumebreak")
    )


def test_updated_since_and_the_updated_sort_let_an_erp_sync_with_the_cursor(scene):
    client = api(scene, "acme_key")
    everything = client.get(LISTING, {"sort": "updated", "page_size": 2}).json()
    assert len(everything["results"]) == 2 and everything["next"]
    later = Product.objects.order_by("updated_at").values_list("updated_at", flat=True)[2]
    since = later.isoformat()
    body = client.get(LISTING, {"sort": "updated", "updated_since": since}).json()
    assert {p["slug"] for p in body["results"]} == set(
        Product.objects.filter(updated_at__gte=later, status="active").values_list(
            "slug", flat=True
        )
    )
    refused = client.get(LISTING, {"updated_since": "yesterday"})
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["updated_since"]


def _page(scene, who: str, path: str) -> str:
    client = Client(HTTP_HOST=scene["store"].primary_host)
    if who in scene["users"]:
        client.force_login(scene["users"][who])
    response = client.get(path)
    assert response.status_code == 200, (who, path, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("path", ["/p/cat-drill/", "/c/cat-tools/cat-drills/", "/search/?q=drill"])
def test_storefront_pages_show_a_companys_prices_to_its_members_only(scene, path):
    member = _page(scene, "acme", path)
    assert "$61.23" in member
    assert "excl. tax" in member  # B2B prices are shown net of tax
    for who in ("anonymous", "customer", "globex"):
        page = _page(scene, who, path)
        assert "61.23" not in page, who
    assert "$90.00" in _page(scene, "globex", path)
    assert "$100.00" in _page(scene, "customer", path)


def test_search_documents_hold_no_companys_prices_and_the_api_prices_a_member_at_read(scene):
    from search.documents import document_rows

    documents = document_rows(product_ids=[scene["scene"].drill.product_id])
    assert documents
    assert SECRET not in repr(documents)
    seen = {}
    for who in scene["auth"]:
        hits = api(scene, who).get("/api/v1/search/", {"q": "drill"}).json()["results"]
        seen[who] = next((h["price_from"], h["price_to"]) for h in hits if h["slug"] == "cat-drill")
    assert seen["acme"] == seen["acme_key"] == (SECRET, "150.00")
    assert seen["globex"] == seen["globex_key"] == ("90.00", "150.00")
    assert seen["anonymous"] == seen["customer"] == ("100.00", "150.00")


def test_the_product_page_shows_a_business_its_volume_pricing(scene):
    services.add_volume_break(variant=scene["scene"].drill, min_quantity=20, unit_price="55.00")
    services.add_volume_break(variant=scene["scene"].drill, min_quantity=5, unit_price="85.00")
    member = _page(scene, "acme", "/p/cat-drill/")
    assert "Volume pricing" in member
    assert "$55.00" in member
    assert "$85.00" not in member  # above Acme's list price: no saving to show
    assert "$85.00" in _page(scene, "globex", "/p/cat-drill/")
    for who in ("anonymous", "customer"):
        assert "Volume pricing" not in _page(scene, who, "/p/cat-drill/")
