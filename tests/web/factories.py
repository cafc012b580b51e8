"""Tiny builders for site tests (our own text, no fixtures from publishers)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.sources.models import Source

BODY = ("On May 9 the parade took place in the square while the guests watched from the stand.\n\n"
        "The leader did not attend, citing security concerns that observers found hard to believe.\n\n"
        "Analysts said the absence said more about the relationship than any speech could.")


def source(name="Daily Example", homepage="https://daily.example/", country="GB") -> Source:
    return Source.objects.get_or_create(homepage=homepage, defaults={"name": name, "country": country})[0]


def article(title="A parade without its guest", *, hours_ago=2, section="News", publisher=None, story=True,
            **fields) -> Article:
    """A stored article; a visible one is placed as the pipeline would (no vector: a story of its
    own), since lists show stories. story=False leaves it unplaced."""
    publisher = publisher or source()
    defaults = dict(
        source=publisher, url=f"{publisher.homepage}{abs(hash(title))}", title=title, status=Article.Status.OK,
        authors=[{"name": "Kim, Min Gyu", "role": "Former Senior official of DPRK Foreign Ministry"}],
        published=timezone.now() - timedelta(hours=hours_ago), published_known=True, section=section,
        image="https://img.daily.example/parade.jpg", body=BODY,
    )
    defaults.update(fields)
    item = Article.objects.create(**defaults)
    if story and item.status == Article.Status.OK:
        from broadsheet.stories.pipeline import cluster

        cluster(item)
    return item


def story_of(*items: Article):
    """Gather stored articles into one story (as clustering would), recounted and carded."""
    from broadsheet.stories.models import Member, Story
    from broadsheet.stories.store import refresh

    story = Story.objects.create(headline=items[0].title)
    for item in items:
        old = Member.objects.filter(article=item).values_list("story_id", flat=True).first()
        Member.objects.update_or_create(article=item, defaults={
            "story": story, "published": item.published, "source_id": item.source_id, "score": 0.5})
        if old is not None:
            refresh(old)
    refresh(story.pk)
    story.refresh_from_db()
    return story
