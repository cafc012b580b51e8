"""The section taxonomy shown on the site, in masthead order."""

from django.utils.text import slugify

SECTIONS = [
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
BY_SLUG = {slugify(name.replace("&", "and")): name for name in SECTIONS}
SLUG = {name: slug for slug, name in BY_SLUG.items()}


def slug_for(name: str) -> str:
    return SLUG.get(name) or slugify(name.replace("&", "and"))
