from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from broadsheet.api.forms import CursorField
from broadsheet.articles.models import Article
from broadsheet.lib.methods import read_only
from broadsheet.sources.models import Source
from broadsheet.web import cards
from broadsheet.web.pagecache import cache_anonymous
from broadsheet.web.sections import by_slug, sections

PER_SECTION = 6
PER_PAGE = 30


TOP_STORIES = 5
TOP_STORY_WINDOW = timedelta(hours=48)
LATEST = 7


def top_stories(anchor) -> list[cards.Card]:
    """Stories covered by the most publishers in the two days up to `anchor` (a range scan of
    the (listed, last_published) index bounded by the window, not by the table)."""
    rows = (cards.listed().filter(source_count__gte=2, last_published__gte=anchor - TOP_STORY_WINDOW)
            .order_by("-source_count", "-last_published", "-id")[:TOP_STORIES])
    return cards.build(list(rows), counts=False)


def _cursor(request):
    """The `before` cursor of an "Older" link, or None; a malformed one is a ValidationError."""
    return CursorField(required=False).clean(request.GET.get("before", ""))


def _bad_cursor(request):
    return render(request, "web/bad_request.html",
                  {"message": "This page link is malformed: use the Older link of the page before."}, status=400)


@read_only
@cache_anonymous
def home(request):
    """Top stories, the latest stories, then each section's newest: one indexed query each,
    every story once on the page."""
    now = timezone.now()
    stories, as_of = top_stories(now), None
    shown = {c.story_id for c in stories}
    newest = list(cards.newest_first(cards.listed())[: LATEST + len(shown)])
    if not stories and newest and newest[0][-1] < now - TOP_STORY_WINDOW:
        # A site that has not crawled for longer still leads with the stories of its last news,
        # labelled with their date instead of passing for today's.
        as_of = newest[0][-1]
        stories = top_stories(as_of)
        shown = {c.story_id for c in stories}
    latest = cards.build([row for row in newest if row[0] not in shown][:LATEST], counts=False)
    shown |= {c.story_id for c in latest}
    groups = []
    for name in sections():
        rows = cards.newest_first(cards.listed().filter(section=name))[: PER_SECTION + len(shown)]
        items = cards.build([row for row in rows if row[0] not in shown][:PER_SECTION], counts=False)
        if items:
            groups.append((name, items))
    cards.comment_counts(stories + latest + [c for _, items in groups for c in items])
    response = render(request, "web/home.html", {"latest": latest, "groups": groups, "stories": stories,
                                                 "stories_as_of": as_of})
    if not latest and not stories:
        # The first-run page follows feeds, their reach and the admin account, which bump no
        # page version: never stored, so it changes as soon as they do (and it is cheap).
        response["Cache-Control"] = "no-cache"
    return response


@read_only
@cache_anonymous
def section(request, slug: str):
    name = by_slug(slug)
    if name is None:
        raise Http404("No such section")
    try:
        before = _cursor(request)
    except ValidationError:
        return _bad_cursor(request)
    items, older = cards.page(cards.listed().filter(section=name), before, PER_PAGE)
    return render(request, "web/list.html", {"heading": name, "cards": items, "older": older, "paged": before,
                                             "section": name})


@read_only
@cache_anonymous
def source(request, pk: int):
    publisher = get_object_or_404(Source, pk=pk)
    try:
        before = _cursor(request)
    except ValidationError:
        return _bad_cursor(request)
    items, older = cards.by_source(publisher.pk, before, PER_PAGE)
    return render(request, "web/list.html", {"heading": publisher.name, "cards": items, "older": older,
                                             "paged": before, "publisher": publisher})


@read_only
@cache_anonymous
def article(request, pk: int):
    item = Article.objects.filter(pk=pk).select_related("source", "story_member", "picture").first()
    if item is not None and item.status == Article.Status.DUPLICATE and item.duplicate_of_id:
        # A copy (or a former original that an earlier report displaced) lives on as its original.
        return redirect("web:article", item.duplicate_of_id)
    if item is None or item.status != Article.Status.OK:
        raise Http404("No such article")
    return render(request, "web/article.html", {"article": item})
