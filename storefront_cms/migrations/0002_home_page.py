"""Every store starts with a HomePage at the root of its site, instead of Wagtail's welcome page.

Runs in the template schema, so every store cloned from it has the page already.
"""

from django.db import migrations


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("storefront_cms", "HomePage")

    home_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="storefront_cms")
    if HomePage.objects.exists():
        return
    Page.objects.filter(depth=2, slug="home").delete()  # Wagtail's welcome page
    root = Page.objects.get(depth=1)
    locale = Locale.objects.first()
    home = HomePage.objects.create(
        title="Home",
        draft_title="Home",
        slug="home",
        content_type=home_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        live=True,
        intro="",
    )
    root.numchild = 1
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": home, "site_name": "Store"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("storefront_cms", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(create_home_page, migrations.RunPython.noop)]
