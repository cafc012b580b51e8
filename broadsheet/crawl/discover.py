"""Find the feeds a web page advertises with <link rel="alternate">."""

from __future__ import annotations

from urllib.parse import urljoin

import lxml.html

FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json",
              "application/xml", "text/xml"}


def discover_feeds(html: bytes | str, base_url: str) -> list[str]:
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    found: list[str] = []
    for link in doc.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().strip()
        href = link.get("href")
        if "alternate" in rel and kind in FEED_TYPES and href:
            url = urljoin(base_url, href.strip())
            if url not in found:
                found.append(url)
    return found
