"""The B2B app's first migration: its tables come in one migration per concern after it."""

from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0007_company_b2b_terms"),
    ]

    operations = []
