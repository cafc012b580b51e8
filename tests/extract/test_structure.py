"""The body's structure (extract/structure.py): subheads, lists, quotes and live-blog entries
labelled on the paragraphs the cleaning kept, the plain body unchanged."""

from __future__ import annotations

from broadsheet.extract import extract
from tests.extract.pages import (LIVE_ENTRIES, LIVE_SUMMARY, STORY, STRUCTURED, live_blog_page, page,
                                 structured_page)

URL = "https://news.example.org/2024/05/bridge"


def kinds(blocks: list[dict]) -> list[tuple[str, str]]:
    return [(b["type"], b["text"]) for b in blocks]


def test_a_plain_article_is_one_p_block_per_paragraph_and_its_body_is_unchanged():
    doc = extract(page(), URL)
    assert doc.body == "\n\n".join(STORY)
    assert doc.blocks == [{"type": "p", "text": p} for p in STORY]


def test_subheads_are_headings_and_lists_keep_their_items_and_kind():
    s = STRUCTURED
    blocks = extract(structured_page(), URL).blocks
    assert kinds(blocks)[:3] == [("p", s["intro"]), ("h2", s["subhead"]), ("p", s["after_subhead"])]
    items = [b for b in blocks if b["type"] == "li"]
    assert [b["text"] for b in items] == s["bullets"] + s["steps"]  # no "- " left on them
    assert [b["ordered"] for b in items] == [False] * 3 + [True] * 3
    assert ("quote", s["quote"]) in kinds(blocks)
    assert kinds(blocks)[-2:] == [("h2", s["subhead2"]), ("p", s["end"])]


def test_the_plain_body_of_a_structured_page_holds_every_block_as_a_paragraph():
    doc = extract(structured_page(), URL)
    texts = [("- " if b["type"] == "li" else "") + b["text"] for b in doc.blocks]
    assert doc.body == "\n\n".join(texts)


def test_the_shallowest_heading_level_becomes_h2():
    html = page(STORY[0], after=f"<h3>A subhead set in h3</h3><p>{STORY[1]}</p><h4>A smaller one</h4><p>{STORY[2]}</p>")
    blocks = extract(html, URL).blocks
    assert ("h2", "A subhead set in h3") in kinds(blocks) and ("h3", "A smaller one") in kinds(blocks)


def test_a_heading_the_cleaning_drops_is_not_a_block():
    related = '<h2>Read more</h2><ul><li><a href="/x">Town hall roof repaired after storm</a></li></ul>'
    blocks = extract(page(*STORY, after=related), URL).blocks
    assert kinds(blocks) == [("p", p) for p in STORY]


def test_a_long_standfirst_set_in_a_heading_tag_stays_a_paragraph():
    long_head = " ".join(["The council's decision ends a debate of ten years about the river bridge"] * 2) + "."
    blocks = extract(page(STORY[0], after=f"<h2>{long_head}</h2><p>{STORY[1]}</p><p>{STORY[2]}</p>"), URL).blocks
    assert all(b["type"] == "p" for b in blocks)


def test_a_live_blog_keeps_each_entry_with_its_time_and_heading():
    blocks = extract(live_blog_page(), URL).blocks
    assert blocks[0] == {"type": "p", "text": LIVE_SUMMARY}
    entries = [b for b in blocks if b["type"] == "entry"]
    assert [(e["time"], e["text"]) for e in entries] == [
        (when, heading) for when, _, heading, _ in LIVE_ENTRIES]
    # each entry's paragraphs follow it, and its heading is not repeated as a paragraph
    at = blocks.index(entries[0])
    assert kinds(blocks[at + 1:at + 3]) == [("p", p) for p in LIVE_ENTRIES[0][3]]
    assert ("p", LIVE_ENTRIES[0][2]) not in kinds(blocks) and ("h2", LIVE_ENTRIES[0][2]) not in kinds(blocks)


def test_a_live_blog_entry_whose_time_trafilatura_kept_as_a_line_shows_it_once():
    entries = "".join(
        f'<div class="post"><p class="stamp"><time datetime="{when}">{shown}</time></p><h3>{heading or "Update"}</h3>'
        + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div>" for when, shown, heading, paragraphs in LIVE_ENTRIES)
    doc = extract(page(LIVE_SUMMARY, after=entries), URL)
    shown = {entry[1] for entry in LIVE_ENTRIES}
    assert not any(b["text"] in shown for b in doc.blocks)
    assert sum(b["type"] == "entry" for b in doc.blocks) == len(LIVE_ENTRIES)


def test_an_article_with_a_dated_byline_and_dated_teasers_is_no_live_blog():
    byline = '<p class="byline">By Jane Roe, <time datetime="2024-05-14T09:00:00Z">14 May 2024</time></p>'
    teasers = "".join(f'<li><time datetime="2024-05-1{i}T09:00:00Z">1{i} May</time> '
                      f'<a href="/t{i}">Another story about the town and its many old bridges, number {i}</a></li>'
                      for i in range(4))
    doc = extract(page(*STORY, before=byline, after=f"<aside><ul>{teasers}</ul></aside>"), URL)
    assert not any(b["type"] == "entry" for b in doc.blocks)
    assert doc.body == "\n\n".join(STORY)


def test_a_live_blog_known_only_from_its_json_ld_updates_keeps_its_entries():
    updates = [{"@type": "BlogPosting", "datePublished": when, "headline": heading or paragraphs[0][:40] + "…",
                "articleBody": " ".join(paragraphs)} for when, _, heading, paragraphs in LIVE_ENTRIES]
    ld = {"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Live: council votes",
          "liveBlogUpdate": updates}
    posts = "".join(f'<div class="post"><span class="clock">{shown}</span>' + (f"<h2>{heading}</h2>" if heading else "")
                    + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div>" for _, shown, heading, paragraphs in LIVE_ENTRIES)
    blocks = extract(page(LIVE_SUMMARY, after=posts, ld=ld), URL).blocks
    entries = [(b["time"], b["text"]) for b in blocks if b["type"] == "entry"]
    assert entries == [(when, heading) for when, _, heading, _ in LIVE_ENTRIES]  # a cut-short "headline" is no heading


def test_the_entries_the_body_falls_in_win_over_a_timed_key_events_list():
    key_events = "".join(f'<li><a href="#e{i}"><time datetime="{when}">{shown}</time> '
                         f"Key event: {heading or 'the flood study is presented to the council'}</a></li>"
                         for i, (when, shown, heading, _) in enumerate(LIVE_ENTRIES))
    html = live_blog_page().replace('<div class="live-feed">', f'<nav class="key-events"><ul>{key_events}</ul></nav><div class="live-feed">')
    blocks = extract(html, URL).blocks
    entries = [b for b in blocks if b["type"] == "entry"]
    assert [e["text"] for e in entries] == [heading for _, _, heading, _ in LIVE_ENTRIES]
    assert blocks.index(entries[0]) == 1


def test_an_entry_with_a_posted_and_an_updated_time_is_one_entry():
    html = live_blog_page().replace("</time><h2>Council approves", '</time><time datetime="2024-05-14T17:05:00+00:00">'
                                    "updated 17:05</time><h2>Council approves")
    entries = [b for b in extract(html, URL).blocks if b["type"] == "entry"]
    assert [e["time"] for e in entries] == [when for when, _, _, _ in LIVE_ENTRIES]  # the posted time


def test_an_entry_heading_that_links_to_its_own_entry_is_kept():
    html = live_blog_page()
    for _, _, heading, _ in LIVE_ENTRIES:
        if heading:
            html = html.replace(f"<h2>{heading}</h2>", f'<h2><a href="#post-{len(heading)}">{heading}</a></h2>')
    entries = [b["text"] for b in extract(html, URL).blocks if b["type"] == "entry"]
    assert entries == [heading for _, _, heading, _ in LIVE_ENTRIES]


def test_an_entry_heading_that_is_a_prompt_is_dropped_like_any_such_line():
    html = live_blog_page().replace("<h2>Shop owners ask for a footbridge</h2>", "<h2>Subscribe to our newsletter</h2>")
    entries = [b["text"] for b in extract(html, URL).blocks if b["type"] == "entry"]
    assert entries[1] == "" and "Subscribe" not in extract(html, URL).body
