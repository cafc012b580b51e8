"""Page metadata from the structured data publishers put in their pages.

Order of trust, measured on the dev set (bench/extraction.py): JSON-LD (schema.org
NewsArticle & co., what search engines read) first, then OpenGraph/meta tags, then the
visible page (h1, <title>), then what trafilatura/htmldate infer. Read-only on the tree.
"""

from __future__ import annotations

import html as htmlmod
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterator
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "reviewnewsarticle", "backgroundnewsarticle", "blogposting", "liveblogposting", "socialmediaposting",
    "techarticle", "scholarlyarticle", "report", "posting", "medicalwebpage",
}
MAX_LD_BYTES = 2_000_000  # a JSON-LD block bigger than this is not metadata


@dataclass
class PageMeta:
    ld: dict = field(default_factory=dict)  # the page's main article object from JSON-LD
    ld_all: list[dict] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # lower-cased name/property -> first content
    h1: list[str] = field(default_factory=list)
    h1_article: str = ""  # the visible headline: the h1 in the article's container, or the lone h1
    title_tag: str = ""
    canonical: str = ""
    lang_attr: str = ""


def clean_text(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(htmlmod.unescape(value).replace("\xad", "").split())


def clean_text_keep_lines(value: str) -> str:
    """Unescape and tidy text from structured data, keeping its line breaks (paragraphs)."""
    text = htmlmod.unescape(value).replace("\xad", "").replace("\r", "")
    text = re.sub(r"<br\s*/?>|</p>", "\n", text, flags=re.IGNORECASE)
    text = re.sub(r"<[^>]{0,500}>", " ", text)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    # Markup artefacts some CMSs leave in articleBody: "+++dropcap", "[#image: ...]", "{: attr}".
    return "\n".join(line for line in lines if not re.match(r"^(?:\+\+\+\S|\[#\w+:|\{:)", line))


def _walk_ld(node: Any, depth: int = 0) -> Iterator[dict]:
    if depth > 6:
        return
    if isinstance(node, list):
        for item in node[:200]:
            yield from _walk_ld(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in node:
                yield from _walk_ld(node[key], depth + 1)


def ld_types(obj: dict) -> set[str]:
    kind = obj.get("@type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).rsplit("/", 1)[-1].lower() for k in kinds}


def _load_ld(text: str) -> Any:
    text = text.strip()
    if not text or len(text) > MAX_LD_BYTES:
        return None
    try:
        return json.loads(text)
    except ValueError:
        # Common publisher slips: raw newlines/tabs inside strings, trailing commas.
        try:
            return json.loads(re.sub(r",\s*([}\]])", r"\1", re.sub(r"[\n\r\t]+", " ", text)))
        except ValueError:
            return None


def read(tree: HtmlElement) -> PageMeta:
    page = PageMeta()
    for script in tree.iterfind(".//script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        page.ld_all.extend(_walk_ld(_load_ld(script.text or "")))
    articles = [o for o in page.ld_all if ld_types(o) & ARTICLE_TYPES]
    if articles:
        # The richest article object is the page's own (teasers carry only a headline/url).
        page.ld = max(articles, key=lambda o: (bool(o.get("articleBody")), bool(o.get("datePublished")), len(o)))
    for node in tree.iterfind(".//meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        content = node.get("content")
        if key and content and key not in page.meta:
            page.meta[key] = content.strip()
    for node in tree.iterfind(".//h1"):
        text = clean_text(node.text_content())
        if text:
            page.h1.append(text)
            if not page.h1_article and any(a.tag in ("article", "main") for a in node.iterancestors()):
                page.h1_article = text
    if not page.h1_article and len(page.h1) == 1:
        page.h1_article = page.h1[0]
    title = tree.find(".//title")
    if title is not None:
        page.title_tag = clean_text(title.text_content())
    for link in tree.iterfind(".//link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            page.canonical = link.get("href").strip()
            break
    page.lang_attr = (tree.get("lang") or tree.get("xml:lang") or "").strip()
    return page


MEDIA_TYPES = {"videoobject", "imageobject", "audioobject", "mediaobject", "imagegallery", "videogallery"}


def media_descriptions(page: PageMeta) -> list[str]:
    """The captions/descriptions the page declares for its videos and images in JSON-LD:
    printed next to the player, they are captions, not story."""
    out = []
    for obj in page.ld_all:
        if ld_types(obj) & MEDIA_TYPES and obj is not page.ld:
            for key in ("description", "caption"):
                text = clean_text(obj.get(key))
                if 20 <= len(text) <= 1000:
                    out.append(text)
    return out


def ld_names(value: Any) -> list[str]:
    """Names from a schema.org Person/Organization (or a list, or a bare string)."""
    out: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            out.append(clean_text(item))
        elif isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, list):
                name = " ".join(str(n) for n in name)
            if not name and (item.get("givenName") or item.get("familyName")):
                name = f"{item.get('givenName', '')} {item.get('familyName', '')}"
            out.append(clean_text(name))
    return [n for n in out if n]


def ld_org_names(value: Any) -> set[str]:
    items = value if isinstance(value, list) else [value]
    return {clean_text(i.get("name")).casefold() for i in items
            if isinstance(i, dict) and ld_types(i) & {"organization", "newsmediaorganization"} and i.get("name")}


def site_names(page: PageMeta, url: str) -> set[str]:
    names = {page.meta.get("og:site_name", ""), page.meta.get("application-name", ""),
             page.meta.get("twitter:site", "").lstrip("@")}
    names.update(ld_names(page.ld.get("publisher")))
    for obj in page.ld_all:
        if ld_types(obj) & {"organization", "newsmediaorganization", "website"}:
            names.update(ld_names(obj.get("name")))
    host = urlsplit(url or page.canonical or page.meta.get("og:url", "")).hostname or ""
    parts = [p for p in host.split(".") if p not in {"www", "m", "amp"}]
    if parts:
        names.add(".".join(parts))
        if len(parts) >= 2:
            names.add(parts[-2])
    return {clean_text(n) for n in names if n and clean_text(n)}


def first_image(page: PageMeta, url: str) -> str:
    candidates: list[Any] = [page.meta.get("og:image"), page.meta.get("twitter:image")]
    image = page.ld.get("image")
    for item in image if isinstance(image, list) else [image]:
        candidates.append(item.get("url") if isinstance(item, dict) else item)
    for cand in candidates:
        if isinstance(cand, str) and cand.strip():
            return urljoin(url or "", cand.strip())
    return ""


def section(page: PageMeta) -> str:
    value = page.ld.get("articleSection")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    text = clean_text(value) or clean_text(page.meta.get("article:section", ""))
    if text:
        return text[:200]
    for obj in page.ld_all:  # breadcrumbs: the last crumb before the article itself
        if "breadcrumblist" in ld_types(obj):
            items = [i for i in obj.get("itemListElement") or [] if isinstance(i, dict)]
            names = [clean_text(i.get("name") or (i.get("item") or {}).get("name") if isinstance(i.get("item"), dict)
                                else i.get("name")) for i in items]
            names = [n for n in names if n]
            if len(names) >= 2:
                return names[-2][:200] if len(names) > 2 else names[-1][:200]
    return ""


def paywalled(page: PageMeta) -> bool:
    free = page.ld.get("isAccessibleForFree")
    if isinstance(free, str):
        free = free.strip().lower() not in {"false", "no", "0"}
    if free is False:
        return True
    tier = page.meta.get("article:content_tier", "").lower()
    return tier in {"locked", "metered"}
