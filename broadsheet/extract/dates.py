"""Published/modified times, timezone-aware.

JSON-LD and article meta tags carry the full timestamp with offset; htmldate (which
trafilatura uses too) finds a day when they are missing; the feed entry is the last resort.
A time without offset is taken as UTC so every stored time is aware.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timezone

from dateutil import parser as dateparser

from broadsheet.extract.meta import PageMeta

PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
                  "publish-date", "date", "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date",
                  "parsely-pub-date", "article.published", "published_time", "cxenseparse:recs:publishtime")
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "last-modified", "dcterms.modified")
EARLIEST = datetime(1995, 1, 1, tzinfo=timezone.utc)
# Zone abbreviations publishers print; dateutil knows none of them without help.
TZ_ABBREVIATIONS = {name: hours * 3600 for name, hours in {
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "GMT": 0, "UTC": 0,
    "BST": 1, "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2, "EET": 2, "EEST": 3, "MSK": 3, "IST": 5.5, "JST": 9,
    "KST": 9, "AEST": 10, "AEDT": 11, "SAST": 2, "WAT": 1, "EAT": 3}.items()}
HTMLDATE_MAX = 500_000  # bytes of page htmldate may search; dates sit in the header and byline


def parse(value: object) -> datetime | None:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and 6 <= len(value.strip()) <= 64:
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                with warnings.catch_warnings():  # "EST identified but not understood": we fall back to UTC
                    warnings.simplefilter("ignore", dateparser.UnknownTimezoneWarning)
                    parsed = dateparser.parse(text, tzinfos=TZ_ABBREVIATIONS)
            except (ValueError, OverflowError, TypeError):
                return None
    else:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    latest = datetime.now(timezone.utc).replace(year=datetime.now(timezone.utc).year + 1)
    if not EARLIEST <= parsed <= latest:
        return None
    return parsed


def published(page: PageMeta, fallback: str | None = None, hint: object = None) -> datetime | None:
    for value in [page.ld.get("datePublished"), page.ld.get("dateCreated"),
                  *(page.meta.get(k) for k in PUBLISHED_META), fallback, hint]:
        parsed = parse(value)
        if parsed:
            return parsed
    return None


def modified(page: PageMeta) -> datetime | None:
    for value in [page.ld.get("dateModified"), *(page.meta.get(k) for k in MODIFIED_META)]:
        parsed = parse(value)
        if parsed:
            return parsed
    return None


def from_page(html: bytes | str, url: str = "") -> datetime | None:
    """htmldate's guess (URL, visible dates, patterns) when the page has no date metadata."""
    from htmldate import find_date

    html = html[:HTMLDATE_MAX]  # its pattern search is linear in the text: ~1.4 s per MB
    try:
        found = find_date(html, url=url or None, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z")
    except (ValueError, TypeError):
        return None
    return parse(found)
