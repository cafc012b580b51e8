from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render

from broadsheet.articles.models import Article
from broadsheet.lib.methods import read_only
from broadsheet.lib.prepared import prepared
from broadsheet.stories.models import Member, Story
from broadsheet.web.pagecache import cache_anonymous

# What the timeline, the by-source list and the earliest report (its lead paragraph) show.
SHOWN = ("id", "source", "url", "title", "published", "language", "status", "section", "image", "teaser", "body")


@prepared(Story)
def _story(pk, *, shape=()):
    return Story.objects.filter(pk=pk)[:1]


@prepared(Article)
def _articles(story_id, *, shape=()):
    """The story's articles, joined from its members (the (story) index, then each article by
    primary key), every status: the status is checked after, as with it in the query SQLite's
    planner drove the read from the (status, published) index, every visible article of the site."""
    return (Article.objects.filter(story_member__story_id=story_id).select_related("source").only(*SHOWN)
            .order_by("published", "pk"))


@prepared(Article)
def _copies(story_id, *, shape=()):
    """The copies of the story's articles (the partial copies index), read by what they copy."""
    return (Article.objects.filter(duplicate_of_id__in=Member.objects.filter(story_id=story_id).values("article_id"))
            .select_related("source").order_by("published").only("id", "url", "published", "duplicate_of_id", "source"))


@read_only
@cache_anonymous
def story(request, pk: int):
    item = next(_story(pk).rows(), None)
    if item is None:
        raise Http404("No such story")
    if item.merged_into_id:
        return redirect("stories:story", item.merged_into_id, permanent=True)
    # Only the columns the page shows: a full row decoded each article's blocks and authors
    # (JSON) and copied its embedding, for a list that draws a title and a link. Three statements
    # compiled once (lib/prepared), where a member query, an IN list of its ids and a
    # prefetch were built for each view.
    articles = [a for a in _articles(item.pk).rows() if a.status == Article.Status.OK]
    copies: dict[int, list[Article]] = {}
    for copy in _copies(item.pk).rows():
        copies.setdefault(copy.duplicate_of_id, []).append(copy)
    groups: dict[int, tuple] = {}
    for article in articles:
        groups.setdefault(article.source_id, (article.source, []))[1].append(article)
    by_source = sorted(groups.values(), key=lambda g: (g[1][0].published, g[0].name))
    return render(request, "stories/story.html", {
        "story": item, "timeline": articles, "by_source": by_source, "copies": copies,
        "earliest": articles[0] if articles else None})
