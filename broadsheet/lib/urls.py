from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import courlan
from courlan.clean import TRACKERS_RE

# Names courlan's tracker list matches whole that many sites also use for the article itself
# (`view.php?cid=4711`). Keeping a real tracker costs at most a copy that the content-hash
# check marks as a duplicate; dropping an identifier loses every article but the first.
_IDENTIFIERS = frozenset({"cid", "eid", "uid"})


def is_tracking_parameter(name: str) -> bool:
    """Whether a query parameter only says how the reader arrived (utm_*, fbclid, gclid, mc_cid ...).

    The list is courlan's (distilled from AdGuard's, ClearURLs' and Firefox's tracker lists),
    matched against the whole name or a prefix family such as `utm_`. courlan's own non-strict
    mode searches it anywhere at a word start, so it would also drop `gallery` or `game` (they
    start like `ga`), and its strict mode keeps only a dozen known names, dropping `nr` and `v`.
    """
    name = name.lower()
    if name in _IDENTIFIERS:
        return False
    if TRACKERS_RE.fullmatch(name):
        return True
    prefix, sep, _ = name.partition("_")
    return bool(sep) and TRACKERS_RE.fullmatch(prefix + "_") is not None


def canonical_query(query: str) -> str:
    """Every parameter but the trackers, sorted by name (values of one name keep their order)."""
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not is_tracking_parameter(k)]
    return urlencode(sorted(pairs, key=lambda pair: pair[0]))


def canonical_url(url: str) -> str:
    """The form of a URL used as an article's identity.

    courlan lower-cases scheme and host, drops default ports and normalises the path; the
    query keeps every parameter but the trackers, sorted, so `article.php?nr=123` and `?nr=124`
    stay two articles while `page?utm_source=rss` is `page`. The fragment goes as well, since
    `page#comments` and `page` are the same article.
    """
    url = url.strip()
    parts = urlsplit(url)
    try:
        base = courlan.normalize_url(urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")), strict=True)
    except (ValueError, AttributeError):
        base = url
    base_parts = urlsplit(base)
    return urlunsplit((base_parts.scheme, base_parts.netloc, base_parts.path or "/", canonical_query(parts.query), ""))


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"
