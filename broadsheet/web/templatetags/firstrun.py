"""The home page of a site with no articles yet: say plainly what is happening and what to do."""

from django import template
from django.contrib.auth import get_user_model

from broadsheet.sources.models import Feed
from broadsheet.sources.reach import last_unreachable

register = template.Library()


@register.inclusion_tag("web/_first_run.html")
def first_run() -> dict:
    return {
        "has_feeds": Feed.objects.filter(active=True).exists(),
        "unreachable": last_unreachable(),
        "has_admin": get_user_model().objects.filter(is_superuser=True, is_active=True).exists(),
    }
