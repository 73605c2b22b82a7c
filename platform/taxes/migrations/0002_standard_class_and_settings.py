"""Every store starts with its default tax class, "Standard", and its tax settings (net
prices, rounded per line, shipping taxed): a product always has a class to be taxed by."""

from django.db import migrations


def create_defaults(apps, schema_editor):
    TaxClass = apps.get_model("taxes", "TaxClass")
    TaxSettings = apps.get_model("taxes", "TaxSettings")
    if not TaxClass.objects.filter(is_default=True).exists():
        TaxClass.objects.create(name="Standard", is_default=True)
    TaxSettings.objects.get_or_create(id=1)


class Migration(migrations.Migration):
    dependencies = [("taxes", "0001_tax_classes_rates_and_settings")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
