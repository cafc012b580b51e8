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


def article(title="A parade without its guest", *, hours_ago=2, section="News", publisher=None, **fields) -> Article:
    publisher = publisher or source()
    defaults = dict(
        source=publisher, url=f"{publisher.homepage}{abs(hash(title))}", title=title, status=Article.Status.OK,
        authors=[{"name": "Kim, Min Gyu", "role": "Former Senior official of DPRK Foreign Ministry"}],
        published=timezone.now() - timedelta(hours=hours_ago), published_known=True, section=section,
        image="https://img.daily.example/parade.jpg", body=BODY,
    )
    defaults.update(fields)
    return Article.objects.create(**defaults)
