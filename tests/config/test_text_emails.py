"""Plain-text emails are not HTML: what a merchant typed reaches the inbox as typed."""

from pathlib import Path

import pytest
from django.core import mail
from django.template import engines
from django.template.base import VariableNode
from django.template.defaulttags import AutoEscapeControlNode
from django.templatetags.i18n import BlockTranslateNode

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("platform", "tenants", "storefront_cms", "search")


def _text_email_templates() -> list[str]:
    """Names of our plain-text email templates (ours and our overrides of allauth's)."""
    names = []
    for source in SOURCE_DIRS:
        for path in (ROOT / source).rglob("templates/**/*.txt"):
            parts = path.parts
            below_templates = parts[len(parts) - parts[::-1].index("templates") :]
            if "email" in below_templates[:-1]:
                names.append("/".join(below_templates))
    return sorted(names)


def test_every_plain_text_email_template_turns_autoescaping_off():
    templates = _text_email_templates()
    assert "tenants/email/welcome.txt" in templates
    engine = engines["django"]
    for name in templates:
        nodelist = engine.get_template(name).template.nodelist
        outputs = _output_nodes(nodelist)
        unescaped = set()
        for node in nodelist.get_nodes_by_type(AutoEscapeControlNode):
            if not node.setting:
                unescaped |= _output_nodes(node.nodelist)
        assert outputs <= unescaped, f"{name} HTML-escapes its values: wrap it in autoescape off"


def _output_nodes(nodelist) -> set[int]:
    nodes = nodelist.get_nodes_by_type(VariableNode) + nodelist.get_nodes_by_type(
        BlockTranslateNode
    )
    return {id(node) for node in nodes}


@pytest.mark.django_db
def test_welcome_email_shows_the_store_name_as_typed(
    platform_client, celery_eager, django_capture_on_commit_callbacks
):
    signup = {
        "store_name": 'Lamp & Co <"Lights">',
        "subdomain": "lamp-and-co",
        "owner_email": "owner@lamp.example",
        "owner_password": "Tandem-Ride-2026",
        "plan": "free",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = platform_client.post(
            "/api/platform/signup/", signup, content_type="application/json"
        )
    assert response.status_code == 201, response.content
    welcome = mail.outbox[-1]
    assert welcome.subject == 'Your store Lamp & Co <"Lights"> is open'
    assert 'Your store "Lamp & Co <"Lights">" is open at' in welcome.body
    assert "&amp;" not in welcome.body
    assert welcome.body.endswith("The Mercato team\n")
