"""Every store starts with a composed home page, the usual content pages and a theme.

Runs in the template schema, so every store cloned from it has them already (signup stays as
fast as before: nothing is created per store). Existing stores get them too, keeping what their
merchant wrote: a home page's intro becomes a rich-text block of its body, a content page whose
slug is taken is not added, and a theme already saved is left alone.
"""

import uuid

from django.db import migrations
from django.utils import timezone

# storefront_cms.provisioning puts the store's name in the heading ("Welcome to <store>").
HERO = {
    "heading": "Welcome to our shop",
    "text": "Things we love, chosen with care and shipped quickly. Have a look around.",
    "image": None,
    "button_text": "Browse the catalog",
    "button_link": "/search/",
}
PROMO = {"text": "Free returns within 30 days", "link": "/shipping-returns/"}

CONTENT_PAGES = [
    (
        "about",
        "About us",
        "Who we are and what we sell.",
        "<h2>Our story</h2><p>We started this shop because we could not find the things we "
        "wanted, made the way we wanted them. Every product here is one we would buy "
        "ourselves.</p><h2>Get in touch</h2><p>Questions about an order or a product? Write to "
        "us and a real person answers, usually within a working day.</p>",
    ),
    (
        "faq",
        "Frequently asked questions",
        "Answers to the questions shoppers ask us most.",
        "<h2>How long does delivery take?</h2><p>Orders leave our warehouse within two working "
        "days; you get an email with the tracking link as soon as yours does.</p>"
        "<h2>Can I change or cancel my order?</h2><p>Yes, until it ships: write to us with your "
        "order number.</p><h2>Do you sell to businesses?</h2><p>We do. Create an account for "
        "your company to see business prices and order for your team.</p>",
    ),
    (
        "shipping-returns",
        "Shipping and returns",
        "Delivery times, costs and how to return an item.",
        "<h2>Shipping</h2><p>We ship to the addresses offered at checkout. Delivery costs and "
        "times are shown before you pay.</p><h2>Returns</h2><p>Changed your mind? Return any "
        "unused item within 30 days of delivery for a full refund. Write to us and we send you "
        "the return instructions.</p>",
    ),
    (
        "privacy",
        "Privacy policy",
        "What personal data we keep, why, and your rights.",
        "<p>We keep the personal data we need to sell to you and deliver your orders: your "
        "name, email address, addresses and order history. We never sell it. You can see, "
        "correct and delete your data from your account at any time, or ask us to do it for "
        "you.</p><p>Please replace this text with your own privacy policy.</p>",
    ),
    (
        "terms",
        "Terms of service",
        "The terms of buying from this store.",
        "<p>These terms apply to every order placed in this store. Prices include the taxes "
        "shown at checkout. A contract is made when we confirm your order by email.</p>"
        "<p>Please replace this text with your own terms of service.</p>",
    ),
]
HEADER_LINKS = (("about", "About"), ("faq", "FAQ"))
FOOTER_LINKS = (
    ("about", "About us"),
    ("faq", "FAQ"),
    ("shipping-returns", "Shipping & returns"),
    ("privacy", "Privacy"),
    ("terms", "Terms"),
)
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's, for Wagtail's page paths


def block(block_type: str, value) -> dict:
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def path_step(number: int) -> str:
    digits = ""
    while number:
        number, remainder = divmod(number, len(ALPHABET))
        digits = ALPHABET[remainder] + digits
    return digits.rjust(4, "0")


def add_starter_content(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("storefront_cms", "HomePage")
    ContentPage = apps.get_model("storefront_cms", "ContentPage")
    ThemeSettings = apps.get_model("storefront_cms", "ThemeSettings")

    home = HomePage.objects.order_by("path").first()
    if home is None:
        return
    if not home.body.raw_data:
        body = [block("hero", HERO)]
        if home.intro:
            body.append(block("rich_text", home.intro))
        body.append(block("promo_strip", PROMO))
        home.body = body
        home.save(update_fields=["body"])

    content_type, _ = ContentType.objects.get_or_create(
        app_label="storefront_cms", model="contentpage"
    )
    children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
    taken_slugs = set(children.values_list("slug", flat=True))
    taken_paths = set(children.values_list("path", flat=True))
    now = timezone.now()
    pages = {}
    number = 0
    for slug, title, description, text in CONTENT_PAGES:
        if slug in taken_slugs:
            continue
        number += 1
        while home.path + path_step(number) in taken_paths:
            number += 1
        pages[slug] = ContentPage.objects.create(
            title=title,
            draft_title=title,
            slug=slug,
            content_type=content_type,
            path=home.path + path_step(number),
            depth=home.depth + 1,
            numchild=0,
            url_path=f"{home.url_path}{slug}/",
            locale_id=home.locale_id,
            live=True,
            first_published_at=now,
            last_published_at=now,
            search_description=description,
            body=[block("rich_text", text)],
        )
    Page.objects.filter(pk=home.pk).update(numchild=children.count())

    site = Site.objects.filter(root_page_id=home.pk).first()
    if site is None or ThemeSettings.objects.filter(site=site).exists():
        return

    def links(labelled_slugs):
        return [
            block("page", {"page": pages[slug].pk, "label": label})
            for slug, label in labelled_slugs
            if slug in pages
        ]

    ThemeSettings.objects.create(
        site=site, header_menu=links(HEADER_LINKS), footer_menu=links(FOOTER_LINKS)
    )


class Migration(migrations.Migration):
    dependencies = [("storefront_cms", "0003_theme_and_content_pages")]

    operations = [migrations.RunPython(add_starter_content, migrations.RunPython.noop)]
