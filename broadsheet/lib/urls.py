from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import courlan


def canonical_url(url: str) -> str:
    """The form of a URL used as an article's identity.

    courlan lower-cases scheme and host, drops default ports and tracking parameters
    (utm_*, fbclid, ...) and sorts the query; we drop the fragment as well, since
    `page#comments` and `page` are the same article.
    """
    url = url.strip()
    try:
        normalised = courlan.normalize_url(url, strict=True)
    except (ValueError, AttributeError):
        normalised = url
    parts = urlsplit(normalised)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"
