"""Lists show stories, one card each, in bounded work however many rows there are."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from broadsheet.api.forms import make_cursor
from broadsheet.articles.models import Article
from broadsheet.stories.models import Related, Story
from tests.web.factories import article, source, story_of

pytestmark = pytest.mark.django_db


def _two_reports():
    other = source("Other Times", "https://other.example/")
    first = article("Parade held without guest", hours_ago=3, section="Politics")
    second = article("Leader skips the parade", hours_ago=2, section="Politics", publisher=other)
    return story_of(first, second), first, second, other


def test_two_reports_of_one_event_are_one_card_on_home_section_and_source_pages(client):
    story, first, second, other = _two_reports()
    article("Budget passes", section="Politics", hours_ago=30)
    for url in ("/", "/section/politics/", f"/source/{first.source_id}/", f"/source/{other.pk}/"):
        page = client.get(url).content.decode()
        assert page.count("Parade held without guest</a>") == 1, url
        assert "Leader skips the parade</a>" not in page, url  # the story's card, not a second one
        assert f'href="/story/{story.pk}/"' in page, url
    assert "Budget passes" in client.get("/section/politics/").content.decode()


def test_a_lone_report_is_a_one_source_card_that_links_to_the_article(client):
    alone = article("A single report", section="Science")
    page = client.get("/section/science/").content.decode()
    assert f'<a href="/article/{alone.pk}/">A single report</a>' in page
    assert "Full coverage" not in page and "Daily Example" in page


def test_a_story_card_names_its_sources_and_says_how_many_more(client):
    items = [article(f"Report {i}", hours_ago=i + 1, publisher=source(f"Paper {i}", f"https://p{i}.example/"))
             for i in range(5)]
    story_of(*items)
    page = client.get("/section/news/").content.decode()
    assert "Paper 4, Paper 3, Paper 2 and 2 more" in page and "5 sources, 5 articles" in page


def test_a_hidden_report_leaves_its_story_card_and_a_story_with_none_left_is_not_listed(client):
    from broadsheet.stories.store import refresh

    story, first, second, _ = _two_reports()
    Article.objects.filter(pk=first.pk).update(status=Article.Status.FAILED)
    refresh(story.pk)
    page = client.get("/section/politics/").content.decode()
    assert "Leader skips the parade</a>" in page and "Parade held without guest" not in page
    Article.objects.filter(pk=second.pk).update(status=Article.Status.FAILED)
    refresh(story.pk)
    assert not Story.objects.get(pk=story.pk).listed
    assert "Leader skips the parade" not in client.get("/section/politics/").content.decode()


def test_a_publisher_page_is_paged_by_cursor_without_repeating_a_story(client):
    for i in range(35):
        article(f"Match {i}", section="Sports", hours_ago=i + 1)
    publisher = Article.objects.first().source_id
    first = client.get(f"/source/{publisher}/").content.decode()
    older = re.search(r'href="\?before=([0-9_]+)"', first)[1]
    second = client.get(f"/source/{publisher}/?before={older}").content.decode()
    shown = re.findall(r">(Match \d+)</a>", first) + re.findall(r">(Match \d+)</a>", second)
    assert sorted(shown) == sorted(f"Match {i}" for i in range(35))


def _queries(client, url) -> int:
    client.get(url)  # warm what is cached once per process (content types, settings rows)
    with CaptureQueriesContext(connection) as done:
        assert client.get(url).status_code == 200
    return len(done)


PAGES = ["/", "/section/sports/", "/source/{source}/", "/story/{story}/", "/api/articles?limit=50"]


@pytest.mark.parametrize("url", PAGES)
def test_a_list_page_costs_the_same_queries_with_four_times_the_rows(client, settings, url):
    settings.PAGE_CACHE_SECONDS = 0
    publisher = source()

    def add(n, start):
        for i in range(start, start + n):
            story_of(article(f"Match {i}", section="Sports", hours_ago=i + 1, publisher=publisher),
                     article(f"Report {i}", section="Sports", hours_ago=i + 1,
                             publisher=source(f"Paper {i % 4}", f"https://p{i % 4}.example/")))

    add(5, 0)
    story = Story.objects.filter(listed=True).first()
    target = url.format(source=publisher.pk, story=story.pk)
    small = _queries(client, target)
    add(15, 5)
    assert _queries(client, target) == small <= 16


@pytest.mark.parametrize("url", ["/article/{article}/", "/source/{source}/", "/source/{source}/?before={cursor}",
                                 "/api/articles?limit=50", "/api/articles?source={source}&cursor={cursor}",
                                 "/story/{story}/", "/", "/?lang=all"])
def test_the_reader_pages_and_api_list_build_no_statement_after_their_first_view(client, settings, url):
    """Their statements are compiled once per connection (lib/prepared): the ORM's building of
    them was most of these pages' time. Asserted on the compiler itself, so a query added
    through the ORM on these pages shows here."""
    from django.db.models.sql.compiler import SQLCompiler

    settings.PAGE_CACHE_SECONDS = 0
    publisher = source()
    items = [article(f"Match {i}", section="Sports", hours_ago=i + 1, publisher=publisher) for i in range(3)]
    story = story_of(items[0], article("Report", section="Sports", publisher=source("Paper", "https://paper.example/")))
    article("Match 0, again", publisher=source("Copier", "https://copier.example/"), status=Article.Status.DUPLICATE,
            duplicate_of=items[0], story=False)
    Related.objects.create(article=items[0], other=items[1], rank=0, similarity=0.5)
    target = url.format(article=items[0].pk, source=publisher.pk, cursor=make_cursor(items[0].published, items[0].pk),
                        story=story.pk)
    first = client.get(target).content
    compiled = []
    original = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        compiled.append(self.query.model)
        return original(self, *args, **kwargs)

    SQLCompiler.as_sql = counted
    try:
        again = client.get(target)
    finally:
        SQLCompiler.as_sql = original
    assert again.status_code == 200 and b"Match" in again.content and compiled == []
    assert again.content == first  # the same page from the compiled statements
    assert b"also in</span> <a" in again.content or "/story/" not in url  # the story page draws the copy


@pytest.mark.parametrize("seconds", [5, 61, 3600 * 2, 86400 * 3, 86400 * 15, 86400 * 40, 86400 * 800])
def test_a_card_says_how_long_ago_as_the_rest_of_the_site_does(seconds):
    from datetime import timedelta

    from django.template import Context, Template
    from django.utils import timezone

    from broadsheet.web.templatetags.news import _time_html

    from django.utils.timesince import timesince

    now = timezone.now()
    then = now - timedelta(seconds=seconds)
    # What Django's own filters write (the template reltime used to render), beside ours.
    django_made = Template("<time datetime=\"{{ value|date:'c' }}\" title=\"{{ value|date:'j F Y, H:i T' }}\">"
                           "{{ text }}</time>").render(Context({
                               "value": then, "text": "just now" if seconds < 60 else timesince(then, now, depth=1) + " ago"}))
    assert _time_html(then, now) == django_made
    assert Template("{% load news %}{% reltime value %}").render(Context({"value": then})) == django_made


@pytest.mark.parametrize("days", [0, 400])
def test_a_timeline_stamp_reads_as_the_date_filter_wrote_it(days):
    from datetime import timedelta

    from django.template import Context, Template
    from django.utils import timezone

    then = timezone.now() - timedelta(days=days)
    wanted = Template("{{ v|date:'j M, H:i' }}" if then.year == timezone.now().year else "{{ v|date:'j M Y, H:i' }}")
    assert Template("{% load news %}{{ v|stamp }}").render(Context({"v": then})) == wanted.render(Context({"v": then}))


def test_page_paths_are_what_reverse_writes():
    from django.urls import reverse

    from broadsheet.lib import paths

    for name, arg in (("web:article", 12), ("stories:story", 345), ("web:section", "world-news"), ("web:source", 7),
                      ("enrich:article-panel", 12), ("enrich:article-ask", 12)):
        assert paths.path(name, arg) == reverse(name, args=[arg])
    from django.template import Context, Template

    for name in ("web:home", "search:page", "web:languages", "account_login", "account_signup"):
        assert paths.fixed(name) == reverse(name)
    for tag, url in (("{% path 'web:home' %}", "{% url 'web:home' %}"),
                     ("{% path 'web:source-feed' 7 as feed %}{{ feed }}", "{% url 'web:source-feed' 7 as feed %}{{ feed }}")):
        assert Template("{% load news %}" + tag).render(Context()) == Template(url).render(Context())
    for name in ("News", "Arts & Culture", "Opinion & Analysis"):  # the filter the templates use
        assert (Template("{% load news %}{{ name|section_url }}").render(Context({"name": name}))
                == Template("{% load news %}{% url 'web:section' name|section_slug %}").render(Context({"name": name})))


@pytest.mark.parametrize("pick", ["", "all", "sv"])
def test_the_home_page_sections_read_what_a_query_per_section_reads(pick, django_assert_num_queries):
    from broadsheet.web import cards, languages

    for i in range(12):
        article(f"Report {i}", hours_ago=i, section=("News", "Politics", "Sport")[i % 3], language="sv" if i % 4 else "en")
    allowed = languages.allowed(pick, grouped=not pick)
    blocks = languages.limit(cards.listed(), pick, grouped=not pick)
    shown = set(cards.listed().order_by("-last_published").values_list("pk", flat=True)[:2])
    names = ["News", "Politics", "Sport", "Nothing here"]
    with django_assert_num_queries(len(names)):
        found = cards.newest_by_section(allowed, names, 2, shown)
    for name in names:
        assert found[name] == list(cards.newest_first(blocks.filter(section=name).exclude(pk__in=shown))[:2])
    assert found["Nothing here"] == [] and any(found[name] for name in names)
