"""{% article_card %} writes what web/_card.html writes, byte for byte, for every kind of article."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.template import Context, Template

from broadsheet.articles.models import Article
from broadsheet.community.services import count_key
from broadsheet.stories.models import Picture
from broadsheet.web.templatetags.article_card import article_card
from tests.web.factories import article, source

pytestmark = pytest.mark.django_db

INCLUDED = Template('{% include "web/_card.html" %}')


def kinds() -> list[Article]:
    odd = source("Fish & <Chips> \"Daily\"", "https://fish.example/")
    odd.icon = "https://fish.example/icon.png?a=1&b=2"
    odd.save()
    items = [
        article("A parade without its guest"),
        article("<b>Bold</b> & \"quoted\" 'headline'", publisher=odd, language="sv", section="Ekonomi & Co"),
        article("", url="https://daily.example/no-title?x=1&y=2", image="", section="", language=""),
        article("Long text", body=" ".join(f"word{i}" for i in range(90)) + "\n\nSecond paragraph.", hours_ago=24 * 400),
        article("No body", body="", teaser="Only a teaser <here>", story=False),
    ]
    Picture.objects.create(article=items[0], sizes=[["https://img.example/a-320.jpg", 320, 180],
                                                    ["https://img.example/a-640.jpg", 640, 360]])
    cache.set(count_key(ContentType.objects.get_for_model(Article).pk, items[1].pk), 3, 60)
    cache.set(count_key(ContentType.objects.get_for_model(Article).pk, items[3].pk), 1, 60)
    return [Article.objects.select_related("source", "picture").get(pk=item.pk) for item in items]


@pytest.mark.parametrize("options", [{}, {"show_lead": 1, "show_section": 1}, {"big": 1, "show_section": 1}])
def test_the_card_is_the_included_templates_html(options):
    for item in kinds():
        expected = INCLUDED.render(Context({"article": item, **options}))
        assert article_card(Context(), item, **{k: bool(v) for k, v in options.items()}) == expected, item.title


def test_the_kinds_cover_what_the_card_can_show():
    html = "".join(article_card(Context(), item, show_section=True, show_lead=True) for item in kinds())
    for part in ('lang="sv"', "no-pic", "srcset=", 'class="icon"', "3 comments", "1 comment<",
                 'class="label"', "&lt;b&gt;Bold", "https://daily.example/no-title?x=1&amp;y=2", "word39 …",
                 "Only a teaser &lt;here&gt;"):
        assert part in html, part
