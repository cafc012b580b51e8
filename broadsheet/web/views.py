from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from broadsheet.api.forms import CursorField
from broadsheet.articles.models import Article
from broadsheet.lib.methods import read_only
from broadsheet.lib.prepared import prepared
from broadsheet.sources.models import Source
from broadsheet.stories.models import Story
from broadsheet.web import cards, languages
from broadsheet.web.pagecache import cache_anonymous
from broadsheet.web.sections import by_slug, sections

PER_SECTION = 6
PER_PAGE = 30


TOP_STORIES = 5
TOP_STORY_WINDOW = timedelta(hours=48)
LATEST = 7
OTHER_LANGUAGES = 6  # cards in the home page's block of stories in other languages
# Newest stories read for "Latest" beyond those it shows, so the same query also fills the
# other languages' block (no extra query); a site mostly in other languages gets a shorter
# "Latest" and says so through the picker, which can show every language mixed.
LATEST_LOOK = 4 * LATEST


@prepared(Story)
def _top(since, *, shape):
    """(shape: the languages kept, languages.Allowed.)"""
    return (cards.listed().filter(shape.q()).filter(source_count__gte=2, last_published__gte=since)
            .order_by("-source_count", "-last_published", "-id")[:TOP_STORIES])


@prepared(Story)
def _newest(*, shape):
    """The newest listed stories: shape (the languages kept, how many)."""
    allowed, size = shape
    return cards.newest_first(cards.listed().filter(allowed.q()))[:size]


def top_stories(anchor, allowed: languages.Allowed) -> list[cards.Card]:
    """Stories covered by the most publishers in the two days up to `anchor` (a range scan of
    the (listed, last_published) index bounded by the window, not by the table), in the
    languages `allowed`."""
    return cards.build(_top(anchor - TOP_STORY_WINDOW, shape=allowed).all(), counts=False)


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
    chosen = languages.pick(request)
    grouped = not chosen  # nothing picked: the blocks in the main language, the others apart
    blocks = languages.allowed(chosen, grouped=grouped)
    stories, as_of = top_stories(now, blocks), None
    # Room for "Latest" after the top stories, whichever way those are chosen below.
    newest = _newest(shape=(languages.allowed(chosen), LATEST + TOP_STORIES + (LATEST_LOOK if grouped else 0))).all()
    if not stories and newest:
        # No event with two sources in the last 48 hours: a site that has not crawled for longer
        # leads with the busiest stories of its last two days, and any site with nothing busy
        # with its latest stories; both labelled with the time of the newest report instead
        # of passing for today's top stories.
        as_of = newest[0][-1]
        if as_of < now - TOP_STORY_WINDOW:
            stories = top_stories(as_of, blocks)
        if not stories:
            stories = cards.build([row for row in newest if not grouped or not languages.is_foreign(row[6])]
                                  [:TOP_STORIES], counts=False)
    shown = {c.story_id for c in stories}
    fresh = [row for row in newest if row[0] not in shown]
    others = [row for row in fresh if languages.is_foreign(row[6])] if grouped else []
    apart = {row[0] for row in others}
    latest = cards.build([row for row in fresh if row[0] not in apart][:LATEST], counts=False)
    others = cards.build(others[:OTHER_LANGUAGES], counts=False)
    shown |= {c.story_id for c in latest + others}
    groups = []
    # The stories shown above are left out in the query, not after it: the index walk skips
    # them, and only the cards drawn are read and decoded (24 rows a section before).
    for name, rows in cards.newest_by_section(blocks, sections(), PER_SECTION, shown).items():
        items = cards.build(rows, counts=False)
        if items:
            groups.append((name, items))
    every = stories + latest + others + [c for _, items in groups for c in items]
    cards.comment_counts(every)
    # Nothing to list is a first run only when the site has no story at all, not when the
    # reader's pick has none (one more query, in that case alone).
    first_run = not every and (not chosen or not cards.listed().exists())
    response = render(request, "web/home.html", {"latest": latest, "groups": groups, "stories": stories,
                                                 "stories_as_of": as_of, "other_languages": others,
                                                 "first_run": first_run, **_picker(chosen, every)})
    if first_run:
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
    chosen = languages.pick(request)
    items, older = cards.page(languages.limit(cards.listed(), chosen).filter(section=name), before, PER_PAGE)
    return render(request, "web/list.html", {"heading": name, "cards": items, "older": older, "paged": before,
                                             "section": name, **_picker(chosen, items)})


@prepared(Source)
def _publisher(pk, *, shape=()):
    return Source.objects.filter(pk=pk)


@read_only
@cache_anonymous
def source(request, pk: int):
    publisher = next(_publisher(pk).rows(), None)
    if publisher is None:
        raise Http404("No such source")
    try:
        before = _cursor(request)
    except ValidationError:
        return _bad_cursor(request)
    chosen = languages.pick(request)
    items, older = cards.by_source(publisher.pk, before, PER_PAGE, languages.allowed(chosen))
    return render(request, "web/list.html", {"heading": publisher.name, "cards": items, "older": older,
                                             "paged": before, "publisher": publisher, **_picker(chosen, items)})


def _picker(chosen: str, shown: list[cards.Card]) -> dict:
    """What the language picker needs: the pick, its options (from the languages on the page:
    no query), and whether any card on the page is in another language."""
    seen = {c.language for c in shown}
    return {"language_pick": chosen, "language_options": languages.options(chosen, seen),
            "other_languages_shown": any(languages.is_foreign(code) for code in seen)}


@read_only
def pick_languages(request):
    """The picker's form (GET, no script): keep the pick in a cookie and go back to the list.
    Nothing to cache: the answer is a redirect that sets a cookie."""
    value = languages.clean(request.GET.get("lang"))
    target = request.GET.get("next") or "/"
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"  # only a path of this site
    response = HttpResponseRedirect(target)
    if value:
        response.set_cookie(languages.COOKIE, value, max_age=365 * 86400, samesite="Lax", httponly=True,
                            secure=request.is_secure())
    else:
        response.delete_cookie(languages.COOKIE, samesite="Lax")
    return response


@prepared(Article)
def _article(pk, *, shape=()):
    # The story with the membership, and the AI panel's enrichment: the sidebar, the panel and
    # the lists below read them from here (one query, not one per block).
    return (Article.objects.filter(pk=pk).select_related("source", "story_member__story", "picture", "enrichment")
            .defer("embedding")[:1])


@read_only
@cache_anonymous
def article(request, pk: int):
    item = next(_article(pk).rows(), None)
    if item is not None and item.status == Article.Status.DUPLICATE and item.duplicate_of_id:
        # A copy (or a former original that an earlier report displaced) lives on as its original.
        return redirect("web:article", item.duplicate_of_id)
    if item is None or item.status != Article.Status.OK:
        raise Http404("No such article")
    return render(request, "web/article.html", {"article": item})
