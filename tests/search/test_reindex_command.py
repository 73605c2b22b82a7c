"""manage.py search_reindex [--tenant <slug>] rebuilds a store's search from its catalog."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from search import selectors
from search.models import ProductDocument
from tests.catalog.factories import product


@pytest.fixture(autouse=True)
def _postgres_backend(settings):
    settings.SEARCH_BACKEND = "postgres"


def test_reindex_one_store_from_its_catalog(store_a, store_b):
    connection.set_tenant(store_a)
    product("Walnut Desk")
    product("Hidden Draft", status="draft")
    ProductDocument.objects.all().delete()
    connection.set_schema_to_public()
    out = StringIO()
    call_command("search_reindex", tenant=store_a.slug, stdout=out)
    assert out.getvalue().startswith(f"{store_a.slug}: postgres: 1 documents")
    connection.set_tenant(store_a)
    hits = selectors.search_products(text="walnut", channel="b2c", filters={}).hits
    assert [hit.name for hit in hits] == ["Walnut Desk"]


def test_an_unknown_store_is_an_error(db):
    with pytest.raises(CommandError):
        call_command("search_reindex", tenant="no-such-store")
