"""Story blocks on the article page, filled here so the web views need no change."""

from __future__ import annotations

from django import template

from broadsheet.articles.models import Article
from broadsheet.stories.models import Member, Related

register = template.Library()
READ_MORE = 8


@register.inclusion_tag("stories/_below.html")
def article_below(article: Article) -> dict:
    copies = list(Article.objects.filter(duplicate_of=article).select_related("source").order_by("published"))
    related = list(Related.objects.filter(article=article, other__status=Article.Status.OK)
                   .select_related("other__source").order_by("rank"))
    # "Read more": same section, newest first — one query on the (status, section, -published) index.
    more = []
    if article.section:
        more = list(Article.objects.filter(status=Article.Status.OK, section=article.section).exclude(pk=article.pk)
                    .select_related("source").order_by("-published")[:READ_MORE])
    return {"article": article, "copies": copies, "related": [r.other for r in related], "more": more}


SOURCE_MORE = 5


@register.inclusion_tag("stories/_sidebar.html")
def article_sidebar(article: Article) -> dict:
    """Full coverage when other sources report the story; while this is the only report,
    say so and show the publisher's latest instead of an empty column."""
    member = Member.objects.filter(article_id=article.pk).select_related("story").first()
    story = member.story if member else None
    if story and story.article_count > 1:
        return {"story": story, "article": article}
    # One query on the (source, status, -published) index.
    latest = list(Article.objects.filter(source_id=article.source_id, status=Article.Status.OK)
                  .exclude(pk=article.pk).order_by("-published")[:SOURCE_MORE])
    return {"story": None, "article": article, "source_latest": latest}
