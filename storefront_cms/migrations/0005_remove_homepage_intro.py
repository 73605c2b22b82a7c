from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("storefront_cms", "0004_storefront_starter_content")]

    operations = [migrations.RemoveField(model_name="homepage", name="intro")]
