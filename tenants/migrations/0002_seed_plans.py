from decimal import Decimal

from django.db import migrations

PLANS = [
    # code, name, price, products, staff, monthly orders (None = unlimited)
    ("free", "Free", Decimal("0"), 100, 2, 50, 0),
    ("basic", "Basic", Decimal("29"), 5_000, 5, 1_000, 1),
    ("pro", "Pro", Decimal("99"), None, 25, None, 2),
]


def seed_plans(apps, schema_editor):
    Plan = apps.get_model("tenants", "Plan")
    for code, name, price, products, staff, orders, order in PLANS:
        Plan.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "monthly_price": price,
                "max_products": products,
                "max_staff_accounts": staff,
                "max_monthly_orders": orders,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [migrations.RunPython(seed_plans, migrations.RunPython.noop)]
