"""Paths of the site's pages by id, without a reverse() per link.

A page of cards, a story's timeline or an article's lists write dozens of links; reverse()
walks the URL resolver each time (~0.1 ms each). The pattern of each named URL is reversed
once per process with a stand-in argument, then filled with str.format: for the URLs whose
argument is an id or a slug, which reverse() would not escape either. Like the resolver's own
caches, this assumes one URL configuration and script prefix per process.
"""

from __future__ import annotations

from functools import lru_cache

from django.urls import reverse

_SLOT = "987654321"  # matches both the int and the slug converters


@lru_cache(maxsize=None)
def pattern(name: str) -> str:
    """'/article/{}/' for 'web:article'."""
    return reverse(name, args=[_SLOT]).replace(_SLOT, "{}")


def path(name: str, arg: int | str) -> str:
    return pattern(name).format(arg)


@lru_cache(maxsize=None)
def fixed(name: str) -> str:
    """The path of a URL that takes no argument ('/' for 'web:home'), reversed once per process:
    every page's masthead writes five of these."""
    return reverse(name)
