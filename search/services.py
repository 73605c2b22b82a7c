"""Writes of the search: keep the store's search documents in step with its catalog.

The PostgreSQL documents are always kept (they are what search falls back to when
Elasticsearch is away); when Elasticsearch is the configured backend it is fed as well.
Everything runs in the current store's schema. The store's synonyms are written here too.
"""

from django.conf import settings
from django.db import transaction

from search.backends import get_backend
from search.backends.postgres import WORD, PostgresBackend
from search.errors import SynonymInvalid
from search.events import announce_documents_changed
from search.models import Synonym

# Bounds of the synonyms: every search reads all of a store's groups.
SYNONYM_WORD_MAX_LENGTH = 50
SYNONYM_GROUP_MAX_WORDS = 20
SYNONYM_GROUPS_MAX = 500


def _backends() -> list:
    backends = [PostgresBackend()]
    if settings.SEARCH_BACKEND != "postgres":
        backends.append(get_backend())
    return backends


def index_products(*, product_ids: list[int]) -> None:
    """(Re)index these products in bulk (one write per backend); inactive ones are removed.

    Idempotent: indexing the same products twice leaves the same documents. Once committed,
    ``search.events.search_documents_changed`` is sent (cached results are dropped).
    """
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return
    for backend in _backends():
        backend.index(product_ids=ids)
    announce_documents_changed(ids)


def remove_products(*, product_ids: list[int]) -> None:
    """Remove these products from every backend (idempotent: missing ones are ignored)."""
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return
    for backend in _backends():
        backend.remove(product_ids=ids)
    announce_documents_changed(ids)


def reindex_store() -> dict[str, int]:
    """Rebuild the store's search from its catalog in every backend, without downtime
    (PostgreSQL: one transaction; Elasticsearch: a new index, then an alias swap).

    Returns the number of documents per backend.
    """
    counts = {backend.name: backend.reindex() for backend in _backends()}
    announce_documents_changed()
    return counts


def rebuild_elasticsearch_index() -> int:
    """Rebuild the store's Elasticsearch index (new index, then alias swap), as a change of its
    synonyms needs: they are in the index's search analyser. Nothing to do on PostgreSQL."""
    if settings.SEARCH_BACKEND == "postgres":
        return 0
    count = get_backend().reindex()
    announce_documents_changed()
    return count


def check_synonym(*, terms: str, synonym: Synonym | None = None) -> str:
    """The group's words as they would be stored (``"tv, television"``), or SynonymInvalid:
    words refused by ``synonym_words``, a group that exists already, or a new group past
    SYNONYM_GROUPS_MAX. ``synonym`` is the group being edited (None for a new one)."""
    words = synonym_words(terms)
    if synonym is None and Synonym.objects.count() >= SYNONYM_GROUPS_MAX:
        _refuse(f"A store has at most {SYNONYM_GROUPS_MAX} synonym groups.")
    others = Synonym.objects.all() if synonym is None else Synonym.objects.exclude(pk=synonym.pk)
    for other in others.only("pk", "terms"):
        if set(other.words) == set(words):
            _refuse("This group exists already.")
    return ", ".join(words)


def create_synonym(*, terms: str) -> Synonym:
    """Add a group of words that mean the same ("tv, television"): a search for one finds the
    others. Refused with SynonymInvalid (``check_synonym``)."""
    with transaction.atomic():
        synonym = Synonym.objects.create(terms=check_synonym(terms=terms))
        _synonyms_changed()
    return synonym


def update_synonym(*, synonym: Synonym, terms: str) -> Synonym:
    """Change the words of a synonym group (refused as on creation: ``check_synonym``)."""
    with transaction.atomic():
        synonym.terms = check_synonym(terms=terms, synonym=synonym)
        synonym.save(update_fields=["terms"])
        _synonyms_changed()
    return synonym


def delete_synonym(*, synonym: Synonym) -> None:
    """Remove a synonym group: its words no longer find each other."""
    with transaction.atomic():
        synonym.delete()
        _synonyms_changed()


def synonym_words(terms: str) -> list[str]:
    """The group's words, lower-cased, in order, once each: comma-separated, at least two
    distinct ones, at most SYNONYM_GROUP_MAX_WORDS, each one word as search splits a query
    (letters and digits) of at most SYNONYM_WORD_MAX_LENGTH characters."""
    words: list[str] = []
    for raw in str(terms).split(","):
        word = raw.strip().lower()
        if not word:
            continue
        if not WORD.fullmatch(word):
            _refuse(f"“{raw.strip()[:60]}” is not one word: use letters and digits only.")
        if len(word) > SYNONYM_WORD_MAX_LENGTH:
            _refuse(f"“{word[:20]}…” is longer than {SYNONYM_WORD_MAX_LENGTH} characters.")
        if word not in words:
            words.append(word)
    if len(words) < 2:
        _refuse("Enter at least two different words, separated by commas.")
    if len(words) > SYNONYM_GROUP_MAX_WORDS:
        _refuse(f"A group has at most {SYNONYM_GROUP_MAX_WORDS} words.")
    return words


def _refuse(message: str):
    raise SynonymInvalid(message, fields={"terms": [message]})


def _synonyms_changed() -> None:
    """What the search needs after a change of synonyms. PostgreSQL reads them at each search
    (nothing cached); Elasticsearch keeps them in its index, rebuilt by a task once committed.
    The storefront's cached pages (search results) are dropped by its own signal receiver
    (storefront_cms.caching: a save or delete of a synonym)."""
    if settings.SEARCH_BACKEND != "postgres":
        from search.tasks import rebuild_elasticsearch_index

        transaction.on_commit(rebuild_elasticsearch_index.delay)
