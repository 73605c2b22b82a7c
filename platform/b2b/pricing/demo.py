"""The demo store's B2B prices: a "Demo wholesale" price list for the demo's companies (10%
off every product of one brand, a fixed price on one variant sold by the case of 6) and a
volume break every business gets. Added once, when the store has a company and no price list.
"""

from decimal import Decimal

from django.db import transaction

from accounts.models import Company
from b2b.models import CustomerGroup, PriceList
from b2b.pricing import services
from catalog.models import Brand, ProductVariant


def set_up_demo_price_list() -> bool:
    """Add the demo's price list unless the store has one or has no company (True when
    added)."""
    companies = list(Company.objects.filter(status=Company.Status.APPROVED).order_by("pk"))
    if PriceList.objects.exists() or not companies:
        return False
    brand = Brand.objects.order_by("pk").first()
    variants = list(ProductVariant.objects.filter(product__status="active").order_by("pk")[:2])
    with transaction.atomic():
        group = CustomerGroup.objects.filter(name="Wholesale customers").first()
        group = group or services.create_customer_group(
            name="Wholesale customers", company_ids=[company.pk for company in companies]
        )
        price_list = services.create_price_list(name="Demo wholesale", group_ids=[group.pk])
        if brand is not None:
            services.add_entry(
                price_list=price_list,
                target="brand",
                target_id=brand.pk,
                kind="percent_off",
                value=Decimal("10"),
            )
        if variants:
            first = variants[0]
            services.add_entry(
                price_list=price_list,
                target="variant",
                target_id=first.pk,
                kind="fixed",
                value=((first.b2b_price or first.price) * Decimal("0.8")).quantize(Decimal("0.01")),
                min_quantity=6,
                order_multiple=6,
            )
        if len(variants) > 1:
            second = variants[1]
            services.add_volume_break(
                variant=second,
                min_quantity=10,
                unit_price=((second.b2b_price or second.price) * Decimal("0.85")).quantize(
                    Decimal("0.01")
                ),
            )
    return True
