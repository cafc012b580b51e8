"""Pictures a page offers: its lead image in the sizes the publisher serves (for srcset),
and the site's small icon. Read-only on the tree, like meta.py.

The sizes come from what publishers declare for search engines and their own <img>s:
JSON-LD ImageObject lists with widths, og:image with og:image:width/height, and the
srcset of the page's own copy of the lead image. Only candidates of the same picture
(and of about the same shape) are kept, so a browser picking by width gets that picture.
"""

from __future__ import annotations

import re
from typing import Any, Iterator
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from broadsheet.extract.meta import PageMeta

MAX_URL = 2000  # the length our URL columns hold
MAX_SIZES = 8  # candidates kept for one srcset
MIN_WIDTH, MAX_WIDTH = 16, 10_000
SHAPE_TOLERANCE = 0.15  # a crop whose width/height ratio differs by more is another picture
MAX_ELEMENTS = 400  # <img>/<source> elements read for srcsets (a page has tens)
ICON_TARGET = 32  # pixels: shown at 16-20 CSS px, so 32 is sharp on a 2x screen

Size = tuple[str, int, int]  # url, width, height (0: not declared)
_SPACE = re.compile(r"\s")
_CANDIDATE = re.compile(r"[\s,]*(\S+)")


def _absolute(value: Any, base: str) -> str:
    """An http(s) URL from a page attribute, resolved against the page; '' for anything else."""
    if not isinstance(value, str) or not value.strip():
        return ""
    value = value.strip()
    if len(value) > MAX_URL or _SPACE.search(value):
        return ""
    url = value if value.startswith(("http://", "https://")) else urljoin(base or "", value)
    return url if url.startswith(("http://", "https://")) and len(url) <= MAX_URL else ""


def pixels(value: Any) -> int:
    """A width/height as publishers write it: 1200, "1200", "1200px", or a schema.org
    QuantitativeValue {"value": 1200}; 0 when absent or implausible."""
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{1,5})(?:\.0+)?\s*(?:px)?\s*", value)
        value = int(match[1]) if match else 0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    return int(value) if MIN_WIDTH <= value <= MAX_WIDTH else 0


def parse_srcset(value: str, base: str) -> list[tuple[str, int]]:
    """(url, width) of each width-described candidate of a srcset attribute.

    After the HTML standard's parsing rules: a URL is a run of non-space characters (it may
    hold commas, as image CDNs' URLs do), a comma it ends with closes the candidate, and its
    descriptors run to the next comma. Density ("2x") candidates say no width and are skipped.
    No well-kept Python library parses srcset, so these few lines are ours."""
    out: list[tuple[str, int]] = []
    pos, text = 0, value or ""
    while pos < len(text):
        match = _CANDIDATE.match(text, pos)
        if not match:
            break
        url, pos = match[1], match.end()
        descriptors = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            end = text.find(",", pos)
            end = len(text) if end < 0 else end
            descriptors, pos = text[pos:end], end + 1
        width = re.fullmatch(r"\s*(\d{1,5})w\s*", descriptors)
        absolute = _absolute(url, base)
        if width and absolute and pixels(int(width[1])):
            out.append((absolute, int(width[1])))
    return out


_SIZE_TOKEN = re.compile(r"[-_.](?:\d{2,5}x\d{2,5}|\d{2,5}w)(?=\.\w{2,5}$)|/(?:w|width)[_-]?\d{2,5}(?=/)")


def picture_key(url: str) -> tuple[str, str]:
    """What two addresses of one picture share: the path without query, and that path without
    the size tokens CMSs add to resized copies ("bridge-1024x576.jpg" is "bridge.jpg")."""
    path = urlsplit(url).path.lower().rstrip("/")
    return path, _SIZE_TOKEN.sub("", path)


def same_picture(a: str, b: str) -> bool:
    key_a, key_b = picture_key(a), picture_key(b)
    return bool(key_a[0]) and (key_a[0] == key_b[0] or key_a[1] == key_b[1])


def _ld_images(page: PageMeta, base: str) -> list[Size]:
    image = page.ld.get("image")
    out = []
    for item in (image if isinstance(image, list) else [image])[:50]:
        if isinstance(item, dict):
            url = _absolute(item.get("url") or item.get("contentUrl"), base)
            if url:
                out.append((url, pixels(item.get("width")), pixels(item.get("height"))))
        elif isinstance(item, str) and _absolute(item, base):
            out.append((_absolute(item, base), 0, 0))
    return out


def og_images(tree: HtmlElement, base: str) -> list[Size]:
    """The page's og:image entries in order, each with the width/height declared after it
    (OpenGraph's structured properties: og:image starts an image, og:image:width describes it)."""
    images: list[list] = []
    for node in tree.iterfind(".//meta"):
        key = (node.get("property") or node.get("name") or "").strip().lower()
        content = node.get("content") or ""
        if key in ("og:image", "og:image:url"):
            url = _absolute(content, base)
            if url and not (images and images[-1][0] == url):
                images.append([url, 0, 0])
        elif images and key == "og:image:secure_url" and _absolute(content, base):
            images[-1][0] = _absolute(content, base)
        elif images and key in ("og:image:width", "og:image:height"):
            images[-1][1 if key.endswith("width") else 2] = pixels(content)
    return [tuple(i) for i in images]


def _srcsets(tree: HtmlElement, base: str, needle: str) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """(src, width candidates) of each <img> and <picture><source> with a width srcset that
    mentions `needle` (lowercased) in it or its src; lazy loaders keep theirs in data-srcset."""
    for count, node in enumerate(tree.iter("img", "source")):
        if count >= MAX_ELEMENTS:
            return
        value = node.get("srcset") or node.get("data-srcset") or ""
        if "w" not in value or needle not in (value + (node.get("src") or node.get("data-src") or "")).lower():
            continue
        candidates = parse_srcset(value, base)
        if candidates:
            yield _absolute(node.get("src") or node.get("data-src"), base), candidates


def _ratio(size: Size) -> float:
    return size[1] / size[2] if size[1] and size[2] else 0.0


def lead_sizes(tree: HtmlElement, page: PageMeta, url: str, lead: str) -> list[Size]:
    """The sizes in which the page serves its lead image `lead`, narrowest first: [] when
    it declares none, one entry when it declares only the lead's own size."""
    if not lead:
        return []
    declared = _ld_images(page, url)
    # The article's JSON-LD image list is the publisher's set of variants when the lead is in it.
    from_ld = declared if any(same_picture(u, lead) for u, _, _ in declared) else []
    found: list[Size] = [s for s in og_images(tree, url) if same_picture(s[0], lead)] + from_ld
    lead_key = picture_key(lead)
    # A copy of the lead names its file, less any size token and extension: parse only those.
    needle = lead_key[1].rsplit("/", 1)[-1].split(".", 1)[0]
    for src, candidates in _srcsets(tree, url, needle):
        keys = [picture_key(u) for u in [src, *(c[0] for c in candidates)] if u]
        if any(k[0] and (k[0] == lead_key[0] or k[1] == lead_key[1]) for k in keys):
            found.extend((u, w, 0) for u, w in candidates)
    shaped = [s for s in found if s[0] == lead and _ratio(s)] + [s for s in found if _ratio(s)]
    shape = _ratio(shaped[0]) if shaped else 0.0
    by_width: dict[int, Size] = {}
    for size in found:
        if not size[1] or size[1] in by_width or any(size[0] == s[0] for s in by_width.values()):
            continue
        if shape and _ratio(size) and abs(_ratio(size) - shape) / shape > SHAPE_TOLERANCE:
            continue
        by_width[size[1]] = size
    sizes = [by_width[w] for w in sorted(by_width)]
    if len(sizes) > MAX_SIZES:  # spread over the range: thumbnails need the small ones, the lead card the large
        sizes = [sizes[round(i * (len(sizes) - 1) / (MAX_SIZES - 1))] for i in range(MAX_SIZES)]
    return sizes


_ICON_RELS = {"icon", "shortcut", "apple-touch-icon", "apple-touch-icon-precomposed"}


def _icon_penalty(rel: set[str], sizes: str, kind: str, href: str) -> int:
    """How far an icon is from a sharp 16-20 px picture: a vector or a size just above
    ICON_TARGET is best, a smaller one blurs, a big touch icon costs bytes."""
    if "svg" in kind or href.lower().split("?")[0].endswith(".svg") or "any" in sizes.lower():
        return 0
    declared = [int(w) for w, h in re.findall(r"(\d{1,4})x(\d{1,4})", sizes.lower())]
    if not declared:
        return 148 if rel & {"apple-touch-icon", "apple-touch-icon-precomposed"} else 16  # 180 px; a .ico holds 16-48
    size = max([d for d in declared if d >= ICON_TARGET] or declared)
    return size - ICON_TARGET if size >= ICON_TARGET else (ICON_TARGET - size) * 4


def icon(tree: HtmlElement, url: str) -> str:
    """The page's best small icon from its <link rel="icon"/"apple-touch-icon"> (by their
    sizes), else the site's /favicon.ico; '' for a page without an http(s) address."""
    best: tuple[int, int, str] | None = None
    for order, link in enumerate(tree.iterfind(".//link")):
        rel = set((link.get("rel") or "").lower().split())
        if not rel & _ICON_RELS or not rel - {"shortcut"}:
            continue
        href = _absolute(link.get("href"), url)
        if not href:
            continue
        penalty = _icon_penalty(rel, link.get("sizes") or "", (link.get("type") or "").lower(), href)
        if best is None or (penalty, order) < best[:2]:
            best = (penalty, order, href)
    if best:
        return best[2]
    parts = urlsplit(url or "")
    if parts.scheme in ("http", "https") and parts.hostname:
        return f"{parts.scheme}://{parts.netloc}/favicon.ico"
    return ""
