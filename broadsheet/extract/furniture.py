"""Furniture found by general evidence in the page's DOM, not by phrase lists (issue 10).

Each judges the lines trafilatura kept, traced back to their elements, and returns the keys
of those that are not the story, so that the body cleaner drops a paragraph whose key is
among them (a per-paragraph decision):

- link lines: a block that is one link to another page, or a short label and a link
  ("MORE: <headline>", "READ MORE <headline>", a button "<read this in English>");
- side boxes: a small box beside the story that links to other pages of the same site and
  whose words have little to do with the story's (a football item inside a report from
  Caracas, a phone offer inside a laptop review).
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from broadsheet.extract import rules
from broadsheet.extract.body import _key, _words, topic_words


class Links:
    """Where a page's links lead, resolved once per distinct href."""

    def __init__(self, url: str):
        self.url = url or "https://page.invalid/"
        here = urlsplit(self.url)
        self.here = (here.netloc.lower().removeprefix("www."), here.path)
        self.cache: dict[str, tuple[bool, bool]] = {}

    def leads(self, link: HtmlElement) -> tuple[bool, bool]:
        """(leads to another page, that page is on this site). Anchors, scripts, mail and
        the page itself are no other page."""
        href = (link.get("href") or "").strip()
        if href not in self.cache:
            self.cache[href] = self._resolve(href)
        return self.cache[href]

    def _resolve(self, href: str) -> tuple[bool, bool]:
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            return False, False
        try:
            target = urlsplit(urljoin(self.url, href))
        except ValueError:
            return False, False
        host = target.netloc.lower().removeprefix("www.")
        if target.scheme not in ("http", "https") or (host, target.path) == self.here:
            return False, False
        return True, host == self.here[0] or self.here[0] == "page.invalid"


BOXES = ("div", "section", "aside", "ul", "ol")
MAX_BLOCK_CHARS = 3000
PREFIX = 24  # characters of a line's start matched against the page's text nodes
TEXT_NODES = etree.XPath("//body//text()[normalize-space()][not(ancestor::script or ancestor::style)]")


class Page:
    """The elements that hold the lines trafilatura kept, so that each line can be judged by
    where it sits in the page: looked up by their whitespace-normalised text, only for the
    lines kept (keying every element of a big page costs tens of ms)."""

    def __init__(self, tree: HtmlElement, url: str, lines: list[str]):
        self.links = Links(url)
        self.lines = [" ".join(line.split()) for line in lines if line.strip()]
        wanted = {line.removeprefix("- "): _key(line) for line in self.lines if len(line) <= MAX_BLOCK_CHARS}
        self.blocks: dict[str, HtmlElement] = {}
        self.texts: dict[HtmlElement, str] = {}
        self._find(tree, wanted)

    def _find(self, tree: HtmlElement, wanted: dict[str, str]) -> None:
        """A line starts with the text of a text node: find those (in libxml2, no element
        proxies), then climb from each to the element whose whole text is the line. (Going
        through the paragraphs first costs more: half the pages keep a line from a div, a
        kicker or a lone link.)"""
        if not wanted:
            return
        starts = {line[:n] for line in wanted for n in range(1, min(len(line), PREFIX) + 1)}
        for piece in TEXT_NODES(tree):
            start = " ".join(piece[:PREFIX * 2].split())[:PREFIX]
            if start not in starts:
                continue
            node = piece.getparent()
            if piece.is_tail:
                node = node.getparent()
            for _ in range(4):
                if node is None or not isinstance(node.tag, str):
                    break
                text = self.text(node)  # cached: many text nodes share one large ancestor
                if len(text) > MAX_BLOCK_CHARS:
                    break
                key = wanted.get(" ".join(text.split()))
                if key:
                    self.blocks.setdefault(key, node)
                    break
                node = node.getparent()

    def apart(self) -> set[str]:
        """Keys of the lines that stand in a box of their own: the element around the line
        holds neither the line before it nor the line after it (a notice above the story, a
        box below it), as a story's paragraphs, which share their container, never do."""
        found = [(key, self.blocks[key]) for key in (_key(line) for line in self.lines) if key in self.blocks]
        out: set[str] = set()
        for index, (key, node) in enumerate(found):
            box = node.getparent()
            neighbours = [found[j][1] for j in (index - 1, index + 1) if 0 <= j < len(found)]
            if box is not None and neighbours and not any(box in other.iterancestors() for other in neighbours):
                out.add(key)
        return out

    def text(self, node: HtmlElement) -> str:
        if node not in self.texts:
            self.texts[node] = node.text_content()
        return self.texts[node]

    def out_links(self, node: HtmlElement, same_site: bool = False) -> list[HtmlElement]:
        """Links in the node, or the one it is inside ("<a><strong>line</strong></a>")."""
        around = [a for a in node.iterancestors("a")][:1]
        found = around or list(node.iter("a"))
        return [a for a in found if self.links.leads(a)[1 if same_site else 0]]

    def link_lines(self) -> set[str]:
        """Of the lines kept, those that are only a pointer to another page: the whole text is
        one link, or an unlinked label of a few words ("MORE:", "WATCH", "Lesen Sie auch") and
        a link of more. A paragraph with a link inside a sentence has more than a label
        unlinked and stays."""
        out: set[str] = set()
        for key, node in self.blocks.items():
            if len(key) > rules.LINK_LINE_MAX_CHARS or next(node.iterancestors("blockquote"), None) is not None:
                continue  # an embedded post's "— Name (@handle) date" is part of the quote
            anchors = self.out_links(node)
            if not anchors:
                continue
            text = self.text(node)
            linked = " ".join(a.text_content() for a in anchors)
            rest = text
            for a in anchors:
                rest = rest.replace(a.text_content(), " ", 1)
            label = rest.strip()
            if (_words(linked) >= rules.LINK_LINE_MIN_WORDS and _words(label) <= rules.LINK_LABEL_MAX_WORDS
                    and not re.search(r"[.!?]$", label)):
                out.add(key)
        return out

    def side_boxes(self) -> set[str]:
        """Of the lines kept, those in a small box about another story: a box (div, section,
        aside, list) of at most SIDE_BOX_MAX_WORDS and a small share of the text, with at
        least a fifth of its words in links to other pages of this site, whose topic words
        mostly do not occur in the other lines kept. All three together: a story paragraph
        with a link to an earlier story is on topic; an off-topic paragraph with no link (a
        quote, a table row) is not a box about another story; an "About <company>" section
        links to the company's own site."""
        lines = self.lines
        keys = [_key(line) for line in lines]
        total = sum(_words(line) for line in lines)
        limit = min(rules.SIDE_BOX_MAX_WORDS, rules.BOX_MAX_SHARE * total)
        owners = {self.blocks[k]: k for k in keys if k in self.blocks}
        topics: list[set[str]] = []  # counted on the first box that passes the cheap tests
        counts: Counter = Counter()
        out: set[str] = set()
        judged: set[HtmlElement] = set()
        for node, key in owners.items():
            if key in out:
                continue
            for box in list(node.iterancestors())[: rules.SIDE_BOX_DEPTH]:
                if box.tag in ("html", "body", "main", "article") or box in judged:
                    break
                judged.add(box)
                if box.tag not in BOXES:
                    continue
                text = self.text(box)
                words = _words(text)
                if words > limit:
                    break
                linked = sum(_words(a.text_content()) for a in self.out_links(box, same_site=True))
                if linked < rules.SIDE_BOX_MIN_LINKED * words or box.find(".//h1") is not None:
                    continue
                if not topics:
                    topics = [topic_words(line) for line in lines]
                    for found in topics:
                        counts.update(found)
                inside_keys = {owners[e] for e in box.iter() if e in owners}
                inside: Counter = Counter()
                for k, found in zip(keys, topics):
                    if k in inside_keys:
                        inside.update(found)
                own = topic_words(text)
                shared = sum(1 for w in own if counts[w] > inside[w])  # found in a line outside the box
                if len(own) >= 3 and shared < rules.SIDE_BOX_MAX_SHARED * len(own):
                    out |= inside_keys
                    break
        return out
