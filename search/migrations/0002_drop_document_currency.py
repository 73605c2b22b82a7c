from django.db import migrations


class Migration(migrations.Migration):
    """A document's prices are in the store's currency, read from the store at query time: the
    per-document copy goes."""

    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(model_name="productdocument", name="currency"),
    ]
