"""Bylines: every author once, each with a role where the page states one.

"By Jane Doe and John Roe" -> two names; "Kim, Min Gyu(Former Senior official of DPRK
Foreign Ministry)" -> name "Kim, Min Gyu", role "Former Senior official ...". Publisher
names are dropped when real people are credited too.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from broadsheet.extract.meta import PageMeta, clean_text, ld_names, ld_org_names

PREFIX = re.compile(
    r"^(?:(?:written|reported|text|story|words|photos?)\s+)?(?:by|von|vom|por|par|di|da|door|av|af|przez|autor(?:in)?|"
    r"author|auteur|text|texte|redakce|redaktion|reporter)\s*[:\-]?\s+",
    re.IGNORECASE,
)
SPLIT = re.compile(r"\s*;\s*|\s*\|\s*|\s+(?:and|und|og|och|(?-i:y|e|i)|et|en|és|ve|и|та|&)\s+|\s*&\s*|\s*·\s*|\s*/\s*(?=\S+\s)",
                   re.IGNORECASE)
ROLE = re.compile(r"^(?P<name>[^()]+?)\s*[(（](?P<role>[^()]{2,120})[)）]\s*$")
NOT_A_NAME = re.compile(r"https?:|www\.|@|\.(?:com|org|net)\b|^\d+$", re.IGNORECASE)
MAX_NAME = 80


def _split(text: str) -> list[str]:
    pieces = [p for p in SPLIT.split(text) if p and p.strip()]
    out: list[str] = []
    for piece in pieces:
        # Commas separate people ("A B, C D") except in "Surname, Given Names" (one comma,
        # a single word before it).
        parts = [p.strip() for p in piece.split(",") if p.strip()]
        surname_first = len(parts) == 2 and len(parts[0].split()) == 1
        if len(parts) > 1 and not surname_first and not ROLE.match(piece):
            out.extend(parts)
        else:
            out.append(piece.strip())
    return out


def parse(raw: str) -> list[dict]:
    """One byline string -> [{"name", "role"}]."""
    people = []
    text = clean_text(raw)
    text = PREFIX.sub("", text)
    for piece in _split(text):
        piece = PREFIX.sub("", piece).strip(" ,.-–—:")
        if not piece:
            continue
        role = None
        match = ROLE.match(piece)
        if match:
            piece, role = match["name"].strip(" ,"), match["role"].strip()
        if not piece or len(piece) > MAX_NAME or NOT_A_NAME.search(piece):
            continue
        people.append({"name": piece, "role": role})
    return people


def _ld_authors(value: Any) -> list[dict]:
    people: list[dict] = []
    for item in value if isinstance(value, list) else [value]:
        for name in ld_names(item):
            found = parse(name)
            if isinstance(item, dict):
                job = clean_text(item.get("jobTitle") or item.get("description") if isinstance(item.get("jobTitle"), str) else "")
                for person in found:
                    person["role"] = person["role"] or (job[:120] or None)
            people.extend(found)
    return people


BYLINE_WORDS = ("author", "byline")
NOT_BYLINE_WORDS = ("comment", "quote", "avatar", "image", "img", "photo", "bio")


def _byline_nodes(tree) -> Iterator:
    """rel/itemprop/class "author" or "byline" elements, in page order (one pass)."""
    for node in tree.iter():
        if not isinstance(node.tag, str):
            continue
        cls = (node.get("class") or "").lower()
        if node.get("rel") == "author" or "author" in (node.get("itemprop") or "") or (
                any(w in cls for w in BYLINE_WORDS) and not any(w in cls for w in NOT_BYLINE_WORDS)):
            yield node


def from_dom(tree) -> list[dict]:
    """The page's visible byline element (rel/itemprop/class "author" or "byline")."""
    for count, node in enumerate(_byline_nodes(tree)):
        if count >= 10:
            break
        if node.tag in {"meta", "link", "script", "style", "img"}:
            continue
        # A byline box often goes on with the date: keep what comes before the first digit.
        text = re.split(r"\d", clean_text(node.text_content()), maxsplit=1)[0]
        text = re.sub(r"(?:\s+\S+:)?[\s,|·•-]*$", "", text)  # "... Stand:", trailing separators
        if 2 <= len(text) <= 100:
            people = parse(text)
            if people:
                return people
    return []


def _site_like(name: str, sites: set[str]) -> bool:
    from broadsheet.extract.title import _is_site

    return _is_site(name, sites) or bool(re.search(r"\.\w{2,3}$", name))


def pick(page: PageMeta, sites: set[str], fallback: str = "", dom: list[dict] | None = None) -> list[dict]:
    ld = page.ld.get("author") or page.ld.get("creator")
    candidates: list[list[dict]] = [_ld_authors(ld) if ld else []]
    for key in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "dcterms.creator",
                "byl", "cxenseparse:author"):
        value = page.meta.get(key)
        if value and not NOT_A_NAME.search(value):
            candidates.append(parse(value))
    candidates.append(parse(fallback.replace(";", " ; ")) if fallback else [])
    people = next((c for c in candidates if c), [])
    orgs = ld_org_names(ld) | {s.casefold() for s in sites} | ld_org_names(page.ld.get("publisher"))

    def persons_of(found: list[dict]) -> list[dict]:
        return [p for p in found if p["name"].casefold() not in orgs and not _site_like(p["name"], sites)]

    persons = persons_of(people)
    if persons:
        people = persons
    elif dom and persons_of(dom):  # metadata credits only the publisher: the visible byline names people
        people = persons_of(dom)
    seen: set[str] = set()
    unique = []
    for person in people:
        key = person["name"].casefold()
        if key not in seen:
            seen.add(key)
            unique.append(person)
    return unique[:20]


BYLINE_LINE = re.compile(r"^(?:by|von|por|par|door|av|af)\s+(?P<names>[^\d:|]{3,120})$", re.IGNORECASE)


def from_text(text: str, lines: int = 6) -> list[dict]:
    """A visible byline ("By Jane Doe and John Roe") among the first lines of the text,
    for pages without author metadata."""
    for line in text.splitlines()[:lines]:
        match = BYLINE_LINE.match(" ".join(line.split()))
        if match and len(match["names"].split()) <= 10:
            return parse(match["names"])
    return []
