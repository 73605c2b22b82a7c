"""Bad input to the catalog APIs is a 400 with field errors that changes nothing, never a 500:
taken and empty slugs, NUL characters, numbers beyond their columns, nested writes."""

import pytest
from django.db import connection

from catalog import services
from catalog.errors import CatalogError
from catalog.models import (
    Attribute,
    AttributeOption,
    Brand,
    Category,
    Product,
    ProductType,
    ProductVariant,
    StockAdjustment,
)
from tests.catalog.factories import attribute, image_bytes, make_product, upload

pytestmark = pytest.mark.django_db

CATALOG = "/api/v1/catalog"


@pytest.fixture
def api(owner):
    """The owner's client, sending JSON."""

    class JsonClient:
        def get(self, url, params=None, **headers):
            return owner.get(url, params or {}, **headers)

        def post(self, url, data):
            return owner.post(url, data, content_type="application/json")

        def patch(self, url, data):
            return owner.patch(url, data, content_type="application/json")

    return JsonClient()


def fields_of(response) -> dict:
    return response.json()["error"]["fields"]


# --- Slugs: taken, empty, derived ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("categories", {"name": "Shirts"}),  # the slug made from the name is taken
        ("categories", {"name": "Other", "slug": "shirts"}),
        ("brands", {"name": "Shirts"}),
        ("brands", {"name": "Other", "slug": "shirts"}),
        ("product-types", {"name": "Shirts"}),
        ("products", {"name": "Shirts"}),
        ("products", {"name": "Other", "slug": "shirts"}),
    ],
)
def test_a_taken_slug_is_a_field_error_on_create(api, url, payload):
    services.create_category(name="Shirts")
    Brand.objects.create(name="Shirts", slug="shirts")
    ProductType.objects.create(name="Shirts", slug="shirts")
    make_product("shirts")
    counts = [model.objects.count() for model in (Category, Brand, ProductType, Product)]

    response = api.post(f"{CATALOG}/{url}/", payload)

    assert response.status_code == 400, response.content
    assert fields_of(response) == {"slug": ["'shirts' is already in use."]}
    assert [model.objects.count() for model in (Category, Brand, ProductType, Product)] == counts


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("categories", lambda slug: services.create_category(name=slug.title())),
        ("brands", lambda slug: Brand.objects.create(name=slug, slug=slug)),
        ("product-types", lambda slug: ProductType.objects.create(name=slug, slug=slug)),
        ("products", lambda slug: make_product(slug, skus=(slug,))),
    ],
)
def test_a_taken_slug_is_a_field_error_on_change(api, url, make):
    make("shirts")
    other = make("pants")

    response = api.patch(f"{CATALOG}/{url}/{other.pk}/", {"slug": "shirts"})

    assert response.status_code == 400, response.content
    assert fields_of(response) == {"slug": ["'shirts' is already in use."]}
    other.refresh_from_db()
    assert other.slug == "pants"


@pytest.mark.parametrize("url", ["categories", "brands", "product-types", "products"])
@pytest.mark.parametrize("name", ["!!!", "---", "💡"])
def test_a_name_that_makes_no_slug_is_refused(api, url, name):
    response = api.post(f"{CATALOG}/{url}/", {"name": name})

    assert response.status_code == 400, response.content
    assert list(fields_of(response)) == ["slug"]
    assert not Category.objects.filter(slug="").exists()
    assert not Product.objects.filter(slug="").exists()


@pytest.mark.parametrize("url", ["categories", "brands", "product-types", "products"])
def test_an_empty_name_is_refused(api, url):
    response = api.post(f"{CATALOG}/{url}/", {"name": ""})

    assert response.status_code == 400
    assert "name" in fields_of(response)


def test_a_brand_and_a_product_type_get_their_slug_from_the_name(api):
    brand = api.post(f"{CATALOG}/brands/", {"name": "Lamp & Co"})
    product_type = api.post(f"{CATALOG}/product-types/", {"name": "Desk lamp"})

    assert (brand.status_code, brand.json()["slug"]) == (201, "lamp-co")
    assert (product_type.status_code, product_type.json()["slug"]) == (201, "desk-lamp")


def test_the_services_turn_a_race_for_a_slug_into_a_field_error(in_store_a):
    # Two requests that both passed the serializer's check: the database decides, the loser
    # gets the same field error.
    services.create_category(name="Shirts")
    with pytest.raises(CatalogError) as refused:
        services.create_category(name="Shirts")
    assert refused.value.fields == {"slug": ["'shirts' is already in use."]}
    pants = services.create_category(name="Pants")
    with pytest.raises(CatalogError) as refused:
        services.update_category(category=pants, data={"slug": "shirts"})
    assert refused.value.fields == {"slug": ["'shirts' is already in use."]}
    services.create_attribute(data={"code": "size", "name": "Size", "type": "choice"})
    with pytest.raises(CatalogError) as refused:
        services.create_attribute(data={"code": "size", "name": "Size", "type": "choice"})
    assert refused.value.fields == {"code": ["'size' is already in use."]}
    with pytest.raises(CatalogError) as refused:
        services.create_attribute(
            data={"code": "colour", "name": "Colour", "type": "choice"},
            options=[{"value": "Red", "slug": "red"}, {"value": "Rouge", "slug": "red"}],
        )
    assert refused.value.fields == {"options": ["'red' is already in use."]}
    assert not Attribute.objects.filter(code="colour").exists()


def test_a_brand_slug_taken_between_check_and_save_is_a_field_error(in_store_a):
    from catalog.api.serializers import BrandSerializer

    serializer = BrandSerializer(data={"name": "Acme"})
    assert serializer.is_valid(), serializer.errors
    Brand.objects.create(name="Acme Inc", slug="acme")  # another request, a moment before

    with pytest.raises(CatalogError) as refused, services.refusing_duplicates():
        serializer.save()

    assert refused.value.fields == {"slug": ["'acme' is already in use."]}
    assert Brand.objects.count() == 1


# --- Variant positions ---------------------------------------------------------------------------


def test_a_variant_position_is_taken_in_product_and_variant_create(api):
    created = api.post(
        f"{CATALOG}/products/",
        {
            "name": "Lamp",
            "variants": [
                {"sku": "L-1", "price": "10", "position": 5},
                {"sku": "L-2", "price": "10"},
            ],
        },
    )
    assert created.status_code == 201, created.content
    added = api.post(
        f"{CATALOG}/products/{created.json()['id']}/variants/",
        {"sku": "L-3", "price": "10", "position": 0},
    )

    assert added.status_code == 201, added.content
    positions = dict(ProductVariant.objects.values_list("sku", "position"))
    assert positions == {"L-1": 5, "L-2": 1, "L-3": 0}


# --- Attributes and their options (nested writes) ------------------------------------------------


def test_options_whose_slugs_collide_are_refused(api):
    response = api.post(
        f"{CATALOG}/attributes/",
        {
            "code": "fit",
            "name": "Fit",
            "type": "choice",
            "options": [{"value": "Slim fit"}, {"value": "slim-fit"}],
        },
    )

    assert response.status_code == 400
    assert fields_of(response) == {
        "options.1.slug": ["'slim-fit' is already the slug of option 0."]
    }
    assert not Attribute.objects.exists()


def test_an_option_value_that_makes_no_slug_is_refused(api):
    response = api.post(
        f"{CATALOG}/attributes/",
        {"code": "fit", "name": "Fit", "type": "choice", "options": [{"value": "???"}]},
    )

    assert response.status_code == 400
    assert list(fields_of(response)) == ["options.0.slug"]


def test_patching_an_attribute_replaces_its_options(api):
    size = attribute("size", "choice", ["S", "M", "L"])
    small, medium = size.options.get(slug="s"), size.options.get(slug="m")

    response = api.patch(
        f"{CATALOG}/attributes/{size.pk}/",
        {
            "name": "Shirt size",
            "options": [
                {"id": small.pk, "value": "Small", "slug": "s"},
                {"value": "Medium", "slug": "m"},  # matched by its slug
                {"value": "Extra large"},  # new; "L" is left out: deleted
            ],
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Shirt size"
    assert [(o["value"], o["slug"], o["position"]) for o in body["options"]] == [
        ("Small", "s", 0),
        ("Medium", "m", 1),
        ("Extra large", "extra-large", 2),
    ]
    assert {o["id"] for o in body["options"][:2]} == {small.pk, medium.pk}
    assert not AttributeOption.objects.filter(slug="l").exists()


def test_two_options_can_swap_their_slugs(api):
    size = attribute("size", "choice", ["S", "M"])
    small, medium = size.options.get(slug="s"), size.options.get(slug="m")

    response = api.patch(
        f"{CATALOG}/attributes/{size.pk}/",
        {
            "options": [
                {"id": small.pk, "value": "M", "slug": "m"},
                {"id": medium.pk, "value": "S", "slug": "s"},
            ]
        },
    )

    assert response.status_code == 200, response.content
    assert AttributeOption.objects.get(pk=small.pk).slug == "m"
    assert AttributeOption.objects.get(pk=medium.pk).slug == "s"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ([{"value": "A"}, {"value": "a"}], "options.1.slug"),
        ([{"id": 999999, "value": "A"}], "options.0.id"),
        ([{"id": 99999999999999999999, "value": "A"}], "options.0.id"),
        ([{"value": "A\x00"}], "options.0.value"),
        ([{"value": "A", "position": 99999999999}], "options.0.position"),
    ],
)
def test_bad_options_in_a_patch_change_nothing(api, options, field):
    size = attribute("size", "choice", ["S", "M"])

    response = api.patch(f"{CATALOG}/attributes/{size.pk}/", {"name": "New", "options": options})

    assert response.status_code == 400, response.content
    assert field in fields_of(response)
    size.refresh_from_db()
    assert size.name == "Size"
    assert list(size.options.values_list("slug", flat=True)) == ["s", "m"]


def test_options_on_a_non_choice_attribute_are_refused(api):
    weight = attribute("weight", "number")

    response = api.patch(f"{CATALOG}/attributes/{weight.pk}/", {"options": [{"value": "A"}]})

    assert response.status_code == 400
    assert list(fields_of(response)) == ["options"]


def test_variants_in_a_product_patch_are_refused(api):
    product = make_product("lamp", skus=("L-1",))

    response = api.patch(
        f"{CATALOG}/products/{product.pk}/",
        {"name": "New", "variants": [{"sku": "X", "price": "1"}]},
    )

    assert response.status_code == 400
    assert fields_of(response) == {"variants": ["Change variants through their own endpoints."]}
    assert Product.objects.get().name == "Lamp"


@pytest.mark.parametrize(
    ("options", "field"),
    [({"size": {"nested": 1}}, "options.size"), (["M"], "options"), ({"size": 5}, None)],
)
def test_variant_options_are_names_and_texts(api, options, field):
    product = make_product("lamp", skus=("L-1",))

    response = api.post(
        f"{CATALOG}/products/{product.pk}/variants/",
        {"sku": "L-2", "price": "1", "options": options},
    )

    if field is None:  # a number is taken as its text
        assert response.status_code == 201
        assert response.json()["options"] == {"size": "5"}
    else:
        assert response.status_code == 400
        assert field in fields_of(response)


# --- NUL characters, anywhere --------------------------------------------------------------------


NUL_BODIES = [
    ("products", {"name": "Lamp", "brand": "acme\x00"}, "brand"),
    ("products", {"name": "Lamp", "product_type": "\x00"}, "product_type"),
    ("products", {"name": "Lamp", "categories": ["lighting\x00"]}, "categories"),
    ("products", {"name": "Lamp\x00"}, "name"),
    ("products", {"name": "Lamp", "slug": "la\x00mp"}, "slug"),
    ("products", {"name": "Lamp", "attributes": {"material\x00": "x"}}, "attributes"),
    ("products", {"name": "Lamp", "attributes": {"material": "x\x00"}}, "attributes"),
    (
        "products",
        {"name": "Lamp", "variants": [{"sku": "L", "price": "1", "options": {"a\x00": "b"}}]},
        "variants.0.options",
    ),
    (
        "products",
        {"name": "Lamp", "variants": [{"sku": "L", "price": "1", "options": {"a": "b\x00"}}]},
        "variants.0.options.a",
    ),
    ("product-types", {"name": "T", "product_attributes": ["material\x00"]}, "product_attributes"),
    ("product-types", {"name": "T", "variant_attributes": ["\x00"]}, "variant_attributes"),
    ("categories", {"name": "C", "description": "\x00"}, "description"),
    ("brands", {"name": "B", "slug": "b\x00"}, "slug"),
    ("attributes", {"code": "c\x00", "name": "C", "type": "text"}, "code"),
    ("variants/bulk", {"rows": [{"sku": "L\x00", "price": "1"}]}, "rows.0.sku"),
]


@pytest.mark.parametrize(("url", "payload", "field"), NUL_BODIES)
def test_a_nul_character_in_any_input_is_a_field_error(api, url, payload, field):
    Brand.objects.create(name="Acme", slug="acme")
    attribute("material", "text")

    response = api.post(f"{CATALOG}/{url}/", payload)

    assert response.status_code == 400, response.content
    assert "Null characters are not allowed." in fields_of(response)[field]
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "\x00"}, "category"),
        ({"brand": "\x00"}, "brand"),
        ({"brand": "acme,\x00"}, "brand"),
        ({"sort": "\x00"}, "sort"),
        ({"attr.material": "\x00"}, "attr.material"),
        ({"attr.mat\x00": "x"}, "attr.mat\x00"),
        ({"cursor": "\x00"}, "cursor"),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/shop/products/", "/api/v1/search/"])
def test_a_nul_character_in_a_shop_filter_is_a_field_error(
    store_client, store_a, path, params, field
):
    shop = store_client(store_a)
    connection.set_tenant(store_a)
    attribute("material", "text")

    response = shop.get(path, params)

    assert response.status_code == 400, response.content
    assert fields_of(response)[field] == ["Null characters are not allowed."]


def test_a_nul_character_in_the_staff_product_filter_is_a_field_error(api):
    response = api.get(f"{CATALOG}/products/", {"status": "\x00"})

    assert response.status_code == 400
    assert fields_of(response) == {"status": ["Null characters are not allowed."]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"price_min": "1e999"}, "price_min"),
        ({"price_max": "nan"}, "price_max"),
        ({"price_min": "1" * 200}, "price_min"),
        ({"in_stock": "perhaps"}, "in_stock"),
        ({"sort": "cheapest"}, "sort"),
    ],
)
def test_shop_filters_out_of_range_are_field_errors(store_client, store_a, params, field):
    response = store_client(store_a).get("/api/v1/shop/products/", params)

    assert response.status_code == 400, response.content
    assert list(fields_of(response)) == [field]


# --- Numbers bounded by their columns ------------------------------------------------------------


def test_a_stock_adjustment_beyond_the_column_is_refused(api):
    variant = make_product("lamp", skus=("L-1",), stock=5).variants.get()
    url = f"{CATALOG}/variants/{variant.pk}/stock-adjustments/"

    response = api.post(url, {"delta": 99999999999, "reason": "received"})

    assert response.status_code == 400
    assert list(fields_of(response)) == ["delta"]
    assert ProductVariant.objects.get().stock_on_hand == 5


def test_a_stock_adjustment_whose_result_would_overflow_is_refused(api):
    variant = make_product("lamp", skus=("L-1",), stock=5).variants.get()
    url = f"{CATALOG}/variants/{variant.pk}/stock-adjustments/"

    first = api.post(url, {"delta": 2147483000, "reason": "received"})
    second = api.post(url, {"delta": 2147483000, "reason": "received"})

    assert first.status_code == 201
    assert second.status_code == 400
    assert second.json()["error"]["code"] == "stock_out_of_range"
    assert list(fields_of(second)) == ["delta"]
    assert ProductVariant.objects.get().stock_on_hand == 2147483005
    assert StockAdjustment.objects.filter(reason="received", delta=2147483000).count() == 1


def test_the_stock_services_refuse_levels_the_column_cannot_hold(in_store_a):
    from catalog.inventory import adjust_stock, set_stock_levels

    variant = make_product("lamp", skus=("L-1",), stock=5).variants.get()
    with pytest.raises(CatalogError):
        adjust_stock(variant_id=variant.pk, delta=2**31, reason="received")
    with pytest.raises(CatalogError):
        set_stock_levels(levels=[(variant.pk, 2**31)], reason="correction")
    assert ProductVariant.objects.get().stock_on_hand == 5


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"stock_on_hand": 99999999999999}, "rows.0.stock_on_hand"),
        ({"stock_on_hand": -99999999999999}, "rows.0.stock_on_hand"),
        ({"price": "99999999999999"}, "rows.0.price"),
        ({"price": "1.001"}, "rows.0.price"),
        ({"b2b_price": "NaN"}, "rows.0.b2b_price"),
        ({"compare_at_price": "-1"}, "rows.0.compare_at_price"),
    ],
)
def test_bulk_values_beyond_their_columns_are_field_errors(api, row, field):
    make_product("lamp", skus=("L-1",), stock=5)

    response = api.post(f"{CATALOG}/variants/bulk/", {"rows": [{"sku": "L-1", **row}]})

    assert response.status_code == 400, response.content
    assert list(fields_of(response)) == [field]
    variant = ProductVariant.objects.get()
    assert (variant.stock_on_hand, str(variant.price)) == (5, "20.00")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"weight_grams": 99999999999}, "weight_grams"),
        ({"low_stock_threshold": -1}, "low_stock_threshold"),
        ({"position": 2**31}, "position"),
        ({"stock_on_hand": 2**31}, "stock_on_hand"),
        ({"price": "1e999"}, "price"),
        ({"cost_price": "12345678901.00"}, "cost_price"),
    ],
)
def test_variant_numbers_beyond_their_columns_are_field_errors(api, payload, field):
    variant = make_product("lamp", skus=("L-1",), stock=5).variants.get()

    response = api.patch(f"{CATALOG}/variants/{variant.pk}/", payload)

    assert response.status_code == 400, response.content
    assert list(fields_of(response)) == [field]


@pytest.mark.parametrize("value", ["1e30", "NaN", "Infinity", "0.00001"])
def test_a_number_attribute_beyond_its_column_is_a_field_error(api, value):
    attribute("weight", "number", unit="g")
    product = make_product("lamp", skus=("L-1",))

    response = api.patch(f"{CATALOG}/products/{product.pk}/", {"attributes": {"weight": value}})

    assert response.status_code == 400, response.content
    assert list(fields_of(response)) == ["attributes.weight"]


def test_an_image_position_beyond_its_column_is_a_field_error(owner, in_store_a):
    product = make_product("lamp", skus=("L-1",))
    url = f"{CATALOG}/products/{product.pk}/images/"

    response = owner.post(url, {"image": upload(image_bytes()), "position": 2**31})

    assert response.status_code == 400
    assert list(fields_of(response)) == ["position"]


# --- The browsable API ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/shop/products/",
        "/api/v1/shop/products/?category=lighting",
        "/api/v1/shop/categories/",
        "/api/v1/shop/categories/lighting/",
        "/api/v1/shop/brands/",
        "/api/v1/shop/products/lamp/",
    ],
)
def test_the_shop_answers_a_browser_with_the_browsable_api(store_client, store_a, path):
    connection.set_tenant(store_a)
    lighting = services.create_category(name="Lighting")
    make_product(
        "lamp",
        skus=("L-1",),
        status="active",
        brand=Brand.objects.create(name="Lumen", slug="lumen"),
    )
    Product.objects.get().categories.set([lighting])
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

    response = store_client(store_a).get(path, HTTP_ACCEPT=browser)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Accept" in response["Vary"]
    assert any(name in response.content for name in (b"Lamp", b"Lighting", b"Lumen"))


@pytest.mark.parametrize(
    "path", ["categories", "brands", "attributes", "product-types", "products"]
)
def test_the_staff_lists_answer_a_browser(owner, in_store_a, path):
    services.create_category(name="Lighting")
    make_product("lamp", skus=("L-1",))

    response = owner.get(f"{CATALOG}/{path}/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_the_schema_documents_the_shop_listing_filters(store_client, store_a):
    schema = store_client(store_a).get("/api/schema/", HTTP_ACCEPT="application/json").json()

    listing = schema["paths"]["/api/v1/shop/products/"]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert {
        "category",
        "brand",
        "price_min",
        "price_max",
        "in_stock",
        "sort",
        "attr.<code>",
    } <= names
    assert listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "PaginatedShopProductListList"
    )
    category = schema["paths"]["/api/v1/shop/categories/{slug}/"]["get"]["responses"]["200"]
    assert category["content"]["application/json"]["schema"]["$ref"].endswith("ShopCategory")


def test_the_bulk_service_refuses_prices_its_columns_cannot_hold(in_store_a):
    make_product("lamp", skus=("L-1",))

    with pytest.raises(CatalogError) as refused:
        services.bulk_update_variants(rows=[{"sku": "L-1", "price": "1e20"}])

    assert list(refused.value.fields) == ["rows.0"]
    assert str(ProductVariant.objects.get().price) == "20.00"


def test_admin_forms_are_bounded_by_their_columns(owner, in_store_a):
    from django.urls import reverse

    response = owner.post(
        reverse("admin:catalog_product_add"),
        {
            "name": "Lamp",
            "slug": "lamp",
            "status": "draft",
            "visible_b2c": "on",
            "variants-TOTAL_FORMS": "1",
            "variants-INITIAL_FORMS": "0",
            "variants-0-sku": "L-1",
            "variants-0-options": "{}",
            "variants-0-quantity_min": "1",
            "variants-0-quantity_step": "1",
            "variants-0-price": "1e20",
            "variants-0-weight_grams": "99999999999",
            "variants-0-stock_policy": "deny",
            "variants-0-low_stock_threshold": "0",
            "variants-0-position": "99999999999",
        },
    )

    assert response.status_code == 200  # the form again, with its errors
    assert not Product.objects.exists()
