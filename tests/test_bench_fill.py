"""bench/fill.py's set-based rebuild of the PostgreSQL search index makes the documents
the triggers make (search_reindex(), one article at a time). PostgreSQL only."""

from __future__ import annotations

import pytest
from django.db import connection

from bench.fill import rebuild_pg_search
from broadsheet.articles.models import Article
from broadsheet.enrich.models import ArticleTag, Tag
from broadsheet.sources.models import Source

pytestmark = pytest.mark.django_db


def documents() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT article_id, document::text FROM search_document")
        return dict(cursor.fetchall())


def test_the_fills_rebuild_makes_the_documents_the_triggers_make():
    if connection.vendor != "postgresql":
        pytest.skip("the set-based rebuild is the PostgreSQL fill's; this run is on " + connection.vendor)
    wire, daily = (Source.objects.create(homepage=f"https://{n}.example/", name=name)
                   for n, name in (("wire", "Wire Café"), ("daily", "Dagens Nyheter")))
    rows = [("Storm closes the harbour", "Ferries stayed in port as winds reached 90 km/h.", "en", wire, "ok"),
            ("Stormen stänger hamnen", "Färjorna låg kvar i hamn när vindarna nådde 25 m/s.", "sv", daily, "ok"),
            ("Élection à Genève", "Les électeurs ont voté dimanche.", "xx", wire, "ok"),
            ("No language given", "", "", daily, "ok"),
            # Bodies made once per distinct (configuration, body): the same body in two languages,
            # and twice in one, under other titles and sources.
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
    by_triggers = documents()
    assert set(by_triggers) == {a.pk for a in made if a.status == "ok"}  # the failed one is left out

    assert rebuild_pg_search(connection) == len(by_triggers)
    assert documents() == by_triggers
