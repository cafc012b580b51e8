"""The set-based rebuilds of the search index make the documents the triggers make one
article at a time: search.schema.rebuild() (one statement for every article, what
install() runs when the triggers were missing) and bench/fill.py's PostgreSQL form, which
makes each distinct body's part once."""

from __future__ import annotations

import pytest
from django.db import connection

from bench.fill import rebuild_pg_search
from broadsheet.articles.models import Article
from broadsheet.enrich.models import ArticleTag, Tag
from broadsheet.search.schema import rebuild
from broadsheet.sources.models import Source

pytestmark = pytest.mark.django_db


def documents() -> dict[int, tuple]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT article_id, document::text, heads::text FROM search_document")
        else:  # the headline, tags and source name again in search_heads, each row beside its own
            cursor.execute("SELECT f.rowid, f.title, f.body, f.source, f.tags, h.title, h.tags, h.source "
                           "FROM search_fts f LEFT JOIN search_heads h ON h.rowid = f.rowid")
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


@pytest.fixture
def by_triggers() -> dict[int, tuple]:
    """Articles in several languages, with repeated and empty bodies, and what the triggers
    indexed of them."""
    wire, daily = (Source.objects.create(homepage=f"https://{n}.example/", name=name)
                   for n, name in (("wire", "Wire Café"), ("daily", "Dagens Nyheter")))
    rows = [("Storm closes the harbour", "Ferries stayed in port as winds reached 90 km/h.", "en", wire, "ok"),
            ("Stormen stänger hamnen", "Färjorna låg kvar i hamn när vindarna nådde 25 m/s.", "sv", daily, "ok"),
            ("Élection à Genève", "Les électeurs ont voté dimanche.", "xx", wire, "ok"),
            ("No language given", "", "", daily, "ok"),
            # The same body in two languages, and twice in one, under other titles and sources
            # (the bench's form makes each distinct (configuration, body) once).
            ("Harbour shut again", "Ferries stayed in port as winds reached 90 km/h.", "en", daily, "ok"),
            ("Hamnen stängd", "Ferries stayed in port as winds reached 90 km/h.", "sv", wire, "ok"),
            ("Empty body, English", "", "en", wire, "ok"),
            ("Failed extraction", "Should not be indexed.", "en", wire, "failed")]
    made = [Article.objects.create(source=src, url=f"https://x.example/{i}", title=title, body=body, language=lang,
                                   status=status) for i, (title, body, lang, src, status) in enumerate(rows)]
    tags = (["HarbourStorm"], ["Stormen", "Sverige"], [], ["Weather"], ["Storm"], ["HarbourStorm"], [], ["Weather"])
    for item, names in zip(made, tags):
        for name in names:  # two on one article: the tags in the order the triggers write them
            ArticleTag.objects.create(article=item, tag=Tag.objects.get_or_create(key=name.lower(), name=name)[0])
    found = documents()
    assert set(found) == {a.pk for a in made if a.status == "ok"}  # the failed one is left out
    assert "Sver" in str(found[made[1].pk]).title() and "Weather" in str(found[made[3].pk]).title()  # both tags
    assert all(row[-1] for row in found.values())  # the headline's index (PostgreSQL: `heads`) made too
    with connection.cursor() as cursor:  # emptied, so a rebuild must make every document itself
        for table in (["search_document"] if connection.vendor == "postgresql" else ["search_fts", "search_heads"]):
            cursor.execute(f"DELETE FROM {table}")
    assert documents() == {}
    return found


def test_the_rebuild_makes_the_documents_the_triggers_make(by_triggers):
    assert rebuild(connection) == len(by_triggers) == 7
    assert documents() == by_triggers


def test_the_fills_rebuild_makes_the_documents_the_triggers_make(by_triggers):
    if connection.vendor != "postgresql":
        pytest.skip("the bench's form is the PostgreSQL fill's; this run is on " + connection.vendor)
    assert rebuild_pg_search(connection) == len(by_triggers) == 7
    assert documents() == by_triggers
