"""Body paragraphs -> blocks: which kept paragraph is a subhead, a list item, a quote, or opens
an entry of a live blog (with the entry's time and heading).

The cleaning in body.py decides, paragraph by paragraph, what the body keeps; this module only
labels what it kept, so the blocks and the plain body always hold the same story. Labels come
from trafilatura's own tree (the one its text was made from: `head`, `list/item`, `quote`) and,
for lines it did not produce (subheads we put back, a rescued JSON-LD text), from the page.

Blocks, in reading order:
    {"type": "p" | "h2" | "h3" | "quote", "text": str}
    {"type": "li", "text": str, "ordered": bool}   consecutive items form one list
    {"type": "entry", "time": ISO 8601 | None, "text": heading or ""}
                                                   opens a live-blog entry: the blocks after it,
                                                   up to the next entry, are the entry's
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml.etree import _Element
from lxml.html import HtmlElement

from broadsheet.extract.body import _key, _words
from broadsheet.extract.dates import parse as parse_date
from broadsheet.extract.meta import clean_text, clean_text_keep_lines, ld_types

HEADING_MAX_WORDS = 20  # a longer "heading" is a standfirst or teaser set in a heading tag
HEADING_LEVELS = {f"h{n}": n for n in range(1, 7)}
MIN_ENTRIES = 3  # fewer timed boxes than this is a byline and a teaser or two, not a live blog
ENTRY_MIN_WORDS = 8  # words a box needs besides its time to be an entry (not a bare timestamp)
ENTRY_HEADING_MAX_WORDS = 25
MAX_TIMES = 2_000  # <time> elements looked at; a live blog of a long day has a few hundred
DATED = re.compile(r"\s*\d{4}-\d{2}-\d{2}")  # a datetime with its day ("16:40" alone would be read as today)
ITEM_MARK = re.compile(r"^[-*•]\s+")  # the mark trafilatura's plain text puts before a list item
CONTENT_TAGS = ("p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6", "div", "span")


@dataclass
class Entry:
    time: str | None  # ISO 8601, aware
    heading: str
    time_key: str  # the key of the printed time ("10:42 GMT"), a line the body may hold


@dataclass
class Blog:
    """One candidate set of live-blog entries: the page may show several sets of timed boxes
    (a key-events list, teasers, the entries); the one the body's paragraphs fall in wins."""

    entries: list[Entry] = field(default_factory=list)
    entry_of: dict[str, int] = field(default_factory=dict)  # key of a block inside an entry -> its index
    texts: list[str] = field(default_factory=list)  # each entry's whole text key, when its lines are unknown

    def find(self, key: str) -> int | None:
        """The entry a paragraph belongs to: by its own key, or by its opening words inside an
        entry's text (JSON-LD often gives an entry's text as one blob)."""
        index = self.entry_of.get(key)
        if index is None and self.texts and len(key) >= 20:
            probe = key[:80]
            index = next((i for i, text in enumerate(self.texts) if probe in text), None)
        return index


@dataclass
class Outline:
    """What the page says about its blocks, keyed by each block's text key (body._key)."""

    kinds: dict[str, tuple[str, object]] = field(default_factory=dict)  # ("head", level) | ("li", ordered) | ("quote", None) | ("p", None)
    blogs: list[Blog] = field(default_factory=list)


def from_page(tree: HtmlElement) -> Outline:
    """Read headings, list items, quotes and live-blog entries from the page. Call it before
    trafilatura runs: trafilatura rewrites the tree it is given."""
    outline = Outline()
    kinds = outline.kinds
    for node in tree.iter("h2", "h3", "h4", "h5", "h6", "li", "blockquote"):
        if node.tag == "li":
            parent = node.getparent()
            _put(kinds, node.text_content(), ("li", parent is not None and parent.tag == "ol"))
        elif node.tag == "blockquote":
            parts = list(node.iter("p")) or [node]
            for part in parts:
                _put(kinds, part.text_content(), ("quote", None))
        else:
            _put(kinds, node.text_content(), ("head", HEADING_LEVELS[node.tag]))
    _read_entries(tree, outline)
    return outline


def add_extracted(outline: Outline, body: _Element | None) -> None:
    """Labels from trafilatura's tree; they win over the page's, since its text came from them."""
    if body is None:
        return
    for node in body.iter("head", "item", "quote", "p"):
        text = " ".join(node.itertext())
        if node.tag == "head":
            outline.kinds[_key(text)] = ("head", HEADING_LEVELS.get(node.get("rend") or "", 2))
        elif node.tag == "item":
            parent = node.getparent()
            outline.kinds[_key(text)] = ("li", parent is not None and parent.get("rend") == "ol")
        elif node.tag == "quote":
            for part in list(node.iter("p")) or [node]:
                outline.kinds[_key(" ".join(part.itertext()))] = ("quote", None)
        elif not any(a.tag in ("quote", "item") for a in node.iterancestors()):
            outline.kinds.setdefault(_key(text), ("p", None))


def _put(kinds: dict, text: str, kind: tuple[str, object]) -> None:
    key = _key(text)
    if key:
        kinds.setdefault(key, kind)


# Live blogs ------------------------------------------------------------------------------

def _read_entries(tree: HtmlElement, outline: Outline) -> None:
    """A live blog shows its entries as sibling boxes, each with a <time datetime> and its own
    text. A time's box is its smallest ancestor that holds some words besides the time; a box
    holding another time's box is a container (a byline's time finds the whole article), not
    an entry. Every group of MIN_ENTRIES boxes under one parent is a candidate blog."""
    first_time: dict[HtmlElement, HtmlElement] = {}  # box -> its first time (posted; a later one says "updated")
    for count, time in enumerate(tree.iter("time")):
        if count >= MAX_TIMES:
            break
        if DATED.match(time.get("datetime") or "") and parse_date(time.get("datetime")) is not None:
            box = _entry_box(time)
            if box is not None and box not in first_time:
                first_time[box] = time
    containers = {above for box in first_time for above in box.iterancestors() if above in first_time}
    groups: dict[HtmlElement, list[tuple[HtmlElement, HtmlElement]]] = {}
    for box, time in first_time.items():
        if box not in containers and box.getparent() is not None:
            groups.setdefault(box.getparent(), []).append((box, time))
    for pairs in groups.values():
        if len(pairs) >= MIN_ENTRIES:
            outline.blogs.append(_blog(pairs))


def _blog(pairs: list[tuple[HtmlElement, HtmlElement]]) -> Blog:
    blog = Blog()
    for index, (box, time) in enumerate(pairs):
        heading = next((clean_text(h.text_content()) for h in box.iter("h2", "h3", "h4", "h5", "h6")
                        if 0 < _words(h.text_content()) <= ENTRY_HEADING_MAX_WORDS), "")
        when = parse_date(time.get("datetime"))
        blog.entries.append(Entry(when.isoformat() if when else None, heading, _key(time.text_content())))
        for node in box.iter(*CONTENT_TAGS):
            if node is not time:
                key = _key(node.text_content())
                if key:
                    blog.entry_of.setdefault(key, index)
    return blog


def add_linked_data(outline: Outline, objects: list[dict]) -> None:
    """Entries from a JSON-LD LiveBlogPosting's liveBlogUpdate (schema.org's own form of a live
    blog), for pages whose entries carry no <time datetime>."""
    for obj in objects:
        if "liveblogposting" not in ld_types(obj):
            continue
        updates = obj.get("liveBlogUpdate")
        blog = Blog()
        for update in (updates if isinstance(updates, list) else [updates])[:MAX_TIMES]:
            if not isinstance(update, dict):
                continue
            when = parse_date(update.get("datePublished"))
            heading, text = clean_text(update.get("headline")), update.get("articleBody")
            text = clean_text_keep_lines(text) if isinstance(text, str) else ""
            if _key(text).startswith(_key(heading).rstrip(".… ")) or _words(heading) > ENTRY_HEADING_MAX_WORDS:
                heading = ""  # a "headline" that is the entry's first words cut short
            index = len(blog.entries)
            blog.entries.append(Entry(when.isoformat() if when else None, heading, ""))
            blog.texts.append(_key(text))
            for line in [heading, *text.split("\n")]:
                if _key(line):
                    blog.entry_of.setdefault(_key(line), index)
        if len(blog.entries) >= MIN_ENTRIES:
            outline.blogs.append(blog)


def _entry_box(time: HtmlElement) -> HtmlElement | None:
    own = _words(time.text_content())
    for node in time.iterancestors():
        if node.tag in ("body", "html", "main"):
            return None
        if _words(node.text_content()) - own >= ENTRY_MIN_WORDS:
            return node
    return None


# Paragraphs -> blocks -------------------------------------------------------------------

def blocks(text: str, outline: Outline, keep_heading: Callable[[str], bool] = lambda heading: True) -> list[dict]:
    """Label each paragraph of the cleaned body. `keep_heading(text)` is asked about an entry
    heading the body does not hold (trafilatura dropped it): the body's cleaners judge it."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    heads = [outline.kinds.get(_key(p)) for p in paragraphs]
    levels = sorted({kind[1] for kind in heads if kind and kind[0] == "head"})
    rank = {level: ("h2" if i == 0 else "h3") for i, level in enumerate(levels)}  # shallowest -> h2
    blog = _blog_of(paragraphs, outline.blogs)
    out: list[dict] = []
    opened: set[int] = set()
    current: Entry | None = None
    for paragraph in paragraphs:
        key = _key(paragraph)
        entry = blog.find(key) if key and blog else None
        if entry is not None and entry not in opened:
            opened.add(entry)
            current = blog.entries[entry]
            own = key == _key(current.heading)
            heading = current.heading if own or (current.heading and keep_heading(current.heading)) else ""
            out.append({"type": "entry", "time": current.time, "text": heading})
            if own:
                continue  # the heading line is the entry's own
        if current is not None and key == current.time_key:
            continue  # only the entry's printed time: its <time> says it
        out.append(_block(paragraph, outline.kinds.get(key) if key else None, rank))
    return out


def _blog_of(paragraphs: list[str], blogs: list[Blog]) -> Blog | None:
    """The candidate whose entries hold the most of the body's paragraphs, if at least
    MIN_ENTRIES of its entries hold one (the body is the blog, not a teaser list beside it)."""
    best, best_found = None, 0
    for blog in blogs:
        hit = [blog.find(_key(p)) for p in paragraphs]
        found = sum(index is not None for index in hit)
        if len({index for index in hit if index is not None}) >= MIN_ENTRIES and found > best_found:
            best, best_found = blog, found
    return best


def _unmarked(paragraph: str) -> str:
    return ITEM_MARK.sub("", paragraph, count=1)


def _block(paragraph: str, kind: tuple[str, object] | None, rank: dict[object, str]) -> dict:
    if kind is None or kind[0] == "p":
        if kind is None and ITEM_MARK.match(paragraph):  # trafilatura's "- " before an item it kept
            return {"type": "li", "text": _unmarked(paragraph), "ordered": False}
        return {"type": "p", "text": paragraph}
    if kind[0] == "head":
        return {"type": rank.get(kind[1], "h3") if _words(paragraph) <= HEADING_MAX_WORDS else "p", "text": paragraph}
    if kind[0] == "li":
        return {"type": "li", "text": _unmarked(paragraph), "ordered": bool(kind[1])}
    return {"type": "quote", "text": paragraph}
