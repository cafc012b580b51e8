"""search.schema.rebuild() (one statement for every article: what install() runs when the
triggers were missing, and what bench/fill.py runs after a bulk fill) makes the documents
the triggers make one article at a time."""

from __future__ import annotations

import pytest
from django.db import connection

from broadsheet.articles.models import Article
from broadsheet.search.schema import rebuild
from broadsheet.enrich.models import ArticleTag, Tag
from broadsheet.sources.models import Source

pytestmark = pytest.mark.django_db


def documents() -> dict[int, tuple]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT article_id, document::text FROM search_document")
        else:
            cursor.execute("SELECT rowid, title, body, source, tags FROM search_fts")
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def test_the_rebuild_makes_the_documents_the_triggers_make():
    wire, daily = (Source.objects.create(homepage=f"https://{n}.example/", name=name)
                   for n, name in (("wire", "Wire Café"), ("daily", "Dagens Nyheter")))
    rows = [("Storm closes the harbour", "Ferries stayed in port as winds reached 90 km/h.", "en", wire, "ok"),
            ("Stormen stänger hamnen", "Färjorna låg kvar i hamn när vindarna nådde 25 m/s.", "sv", daily, "ok"),
            ("Élection à Genève", "Les électeurs ont voté dimanche.", "xx", wire, "ok"),
            ("No language given", "", "", daily, "ok"),
            ("Failed extraction", "Should not be indexed.", "en", wire, "failed")]
    made = [Article.objects.create(source=src, url=f"https://x.example/{i}", title=title, body=body, language=lang,
                                   status=status) for i, (title, body, lang, src, status) in enumerate(rows)]
    for item, names in zip(made, (["HarbourStorm"], ["Stormen", "Sverige"], [], ["Weather"], ["Storm"])):
        for name in names:
            ArticleTag.objects.create(article=item, tag=Tag.objects.get_or_create(key=name.lower(), name=name)[0])
    by_triggers = documents()
    assert set(by_triggers) == {a.pk for a in made[:4]}  # the failed one is left out
    assert "Sver" in str(by_triggers[made[1].pk]).title() and "Weather" in str(by_triggers[made[3].pk]).title()  # both tags

    with connection.cursor() as cursor:  # emptied, so the rebuild must make every document itself
        cursor.execute("DELETE FROM search_document" if connection.vendor == "postgresql" else "DELETE FROM search_fts")
    assert documents() == {}
    assert rebuild(connection) == 4
    assert documents() == by_triggers
