"""Fuzzing: broken, deeply nested, huge and binary input never crash or hang the extractor.

A short budget runs in `make test`; `pytest -m slow tests/extract/test_fuzz.py` runs longer.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadsheet.extract import ExtractError, Extracted, extract

TAGS = ["html", "head", "body", "div", "p", "span", "a", "article", "section", "figure", "figcaption", "ul", "li",
        "table", "tr", "td", "script", "style", "h1", "h2", "meta", "title", "br", "img", "!--", "![CDATA["]
WORDS = st.sampled_from(["the", "bridge", "council", "Brücke", "мост", "橋", "By Jane Doe", "Read more", "&amp;",
                         "&#x0;", "\x00", "\ufffd", "<", ">", '"', "'", "{", "}", "CNN —", "(MENA)", "\n", " "])


@st.composite
def soup(draw) -> str:
    """Tag soup: random open/close tags, attributes and text, not necessarily balanced."""
    parts = []
    for _ in range(draw(st.integers(0, 80))):
        kind = draw(st.integers(0, 3))
        tag = draw(st.sampled_from(TAGS))
        if kind == 0:
            attrs = draw(st.sampled_from(["", ' class="author"', ' type="application/ld+json"', ' property="og:title"',
                                          ' content="x"', ' lang="de"', " itemprop=author", ' href="javascript:x"']))
            parts.append(f"<{tag}{attrs}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        else:
            parts.append(" ".join(draw(st.lists(WORDS, max_size=30))))
    return "".join(parts)


def run(html: str | bytes) -> None:
    try:
        result = extract(html, "https://news.example.org/a")
    except ExtractError:
        return
    assert isinstance(result, Extracted)
    assert result.body.strip()
    result.as_json()  # serialisable


# Each example's time limit is CPU time (`within`), not hypothesis's wall-clock deadline,
# which failed here at load 17, where wall time is mostly waiting for a core.
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(soup())
def test_tag_soup_never_crashes(html):
    within(2, html)


@FAST
@given(st.binary(max_size=4096))
def test_binary_input_never_crashes(data):
    within(2, data)


@FAST
@given(st.text(max_size=2000))
def test_any_text_never_crashes(text):
    within(2, text)


@pytest.mark.slow
@SLOW
@given(soup())
def test_tag_soup_never_crashes_long_run(html):
    within(3, html)


@pytest.mark.slow
@SLOW
@given(st.binary(max_size=65536))
def test_binary_input_never_crashes_long_run(data):
    within(3, data)


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_nesting_is_refused_or_handled_quickly(depth):
    html = "<div>" * depth + "<p>" + "word " * 80 + "</p>" + "</div>" * depth
    within(3, html)


def within(seconds: float, html: str | bytes) -> None:
    """The page is done in `seconds` of this process's CPU time: the work the page costs,
    which holds on a loaded machine where wall time does not (a shared CI box, or other
    engineers' benchmarks, made the wall-time form of these tests fail on pages done in 1 s of CPU)."""
    start = time.process_time()
    run(html)
    elapsed = time.process_time() - start
    assert elapsed < seconds, f"{elapsed:.1f} s of CPU"


def test_a_2_mb_page_of_links_finishes_quickly():
    within(3, "<html><body>" + "<a href='/x'>link text</a> " * 80_000 + "</body></html>")


def test_unclosed_tags_and_stray_nulls_are_handled():
    run("<html><body><p>" + "word \x00 " * 200 + "<div><span><a>" * 50)


def test_non_html_input_is_refused_clearly():
    with pytest.raises(ExtractError):
        extract(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100, "https://news.example.org/a.png")
    with pytest.raises(ExtractError):
        extract("", "https://news.example.org/a")
    with pytest.raises(ExtractError):
        extract(None, "https://news.example.org/a")  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.parametrize("unit", [
    "<p>" + "word " * 60 + "</p>",
    "<tr><td>cell text here</td><td>more</td></tr>",
    "<a href='/x'>link text</a> ",
    "<div><span>" + "nested text " * 5 + "</span></div>",
])
def test_a_10_mb_page_finishes_within_3_seconds(unit):
    within(3, "<html><body><article>" + unit * (10_000_000 // len(unit)) + "</article></body></html>")


def test_a_10_mb_page_of_scripts_finishes_quickly():
    html = ("<html><head><script>" + "var a = 1;" * 1_000_000 + "</script></head><body><article>"
            + "<p>" + "word " * 80 + "</p>" * 3 + "</article></body></html>")
    within(3, html)
