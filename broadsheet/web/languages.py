"""Which languages the lists show: the site's setting, then the reader's pick.

The site shows the languages of BROADSHEET_LANGUAGES (empty: all) and has one main language
(BROADSHEET_LANGUAGE). A reader picks with `?lang=` on any list (a link to share) or once
for every page with the picker (`/languages/?lang=`, which keeps the pick in a cookie):

- "" (nothing picked): every shown language, grouped: the home page's blocks hold stories in
  the main language and the others have a block of their own; longer lists mark them;
- "all": every shown language, mixed, newest first;
- a code ("sv"): that language only.

The pick is read without the database, so the page cache can put it in its key
(pagecache._key): one reader's pick is never served to another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.db.models import Q

COOKIE = "lang"
ALL = "all"
_CODE = re.compile(r"^[a-z]{2,3}$")


def main() -> str:
    return settings.SITE_LANGUAGE


def shown() -> list[str]:
    """The languages the site lists (empty: every language)."""
    return settings.SITE_LANGUAGES


def clean(value: str | None) -> str:
    """A valid pick from a parameter or cookie value, else "" (the site's default)."""
    value = (value or "").strip().lower()
    if value == ALL:
        return ALL
    if not _CODE.match(value):
        return ""
    return value if not shown() or value in shown() else ""


def pick(request) -> str:
    """The reader's pick: `?lang=` first, then the cookie."""
    if "lang" in request.GET:
        return clean(request.GET.get("lang"))
    return clean(request.COOKIES.get(COOKIE))


def cache_part(request) -> str:
    """What of the pick the URL does not already say: the cookie's (for the page cache key)."""
    return "" if "lang" in request.GET else clean(request.COOKIES.get(COOKIE))


@dataclass(frozen=True)
class Allowed:
    """The languages a list keeps: `codes` (None: any) and whether an article or story of
    unknown language ('') is kept. The one rule every list applies (home, sections, sources,
    tags, search, the API), as a Django filter (`q`) or as SQL (`sql`)."""

    codes: frozenset[str] | None
    unknown: bool

    @property
    def everything(self) -> bool:
        return self.codes is None and self.unknown

    def q(self, field: str = "language") -> Q:
        if self.everything:
            return Q()
        found = Q(**{f"{field}__in": sorted(self.codes)}) if self.codes is not None else ~Q(**{field: ""})
        return found | Q(**{field: ""}) if self.unknown and self.codes is not None else found

    def sql(self, column: str) -> tuple[str, list]:
        """(condition, parameters) on `column`, "" when every language is kept."""
        if self.everything:
            return "", []
        if self.codes is None:
            return f"{column} <> ''", []
        parts, params = [], []
        if self.codes:
            parts.append(f"{column} IN ({', '.join(['%s'] * len(self.codes))})")
            params += sorted(self.codes)
        if self.unknown:
            parts.append(f"{column} = ''")
        return "(" + (" OR ".join(parts) or "1 = 0") + ")", params


def allowed(chosen: str, grouped: bool = False) -> Allowed:
    """The site's languages narrowed by the reader's pick (`clean`ed); `grouped` keeps only the
    main language when nothing is picked (the home page's blocks)."""
    codes = set(shown()) or None
    unknown = not shown() or main() in shown()  # an unknown language counts as the main one
    narrow = None
    if chosen and chosen != ALL:
        narrow, unknown = {chosen}, unknown and chosen == main()
    elif grouped and not chosen:
        narrow = {main()}
    if narrow is not None:
        codes = narrow if codes is None else codes & narrow
    return Allowed(None if codes is None else frozenset(codes), unknown)


def limit(rows, chosen: str, grouped: bool = False):
    """Rows (stories or articles: a `language` column) narrowed by `allowed`."""
    return rows.filter(allowed(chosen, grouped).q())


def refusal() -> str:
    """Why a `lang` value is refused where a bad value is an error (the API, the search form)."""
    offered = ", ".join([ALL, *shown()]) if shown() else f"{ALL} or a language code such as {main()}"
    return f"must be {offered}"


def is_foreign(code: str) -> bool:
    return bool(code) and code != main()


def name(code: str) -> str:
    """'Svenska' for 'sv' (the language's own name, as a reader of it looks for it)."""
    info = LANG_INFO.get(code) or LANG_INFO.get(code.split("-")[0]) or {}
    local = info.get("name_local") or info.get("name") or code.upper()
    return local[:1].upper() + local[1:]


def options(chosen: str, seen: set[str] = frozenset()) -> list[tuple[str, str, bool]]:
    """(value, label, selected) for the picker: the default, all mixed, then each language the
    site lists or, when it lists all, each one on the page (`seen`): no query for the picker."""
    codes = shown() or sorted({c for c in seen if c} | {main()})
    items = [("", f"{name(main())} first, then others", not chosen), (ALL, "All languages, mixed", chosen == ALL)]
    items += [(code, f"{name(code)} only", chosen == code) for code in codes]
    if chosen and chosen != ALL and chosen not in codes:
        items.append((chosen, f"{name(chosen)} only", True))
    return items
