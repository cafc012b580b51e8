"""Language codes as the site compares them: the reader's language and an article's."""

from __future__ import annotations


def language_of(code: str | None) -> str:
    """'en-US' → 'en'; 'pt_BR' → 'pt'; '' stays '' (unknown)."""
    return (code or "").split("-")[0].split("_")[0].strip().lower()


def site_language() -> str:
    """The reader's language: the site's LANGUAGE_CODE ('en-us' → 'en')."""
    from django.conf import settings

    return language_of(getattr(settings, "LANGUAGE_CODE", "") or "en") or "en"


def in_language(code: str | None, wanted: str) -> bool:
    """True when an article in `code` reads in `wanted`; an unknown language is given the benefit."""
    found = language_of(code)
    return not found or found == language_of(wanted)
