"""The store admin's taxonomy screens: the category tree, brands, attributes, product types."""

import csv
import io

import pytest
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.images.widgets import AdminImageChooser

from catalog import services
from catalog.models import Attribute, Brand, Category, Product, ProductType
from tests.catalog.factories import attribute, brand, product
from tests.catalog.store_admin_clients import EDITORS, admin_client, login_redirect

pytestmark = pytest.mark.django_db

CATEGORIES = "/admin/categories/"
BRANDS = "/admin/brands/"
ATTRIBUTES = "/admin/attributes/"
PRODUCT_TYPES = "/admin/product-types/"


@pytest.fixture
def as_role(store_a):
    return lambda role: admin_client(store_a, role)


@pytest.fixture
def manager(as_role):
    return as_role("catalog_manager")


@pytest.fixture
def tree(store_a):
    """Clothes > Tops > T-shirts, and Home at the top level."""
    connection.set_tenant(store_a)
    clothes = services.create_category(name="Clothes")
    tops = services.create_category(name="Tops", parent=clothes)
    tees = services.create_category(name="T-shirts", parent=tops)
    home = services.create_category(name="Home")
    return {"clothes": clothes, "tops": tops, "tees": tees, "home": home}


def reload(instance):
    return type(instance).objects.get(pk=instance.pk)


def parent_of(category) -> Category | None:
    return reload(category).get_parent(update=True)


DASHBOARD = "/admin/"


def refused_page(response) -> str:
    """Where a page someone may not open sends them (Wagtail: the dashboard, with a message)."""
    assert response.status_code == 302
    return response["Location"]


def errors_of(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


# --- Categories --------------------------------------------------------------------------------


def test_the_category_tree_lists_categories_in_tree_order_indented_by_depth(manager, tree):
    product(categories=[tree["tees"]])

    response = manager.get(CATEGORIES)

    assert response.status_code == 200
    html = response.content.decode()
    names = ["Clothes", "Tops", "T-shirts", "Home"]
    positions = [html.index(f">{name}</a>") for name in names]
    assert positions == sorted(positions)
    assert 'data-category-depth="3"' in html
    assert "padding-inline-start: 4rem" in html  # T-shirts, two levels in
    rows = {row.pk: row.product_count for row in response.context["object_list"]}
    assert rows[tree["tees"].pk] == 1
    assert 'draggable="true"' in html


def test_the_category_tree_takes_the_same_queries_for_3_or_30_categories(manager, tree):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert manager.get(CATEGORIES).status_code == 200
        return len(queries)

    few = count_queries()
    for number in range(27):
        services.create_category(name=f"Extra {number}", parent=tree["tops"])
        product(categories=[tree["home"]])
    assert count_queries() == few


def test_a_category_is_created_under_its_parent(manager, tree):
    response = manager.post(
        f"{CATEGORIES}new/",
        {"name": "Polo shirts", "slug": "", "parent": tree["tops"].pk, "description": "Collars"},
    )

    assert response.status_code == 302
    created = Category.objects.get(slug="polo-shirts")
    assert parent_of(created) == tree["tops"]
    assert created.description == "Collars"


def test_add_subcategory_opens_the_form_with_its_parent_chosen(manager, tree):
    response = manager.get(f"{CATEGORIES}new/", {"parent": tree["tops"].pk})

    assert response.status_code == 200
    assert str(response.context["form"]["parent"].value()) == str(tree["tops"].pk)


def test_a_taken_slug_is_refused_next_to_the_field_with_what_was_typed_kept(manager, tree):
    response = manager.post(
        f"{CATEGORIES}new/", {"name": "More clothes", "slug": "clothes", "parent": ""}
    )

    assert response.status_code == 200
    assert errors_of(response, "slug") == ["'clothes' is already in use."]
    assert 'value="More clothes"' in response.content.decode()
    assert not Category.objects.filter(name="More clothes").exists()


def test_editing_a_category_changes_its_texts_and_moves_it(manager, tree):
    response = manager.post(
        f"{CATEGORIES}edit/{tree['tees'].pk}/",
        {"name": "Tees", "slug": "tees", "parent": tree["home"].pk, "is_active": "on"},
    )

    assert response.status_code == 302
    tees = reload(tree["tees"])
    assert (tees.name, tees.slug) == ("Tees", "tees")
    assert parent_of(tees) == tree["home"]


def content_image(title: str = "Tops picture"):
    """A merchant's Wagtail image (not a catalog.ProductImage)."""
    output = io.BytesIO()
    PillowImage.new("RGB", (640, 480), color=(200, 180, 150)).save(output, "JPEG")
    return get_image_model().objects.create(title=title, file=ImageFile(output, name="tops.jpg"))


def test_the_owner_gives_a_category_an_image_with_the_image_chooser(as_role, tree):
    owner = as_role("owner")
    picture = content_image()
    edit = f"{CATEGORIES}edit/{tree['tops'].pk}/"

    form = owner.get(edit)
    response = owner.post(
        edit,
        {
            "name": "Tops",
            "slug": "tops",
            "parent": tree["clothes"].pk,
            "image": picture.pk,
            "is_active": "on",
        },
    )

    assert form.status_code == 200
    assert isinstance(form.context["form"].fields["image"].widget, AdminImageChooser)
    assert 'data-chooser-url="/admin/images/chooser/"' in form.content.decode()
    assert response.status_code == 302
    assert reload(tree["tops"]).image == picture
    shown = owner.get(edit).content.decode()
    assert "Tops picture" in shown  # the chooser shows the chosen image
    inspect = owner.get(f"{CATEGORIES}inspect/{tree['tops'].pk}/")
    assert inspect.status_code == 200
    assert "Tops picture" in inspect.content.decode()


def test_a_new_category_gets_its_image_and_clearing_it_removes_it(manager, tree):
    picture = content_image("Shoes picture")

    created = manager.post(
        f"{CATEGORIES}new/", {"name": "Shoes", "parent": "", "image": picture.pk}
    )
    shoes = Category.objects.get(slug="shoes")
    cleared = manager.post(
        f"{CATEGORIES}edit/{shoes.pk}/", {"name": "Shoes", "slug": "shoes", "image": ""}
    )

    assert created.status_code == 302
    assert shoes.image == picture
    assert cleared.status_code == 302
    assert reload(shoes).image is None


def test_an_unknown_image_is_refused_next_to_the_field_with_what_was_typed_kept(manager, tree):
    response = manager.post(
        f"{CATEGORIES}edit/{tree['tops'].pk}/",
        {"name": "Tops renamed", "slug": "tops", "image": 999999},
    )

    assert response.status_code == 200
    assert errors_of(response, "image")
    assert 'value="Tops renamed"' in response.content.decode()
    assert reload(tree["tops"]).name == "Tops"


def test_support_cannot_set_a_category_image(as_role, tree):
    picture = content_image()
    support = as_role("support")
    edit = f"{CATEGORIES}edit/{tree['tops'].pk}/"

    response = support.post(edit, {"name": "Tops", "slug": "tops", "image": picture.pk})

    assert response.status_code == 403
    assert reload(tree["tops"]).image is None


def test_moving_a_category_under_its_own_subcategory_is_refused_and_changes_nothing(manager, tree):
    response = manager.post(
        f"{CATEGORIES}edit/{tree['clothes'].pk}/",
        {"name": "Apparel", "slug": "clothes", "parent": tree["tees"].pk, "is_active": "on"},
    )

    assert response.status_code == 200
    assert errors_of(response, "parent") == ["This would make the category tree a cycle."]
    assert 'value="Apparel"' in response.content.decode()
    assert reload(tree["clothes"]).name == "Clothes"  # the texts were not saved either
    assert parent_of(tree["clothes"]) is None


def test_the_move_page_moves_a_category_without_javascript(manager, tree):
    page = manager.get(f"{CATEGORIES}move/{tree['tees'].pk}/")
    assert page.status_code == 200
    assert "— — T-shirts" in page.content.decode()  # choices indented by depth

    response = manager.post(f"{CATEGORIES}move/{tree['tees'].pk}/", {"parent": ""})

    assert response.status_code == 302
    assert response["Location"] == CATEGORIES
    assert parent_of(tree["tees"]) is None
    history = manager.get(f"{CATEGORIES}history/{tree['tees'].pk}/")
    assert [entry.action for entry in history.context["object_list"]] == ["wagtail.edit"]


def test_the_move_page_refuses_a_cycle_next_to_the_select(manager, tree):
    response = manager.post(f"{CATEGORIES}move/{tree['clothes'].pk}/", {"parent": tree["tops"].pk})

    assert response.status_code == 200
    assert errors_of(response, "parent") == ["This would make the category tree a cycle."]
    assert parent_of(tree["clothes"]) is None


def test_drag_and_drop_moves_answer_in_json(manager, tree):
    xhr = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
    moved = manager.post(
        f"{CATEGORIES}move/{tree['home'].pk}/", {"parent": tree["clothes"].pk}, **xhr
    )
    refused = manager.post(
        f"{CATEGORIES}move/{tree['tops'].pk}/", {"parent": tree["tees"].pk}, **xhr
    )

    assert moved.status_code == 200
    assert moved.json() == {"message": "Home moved under Clothes."}
    assert parent_of(tree["home"]) == tree["clothes"]
    assert refused.status_code == 400
    assert refused.json() == {"errors": ["This would make the category tree a cycle."]}


def test_deleting_a_category_deletes_its_subtree_and_keeps_its_products(manager, tree):
    shirt = product(categories=[tree["tees"]])
    confirm = manager.get(f"{CATEGORIES}delete/{tree['tops'].pk}/")
    assert "and its 1 subcategories" in confirm.content.decode()

    response = manager.post(f"{CATEGORIES}delete/{tree['tops'].pk}/")

    assert response.status_code == 302
    assert set(Category.objects.values_list("name", flat=True)) == {"Clothes", "Home"}
    assert Product.objects.filter(pk=shirt.pk).exists()
    assert not reload(shirt).categories.exists()


# --- Brands ------------------------------------------------------------------------------------


def test_brands_are_listed_with_their_products_searched_and_exported(manager, store_a):
    connection.set_tenant(store_a)
    product(brand_name="Acme")
    brand("Zenith")

    listing = manager.get(BRANDS)
    searched = manager.get(BRANDS, {"q": "zen"})
    exported = manager.get(BRANDS, {"export": "csv"})

    assert listing.status_code == 200
    assert [(b.name, b.product_count) for b in listing.context["object_list"]] == [
        ("Acme", 1),
        ("Zenith", 0),
    ]
    assert [b.name for b in searched.context["object_list"]] == ["Zenith"]
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert rows[0] == ["Name", "Slug", "Description", "Products"]
    assert rows[1][:2] == ["Acme", "acme"]


@pytest.mark.parametrize(("has_products", "expected"), [("true", ["Acme"]), ("false", ["Zenith"])])
def test_brands_are_filtered_by_whether_they_have_products(
    manager, store_a, has_products, expected
):
    connection.set_tenant(store_a)
    product(brand_name="Acme")
    brand("Zenith")

    response = manager.get(BRANDS, {"has_products": has_products})

    assert [b.name for b in response.context["object_list"]] == expected


def test_the_brand_list_takes_the_same_queries_for_2_or_20_brands(manager, store_a):
    connection.set_tenant(store_a)
    product(brand_name="Acme")
    brand("Zenith")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert manager.get(BRANDS).status_code == 200
        return len(queries)

    few = count_queries()
    for number in range(18):
        product(brand_name=f"Brand {number}")
    assert count_queries() == few


def test_a_brand_is_created_edited_inspected_and_deleted(manager, store_a):
    created = manager.post(f"{BRANDS}new/", {"name": "Acme Tools", "slug": "", "description": ""})
    assert created.status_code == 302
    acme = Brand.objects.get(slug="acme-tools")
    tool = product(brand_name="Acme Tools")

    edited = manager.post(
        f"{BRANDS}edit/{acme.pk}/", {"name": "Acme", "slug": "acme", "description": "Since 1900"}
    )
    inspected = manager.get(f"{BRANDS}inspect/{acme.pk}/")
    deleted = manager.post(f"{BRANDS}delete/{acme.pk}/")

    assert edited.status_code == 302
    assert "Since 1900" in inspected.content.decode()
    assert deleted.status_code == 302
    assert not Brand.objects.exists()
    assert reload(tool).brand is None


def test_a_brands_history_says_who_created_and_changed_it(manager, store_a):
    manager.post(f"{BRANDS}new/", {"name": "Acme", "slug": ""})
    acme = Brand.objects.get()
    manager.post(f"{BRANDS}edit/{acme.pk}/", {"name": "Acme Tools", "slug": "acme"})

    history = manager.get(f"{BRANDS}history/{acme.pk}/")

    assert history.status_code == 200
    actions = [entry.action for entry in history.context["object_list"]]
    assert actions == ["wagtail.edit", "wagtail.create"]
    assert {entry.user.email for entry in history.context["object_list"]} == {
        "catalog_manager@example.com"
    }


def test_a_brand_whose_name_gives_no_slug_is_refused_next_to_the_slug(manager, store_a):
    response = manager.post(f"{BRANDS}new/", {"name": "!!!", "slug": ""})

    assert response.status_code == 200
    assert errors_of(response, "slug") == [services.NO_SLUG_MESSAGE]
    assert 'value="!!!"' in response.content.decode()


def test_a_brand_whose_slug_is_cleared_gets_one_made_from_its_name(manager, store_a):
    connection.set_tenant(store_a)
    acme = brand("Acme")

    response = manager.post(f"{BRANDS}edit/{acme.pk}/", {"name": "Acme Tools", "slug": ""})

    assert response.status_code == 302
    assert reload(acme).slug == "acme-tools"


def test_a_too_long_brand_name_is_refused_next_to_the_field(manager, store_a):
    response = manager.post(f"{BRANDS}new/", {"name": "x" * 121, "slug": ""})

    assert response.status_code == 200
    assert errors_of(response, "name") == [
        "Ensure this value has at most 120 characters (it has 121)."
    ]


# --- Attributes --------------------------------------------------------------------------------


def options_data(*rows, extra: int = 0) -> dict:
    """The options formset as the browser posts it: (id, value, slug, delete) per row."""
    rows = list(rows) + [("", "", "", False)] * extra
    data = {
        "options-TOTAL_FORMS": str(len(rows)),
        "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "500",
    }
    for index, (pk, value, slug, delete) in enumerate(rows):
        data.update(
            {
                f"options-{index}-id": pk,
                f"options-{index}-value": value,
                f"options-{index}-slug": slug,
            }
        )
        if delete:
            data[f"options-{index}-DELETE"] = "on"
    return data


def attribute_data(**fields) -> dict:
    return {"name": "Colour", "code": "colour", "type": "choice", "unit": "", **fields}


def test_an_attribute_is_created_with_its_options_inline(manager, store_a):
    response = manager.post(
        f"{ATTRIBUTES}new/",
        {
            **attribute_data(is_filterable="on"),
            **options_data(("", "Red", "", False), ("", "Sky blue", "", False), extra=2),
        },
    )

    assert response.status_code == 302
    colour = Attribute.objects.get(code="colour")
    assert [(o.value, o.slug) for o in colour.options.all()] == [
        ("Red", "red"),
        ("Sky blue", "sky-blue"),
    ]


def test_the_attribute_form_shows_its_options_and_edits_them(manager, store_a):
    connection.set_tenant(store_a)
    colour = attribute("colour", "choice", ["Red", "Blue", "Green"])
    red, blue, green = colour.options.all()
    page = manager.get(f"{ATTRIBUTES}edit/{colour.pk}/")
    assert 'value="Blue"' in page.content.decode()

    response = manager.post(
        f"{ATTRIBUTES}edit/{colour.pk}/",
        {
            **attribute_data(),
            **options_data(
                (red.pk, "Crimson", "red", False),
                (blue.pk, "Blue", "blue", True),
                (green.pk, "Green", "green", False),
                ("", "Yellow", "", False),
            ),
        },
    )

    assert response.status_code == 302
    assert [(o.value, o.slug) for o in reload(colour).options.all()] == [
        ("Crimson", "red"),
        ("Green", "green"),
        ("Yellow", "yellow"),
    ]


def test_two_options_with_one_slug_are_refused_on_the_second_row(manager, store_a):
    response = manager.post(
        f"{ATTRIBUTES}new/",
        {**attribute_data(), **options_data(("", "Red", "", False), ("", "RED", "", False))},
    )

    assert response.status_code == 200
    formset = response.context["options_formset"]
    assert formset.forms[1].errors["slug"] == ["'red' is already the slug of option 1."]
    assert 'value="RED"' in response.content.decode()
    assert not Attribute.objects.exists()


def test_options_on_a_text_attribute_are_refused_next_to_the_type(manager, store_a):
    response = manager.post(
        f"{ATTRIBUTES}new/",
        {**attribute_data(type="text"), **options_data(("", "Red", "", False))},
    )

    assert response.status_code == 200
    assert errors_of(response, "type") == ["Only choice attributes have options: clear them first."]


def test_a_taken_attribute_code_is_refused_next_to_the_code(manager, store_a):
    connection.set_tenant(store_a)
    attribute("colour", "choice")

    response = manager.post(f"{ATTRIBUTES}new/", {**attribute_data(), **options_data()})

    assert response.status_code == 200
    assert errors_of(response, "code") == ["'colour' is already in use."]


def test_attributes_are_filtered_by_type_with_their_options_in_constant_queries(manager, store_a):
    connection.set_tenant(store_a)
    attribute("colour", "choice", ["Red", "Blue"])
    attribute("weight", "number", unit="g")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = manager.get(ATTRIBUTES)
        assert "Red, Blue" in response.content.decode()
        return len(queries)

    few = count_queries()
    for number in range(10):
        attribute(f"extra-{number}", "choice", ["One", "Two", "Three"])
    assert count_queries() == few
    choices = manager.get(ATTRIBUTES, {"type": "number"})
    assert [a.code for a in choices.context["object_list"]] == ["weight"]


def test_deleting_an_attribute_deletes_its_options(manager, store_a):
    connection.set_tenant(store_a)
    colour = attribute("colour", "choice", ["Red"])

    response = manager.post(f"{ATTRIBUTES}delete/{colour.pk}/")

    assert response.status_code == 302
    assert not Attribute.objects.exists()


# --- Product types -----------------------------------------------------------------------------


def test_a_product_type_is_created_with_its_product_and_variant_attributes(manager, store_a):
    connection.set_tenant(store_a)
    material = attribute("material", "text")
    size = attribute("size", "choice", ["S", "M"])

    response = manager.post(
        f"{PRODUCT_TYPES}new/",
        {
            "name": "T-shirt",
            "slug": "",
            "product_attributes": [material.pk],
            "variant_attributes": [size.pk],
        },
    )

    assert response.status_code == 302
    tee = ProductType.objects.get(slug="t-shirt")
    assert list(tee.product_attributes.all()) == [material]
    assert list(tee.variant_attributes.all()) == [size]
    listing = manager.get(PRODUCT_TYPES)
    assert "Material" in listing.content.decode()


def test_product_types_are_filtered_by_attribute(manager, store_a):
    connection.set_tenant(store_a)
    size = attribute("size", "choice", ["S"])
    services.create_product_type(name="T-shirt", variant_attributes=[size])
    services.create_product_type(name="Poster")

    response = manager.get(PRODUCT_TYPES, {"variant_attributes": size.pk})

    assert [t.name for t in response.context["object_list"]] == ["T-shirt"]


def test_categories_are_exported_with_their_depth_and_products(manager, tree):
    product(categories=[tree["tees"]])

    response = manager.get(CATEGORIES, {"export": "csv"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["Name"], row["Depth"], row["Products"]) for row in rows] == [
        ("Clothes", "1", "0"),
        ("Tops", "2", "0"),
        ("T-shirts", "3", "1"),
        ("Home", "1", "0"),
    ]


def test_a_product_type_in_use_is_not_deleted_and_says_why(manager, store_a):
    connection.set_tenant(store_a)
    tee = services.create_product_type(name="T-shirt")
    product(product_type=tee)

    response = manager.post(f"{PRODUCT_TYPES}delete/{tee.pk}/", follow=True)

    assert response.status_code == 200
    assert "1 product uses this type: give them another type first." in (response.content.decode())
    assert ProductType.objects.filter(pk=tee.pk).exists()


def test_editing_a_product_type_replaces_its_attributes(manager, store_a):
    connection.set_tenant(store_a)
    material = attribute("material", "text")
    size = attribute("size", "choice", ["S"])
    tee = services.create_product_type(name="T-shirt", product_attributes=[material])

    response = manager.post(
        f"{PRODUCT_TYPES}edit/{tee.pk}/",
        {"name": "Tee", "slug": "tee", "variant_attributes": [size.pk]},
    )

    assert response.status_code == 302
    tee = reload(tee)
    assert (tee.name, list(tee.product_attributes.all()), list(tee.variant_attributes.all())) == (
        "Tee",
        [],
        [size],
    )


# --- Who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", EDITORS)
@pytest.mark.parametrize("listing", [CATEGORIES, BRANDS, ATTRIBUTES, PRODUCT_TYPES])
def test_owner_and_catalog_manager_see_the_lists_with_their_add_button(as_role, role, listing):
    response = as_role(role).get(listing)

    assert response.status_code == 200
    assert f'href="{listing}new/"' in response.content.decode()


@pytest.mark.parametrize("listing", [CATEGORIES, BRANDS, ATTRIBUTES, PRODUCT_TYPES])
def test_support_reads_the_lists_without_any_write_button(as_role, tree, listing):
    response = as_role("support").get(listing)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"{listing}new/" not in html
    assert f"{listing}delete/" not in html
    assert "/move/" not in html
    assert 'draggable="true"' not in html
    assert "/edit/" not in html


def test_support_is_refused_every_write(as_role, tree, store_a):
    connection.set_tenant(store_a)
    acme = brand("Acme")
    support = as_role("support")
    clothes = tree["clothes"].pk
    writes = [
        (f"{CATEGORIES}new/", {"name": "Shoes"}),
        (f"{CATEGORIES}edit/{clothes}/", {"name": "Shoes", "slug": "shoes"}),
        (f"{CATEGORIES}move/{clothes}/", {"parent": tree["home"].pk}),
        (f"{CATEGORIES}delete/{clothes}/", {}),
        (f"{BRANDS}new/", {"name": "Zenith"}),
        (f"{BRANDS}edit/{acme.pk}/", {"name": "Zenith", "slug": "zenith"}),
        (f"{BRANDS}delete/{acme.pk}/", {}),
        (f"{ATTRIBUTES}new/", attribute_data()),
        (f"{PRODUCT_TYPES}new/", {"name": "Tee"}),
    ]

    statuses = {url: support.post(url, data).status_code for url, data in writes}
    pages = {url: refused_page(support.get(url)) for url, _ in writes}

    assert set(statuses.values()) == {403}, statuses
    assert set(pages.values()) == {DASHBOARD}, pages
    assert support.get(f"{BRANDS}inspect/{acme.pk}/").status_code == 200
    assert Category.objects.count() == 4
    assert reload(acme).name == "Acme"


@pytest.mark.parametrize("listing", [CATEGORIES, BRANDS, ATTRIBUTES, PRODUCT_TYPES])
def test_an_order_manager_is_refused_the_catalog(as_role, listing):
    order_manager = as_role("order_manager")

    refused = order_manager.get(listing, follow=True)

    assert refused.redirect_chain == [(DASHBOARD, 302)]
    assert "Sorry, you do not have permission to access this area." in refused.content.decode()
    assert order_manager.post(f"{listing}new/", {"name": "Shoes"}).status_code == 403


@pytest.mark.parametrize("listing", [CATEGORIES, BRANDS, ATTRIBUTES, PRODUCT_TYPES])
def test_customers_and_strangers_are_sent_to_sign_in(as_role, store_client, store_a, listing):
    customer = as_role("customer")
    anonymous = store_client(store_a)

    for client in (customer, anonymous):
        response = client.get(listing)
        assert response.status_code == 302
        assert response["Location"] == login_redirect(listing)
        assert client.post(f"{listing}new/", {"name": "Shoes"}).status_code == 302
    assert not Brand.objects.exists()


def test_the_catalog_menu_shows_what_each_role_may_use(as_role):
    def menu(role) -> str:
        return as_role(role).get("/admin/").content.decode()

    manager, support, order_manager = (
        menu("catalog_manager"),
        menu("support"),
        menu("order_manager"),
    )

    for url in (CATEGORIES, BRANDS, ATTRIBUTES, PRODUCT_TYPES, "/admin/inventory/"):
        assert url in manager
        assert url in support
        assert url not in order_manager
    assert "/admin/import-export/" in manager
