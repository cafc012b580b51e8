"""Template tags: comment threads under a page, comment counts on cards, safe comment text."""

from __future__ import annotations

from django import template
from django.db.models import Model
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.template.defaultfilters import pluralize
from django.utils.html import format_html, urlize

from broadsheet.community import listing, services, targets

register = template.Library()


@register.filter(is_safe=True)
def comment_text(text: str) -> SafeString:
    """Plain text to HTML: everything escaped, http(s) links clickable, paragraphs kept.

    Django's urlize escapes all text it does not turn into a link (autoescape=True) and
    quotes the href, so the only markup out of here is <a>, <p> and <br>.
    """
    linked = urlize(text or "", trim_url_limit=60, nofollow=True, autoescape=True)
    linked = linked.replace('rel="nofollow"', 'rel="nofollow ugc noopener"')
    return mark_safe(linebreaks(linked, autoescape=False))


@register.inclusion_tag("community/_thread.html", takes_context=True)
def comments(context, target: Model | None):
    request = context.get("request")
    user = getattr(request, "user", None)
    kind = targets.kind_of(target) if target is not None else None
    if request is None or kind is None:
        return {"kind": None}
    data = listing.threads(target, user, request.GET.get("order", "newest"), request.GET.get("cpage"))
    return {
        "request": request, "user": user, "target": target, "kind": kind, "threads": data,
        "orders": list(listing.ORDERS), "messages": context.get("messages"),
        "policy": services.CommunitySettings.current(),
        "banned": user.is_authenticated and services.profile_of(user).banned,
    }


@register.simple_tag
def prime_comment_counts(*groups) -> str:
    """Optional, once per page before the cards: `{% prime_comment_counts latest page.object_list %}`
    loads the counts of every listed object in one query instead of one per card on a cold cache."""
    for group in groups:
        items = [obj for obj in (group or []) if isinstance(obj, Model)]
        if items:
            services.prime_counts(items)
    return ""


@register.simple_tag
def comment_count(target: Model) -> int:
    """Number of visible comments on the object (cached; the cache is cleared on every change)."""
    return services.visible_count(target)


@register.simple_tag
def comment_count_link(target: Model) -> str:
    """'3 comments' linking to the thread, for article cards; nothing at zero.

    Built with format_html rather than an inclusion template: a page of 30 cards calls it 30 times.
    """
    count = services.visible_count(target)
    if not count:
        return ""
    return format_html('<a class="comment-count" href="{}#comments">{} comment{}</a>',
                       target.get_absolute_url(), count, pluralize(count))


@register.filter
def editable_by(comment, user) -> bool:
    return comment.editable_by(user)
