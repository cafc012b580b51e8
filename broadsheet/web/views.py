from __future__ import annotations

from datetime import timedelta

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.community.services import prime_counts
from broadsheet.lib.methods import read_only
from broadsheet.sources.models import Source
from broadsheet.web.sections import by_slug, sections

PER_SECTION = 6
PER_PAGE = 30


def _visible():
    return Article.objects.filter(status=Article.Status.OK).select_related("source", "story_member")


TOP_STORIES = 5
TOP_STORY_WINDOW = timedelta(hours=48)


def top_stories(anchor) -> list[tuple]:
    """Stories covered by the most publishers in the two days up to `anchor`, each with a lead article."""
    from broadsheet.stories.models import Story

    stories = list(
        Story.objects.filter(merged_into__isnull=True, source_count__gte=2, last_published__gte=anchor - TOP_STORY_WINDOW)
        .order_by("-source_count", "-last_published")[:TOP_STORIES]
    )
    leads: dict[int, Article] = {}
    for article in _visible().filter(story_member__story__in=stories).order_by("published"):
        current = leads.get(article.story_member.story_id)
        if current is None or (article.image and not current.image):  # the earliest report with a picture
            leads[article.story_member.story_id] = article
    return [(story, leads[story.pk]) for story in stories if story.pk in leads]


@read_only
def home(request):
    latest = list(_visible().order_by("-published")[:12])
    groups = []
    for name in sections():
        items = list(_visible().filter(section=name).order_by("-published")[:PER_SECTION])
        if items:
            groups.append((name, items))
    # The two days up to now. A site that has not crawled for longer still leads with the
    # stories of its last news, labelled with their date instead of passing for today's.
    now = timezone.now()
    stories, as_of = top_stories(now), None
    if not stories and latest and latest[0].published < now - TOP_STORY_WINDOW:
        as_of = latest[0].published
        stories = top_stories(as_of)
    prime_counts(latest + [a for _, items in groups for a in items])
    return render(request, "web/home.html", {"latest": latest, "groups": groups, "stories": stories,
                                             "stories_as_of": as_of})


@read_only
def section(request, slug: str):
    name = by_slug(slug)
    if name is None:
        raise Http404("No such section")
    page = Paginator(_visible().filter(section=name).order_by("-published"), PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    prime_counts(page.object_list)
    return render(request, "web/list.html", {"heading": name, "page": page, "section": name})


@read_only
def source(request, pk: int):
    publisher = get_object_or_404(Source, pk=pk)
    page = Paginator(_visible().filter(source=publisher).order_by("-published"), PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    prime_counts(page.object_list)
    return render(request, "web/list.html", {"heading": publisher.name, "page": page, "publisher": publisher})


@read_only
def article(request, pk: int):
    item = Article.objects.filter(pk=pk).select_related("source", "story_member").first()
    if item is not None and item.status == Article.Status.DUPLICATE and item.duplicate_of_id:
        # A copy (or a former original that an earlier report displaced) lives on as its original.
        return redirect("web:article", item.duplicate_of_id)
    if item is None or item.status != Article.Status.OK:
        raise Http404("No such article")
    return render(request, "web/article.html", {"article": item})
