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
