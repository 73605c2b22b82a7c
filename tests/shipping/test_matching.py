"""Which zone an address falls in: countries, regions, postcode patterns, the most specific
zone winning, and only the winning zone's options offered."""

import pytest

from shipping import selectors, zones
from tests.shipping.conftest import bands, count_queries, option, parcel, to, zone

pytestmark = pytest.mark.django_db


def offered_names(address, **parcel_fields) -> list[str]:
    return [o.name for o in selectors.options_for(address=address, parcel=parcel(**parcel_fields))]


def test_an_address_in_a_zone_country_is_offered_that_zones_options(in_store_a):
    domestic = zone("Domestic", ["US"])
    option(domestic, "Standard", price="5")
    option(domestic, "Express", price="15")

    assert offered_names(to("US")) == ["Standard", "Express"]
    assert offered_names(to("us")) == ["Standard", "Express"]  # codes in any case


def test_an_address_in_no_zone_is_offered_nothing(in_store_a):
    option(zone("Domestic", ["US"]), "Standard", price="5")

    assert offered_names(to("FR")) == []


def test_a_zone_narrowed_to_regions_covers_only_them_by_code_or_name(in_store_a):
    west = zone("West coast", ["US"], regions=["CA", "Oregon"])
    option(west, "West", price="4")

    assert offered_names(to("US", region="CA")) == ["West"]
    assert offered_names(to("US", region=" ca ")) == ["West"]
    assert offered_names(to("US", region="US-CA")) == ["West"]
    assert offered_names(to("US", region="oregon")) == ["West"]
    assert offered_names(to("US", region="TX")) == []
    assert offered_names(to("US", region="")) == []


@pytest.mark.parametrize(
    ("pattern", "covered", "not_covered"),
    [
        ("75", ["75001", "75 011", "759"], ["7501"[:1] + "6", "94103", ""]),
        ("75000-75999", ["75000", "75011", "75999", "75999-1234"], ["74999", "76000", "7500"]),
        ("SW1*", ["SW1A 1AA", "sw1a1aa", "SW19 1AA"], ["SE1 7PB", "S1"]),
        ("9?1*", ["901", "99100"], ["91", "9021"]),
        ("K1A", ["K1A 0B1", "k1a0b1"], ["K1B 0B1"]),
    ],
)
def test_postcode_patterns_cover_prefixes_ranges_and_wildcards(
    in_store_a, pattern, covered, not_covered
):
    local = zone("Local", ["US"], postcodes=[pattern])
    option(local, "Courier", price="3")

    for postal_code in covered:
        assert offered_names(to("US", postal_code=postal_code)) == ["Courier"], postal_code
    for postal_code in not_covered:
        assert offered_names(to("US", postal_code=postal_code)) == [], postal_code


def test_the_most_specific_zone_wins_postcode_over_region_over_country(in_store_a):
    country = zone("United States", ["US"], position=0)
    option(country, "Nationwide", price="8")
    region = zone("California", ["US"], regions=["CA"], position=1)
    option(region, "Californian", price="6")
    postcode = zone("San Francisco", ["US"], regions=["CA"], postcodes=["941*"], position=2)
    option(postcode, "Same day", price="12")
    world = zone("World", countries=[], rest_of_world=True)
    option(world, "International", price="30")

    assert offered_names(to("US", "CA", "94103")) == ["Same day"]
    assert offered_names(to("US", "CA", "90001")) == ["Californian"]
    assert offered_names(to("US", "TX", "73301")) == ["Nationwide"]
    assert offered_names(to("JP", "", "100-0001")) == ["International"]


def test_between_equally_specific_zones_the_first_placed_wins(in_store_a):
    second = zone("Second", ["FR"], position=5)
    option(second, "Second's", price="1")
    first = zone("First", ["FR", "BE"], position=1)
    option(first, "First's", price="2")

    assert offered_names(to("FR")) == ["First's"]
    assert offered_names(to("BE")) == ["First's"]


def test_inactive_zones_and_options_are_never_offered(in_store_a):
    specific = zone("Paris", ["FR"], postcodes=["75"], is_active=False)
    option(specific, "Paris courier", price="5")
    france = zone("France", ["FR"])
    option(france, "Colissimo", price="7")
    option(france, "Retired", price="1", is_active=False)

    assert offered_names(to("FR", postal_code="75011")) == ["Colissimo"]


def test_the_options_of_an_address_cost_three_queries_whatever_the_zones_and_options(in_store_a):
    canada = zone("Canada", ["CA"])
    option(canada, "Canada Post", price="9")
    address = to("CA", postal_code="H2X 1Y4")
    few = count_queries(lambda: offered_names(address))

    for number in range(30):
        option(zone(f"Zone {number}", ["US", "CA"], postcodes=[f"{number:02d}*"]), "X", price="1")
    for number in range(10):
        option(canada, f"Weighed {number}", kind="weight_bands", bands=bands((0, None, "4")))

    assert few == 3  # zones, options, bands
    assert count_queries(lambda: offered_names(address)) == few
    assert len(offered_names(address)) == 11


def test_postcode_normalization_and_ranges_are_explicit():
    assert zones.normalize_postcode(" sw1a-1aa ") == "SW1A1AA"
    assert zones.parse_postcode_pattern("75000 - 75999").text == "75000-75999"
    with pytest.raises(ValueError, match="as many characters"):
        zones.parse_postcode_pattern("7500-75999")
    with pytest.raises(ValueError, match="lower end"):
        zones.parse_postcode_pattern("75999-75000")
    with pytest.raises(ValueError, match="every postcode"):
        zones.parse_postcode_pattern("*")
    with pytest.raises(ValueError, match="no postcode pattern"):
        zones.parse_postcode_pattern("75#")
