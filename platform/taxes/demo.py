"""The demo store's taxes: an honest example for a store selling in US dollars.

US stores collect sales tax only in the states where they have nexus (a presence or enough
sales), at the state's rate plus local ones. The demo plays a store with nexus in California
alone: the statewide base rate of 7.25% there (district taxes, up to a few points more, are left
out: a real store would add them per region or use a tax service), and an explicit 0% for the
rest of the US, so that checkout never flags a US address as having no rate. Prices are entered
without tax (net) and shown without it, as US shoppers expect.
"""

from decimal import Decimal

from taxes import selectors, services
from taxes.models import TaxRate

DEMO_RATES = (
    ("US", "", Decimal("0"), "No sales tax"),
    ("US", "CA", Decimal("7.25"), "California sales tax 7.25%"),
)


def set_up_demo_taxes() -> bool:
    """Add the demo's rates to the default class, unless the store has rates (returns whether
    it added them). Idempotent: a second run, or a store whose taxes were set up, is left."""
    if TaxRate.objects.exists():
        return False
    standard = selectors.default_tax_class()
    if standard is None:
        standard = services.create_tax_class(name="Standard", is_default=True)
    for country, region, rate, name in DEMO_RATES:
        services.create_tax_rate(
            tax_class=standard, country=country, region=region, rate=rate, name=name
        )
    return True
