"""Headline: the publisher's own headline field, without the site name glued to it."""

from __future__ import annotations

import re

from broadsheet.extract.meta import PageMeta, clean_text

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
        if head and _is_site(head, sites) and first.end() < len(title) and not DATE_LIKE.match(head):
            title = title[first.end():].lstrip()
            continue
        break
    return title


def pick(page: PageMeta, sites: set[str], fallback: str = "") -> str:
    # og:title first: on the dev set it is the headline the publisher shows most often
    # (og 0.85, JSON-LD headline 0.82, lone h1 0.70 exact after stripping the site name).
    sections = {clean_text(page.meta.get(k, "")) for k in ("article:section", "content_category")} - {""}
    candidates = [
        page.meta.get("og:title"), page.ld.get("headline"), page.meta.get("twitter:title"),
        page.h1[0] if len(page.h1) == 1 else None, page.title_tag, fallback,
    ]
    for cand in candidates:
        text = strip_site(cand, sites, sections) if isinstance(cand, str) else ""
        if text and not _is_site(text, sites):
            return text[:500]
    return ""
