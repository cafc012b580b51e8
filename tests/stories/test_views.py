"""Story page and the article page's story blocks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.template import Context, Template

from broadsheet.articles.models import Article
from broadsheet.stories import pipeline
from broadsheet.stories.models import Member, Story

from .conftest import between, BUDGET, QUAKE, article, reworded, source

pytestmark = pytest.mark.django_db


@pytest.fixture
def coverage(at):
    items = [
        article("Quake kills ten on Iranian island", QUAKE, topic="quake", publisher=source("Wire Service", "GB")),
        article("Ten dead as earthquake hits Qeshm", reworded(QUAKE, 1), topic="quake",
                publisher=source("Le Quotidien", "FR"), at=at(hours=2)),
        article("Rescuers reach flattened villages", reworded(QUAKE, 2), topic="quake",
                publisher=source("Gulf Daily", "AE"), at=at(hours=5)),
        article("Finance minister cuts income tax", BUDGET, topic="budget", publisher=source("Wire Service", "GB"),
                at=at(hours=6)),
        article("Quake kills ten on Iranian island", QUAKE + " Distributed by Wire Service.", topic="quake",
                publisher=source("Partner Paper", "US"), at=at(hours=3), noise="copy"),
        # another event near the quake: the related article of the quake's reports
        article("Etna sends ash over Catania", "Etna sent ash over the roads around Catania overnight, and the civil "
                "protection agency told residents to stay indoors.", topic="volcano", publisher=source("Il Giornale", "IT"),
                at=at(hours=4), embedding=between("quake", "volcano")),
    ]
    for item in items:
        item.refresh_from_db()
        pipeline.process_article(item)
    return items


def test_the_story_page_shows_full_coverage(client, coverage):
    story = Member.objects.get(article=coverage[0]).story
    page = client.get(story.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "Quake kills ten on Iranian island" in html
    assert "<strong>3</strong> articles from" in html and "<strong>3</strong> sources" in html
    assert "<strong>3</strong> countries" in html
    for name in ("Wire Service", "Le Quotidien", "Gulf Daily"):
        assert name in html
    assert "Finance minister" not in html
    assert "Partner Paper" in html  # the folded copy, beside its original
    assert html.index("First reported") < html.index("Timeline")


def test_a_merged_story_redirects_to_the_one_it_joined(client, coverage):
    kept = Member.objects.get(article=coverage[0]).story
    gone = Story.objects.create(headline="old", merged_into=kept)
    assert client.get(gone.get_absolute_url()).url == kept.get_absolute_url()
    assert client.get("/story/999999/").status_code == 404


def test_the_article_page_links_its_story_copies_and_related_articles(client, coverage):
    html = client.get(coverage[0].get_absolute_url()).content.decode()
    story = Member.objects.get(article=coverage[0]).story
    assert f'href="{story.get_absolute_url()}"' in html and "3 sources" in html
    assert "Also published by" in html and "Partner Paper" in html
    html = client.get(coverage[2].get_absolute_url()).content.decode()
    related = html[html.index("Related articles"):html.index("Read more")]
    assert "Etna sends ash over Catania" in related and "Il Giornale" in related
    assert "Ten dead as earthquake hits Qeshm" not in related  # its own story is "Full coverage"
    assert "Read more" in html


def test_the_article_blocks_read_in_a_few_indexed_queries(coverage):
    template = Template("{% load stories %}{% article_below a %}{% article_sidebar a %}")
    # As the article page loads it: with its membership and story, which the blocks reuse.
    loaded = Article.objects.select_related("story_member__story").get(pk=coverage[2].pk)
    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"a": loaded}))
    related = [q["sql"] for q in queries.captured_queries if "stories_related" in q["sql"]]
    assert len(related) == 1
    assert len(queries.captured_queries) == 4  # copies, related, read more (own section, others)
    # Loaded without them, the blocks read the membership and the story themselves, same page.
    bare = Article.objects.get(pk=coverage[2].pk)
    with CaptureQueriesContext(connection) as queries:
        assert template.render(Context({"a": bare})) == html
    assert len(queries.captured_queries) == 6


def test_the_admin_lists_stories_with_their_articles(admin_client, coverage):
    story = Member.objects.get(article=coverage[0]).story
    assert admin_client.get("/admin/stories/story/").status_code == 200
    page = admin_client.get(f"/admin/stories/story/{story.pk}/change/")
    assert page.status_code == 200 and "Ten dead as earthquake hits Qeshm" in page.content.decode()


def test_an_article_no_one_else_reports_says_so_and_shows_its_publishers_latest(client, coverage):
    budget = coverage[3]  # the only report of its story; Wire Service also has the quake
    html = client.get(budget.get_absolute_url()).content.decode()
    sidebar = html[html.index('<aside class="sidebar">'):]
    assert "Only Wire Service has reported this so far" in sidebar
    assert "Latest from Wire Service" in sidebar and "Quake kills ten on Iranian island" in sidebar
    assert "Finance minister cuts income tax" not in sidebar  # not itself
    assert "Full coverage" not in sidebar


def test_the_sidebar_of_a_lone_report_reads_in_one_more_indexed_query(coverage):
    template = Template("{% load stories %}{% article_sidebar a %}")
    # As the article page loads it: with its publisher, membership and story (select_related).
    lone = Article.objects.select_related("source", "story_member__story").get(pk=coverage[3].pk)
    with CaptureQueriesContext(connection) as queries:
        template.render(Context({"a": lone}))
    assert len(queries.captured_queries) == 1  # the publisher's latest


# The markup the story page's lists had as template loops, before timeline_items and
# coverage_items built them in Python: the tags must write exactly this.
TIMELINE_LOOP = ("{% load news %}{% for item in timeline %}<li><time datetime=\"{{ item.published|date:'c' }}\">"
                 "{{ item.published|stamp }}</time> <span class=\"source\">{% source_icon item.source.icon %}"
                 "{{ item.source.name }}</span> <a href=\"{{ item.get_absolute_url }}\"{% if item.language %} "
                 "lang=\"{{ item.language }}\"{% endif %}>{{ item.title|default:item.url }}</a></li>{% endfor %}")
COVERAGE_LOOP = ("{% load news %}{% for item in items %}<li><a href=\"{{ item.get_absolute_url }}\"{% if item.language %} "
                 "lang=\"{{ item.language }}\"{% endif %}>{{ item.title|default:item.url }}</a> <span class=\"meta\">"
                 "{% reltime item.published %}</span>{% for copy in item.copies.all %}{% if forloop.first %} "
                 "<span class=\"meta\">also in</span>{% endif %} <a class=\"meta\" href=\"{{ copy.url }}\" "
                 "rel=\"noopener\">{{ copy.source.name }}</a>{% endfor %}</li>{% endfor %}")


def test_the_story_lists_write_what_their_template_loops_wrote(coverage):
    from broadsheet.web.templatetags.news import coverage_items, timeline_items

    coverage[1].title, coverage[1].language = "", "fr"  # no title: the URL stands in; a language of its own
    coverage[2].source.name = 'Gulf <Daily> & "Co"'  # escaped as the template escaped it
    coverage[2].source.icon = "https://gulf.example/icon.png"
    items = [a for a in Article.objects.filter(pk__in=[a.pk for a in coverage[:3]]).select_related("source")
             .prefetch_related("copies__source").order_by("published")]
    for item, changed in zip(items, coverage[:3]):
        item.title, item.language, item.source = changed.title, changed.language, changed.source
    items[0].published -= timedelta(days=400)  # a year other than this one: the stamp writes it
    assert any(item.copies.all() for item in items)  # the copy's "also in" is drawn
    assert timeline_items(items) == Template(TIMELINE_LOOP).render(Context({"timeline": items}))
    assert coverage_items(items) == Template(COVERAGE_LOOP).render(Context({"items": items}))
    # The story page passes each article's copies as read by one statement (stories.views._copies).
    assert coverage_items(items, {item.pk: list(item.copies.all()) for item in items}) == coverage_items(items)


READ_MORE_LOOP = ("{% load news %}{% for item in more %}<li><a class=\"label\" href=\"{% url 'web:section' item.section|section_slug %}\">"
                  "{{ item.section }}</a><br><a href=\"{{ item.get_absolute_url }}\"{% if item.language %} "
                  "lang=\"{{ item.language }}\"{% endif %}>{{ item.title|default:item.url }}</a> <span class=\"meta\">"
                  "{% source_icon item.source.icon %}{{ item.source.name }} · {% reltime item.published %}</span></li>"
                  "{% endfor %}")


def test_read_more_writes_what_its_template_loop_wrote(coverage):
    from broadsheet.stories.templatetags.stories import read_more
    from broadsheet.web.templatetags.news import read_more_items

    budget = Article.objects.get(pk=coverage[3].pk)
    more = read_more(budget)
    assert more
    more[0].title, more[0].language, more[0].source.icon = "", "it", "https://icons.example/a&b.png"
    more[0].source.name = "Il <Giornale>"
    assert read_more_items(more) == Template(READ_MORE_LOOP).render(Context({"more": more}))
