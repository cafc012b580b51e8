"""The section taxonomy: the one list the classifier files into and the site shows.

settings.BROADSHEET_SECTIONS replaces the default list (in masthead order).
"""

from django.conf import settings
from django.utils.text import slugify

DEFAULT_SECTIONS = [
    "News",
    "Politics",
    "Business",
    "Technology",
    "Science",
    "Health",
    "Sports",
    "Arts & Culture",
    "Lifestyle",
    "Opinion & Analysis",
]


def sections() -> list[str]:
    return list(getattr(settings, "BROADSHEET_SECTIONS", None) or DEFAULT_SECTIONS)


def slug_for(name: str) -> str:
    return slugify(name.replace("&", "and"))


def by_slug(slug: str) -> str | None:
    return next((name for name in sections() if slug_for(name) == slug), None)
