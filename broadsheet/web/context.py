from functools import lru_cache

from django.conf import settings
from django.urls import reverse

from broadsheet.web.sections import sections, slug_for


@lru_cache(maxsize=4)
def _links(names: tuple[str, ...]) -> list[tuple[str, str]]:
    """The masthead's section links, reversed once per process (not once per page)."""
    return [(name, reverse("web:section", args=[slug_for(name)])) for name in names]


def site(request):
    names = sections()
    return {"site_name": settings.SITE_NAME, "site_language": settings.SITE_LANGUAGE,
            "section_links": _links(tuple(names))}
