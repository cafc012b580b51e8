"""The article page draws the body's blocks: subheads, lists, quotes, live-blog entries with
their time and heading, long live blogs folded by entry; old rows from the plain body."""

from __future__ import annotations

import re

import pytest

from tests.web.factories import article

pytestmark = pytest.mark.django_db

STRUCTURED = [
    {"type": "p", "text": "The council voted to rebuild the bridge."},
    {"type": "h2", "text": "What it will carry"},
    {"type": "li", "text": "Two lanes each way", "ordered": False},
    {"type": "li", "text": "A cycle path", "ordered": False},
    {"type": "li", "text": "Demolition in March", "ordered": True},
    {"type": "quote", "text": "We have waited ten years <for this>."},
    {"type": "h3", "text": "Smaller"},
    {"type": "p", "text": "The mayor promised a footbridge."},
]


def live_blocks(count: int) -> list[dict]:
    out = [{"type": "p", "text": "Follow the vote as it happens."}]
    for i in range(count):
        out.append({"type": "entry", "time": f"2024-05-14T{16 - i // 60:02d}:{59 - i % 60:02d}:00+00:00",
                    "text": f"Update {i}" if i % 2 == 0 else ""})
        out.append({"type": "p", "text": f"What happened in update {i}, told in a sentence or two."})
    return out


def body_of(html: str) -> str:
    return html[html.index('<div class="body">'):html.index('<p class="original">')]


def test_subheads_lists_and_quotes_are_drawn_as_such_and_text_is_escaped(client):
    item = article("Bridge", blocks=STRUCTURED, body="\n\n".join(b["text"] for b in STRUCTURED))
    body = body_of(client.get(item.get_absolute_url()).content.decode())
    assert "<h2>What it will carry</h2>" in body and "<h3>Smaller</h3>" in body
    assert re.search(r"<ul><li>Two lanes each way</li><li>A cycle path</li></ul>\s*<ol><li>Demolition in March</li></ol>", body)
    assert "<blockquote><p>We have waited ten years &lt;for this&gt;.</p></blockquote>" in body
    assert body.index("rebuild the bridge") < body.index("What it will carry") < body.index("footbridge")


def test_an_old_row_without_blocks_is_drawn_from_its_body(client):
    item = article("Old", body="First paragraph.\n\nSecond paragraph.")
    body = body_of(client.get(item.get_absolute_url()).content.decode())
    assert re.findall(r"<p>(.*?)</p>", body) == ["First paragraph.", "Second paragraph."]


def test_blocks_that_do_not_read_fall_back_to_the_body(client):
    item = article("Odd", body="Only paragraph.", blocks=[{"type": "script", "text": "x"}, "nonsense"])
    body = body_of(client.get(item.get_absolute_url()).content.decode())
    assert re.findall(r"<p>(.*?)</p>", body) == ["Only paragraph."] and "nonsense" not in body


def test_live_blog_entries_show_their_time_and_heading(client):
    item = article("Live: the vote", blocks=live_blocks(3), body="x")
    body = body_of(client.get(item.get_absolute_url()).content.decode())
    assert body.count('<section class="entry">') == 3
    assert '<time class="entry-time" datetime="2024-05-14T16:59:00+00:00"' in body
    assert '<h2 class="entry-title">Update 0</h2>' in body and "Update 1<" not in body  # entry 1 has no heading
    assert body.index("Follow the vote") < body.index("Update 0") < body.index("update 0, told")
    assert "<details" not in body


def test_a_long_live_blog_shows_its_first_entries_and_folds_the_rest_by_entry(client):
    item = article("Live: the vote", blocks=live_blocks(40), body="x")
    body = body_of(client.get(item.get_absolute_url()).content.decode())
    assert body.count('<section class="entry">') == 3
    assert "<summary>Show 37 more entries</summary>" in body
    assert body.count('<details class="entry">') == 37
    # a folded entry's summary says when and what: its heading, or its first words
    assert re.search(r'<summary><time class="entry-time" datetime="2024-05-14T16:56:00\+00:00"[^>]*>[^<]+</time>'
                     r' <span class="entry-title">Update 3</span></summary>', body) is None  # 3 is odd: no heading
    assert re.search(r'datetime="2024-05-14T16:55:00\+00:00"[^>]*>[^<]+</time> <span class="entry-title">Update 4</span>', body)
    assert '<span class="entry-title entry-lead">What happened in update 3, told' in body


@pytest.mark.parametrize("blocks", [STRUCTURED, live_blocks(2), [], [{"type": "p", "text": "Quotes \" and ' & <b>"}],
                                    [{"type": "li", "text": "One & two", "ordered": True}, {"type": "li", "text": "<3", "ordered": True}],
                                    [{"type": "h4", "text": "An unknown kind is a paragraph"}]])
def test_the_body_blocks_tag_writes_what_the_blocks_template_wrote(blocks):
    """{% body_blocks %} builds web/_blocks.html's output in Python; the template stays as the
    reference it is held to (escaping, every kind of part, an empty body)."""
    from django.template.loader import render_to_string

    from broadsheet.web.blocks import group
    from broadsheet.web.templatetags.news import body_blocks

    parts = group([b for b in blocks if b["type"] != "entry"])
    assert body_blocks(parts) == render_to_string("web/_blocks.html", {"parts": parts})
