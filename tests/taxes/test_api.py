"""The taxes API as the owner uses it: classes with one default, rates per country and region,
the store's tax settings; bad input refused field by field with nothing changed; one store's
taxes unknown at another; constant query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts import services as account_services
from catalog import services as catalog_services
from taxes import selectors, services
from taxes.calculations import TaxableLine, TaxAddress, tax_for_lines
from taxes.models import ProductTaxClass, TaxClass, TaxRate, TaxSettings
from tests.matrix import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(store_a):
    connection.set_tenant(store_a)
    client = APIClient(HTTP_HOST=store_a.primary_host)
    token = account_services.issue_auth_token(user=make_person("owner")).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def standard(store_a):
    connection.set_tenant(store_a)
    return TaxClass.objects.get(is_default=True)


def fields_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    return body["error"].get("fields", {})


def test_every_store_starts_with_a_standard_default_class_and_net_per_line_settings(owner):
    classes = owner.get("/api/v1/taxes/classes/").json()["results"]
    settings = owner.get("/api/v1/taxes/settings/").json()

    assert [(c["name"], c["is_default"], c["is_exempt"]) for c in classes] == [
        ("Standard", True, False)
    ]
    assert settings["prices_entered_with_tax"] is False
    assert settings["rounding"] == "per_line"
    assert settings["charge_tax_on_shipping"] is True
    assert settings["shipping_tax_class"] is None
    assert settings["display_prices_with_tax"] is False


def test_owner_adds_rates_by_country_and_region(owner, standard):
    country = owner.post(
        "/api/v1/taxes/rates/",
        {"tax_class": standard.pk, "country": "us", "rate": "0", "name": "No sales tax"},
        format="json",
    )
    region = owner.post(
        "/api/v1/taxes/rates/",
        {
            "tax_class": standard.pk,
            "country": "US",
            "region": "US-ca",
            "rate": "7.25",
            "name": "CA sales tax 7.25%",
        },
        format="json",
    )

    assert country.status_code == 201, country.content
    assert region.status_code == 201, region.content
    assert region.json()["country"] == "US" and region.json()["region"] == "CA"
    assert region.json()["rate"] == "7.2500"
    listed = owner.get("/api/v1/taxes/rates/?country=US").json()["results"]
    assert [(r["region"], r["name"]) for r in listed] == [
        ("", "No sales tax"),
        ("CA", "CA sales tax 7.25%"),
    ]
    assert owner.get("/api/v1/taxes/classes/").json()["results"][0]["rate_count"] == 2


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"country": "UK"}, "country", "Use GB"),
        ({"country": "ZZ"}, "country", "ISO 3166-1"),
        ({"region": "CAL!"}, "region", "ISO 3166-2"),
        ({"region": "DE-BY"}, "region", "a region of DE"),
        ({"rate": "100.0001"}, "rate", ""),
        ({"rate": "-1"}, "rate", ""),
        ({"rate": "7.00001"}, "rate", ""),
        ({"rate": "NaN"}, "rate", ""),
        ({"name": "   "}, "name", ""),
        ({"name": "x" * 101}, "name", ""),
        ({"tax_class": 999999}, "tax_class", ""),
    ],
)
def test_bad_rates_are_refused_field_by_field(owner, standard, body, field, words):
    data = {"tax_class": standard.pk, "country": "FR", "rate": "20", "name": "TVA 20%", **body}

    response = owner.post("/api/v1/taxes/rates/", data, format="json")

    assert response.status_code == 400, response.content
    messages = fields_of(response)[field]
    assert words in " ".join(messages)
    assert not TaxRate.objects.exists()


def test_a_second_rate_for_the_same_class_and_place_is_refused(owner, standard):
    services.create_tax_rate(tax_class=standard, country="FR", rate="20", name="TVA 20%")

    response = owner.post(
        "/api/v1/taxes/rates/",
        {"tax_class": standard.pk, "country": "FR", "rate": "19.6", "name": "TVA"},
        format="json",
    )

    assert response.status_code == 400
    assert fields_of(response)["region"] == ["The class “Standard” has a rate for FR already."]
    assert TaxRate.objects.get().rate == Decimal("20.0000")


def test_making_a_class_the_default_takes_the_mark_from_the_previous_one(owner, standard):
    created = owner.post(
        "/api/v1/taxes/classes/", {"name": "Reduced", "is_default": False}, format="json"
    )
    reduced = created.json()["id"]

    response = owner.patch(f"/api/v1/taxes/classes/{reduced}/", {"is_default": True}, format="json")

    assert created.status_code == 201
    assert response.status_code == 200 and response.json()["is_default"] is True
    assert list(TaxClass.objects.filter(is_default=True).values_list("name", flat=True)) == [
        "Reduced"
    ]


def test_the_default_class_is_neither_unmarked_nor_deleted(owner, standard):
    unmarked = owner.patch(
        f"/api/v1/taxes/classes/{standard.pk}/", {"is_default": False}, format="json"
    )
    deleted = owner.delete(f"/api/v1/taxes/classes/{standard.pk}/")

    assert unmarked.status_code == 409
    assert unmarked.json()["error"]["code"] == "default_tax_class"
    assert deleted.status_code == 409
    assert TaxClass.objects.get(pk=standard.pk).is_default


def test_class_names_are_unique_whatever_their_case(owner, standard):
    response = owner.post("/api/v1/taxes/classes/", {"name": "  standard "}, format="json")

    assert response.status_code == 400
    assert fields_of(response)["name"] == ["A tax class of this name exists already."]
    assert TaxClass.objects.count() == 1


def test_an_exempt_class_takes_no_rate_and_a_class_with_rates_is_not_made_exempt(owner, standard):
    exempt = services.create_tax_class(name="Exempt", is_exempt=True)
    services.create_tax_rate(tax_class=standard, country="FR", rate="20", name="TVA 20%")

    rate = owner.post(
        "/api/v1/taxes/rates/",
        {"tax_class": exempt.pk, "country": "FR", "rate": "0", "name": "None"},
        format="json",
    )
    made_exempt = owner.patch(
        f"/api/v1/taxes/classes/{standard.pk}/", {"is_exempt": True}, format="json"
    )

    assert rate.status_code == 400 and "tax_class" in fields_of(rate)
    assert made_exempt.status_code == 400 and "is_exempt" in fields_of(made_exempt)
    assert not TaxClass.objects.get(pk=standard.pk).is_exempt


def test_deleting_a_class_puts_its_products_back_in_the_default_class(owner, standard):
    reduced = services.create_tax_class(name="Reduced")
    services.create_tax_rate(tax_class=reduced, country="FR", rate="5.5", name="TVA 5,5%")
    product = catalog_services.create_product(
        data={"name": "Bread"}, variants=[{"sku": "BREAD", "price": Decimal("2.00")}]
    )
    services.set_product_tax_class(product=product, tax_class=reduced)
    assert selectors.tax_class_ids_for_products([product.pk]) == {product.pk: reduced.pk}

    response = owner.delete(f"/api/v1/taxes/classes/{reduced.pk}/")

    assert response.status_code == 204
    assert selectors.tax_class_ids_for_products([product.pk]) == {}
    assert not TaxRate.objects.exists() and not ProductTaxClass.objects.exists()


def test_settings_change_and_bad_settings_are_refused(owner, standard):
    reduced = services.create_tax_class(name="Reduced")

    changed = owner.patch(
        "/api/v1/taxes/settings/",
        {
            "prices_entered_with_tax": True,
            "rounding": "per_total",
            "shipping_tax_class": reduced.pk,
            "display_prices_with_tax": True,
        },
        format="json",
    )
    bad_rounding = owner.patch("/api/v1/taxes/settings/", {"rounding": "banker"}, format="json")
    bad_class = owner.patch(
        "/api/v1/taxes/settings/", {"shipping_tax_class": 999999}, format="json"
    )

    assert changed.status_code == 200, changed.content
    assert changed.json()["rounding"] == "per_total"
    assert bad_rounding.status_code == 400 and "rounding" in fields_of(bad_rounding)
    assert bad_class.status_code == 400 and "shipping_tax_class" in fields_of(bad_class)
    settings = TaxSettings.objects.get()
    assert settings.prices_entered_with_tax and settings.display_prices_with_tax
    assert settings.rounding == "per_total" and settings.shipping_tax_class == reduced


def test_the_rules_the_calculation_reads_are_the_store_s(owner, standard, store_a):
    reduced = services.create_tax_class(name="Reduced")
    services.create_tax_rate(tax_class=standard, country="FR", rate="20", name="TVA 20%")
    services.create_tax_rate(tax_class=reduced, country="FR", rate="5.5", name="TVA 5,5%")
    services.update_tax_settings(data={"prices_entered_with_tax": True})
    bread = catalog_services.create_product(
        data={"name": "Bread"}, variants=[{"sku": "BREAD", "price": Decimal("2.11")}]
    )
    services.set_product_tax_class(product=bread, tax_class=reduced)
    classes = selectors.tax_class_ids_for_products([bread.pk])

    with CaptureQueriesContext(connection) as queries:
        rules = selectors.tax_rules(country="FR")
    breakdown = tax_for_lines(
        [
            TaxableLine("bread", _money("2.11"), 2, classes.get(bread.pk)),
            TaxableLine("lamp", _money("12.00"), 1, None),
        ],
        address=TaxAddress("FR"),
        settings=rules,
    )

    sql = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET ")]
    assert len(sql) == 3, sql
    assert rules.currency == "USD"  # the store's currency
    assert [line.tax for line in breakdown.lines] == [_money("0.22"), _money("2.00")]
    assert breakdown.gross == _money("16.22")


def _money(amount):
    from money import Money

    return Money(Decimal(amount), "USD")


def test_one_store_s_taxes_mean_nothing_at_another(owner, standard, store_b):
    rate = services.create_tax_rate(tax_class=standard, country="FR", rate="20", name="TVA 20%")
    connection.set_tenant(store_b)
    other_owner = make_person("owner")
    client = APIClient(HTTP_HOST=store_b.primary_host)
    token = account_services.issue_auth_token(user=other_owner).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert client.get(f"/api/v1/taxes/rates/{rate.pk}/").status_code == 404
    assert client.get("/api/v1/taxes/rates/").json()["results"] == []
    assert (
        client.patch(f"/api/v1/taxes/rates/{rate.pk}/", {"rate": "0"}, format="json").status_code
        == 404
    )


@pytest.mark.parametrize("path", ["/api/v1/taxes/classes/", "/api/v1/taxes/rates/"])
def test_lists_take_the_same_queries_for_few_and_many_rows(owner, standard, path):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert owner.get(path).status_code == 200
        return len(queries)

    services.create_tax_class(name="Class 0")
    services.create_tax_rate(tax_class=standard, country="FR", rate="20", name="TVA")
    few = count()
    for number, country in enumerate(["DE", "IT", "ES", "NL", "BE", "AT"], start=1):
        tax_class = services.create_tax_class(name=f"Class {number}")
        services.create_tax_rate(tax_class=tax_class, country=country, rate="10", name="VAT")
        services.create_tax_rate(tax_class=standard, country=country, rate="20", name="VAT")

    assert count() == few
