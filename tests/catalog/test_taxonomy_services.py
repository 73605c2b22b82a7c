"""Categories, brands, attributes and product types are written by catalog services, from the
store admin and from the API alike: deletions keep products consistent and never fail with a
database error."""

import pytest

from catalog import services
from catalog.models import Attribute, Brand, Category, Product, ProductType
from tests.catalog.factories import attribute, brand, product

pytestmark = pytest.mark.django_db

API = "/api/v1/catalog"


def test_deleting_a_product_type_in_use_is_refused_in_the_api_with_a_clear_error(owner):
    tee = services.create_product_type(name="T-shirt")
    product(product_type=tee)

    response = owner.delete(f"{API}/product-types/{tee.pk}/")

    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "1 product uses this type: give them another type first."
    )
    assert ProductType.objects.filter(pk=tee.pk).exists()


def test_an_unused_product_type_is_deleted(owner):
    poster = services.create_product_type(name="Poster")

    assert owner.delete(f"{API}/product-types/{poster.pk}/").status_code == 204
    assert not ProductType.objects.exists()


def test_product_types_are_created_and_changed_with_their_attributes_in_the_api(owner):
    size = attribute("size", "choice", ["S"])
    material = attribute("material", "text")

    created = owner.post(
        f"{API}/product-types/",
        {"name": "T-shirt", "variant_attributes": ["size"]},
        content_type="application/json",
    )
    changed = owner.patch(
        f"{API}/product-types/{created.json()['id']}/",
        {"product_attributes": ["material"]},
        content_type="application/json",
    )

    assert created.status_code == 201, created.content
    assert created.json()["slug"] == "t-shirt"
    assert changed.status_code == 200, changed.content
    tee = ProductType.objects.get()
    assert (list(tee.product_attributes.all()), list(tee.variant_attributes.all())) == (
        [material],
        [size],
    )


def test_deleting_a_brand_leaves_its_products_without_a_brand(owner):
    lamp = product(brand_name="Acme")

    response = owner.delete(f"{API}/brands/{Brand.objects.get().pk}/")

    assert response.status_code == 204
    assert Product.objects.get(pk=lamp.pk).brand is None


def test_brands_are_created_and_renamed_in_the_api(owner):
    created = owner.post(f"{API}/brands/", {"name": "Acme Tools"}, content_type="application/json")
    renamed = owner.patch(
        f"{API}/brands/{created.json()['id']}/", {"name": "Acme"}, content_type="application/json"
    )

    assert created.status_code == 201
    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["slug"]) == ("Acme", "acme-tools")


def test_deleting_a_category_deletes_its_subtree_and_keeps_its_products(owner):
    clothes = services.create_category(name="Clothes")
    tops = services.create_category(name="Tops", parent=clothes)
    tee = product(categories=[tops])

    response = owner.delete(f"{API}/categories/{clothes.pk}/")

    assert response.status_code == 204
    assert not Category.objects.exists()
    assert not Product.objects.get(pk=tee.pk).categories.exists()


def test_deleting_an_attribute_takes_its_values_off_the_products(owner):
    material = attribute("material", "text")
    tee = product()
    services.set_attribute_values(owner=tee, values={"material": "cotton"})
    assert Product.objects.get(pk=tee.pk).attribute_tokens

    response = owner.delete(f"{API}/attributes/{material.pk}/")

    assert response.status_code == 204
    assert not Attribute.objects.exists()
    assert Product.objects.get(pk=tee.pk).attribute_tokens == []


def test_a_taken_brand_slug_is_a_field_error_from_the_service(in_store_a):
    brand("Acme")

    with pytest.raises(services.CatalogError) as refused:
        services.create_brand(name="Acme")

    assert refused.value.fields == {"slug": ["'acme' is already in use."]}
