"""Language codes as the site compares them: the reader's language and an article's."""

from __future__ import annotations


def language_of(code: str | None) -> str:
    """'en-US' → 'en'; 'pt_BR' → 'pt'; '' stays '' (unknown)."""
    return (code or "").split("-")[0].split("_")[0].strip().lower()


def site_language() -> str:
    """The reader's language: the site's main language (BROADSHEET_LANGUAGE, the one
    web/languages.py lists first), not Django's LANGUAGE_CODE, which only names the
    language of our own interface text."""
    from django.conf import settings

    return language_of(settings.SITE_LANGUAGE) or "en"


def in_language(code: str | None, wanted: str) -> bool:
    """True when an article in `code` reads in `wanted`; an unknown language is given the benefit."""
    found = language_of(code)
    return not found or found == language_of(wanted)
