from django.db import migrations


class Migration(migrations.Migration):
    """A variant's prices are in the store's currency (Tenant.currency): the per-variant column,
    which nothing enforced, goes."""

    dependencies = [
        ("catalog", "0006_variant_quantity_rules"),
    ]

    operations = [
        migrations.RemoveField(model_name="productvariant", name="currency"),
    ]
