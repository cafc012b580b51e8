"""Page -> clean article: metadata from structured data, body from trafilatura + our cleaning."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime

import trafilatura
from trafilatura.utils import load_html

from broadsheet.extract import authors as authors_mod
from broadsheet.extract import body as body_mod
from broadsheet.extract import dates, furniture as furniture_mod, images, meta
from broadsheet.extract import title as title_mod
from broadsheet.extract.language import detect
from broadsheet.extract.structure import add_extracted, add_linked_data, from_page, blocks as label_blocks

# Bounds that keep one page within about a second or two whatever it holds. Real news pages
# measured on the dev set: at most 1.2 MB and 5,500 tags (535 KB without scripts).
SLIM_ABOVE = 1_000_000  # larger pages lose their scripts (except JSON-LD), styles and comments
MAX_BYTES = 1_500_000  # then are cut here
MAX_TAGS = 15_000  # and after this many tags (almost 3x the largest page measured)
MIN_TEXT = 200  # below this, look for the article serialised in a script
# When our cleaning keeps less than this share of the words trafilatura found, the guessing
# rules are distrusted and the text is cleaned again with the safe rules only (issue 10: two
# unseen pages lost half their story). On extraction-dev one page falls below it, rightly.
KEEP_SHARE = 0.6


class ExtractError(ValueError):
    """The page cannot be turned into an article (not HTML, empty, no body)."""


@dataclass
class Extracted:
    title: str = ""
    authors: list[dict] = field(default_factory=list)  # [{"name": str, "role": str | None}]
    published: datetime | None = None
    modified: datetime | None = None
    section: str = ""
    language: str = ""
    image: str = ""
    image_sizes: list[tuple[str, int, int]] = field(default_factory=list)  # the image's (url, width, height) for srcset
    icon: str = ""  # the site's small icon
    body: str = ""
    canonical_url: str = ""
    sitename: str = ""
    paywalled: bool = False
    teaser: str = ""
    blocks: list[dict] = field(default_factory=list)  # the body's paragraphs labelled: see structure.py

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]

    def as_json(self) -> dict:
        data = asdict(self)
        for key in ("published", "modified"):
            data[key] = data[key].isoformat() if data[key] else None
        data["paragraphs"] = self.paragraphs
        return data


_SCRIPTS = re.compile(rb"<(script|style|svg)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)


def _prepare(html: str | bytes) -> bytes | str:
    if isinstance(html, str):
        html = html.encode("utf-8", "replace")
    if not isinstance(html, bytes):
        raise ExtractError(f"expected HTML as str or bytes, got {type(html).__name__}")
    if len(html) > SLIM_ABOVE:
        html = _SCRIPTS.sub(lambda m: m.group(0) if b"ld+json" in m.group(0)[:200] else b"", html)[:MAX_BYTES]
    if html.count(b"<", 0, MAX_BYTES) > MAX_TAGS:
        cut = -1
        for _ in range(MAX_TAGS):
            cut = html.find(b"<", cut + 1)
        html = html[:cut]
    if b"\x00" in html[:4096] and html.count(b"\x00") > len(html) // 100:
        raise ExtractError("binary data, not HTML")
    return html


def _rescue_with_article_body(text: str, page: meta.PageMeta) -> str:
    """JSON-LD articleBody is the publisher's own full text, but often one paragraph-less
    blob that also lacks subheads; take it only when it holds clearly more of the story
    than the extracted text and contains what we found (trafilatura lost a part)."""
    article_body = page.ld.get("articleBody")
    if not isinstance(article_body, str):
        return text
    candidate = body_mod.clean_plain(meta.clean_text_keep_lines(article_body))
    ours, theirs = len(body_mod.WORD.findall(text)), len(body_mod.WORD.findall(candidate))
    if theirs >= 1.4 * ours + 20 and body_mod.overlap(text, candidate) >= 0.8:
        return candidate
    return text


def _filter_by_article_body(text: str, page: meta.PageMeta, standfirst: str, titles: set[str]) -> str:
    """When the publisher's JSON-LD articleBody holds about as much text as we extracted, a
    block of ours that is mostly absent from it (and from the standfirst) is page furniture."""
    article_body = page.ld.get("articleBody")
    if not isinstance(article_body, str):
        return text
    reference = " ".join([meta.clean_text_keep_lines(article_body), standfirst, *titles])
    ours = len(body_mod.WORD.findall(text))
    if len(body_mod.WORD.findall(article_body)) < 0.7 * ours or body_mod.contained(text, reference) < 0.7:
        return text  # too short to judge by, or another text than the one shown (an earlier version)
    kept = [p for p in text.split("\n\n") if body_mod.overlap(p, reference) >= 0.5]
    return "\n\n".join(kept) if kept else text


def _keeps_heading(heading: str, evidence: dict) -> bool:
    """A live-blog entry's heading the body lacks, judged by the body's own cleaners; all but
    the link-block rule: an entry's heading often links to the entry itself (its permalink)."""
    return bool(body_mod.clean(heading, **{**evidence, "link_blocks": frozenset()}))


def extract(html: str | bytes, url: str = "", feed_hints: dict | None = None) -> Extracted:
    """Extract one article from a page's HTML. Raises ExtractError when there is none.

    feed_hints: what the feed entry said ({"title", "author", "published"}), used only
    when the page itself does not say.
    """
    hints = feed_hints or {}
    data = _prepare(html)
    if not data.strip():
        raise ExtractError("empty page")
    try:
        tree = load_html(data)
    except (ValueError, TypeError) as exc:  # lxml refuses some byte soups outright
        raise ExtractError(f"not parseable as HTML: {exc}") from None
    if tree is None:
        raise ExtractError("not parseable as HTML")
    page = meta.read(tree)
    sites = meta.site_names(page, url)
    captions = body_mod.collect_captions(tree) | body_mod.keys_of(meta.media_descriptions(page))
    link_blocks = body_mod.collect_link_blocks(tree)
    subheads = body_mod.collect_subheads(tree)
    furniture = body_mod.collect_furniture(tree)
    byline = authors_mod.from_dom(tree)
    outline = from_page(tree)  # before trafilatura, which rewrites the tree
    add_linked_data(outline, page.ld_all)
    standfirst = meta.clean_text(page.meta.get("og:description") or page.ld.get("description")
                                 or page.meta.get("description"))
    visible = body_mod.visible_texts(tree, (int(len(standfirst) * 0.9), int(len(standfirst) * 1.2) + 10)) if standfirst else {}
    lead_image = meta.first_image(page, url)
    # Read before trafilatura, which prunes the tree it is given.
    image_sizes, site_icon = images.lead_sizes(tree, page, url, lead_image), images.icon(tree, url)
    embedded = ""
    # Our own metadata comes first; trafilatura's (htmldate over the whole page, the slowest
    # step on big pages) runs only for what is still missing, further below.
    doc = trafilatura.bare_extraction(tree, url=url or None, with_metadata=False, include_comments=False,
                                      deduplicate=False)
    raw = (doc.text or "") if doc is not None else ""
    if len(raw) < MIN_TEXT:
        embedded = body_mod.embedded_html(load_html(data))  # trafilatura pruned scripts from `tree`
    if embedded:
        sub = trafilatura.bare_extraction(f"<html><body><article>{embedded}</article></body></html>",
                                          include_comments=False)
        raw = (sub.text or "") if sub is not None else raw
        add_extracted(outline, sub.body if sub is not None else None)
    elif doc is not None:
        add_extracted(outline, doc.body)
    fallback_title = (doc.title or "") if doc is not None else ""
    headline = title_mod.pick(page, sites, fallback=fallback_title or hints.get("title", ""))
    people = authors_mod.pick(page, sites, dom=byline)
    if not people:
        people = authors_mod.from_text(raw)
    if not people and hints.get("author"):
        people = authors_mod.parse(hints["author"])
    # Every title field, the social ones too: the one we did not pick may open the text.
    titles = {headline, fallback_title, *page.h1[:2], *(meta.clean_text(t) for t in (
        page.ld.get("headline"), page.meta.get("og:title"), page.meta.get("twitter:title")))}
    kept = furniture_mod.Page(tree, url, [] if embedded else raw.splitlines())  # embedded: another tree
    link_blocks |= kept.link_lines()
    side_boxes = kept.side_boxes()
    evidence = dict(captions=captions, link_blocks=link_blocks, titles=titles, people=[p["name"] for p in people],
                    orgs=sites, furniture=furniture, side_boxes=side_boxes, apart=kept.apart())
    text = body_mod.clean(raw, **evidence)
    text = body_mod.restore_subheads(text, subheads)
    text = _rescue_with_article_body(text, page)
    text = _filter_by_article_body(text, page, standfirst, titles)
    if body_mod.words(text) < KEEP_SHARE * body_mod.words(raw):
        safe = body_mod.restore_subheads(body_mod.clean(raw, safe=True, **evidence), subheads)
        if body_mod.words(safe) > body_mod.words(text):
            text = safe
    text = body_mod.with_standfirst(text, standfirst, visible)
    if not text.strip():
        raise ExtractError("no article text found")
    published = dates.published(page, hint=None) or dates.from_page(data, url) or dates.parse(hints.get("published"))
    return Extracted(
        title=headline,
        authors=people,
        published=published,
        modified=dates.modified(page),
        section=meta.section(page) or (", ".join(doc.categories or [])[:200] if doc is not None and doc.categories else ""),
        language=detect(text, page.lang_attr),
        image=lead_image or ((doc.image or "") if doc is not None else ""),
        image_sizes=image_sizes,
        icon=site_icon,
        body=text,
        canonical_url=page.canonical or page.meta.get("og:url", "") or ((doc.url or "") if doc is not None else "") or url,
        sitename=page.meta.get("og:site_name", "") or ((doc.sitename or "") if doc is not None else ""),
        paywalled=meta.paywalled(page),
        teaser=standfirst[:1000],
        blocks=label_blocks(text, outline, keep_heading=lambda head: _keeps_heading(head, evidence)),
    )
