"""Story blocks on the article page, filled here so the web views need no change."""

from __future__ import annotations

from django import template

from broadsheet.articles.models import Article
from broadsheet.lib.prepared import prepared
from broadsheet.stories.models import Member, Related
from broadsheet.web import languages

register = template.Library()
READ_MORE = 8  # items in "Read more" ...
READ_MORE_ELSEWHERE = 3  # ... of which up to this many from other sections, one per section
ELSEWHERE_WINDOW = 40  # newest articles looked at to find those other sections
# What "Read more" shows of each item (stories/_below.html): not the body or the vector, which
# made each of its ~48 rows a few KB to read and decode.
MORE_FIELDS = ("id", "title", "url", "section", "language", "published", "source__name", "source__icon")
# What a related item shows (the related_item tag, web/templatetags/news.py); the body for its lead paragraph.
RELATED_FIELDS = ("rank", "other__id", "other__title", "other__url", "other__section", "other__language",
                  "other__published", "other__image", "other__teaser", "other__body", "other__source__name",
                  "other__source__icon", "other__picture__sizes", "other__picture__article")

# What "Also published by" shows of each copy (stories/_below.html).
COPY_FIELDS = ("id", "url", "published", "source")


def _member(article: Article) -> Member | None:
    """The article's story membership: the one the article page loaded with it
    (select_related("story_member__story")), else one query."""
    try:
        return article.story_member
    except Member.DoesNotExist:
        return None


@prepared(Article)
def _more(article_id, *story_and_section, shape):
    """Read more's candidates: newest first, listed languages, not the article nor its story;
    shape (has a story, "same" | "elsewhere", the site's languages)."""
    in_story, which, allowed = shape
    rows = (Article.objects.filter(status=Article.Status.OK).exclude(pk=article_id)
            .select_related("source").only(*MORE_FIELDS).order_by("-published"))
    story_and_section = list(story_and_section)
    if in_story:
        rows = rows.exclude(story_member__story_id=story_and_section.pop(0))
    rows = rows.filter(allowed.q())  # the languages the site lists, as every list keeps them
    if which == "same":
        return rows.filter(section=story_and_section[0])[:READ_MORE - READ_MORE_ELSEWHERE]
    if story_and_section:
        rows = rows.exclude(section=story_and_section[0])
    return rows.exclude(section="")[:ELSEWHERE_WINDOW]


def read_more(article: Article) -> list[Article]:
    """Newest from the article's own section, then the newest of a few other sections (each
    shown with its label, as on an aggregator's page); never an article of its own story.
    Two queries, each on an index that starts at status and ends at -published."""
    member = _member(article)
    story = [member.story_id] if member is not None else []
    allowed = languages.allowed("")
    elsewhere_count = READ_MORE_ELSEWHERE if article.section else READ_MORE
    same = []
    if article.section:
        same = _more(article.pk, *story, article.section, shape=(member is not None, "same", allowed)).all()
    elsewhere, seen = [], {article.section}
    # Read in small chunks: the three sections are usually found in the first rows of the 40.
    section = [article.section] if article.section else []
    for item in _more(article.pk, *story, *section, shape=(member is not None, "elsewhere", allowed)).rows(8):
        if item.section not in seen:
            seen.add(item.section)
            elsewhere.append(item)
        if len(elsewhere) == elsewhere_count:
            break
    return same + elsewhere


@prepared(Related)
def _related(article_id, *story, shape=()):
    rows = (Related.objects.filter(article_id=article_id, other__status=Article.Status.OK)
            .select_related("other__source", "other__picture").only(*RELATED_FIELDS).order_by("rank"))
    if story:
        rows = rows.exclude(other__story_member__story_id=story[0])
    return rows


def related(article: Article) -> list[Article]:
    """The related list stored when the article arrived (stories.related), in one query: hidden
    articles and any that have since joined the article's own story are left out."""
    member = _member(article)
    story = [member.story_id] if member is not None else []
    return [r.other for r in _related(article.pk, *story, shape=bool(story)).rows()]


@prepared(Article)
def _copies(article_id, *, shape=()):
    return Article.objects.filter(duplicate_of_id=article_id).select_related("source").only(*COPY_FIELDS).order_by("published")


@register.inclusion_tag("stories/_below.html")
def article_below(article: Article) -> dict:
    copies = _copies(article.pk).all()
    more = read_more(article)
    return {"article": article, "copies": copies, "related": related(article), "more": more}


SOURCE_MORE = 5


@prepared(Article)
def _source_latest(source_id, article_id, *, shape=()):
    """One query on the (source, status, -published) index."""
    return (Article.objects.filter(source_id=source_id, status=Article.Status.OK).exclude(pk=article_id)
            .only("id", "title", "url", "published").order_by("-published")[:SOURCE_MORE])


@register.inclusion_tag("stories/_sidebar.html")
def article_sidebar(article: Article) -> dict:
    """Full coverage when other sources report the story; while this is the only report,
    say so and show the publisher's latest instead of an empty column."""
    member = _member(article)
    story = member.story if member else None
    if story and story.article_count > 1:
        return {"story": story, "article": article}
    latest = _source_latest(article.source_id, article.pk).all()
    return {"story": None, "article": article, "source_latest": latest}
