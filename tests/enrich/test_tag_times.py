"""The article's time on its tag rows (enrich/tag_times.py), kept on every write path, and
the tag page's keyset pages over it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from broadsheet.api.forms import make_cursor
from broadsheet.articles.models import Article
from broadsheet.enrich import tag_times
from broadsheet.enrich.models import ArticleTag, Tag
from broadsheet.enrich.pipeline import save_tags

from .conftest import make_article, make_source, make_story

pytestmark = pytest.mark.django_db


def _times(article) -> set:
    return set(ArticleTag.objects.filter(article=article).values_list("published", flat=True))


def test_a_tag_row_stored_without_a_time_takes_its_articles(settings):
    article = make_article(n=5)
    save_tags(article.pk, ["KimJongUn", "Moscow"])  # the pipeline's path
    tag = Tag.objects.create(key="parade", name="Parade")
    ArticleTag.objects.bulk_create([ArticleTag(article=article, tag=tag)])  # any other
    assert _times(article) == {article.published}


def test_a_new_time_of_an_article_is_written_to_its_tag_rows():
    article, other = make_article(n=5), make_article("Another report", n=6)
    save_tags(article.pk, ["KimJongUn", "Moscow"])
    save_tags(other.pk, ["KimJongUn"])
    article.published -= timedelta(days=3)
    article.save()  # a fetch or `reextract` that found the page's own date
    assert _times(article) == {article.published}
    later = article.published + timedelta(hours=1)
    Article.objects.filter(pk=article.pk).update(published=later)  # the admin's list edit, a script
    assert _times(article) == {later}
    assert _times(other) == {other.published}  # nobody else's rows
    save_tags(article.pk, ["Moscow", "RedSquare"])  # a repeat keeps the time of the rows it keeps
    assert _times(article) == {later}


def test_the_migrations_fill_sets_every_row_without_a_time_in_one_statement(django_assert_max_num_queries):
    articles = [make_article(f"Report {i}", n=i) for i in range(5)]
    for article in articles:
        save_tags(article.pk, ["KimJongUn", "Moscow"])
    tag_times.uninstall(connection)
    try:
        ArticleTag.objects.update(published=None)
        with django_assert_max_num_queries(1):
            assert tag_times.fill(connection) == 10
    finally:
        tag_times.install(connection)
    for article in articles:
        assert _times(article) == {article.published}


def test_a_migrate_makes_the_triggers_again():
    """SQLite drops a table's triggers when Django rebuilds it; the post_migrate hook makes them again."""
    from django.core.management import call_command

    tag_times.uninstall(connection)
    call_command("migrate", verbosity=0)
    article = make_article(n=2)
    save_tags(article.pk, ["KimJongUn"])
    assert _times(article) == {article.published}


def _tagged_stories(n: int, tag: str = "KimJongUn") -> list:
    """n listed one-article stories carrying the tag, newest first."""
    from broadsheet.stories.store import refresh

    made = []
    for i in range(n):
        article = make_article(f"Kim report number {i}", n=i)
        story = make_story([article], article.title)
        refresh(story.pk)
        save_tags(article.pk, [tag])
        made.append((story, article))
    return made


def _pages(client, url: str, **params) -> list[str]:
    pages = []
    while True:
        reply = client.get(url, params)
        assert reply.status_code == 200
        pages.append(reply.content.decode())
        older = reply.context["older"]
        if not older:
            return pages
        params["before"] = older
        assert len(pages) < 20


def test_the_tag_pages_list_every_story_once_newest_first_a_page_at_a_time(client, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr("broadsheet.enrich.views.PER_PAGE", 4)
    made = _tagged_stories(10)
    loose = make_article("Kim report not yet in a story", n=20)  # older than all of them
    save_tags(loose.pk, ["KimJongUn"])
    pages = _pages(client, reverse("enrich:tag", args=["KimJongUn"]))
    assert len(pages) == 3
    shown = [[a.title for _, a in made + [(None, loose)] if a.title in html] for html in pages]
    assert shown == [[a.title for _, a in made[0:4]], [a.title for _, a in made[4:8]],
                     [made[8][1].title, made[9][1].title, loose.title]]


def test_the_tag_page_reads_a_bounded_window_of_the_tags_rows(client, settings, monkeypatch):
    """Stories the reader's languages leave out use up the read: the page stops at its bound and
    the Older link goes on from there, rather than reading the whole tag."""
    settings.PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr("broadsheet.enrich.views.PER_PAGE", 2)  # WINDOW 4: 8 rows a page at most
    swedish = make_source("Svenska Dagbladet", "https://svd.example/")
    made = _tagged_stories(3)
    from broadsheet.stories.models import Story

    swedish_rows = []
    for i in range(10):
        article = make_article(f"Kim på besök {i}", publisher=swedish, n=10 + i, language="sv")
        swedish_rows.append(article)
        story = make_story([article], article.title)
        Story.objects.filter(pk=story.pk).update(listed=True, language="sv", last_published=article.published,
                                                 headline=article.title, lead=article)
        save_tags(article.pk, ["KimJongUn"])
    english_only = made[-1][1]
    Article.objects.filter(pk=english_only.pk).update(published=english_only.published - timedelta(days=2))
    reply = client.get(reverse("enrich:tag", args=["KimJongUn"]), {"lang": "en"})
    html = reply.content.decode()
    assert made[0][1].title in html and made[1][1].title in html and english_only.title not in html
    cut = swedish_rows[5]  # the 8th row: 2 English stories and 6 Swedish ones read, then the page stops
    assert reply.context["older"] == make_cursor(cut.published, cut.pk)
    pages = _pages(client, reverse("enrich:tag", args=["KimJongUn"]), lang="en")
    assert english_only.title in pages[-1] and len(pages) == 2  # 2 stories (8 rows read), then the last
