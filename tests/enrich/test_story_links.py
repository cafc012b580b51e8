"""Enrich reads the stories app's membership: questions span the story, tag pages list stories."""

import pytest
from django.urls import reverse
from django.utils import timezone

from broadsheet.enrich.pipeline import save_tags, story_articles
from broadsheet.stories.models import Member, Story
from broadsheet.stories.store import refresh

from .conftest import BUDGET, BUDGET_TITLE, make_article, make_source

pytestmark = pytest.mark.django_db

EXTRA = ("Seoul's intelligence service said the leader feared a drone attack during the visit.\n\n"
         "Officials in Seoul added that the trip had been planned for weeks.")


def _story(*articles):
    story = Story.objects.create(headline="Kim skips parade", last_published=timezone.now(), article_count=len(articles))
    for a in articles:
        Member.objects.create(article=a, story=story, published=a.published, source_id=a.source_id)
    refresh(story.pk)  # its card columns and `listed`, as the stories step leaves them
    return story


def test_a_question_on_an_article_is_answered_from_its_whole_story(client, monkeypatch):
    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    first = make_article(n=1)
    second = make_article("Seoul on the parade", EXTRA, publisher=make_source("B", "https://b.example/"), n=2)
    _story(first, second)
    assert {a.pk for a in story_articles(first)} == {first.pk, second.pk}
    reply = client.get(reverse("enrich:article-ask", args=[first.pk]), {"q": "What attack did the leader fear?"})
    assert "drone attack" in reply.content.decode()


def test_an_article_outside_any_story_stands_alone():
    article = make_article(BUDGET_TITLE, BUDGET)
    assert story_articles(article) == [article]


def test_the_tag_page_lists_stories_with_the_tag(client):
    article = make_article(n=1)
    story = _story(article)
    save_tags(article.pk, ["KimJongUn"])
    html = client.get(reverse("enrich:tag", args=["kimjongun"])).content.decode()
    assert article.title in html and article.get_absolute_url() in html  # a lone report's card leads to it
