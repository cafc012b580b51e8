"""Related articles: stored when an article arrives, from other stories, diversified,
above a floor; read on the page in one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from broadsheet.stories import pipeline, related
from broadsheet.stories.models import Member, Related

from .conftest import BUDGET, QUAKE, article, between, reworded, source

pytestmark = pytest.mark.django_db


def process(*articles):
    for item in articles:
        item.refresh_from_db()
        pipeline.process_article(item)


def related_to(item) -> list:
    return list(Related.objects.filter(article=item).order_by("rank").values_list("other_id", flat=True))


def story(item) -> int:
    return Member.objects.get(article=item).story_id


VOLCANOES = [(f"{m} erupts again", f"{m} sent ash over the roads around {town} overnight, and {agency} told "
              "residents to stay indoors.") for m, town, agency in (("Etna", "Catania", "Civil Protection"), ("Fuji", "Gotemba", "JMA"),
                                     ("Rainier", "Tacoma", "USGS"), ("Merapi", "Yogyakarta", "BPPTKG"),
                                     ("Hekla", "Selfoss", "Almannavarnir"))]


@pytest.fixture
def lone(at):
    """A lone report of a quake, other stories near it (from three publishers) and one far from it."""
    wire, gazette, courier = source("Wire"), source("Gazette"), source("Courier")
    near = [article(*VOLCANOES[i], topic="volcano", publisher=p, at=at(hours=i),
                    embedding=between("quake", f"volcano-{i}", 0.5 + 0.02 * i))
            for i, p in enumerate([wire, wire, wire, gazette, courier])]
    far = article("Finance minister cuts tax", BUDGET, topic="budget", publisher=courier, at=at(hours=1))
    target = article("Quake kills ten on Iranian island", QUAKE, topic="quake", publisher=source("Tehran Times"),
                     at=at(hours=6))
    process(*near, far, target)
    return target, near, far


def test_a_lone_article_gets_neighbours_from_other_stories(lone):
    target, near, far = lone
    shown = related_to(target)
    assert shown and far.pk not in shown and target.pk not in shown
    assert story(target) not in {story(a) for a in near if a.pk in shown}
    assert len({story(a) for a in near if a.pk in shown}) == len(shown)  # one per story


def test_no_source_gives_more_than_its_share(lone):
    target, near, _ = lone
    sources = [a.source_id for a in near if a.pk in related_to(target)]
    assert max(sources.count(s) for s in sources) == related.PER_SOURCE
    assert len(sources) == related.PER_SOURCE + 2  # the wire's third is left out, the others are in


def test_nothing_below_the_floor_is_shown(at):
    alone = article("Quake kills ten", QUAKE, topic="quake", publisher=source("Wire"))
    weak = article("A loosely similar report", BUDGET, topic="other", publisher=source("Gazette"),
                   embedding=between("quake", "other", 0.75))  # cosine ≈ 0.3
    process(weak, alone)
    assert related_to(alone) == [] and related_to(weak) == []


def test_the_own_story_is_never_related_even_with_other_sources(at):
    a = article("Quake kills ten", QUAKE, topic="quake", publisher=source("Wire"))
    b = article("Ten dead in quake", reworded(QUAKE, 1), topic="quake", publisher=source("Gazette"), at=at(hours=1))
    process(a, b)
    assert story(a) == story(b)
    assert related_to(a) == [] and related_to(b) == []


def test_an_article_that_came_first_takes_in_the_neighbours_that_arrive_later(at):
    first = article("Quake kills ten", QUAKE, topic="quake", publisher=source("Wire"))
    process(first)
    assert related_to(first) == []
    later = article("Volcano erupts near the coast", BUDGET, topic="volcano", publisher=source("Gazette"),
                    at=at(hours=3), embedding=between("quake", "volcano"))
    process(later)
    assert related_to(first) == [later.pk] and related_to(later) == [first.pk]
    process(later)  # a repeat changes nothing
    assert related_to(first) == [later.pk]


def test_related_items_share_the_articles_language(at):
    english = article("Quake kills ten", QUAKE, topic="quake", publisher=source("Wire"), language="en")
    swedish = article("Vulkan får utbrott", BUDGET, topic="volcano", publisher=source("Sydsvenskan"), language="sv",
                      embedding=between("quake", "volcano", 0.3))  # close, but another language
    process(english, swedish)
    assert related_to(english) == [] and related_to(swedish) == []


def test_outside_the_models_language_the_floor_is_higher():
    hits = [(2, 0.65), (3, 0.75)]
    facts = {"story_of": {1: 10, 2: 20, 3: 30}, "source_of": {2: 1, 3: 2}}
    assert related.choose(1, hits, own_story=10, language_of={1: "en", 2: "en", 3: "en"}, **facts) == hits[::-1]
    assert related.choose(1, hits, own_story=10, language_of={1: "da", 2: "da", 3: "da"}, **facts) == [(3, 0.75)]


def test_the_page_reads_the_stored_list_in_one_query_without_what_joined_the_story_since(lone):
    target, near, _ = lone
    shown = related_to(target)
    joined = next(a for a in near if a.pk in shown)
    Member.objects.filter(article=joined).update(story_id=story(target))  # e.g. the stories merged
    template = Template("{% load stories %}{% article_below a %}")
    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"a": target}))
    assert len([q for q in queries.captured_queries if "stories_related" in q["sql"]]) == 1
    assert "Related articles" in html and joined.title not in html.split("Read more")[0]
    assert html.count('class="related-item') == len(shown) - 1
    assert "ago</time>" in html and "Gazette" in html  # each with its source and relative time


def test_the_relate_command_redoes_lists_stored_under_the_old_rule(lone, capsys):
    from django.core.management import call_command

    target, near, _ = lone
    expected = related_to(target)
    sibling = near[0]
    Related.objects.filter(article=target).delete()
    Related.objects.create(article=target, other=target, rank=0, similarity=1.0)  # nonsense, as an old rule might
    call_command("relate", "--days", "100000")
    assert related_to(target) == expected and sibling.pk in related_to(target)
    assert "7 articles related again" in capsys.readouterr().out
