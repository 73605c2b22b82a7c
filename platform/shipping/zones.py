"""Which zones an address falls in, and how specific each match is.

A zone covers an address when the address's country is one of the zone's countries (or the
zone is the store's "rest of the world"), its region is one of the zone's regions (when the
zone lists any) and its postcode matches one of the zone's postcode patterns (when it lists
any). Of the zones that cover an address the **most specific wins**: a postcode match beats a
region match, which beats a country match, which beats the rest of the world; among equals the
zone placed first (``position``, then the oldest) wins. Only the winning zone's options are
offered.

Postcode patterns, compared without spaces, hyphens or case ("sw1a 1aa" is "SW1A1AA"):

- a **prefix**: ``SW1`` covers every postcode starting with it (SW1A 1AA, but also SW19);
- a **range**: ``75000-75999`` covers postcodes whose first characters (as many as the range's
  ends have) fall between its ends, compared character by character (so digits numerically);
- a **wildcard**: ``*`` stands for any characters, ``?`` for one (``SW1*``, ``9?1*``).

Regions are compared without case or surrounding spaces, and an address's ``US-CA`` counts as
``CA``: list the codes and names your shoppers' addresses carry (``CA``, ``California``).
"""

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase

# Specificity of a match: most specific wins.
REST_OF_WORLD, COUNTRY, REGION, POSTCODE = 0, 1, 2, 3

_RANGE = re.compile(r"^([A-Z0-9]+)-([A-Z0-9]+)$")
_PATTERN_CHARACTERS = re.compile(r"^[A-Z0-9*?]+$")


def normalize_postcode(value: str) -> str:
    """``"sw1a 1aa"`` -> ``"SW1A1AA"``; ``"94103-1234"`` -> ``"941031234"``."""
    return re.sub(r"[\s-]+", "", value or "").upper()


def normalize_region(value: str, *, country: str = "") -> str:
    """``" California "`` -> ``"california"``; ``"US-CA"`` (of the US) -> ``"ca"``."""
    region = " ".join((value or "").split()).casefold()
    prefix = f"{country.casefold()}-"
    if country and region.startswith(prefix):
        region = region[len(prefix) :]
    return region


@dataclass(frozen=True)
class PostcodePattern:
    """A parsed postcode pattern: a prefix, a range (``low``..``high``) or a wildcard."""

    text: str
    low: str = ""
    high: str = ""

    @property
    def is_range(self) -> bool:
        return bool(self.low)

    def matches(self, postcode: str) -> bool:
        """Whether ``postcode`` (normalized) is covered."""
        if not postcode:
            return False
        if self.is_range:
            head = postcode[: len(self.low)]
            return len(head) == len(self.low) and self.low <= head <= self.high
        if "*" in self.text or "?" in self.text:
            return fnmatchcase(postcode, self.text)
        return postcode.startswith(self.text)


def parse_postcode_pattern(raw: str) -> PostcodePattern:
    """Parse one pattern, or raise ValueError with a message for the merchant."""
    text = " ".join((raw or "").split()).upper()
    ranged = _RANGE.match(re.sub(r"\s*-\s*", "-", text).replace(" ", ""))
    if ranged:
        low, high = ranged.groups()
        if len(low) != len(high):
            raise ValueError(f"“{raw}”: both ends of a range have as many characters.")
        if low > high:
            raise ValueError(f"“{raw}”: a range goes from the lower end to the higher one.")
        return PostcodePattern(text=f"{low}-{high}", low=low, high=high)
    compact = text.replace(" ", "")
    if not compact or not _PATTERN_CHARACTERS.match(compact):
        raise ValueError(
            f"“{raw}” is no postcode pattern: use letters and digits, a range such as "
            "75000-75999, or * and ? as wildcards."
        )
    if compact.strip("*?") == "":
        raise ValueError(f"“{raw}” covers every postcode: leave the postcodes empty instead.")
    return PostcodePattern(text=compact)


def match_specificity(zone, *, country: str, region: str, postcode: str) -> int | None:
    """How specifically ``zone`` covers the address (REST_OF_WORLD..POSTCODE), or None."""
    if country in zone.countries:
        specificity = COUNTRY
    elif zone.rest_of_world:
        return REST_OF_WORLD
    else:
        return None
    if zone.regions:
        wanted = normalize_region(region, country=country)
        if not wanted or wanted not in {normalize_region(r, country=country) for r in zone.regions}:
            return None
        specificity = REGION
    if zone.postcodes:
        patterns = [_parsed(text) for text in zone.postcodes]
        if not any(pattern.matches(postcode) for pattern in patterns):
            return None
        specificity = POSTCODE
    return specificity


def _parsed(text: str) -> PostcodePattern:
    try:
        return parse_postcode_pattern(text)
    except ValueError:  # stored before a rule changed: it covers nothing
        return PostcodePattern(text="\x00")


def winning_zone(zones, *, country: str, region: str, postal_code: str):
    """The most specific of ``zones`` covering the address (None when none does)."""
    country = (country or "").upper()
    postcode = normalize_postcode(postal_code)
    best, best_key = None, None
    for zone in zones:
        specificity = match_specificity(zone, country=country, region=region, postcode=postcode)
        if specificity is None:
            continue
        key = (-specificity, zone.position, zone.pk)
        if best_key is None or key < best_key:
            best, best_key = zone, key
    return best
