"""Headline: the publisher's own headline field, without the site name glued to it."""

from __future__ import annotations

import re

from broadsheet.extract.meta import PageMeta, clean_text, ld_types

# " | Site", " - Site", " – DW – 13.06.2023", "-정치ㅣ한국일보": separators publishers put before chrome.
SEPARATOR = re.compile(r"\s+[|\-–—:·•»/]+\s+|\s*[|ㅣ｜]\s*|\s+::\s+")
DATE_LIKE = re.compile(r"^[\d\s./\-]+$")


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _is_site(segment: str, sites: set[str]) -> bool:
    key = _key(segment)
    if not key or DATE_LIKE.match(segment):
        return bool(DATE_LIKE.match(segment))
    for site in sites:
        skey = _key(site)
        if skey and (key == skey or (len(skey) >= 3 and (skey in key or key in skey) and len(key) <= len(skey) + 12)):
            return True
    return False


def strip_site(title: str, sites: set[str], sections: set[str] = frozenset()) -> str:
    """Drop trailing (and leading) segments that are the site's name, its section or a date."""
    title = clean_text(title)
    for _ in range(3):
        glued = re.search(r"[-–|/]\s*([^\s\-–|/]{1,20})$", title)  # "Headline-Politics" before "ㅣSite"
        if glued and glued.group(1) in sections and glued.start() > 0:
            title = title[: glued.start()].rstrip()
            continue
        parts = list(SEPARATOR.finditer(title))
        if not parts:
            break
        last = parts[-1]
        tail = title[last.end():]
        if tail and (_is_site(tail, sites) or tail in sections) and last.start() > 0:
            title = title[: last.start()].rstrip()
            continue
        first = parts[0]
        head = title[: first.start()]
        if head and (_is_site(head, sites) or head in sections) and first.end() < len(title) and not DATE_LIKE.match(head):
            title = title[first.end():].lstrip()
            continue
        break
    return title


def _part_of(short: str, long: str) -> bool:
    """Is `short` the whole of `long`, or `long` with a kicker or site name glued on at a
    separator ("Kicker: Headline", "Headline - Site")?"""
    if _key(short) == _key(long):
        return True
    if len(_key(short)) < 12:
        return False
    at = long.casefold().find(short.casefold())
    if at < 0:
        return False
    before, after = long[:at], long[at + len(short):]
    return (not before.strip() or bool(SEPARATOR_END.search(before))) and (
        not after.strip() or bool(SEPARATOR_START.match(after))) and bool(before.strip() or after.strip())


SEPARATOR_END = re.compile(r"(?:\s[|\-–—·•»/]+|[:|ㅣ｜])\s*[\"'«»„“”]?$")
SEPARATOR_START = re.compile(r"^[\"'«»„“”]?\s*(?:[|\-–—·•»/:]+\s|[|ㅣ｜])")


def section_names(page: PageMeta) -> set[str]:
    """The page's own section names (meta tags, JSON-LD articleSection, breadcrumbs): a
    title segment equal to one is a kicker or a suffix, not the headline."""
    names = {page.meta.get(k, "") for k in ("article:section", "content_category")}
    value = page.ld.get("articleSection")
    names.update(value if isinstance(value, list) else [value])
    for obj in page.ld_all:
        if "breadcrumblist" in ld_types(obj):
            for item in (obj.get("itemListElement") or [])[:-1]:  # the last crumb is the article
                if isinstance(item, dict):
                    inner = item.get("item")
                    names.add(item.get("name") or (inner.get("name") if isinstance(inner, dict) else ""))
    return {clean_text(n) for n in names if isinstance(n, str)} - {""}


def pick(page: PageMeta, sites: set[str], fallback: str = "") -> str:
    """The headline the publisher shows: the visible h1 of the article when another field
    (JSON-LD headline, <title>, og:title, twitter:title) confirms it, without a kicker or site
    name that only one of them carries; else the JSON-LD headline, the visible h1, <title>,
    and the social titles (og:, twitter:) last, as they are often a variant written for sharing."""
    sections = section_names(page)

    def stripped(cand: object) -> str:
        text = strip_site(cand, sites, sections) if isinstance(cand, str) else ""
        return "" if not text or _is_site(text, sites) else text[:500]

    visible = stripped(page.h1_article)
    others = [stripped(o) for o in (page.ld.get("headline"), page.title_tag, page.meta.get("og:title"),
                                    page.meta.get("twitter:title"))]
    if visible:
        agreeing = [o for o in others if o and (_part_of(o, visible) or _part_of(visible, o))]
        if agreeing:
            # Same words: the field's own text (an h1 made of spans loses the ": " between kicker
            # and headline). Otherwise the shortest form all agree on: the kicker or site is extra.
            same = [o for o in agreeing if _key(o) == _key(visible)]
            if same:
                return same[0]
            return min([visible, *agreeing], key=len)
    for cand in (page.ld.get("headline"), page.meta.get("og:title"), page.meta.get("twitter:title"),
                 page.h1_article, page.title_tag, fallback):
        text = stripped(cand)
        if text:
            return text
    return ""


def shows_visible(title: str, page: PageMeta, sites: set[str]) -> bool:
    """Is `title` the page's visible headline (its article h1), whole or without a kicker or
    site name? For the bench: a miss against a reference that chose another field."""
    visible = strip_site(page.h1_article, sites) if page.h1_article else ""
    return bool(title and visible) and (_part_of(title, visible) or _part_of(visible, title))
