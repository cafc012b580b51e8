from django import template
from django.utils.timesince import timesince
from django.utils import timezone

from broadsheet.web.sections import slug_for

register = template.Library()


@register.filter
def section_slug(name: str) -> str:
    return slug_for(name)


@register.inclusion_tag("web/_time.html")
def reltime(value):
    """'2 hours ago' with the exact time on hover, as a <time> element."""
    if not value:
        return {"value": None}
    now = timezone.now()
    delta = now - value
    if delta.total_seconds() < 60:
        text = "just now"
    else:
        text = timesince(value, now, depth=1) + " ago"
    return {"value": value, "text": text}


@register.filter
def byline(authors) -> list[dict]:
    return [a for a in (authors or []) if isinstance(a, dict) and a.get("name")]


@register.filter
def stamp(value) -> str:
    """'18 Nov, 17:19' in the current year, '18 Nov 2019, 17:19' in any other."""
    if not value:
        return ""
    from django.utils.dateformat import format as date_format

    local = timezone.localtime(value) if timezone.is_aware(value) else value
    this_year = local.year == timezone.localtime(timezone.now()).year
    return date_format(local, "j M, H:i" if this_year else "j M Y, H:i")


@register.simple_tag
def site_title() -> str:
    """The site's name from settings alone (the 500 page has no context processors)."""
    from django.conf import settings

    return settings.SITE_NAME
