"""The comment threads shown under a page: which comments, in which order."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, Prefetch, Q

from broadsheet.community import services
from broadsheet.community.models import Comment

ORDERS = {
    "newest": ("-created",),
    "oldest": ("created",),
    # "top": the threads readers answered most, newest first among equals. Simple to
    # explain, needs no voting, and cannot be inflated by one account alone for long
    # because of the per-account rate limit.
    "top": ("-n_replies", "-created"),
}
THREADS_PER_PAGE = 50


@dataclass
class Threads:
    page: Page
    order: str
    total: int


def _shown(user) -> Q:
    shown = Q(status=Comment.Status.VISIBLE)
    if user.is_authenticated:  # authors see their own comments that wait for review
        shown |= Q(status=Comment.Status.PENDING, author=user)
    return shown


def threads(target: Model, user, order: str = "newest", page: str | int | None = 1) -> Threads:
    order = order if order in ORDERS else "newest"
    # The count the cards show, from the same cache (cleared on every change: services.forget_count):
    # no query for it on a warm cache, where a COUNT on every article view cost its ORM build.
    total = services.visible_count(target)
    if not total and not user.is_authenticated:
        # Nothing visible: a reader who is not signed in can be shown no thread (a removed
        # comment stays only for its visible replies, which would be counted), so the
        # threads query, a grouped count for the pager and the page, is neither built nor run.
        return Threads(page=Paginator([], THREADS_PER_PAGE).get_page(page), order=order, total=0)
    # Built only here: the filter alone cost as much as the rest of an empty block.
    on_target = Comment.objects.filter(content_type=ContentType.objects.get_for_model(target), object_id=target.pk)
    replies = (on_target.filter(_shown(user)).exclude(parent=None).select_related("author__profile")
               .order_by("created"))
    top = (on_target.filter(parent=None)
           .annotate(n_replies=Count("replies", filter=Q(replies__status=Comment.Status.VISIBLE)))
           # a removed comment keeps its place (as "[deleted]") only when others answered it
           .filter(_shown(user) | Q(status__in=[Comment.Status.DELETED, Comment.Status.HIDDEN], n_replies__gt=0))
           .select_related("author__profile")
           .prefetch_related(Prefetch("replies", queryset=replies, to_attr="shown_replies"))
           .order_by(*ORDERS[order]))
    return Threads(page=Paginator(top, THREADS_PER_PAGE).get_page(page), order=order, total=total)
