""""Read more" under an article: never its own story, its section first, then other sections
each with its label (as an aggregator's article page does)."""

from __future__ import annotations

import pytest

from .conftest import BUDGET, QUAKE, article, reworded, source
from .test_views import coverage  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def read_more_block(client, item) -> str:
    html = client.get(item.get_absolute_url()).content.decode()
    start = html.index('<section class="read-more"')
    return html[start:html.index("</section>", start)]


def test_read_more_leaves_out_the_articles_own_story(client, coverage):  # noqa: F811
    block = read_more_block(client, coverage[2])  # a quake report; the other quake reports are its story
    assert "Ten dead as earthquake hits Qeshm" not in block
    assert "Quake kills ten on Iranian island" not in block
    assert "Finance minister cuts income tax" in block  # same section, another story: kept


def test_read_more_mixes_in_other_sections_with_their_labels(client, coverage, at):  # noqa: F811
    article("Cup final goes to penalties", BUDGET, topic="cup", publisher=source("Sport Daily", "GB"),
            at=at(hours=7), section="Sport")
    article("Chip maker opens a plant", reworded(BUDGET, 3), topic="chips", publisher=source("Tech Wire", "US"),
            at=at(hours=8), section="Tech")
    block = read_more_block(client, coverage[2])
    for label, title in (("World", "Finance minister cuts income tax"), ("Sport", "Cup final goes to penalties"),
                         ("Tech", "Chip maker opens a plant")):
        assert f'class="label" href="/section/{label.lower()}/">{label}</a>' in block
        assert title in block
    assert block.index("Finance minister") < block.index("Cup final")  # its own section comes first


def test_read_more_shows_one_article_per_other_section(client, coverage, at):  # noqa: F811
    for n in range(4):
        article(f"Match report {n}", reworded(QUAKE, 10 + n), topic=f"match{n}",
                publisher=source("Sport Daily", "GB"), at=at(hours=7 + n), section="Sport")
    block = read_more_block(client, coverage[2])
    assert block.count(">Sport</a>") == 1 and "Match report 3" in block  # the newest of the section
