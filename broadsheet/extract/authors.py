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
    r"^(?:(?:written|reported|text|story|words|photos?|analysis|opinion|commentary|a commentary|interview|review|"
    r"column|reporting|(?:ein |eine )?(?:kommentar|analyse|interview)|análisis|opinión|entrevista|crónica|"
    r"(?:une )?(?:analyse|tribune|chronique))\s+)?"
    r"(?:by|von|vom|por|par|di|da|door|av|af|przez|autor(?:in)?|"
    r"author|auteur|text|texte|redakce|redaktion|reporter)\s*[:\-]?\s+",
    re.IGNORECASE,
)
# A job title where a name was expected: "AP Sports Writer", "CNN Editor-at-large", "Chief
# Correspondent". Goes to the role of the person it follows, never into the name.
ROLE_WORD = re.compile(
    r"\b(?:writer|editor(?:-at-large)?|editor-in-chief|correspondent|reporter|columnist|contributor|analyst|producer|"
    r"journalist|critic|photographer|photojournalist|anchor|staff|"
    r"redakteur(?:in)?|korrespondent(?:in)?|journalist(?:in)?|reporterin|autorin|chefredakteur(?:in)?|"
    r"journaliste|rédact(?:eur|rice)|correspondant(?:e)?|envoyée? spéciale?|"
    r"periodista|redactor(?:a)?|corresponsal|giornalista|inviat[oa]|corrispondente|redatora?|repórter)\b",
    re.IGNORECASE,
)
# The words that open a job title glued to a name without a comma: "Tim Reynolds AP Sports Writer".
ROLE_START = re.compile(r"^(?:(?-i:[A-Z]{2,5})|senior|chief|deputy|staff|sports?|political|foreign|international|"
                        r"national|business|science|special|associate|managing|executive|contributing|global|"
                        r"leitende[rn]?|stellvertretende[rn]?)$", re.IGNORECASE)
# A date glued to the end of a byline: "Jeff Foust — November 30", "Carrie ArnoldNovember 30"
# (the digits are cut before). Month names long enough not to end a surname ("May" does).
MONTH = (r"(?:January|February|March|April|June|July|August|September|October|November|December|"
         r"Januar|Februar|März|Juli|Oktober|Dezember|janvier|février|avril|juillet|août|septembre|octobre|"
         r"novembre|décembre|enero|febrero|marzo|abril|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
         r"Published|Updated|Veröffentlicht|Aktualisiert|Publié|Publicado)")
GLUED_DATE = re.compile(rf"(?<=[a-zà-ÿ.]){MONTH}\b.*$")
DASH_TAIL = re.compile(r"\s+[—–]\s+(?P<tail>.*)$")


def _role_split(piece: str) -> tuple[str, str | None]:
    """Name and job title of "Jane Doe — Chief Correspondent", "Tim Reynolds AP Sports Writer"
    (no comma: the title starts at an agency acronym or a qualifier word); a date or place
    after a dash ("Jeff Foust — November") is cut."""
    piece = GLUED_DATE.sub("", piece).strip()
    dash = DASH_TAIL.search(piece)
    if dash:
        tail = dash["tail"].strip()
        piece = piece[: dash.start()].strip()
        return piece, (tail if ROLE_WORD.search(tail) else None)
    words = piece.split()
    if len(words) >= 4 and ROLE_WORD.search(words[-1]) and not any(
            ROLE_WORD.fullmatch(w) or ROLE_START.match(w) for w in words[:2]):  # "Guardian staff reporter" is one credit
        for index in range(2, len(words) - 1):
            if ROLE_START.match(words[index]):
                return " ".join(words[:index]), " ".join(words[index:])
    return piece, None


def _is_role(piece: str) -> bool:
    """A piece that is a job title alone, maybe with its beat or place: "AP Sports Writer",
    "CNN Editor-at-large", "envoyée spéciale à Kyiv"."""
    words = piece.split()
    return len(words) <= 8 and bool(ROLE_WORD.match(piece) or (ROLE_START.match(words[0]) and ROLE_WORD.search(piece)))


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
    people: list[dict] = []
    text = clean_text(raw)
    text = PREFIX.sub("", text)
    for piece in _split(text):
        piece = PREFIX.sub("", piece).strip(" ,.-–—:")
        if not piece:
            continue
        if _is_role(piece):
            if people and not people[-1]["role"]:
                people[-1]["role"] = piece
            continue
        role = None
        match = ROLE.match(piece)
        if match:
            piece, role = match["name"].strip(" ,"), match["role"].strip()
        piece, job = _role_split(piece)
        role = role or job
        piece = piece.strip(" ,.-–—:")
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
