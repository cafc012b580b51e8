"""Bylines: every author once, each with a role where the page states one.

"By Jane Doe and John Roe" -> two names; "Kim, Min Gyu(Former Senior official of DPRK
Foreign Ministry)" -> name "Kim, Min Gyu", role "Former Senior official ...". Publisher
names are dropped when real people are credited too.
"""

from __future__ import annotations

import re
from typing import Any

from broadsheet.extract.meta import PageMeta, clean_text, ld_names, ld_org_names

PREFIX = re.compile(
    r"^(?:(?:written|reported|text|story|words|photos?)\s+)?(?:by|von|vom|por|par|di|da|door|av|af|przez|autor(?:in)?|"
    r"author|auteur|text|texte|redakce|redaktion|reporter)\s*[:\-]?\s+",
    re.IGNORECASE,
)
SPLIT = re.compile(r"\s*;\s*|\s*\|\s*|\s+(?:and|und|og|och|y|et|e|en|i|és|ve|и|та|&)\s+|\s*&\s*|\s*·\s*|\s*/\s*(?=\S+\s)",
                   re.IGNORECASE)
ROLE = re.compile(r"^(?P<name>[^()]+?)\s*[(（](?P<role>[^()]{2,120})[)）]\s*$")
NOT_A_NAME = re.compile(r"https?:|www\.|@|\.(?:com|org|net)\b|^\d+$", re.IGNORECASE)
MAX_NAME = 80


def _split(text: str) -> list[str]:
    pieces = [p for p in SPLIT.split(text) if p and p.strip()]
    out: list[str] = []
    for piece in pieces:
        # Commas separate people ("A B, C D") but also "Surname, Given": split only
        # when every part looks like a full name (two words or more).
        parts = [p.strip() for p in piece.split(",") if p.strip()]
        if len(parts) > 1 and all(len(p.split()) >= 2 for p in parts) and not ROLE.match(piece):
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


def pick(page: PageMeta, sites: set[str], fallback: str = "") -> list[dict]:
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
    persons = [p for p in people if p["name"].casefold() not in orgs]
    if persons:
        people = persons
    seen: set[str] = set()
    unique = []
    for person in people:
        key = person["name"].casefold()
        if key not in seen:
            seen.add(key)
            unique.append(person)
    return unique[:20]
