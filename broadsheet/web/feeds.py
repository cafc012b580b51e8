"""RSS and Atom feeds of a section, a source, a tag and a story (django.contrib.syndication).

Each feed is served in both formats: RSS at /feeds/<kind>/<key>/ and Atom at the same
address plus atom/ (`atom()` makes the Atom class of an RSS one).

Lists feed the same story rows the pages show (web.cards), one indexed query each; a tag's
and a story's feeds list their articles, newest first. Every item links to our page of it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from broadsheet.articles.models import Article
from broadsheet.web import cards
from broadsheet.web.sections import by_slug

ITEMS = 30


class _Feed(Feed):
    def author_name(self):
        # Atom wants an author on the feed or on every entry; the site is the one gathering them.
        return settings.SITE_NAME


class _Cards(_Feed):
    """Items are story cards (web.cards.Card)."""

    def item_author_name(self, item):
        return item.sources_label or None

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        names = item.sources_label
        return f"{item.teaser} ({names})" if names and item.teaser else item.teaser or names

    def item_link(self, item):
        return item.url

    def item_guid(self, item):
        return item.story_url

    def item_pubdate(self, item):
        return item.last_published

    def item_updateddate(self, item):
        return item.last_published  # Atom requires an entry's <updated>: the story's newest report

    def item_categories(self, item):
        return [item.section] if item.section else []


class SectionFeed(_Cards):
    def get_object(self, request, slug):
        name = by_slug(slug)
        if name is None:
            raise Http404("No such section")
        return name, slug

    def title(self, obj):
        return obj[0]

    def link(self, obj):
        return reverse("web:section", args=[obj[1]])

    def description(self, obj):
        return f"The newest stories in {obj[0]}"

    def items(self, obj):
        return cards.build(list(cards.newest_first(cards.listed().filter(section=obj[0]))[:ITEMS]), counts=False)


class SourceFeed(_Cards):
    def get_object(self, request, pk):
        from broadsheet.sources.models import Source

        return get_object_or_404(Source, pk=pk)

    def title(self, obj):
        return obj.name

    def link(self, obj):
        return reverse("web:source", args=[obj.pk])

    def description(self, obj):
        return f"The newest stories reported by {obj.name}"

    def items(self, obj):
        return cards.by_source(obj.pk, None, ITEMS)[0]


class _Articles(_Feed):
    """Items are visible articles, linked to our page of each."""

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.teaser

    def item_link(self, item):
        return reverse("web:article", args=[item.pk])

    def item_pubdate(self, item):
        return item.published

    def item_updateddate(self, item):
        return max(item.published, item.modified) if item.modified else item.published  # Atom requires one

    def item_author_name(self, item):
        return item.source.name

    def item_categories(self, item):
        return [item.section] if item.section else []


def _visible():
    return Article.objects.filter(status=Article.Status.OK).select_related("source")


class TagFeed(_Articles):
    def get_object(self, request, slug):
        from broadsheet.enrich.models import Tag
        from broadsheet.enrich.tags import key

        found = Tag.objects.filter(key=key(slug)).first()
        if found is None:
            raise Http404("No such tag")
        found.slug = slug
        return found

    def title(self, obj):
        return f"#{obj.name}"

    def link(self, obj):
        return reverse("enrich:tag", args=[obj.slug])

    def description(self, obj):
        return f"The newest articles with #{obj.name}"

    def items(self, obj):
        from broadsheet.enrich.models import ArticleTag

        # The tag's newest rows from its (tag, published, article) index, then those articles by
        # key, as the story feed reads its members: joined, every article of the tag was read and
        # sorted (~600 at a million articles, 14 ms of CPU).
        ids = list(ArticleTag.objects.filter(tag=obj).order_by("-published", "-article_id")
                   .values_list("article_id", flat=True)[: ITEMS * 2])
        return list(_visible().filter(pk__in=ids).order_by("-published", "-pk")[:ITEMS])


class StoryFeed(_Articles):
    def get_object(self, request, pk):
        from broadsheet.stories.models import Member, Story

        story = get_object_or_404(Story, pk=pk, merged_into__isnull=True)
        # Members first (the (story, published) index), then their articles by key, as the story page does.
        story.ids = list(Member.objects.filter(story=story).order_by("-published")
                         .values_list("article_id", flat=True)[: ITEMS * 2])
        return story

    def title(self, obj):
        return obj.headline

    def link(self, obj):
        return reverse("stories:story", args=[obj.pk])

    def description(self, obj):
        return f"Every report of: {obj.headline}"

    def items(self, obj):
        rows = Article.objects.filter(pk__in=obj.ids).select_related("source").order_by("-published", "-pk")
        found = [a for a in rows if a.status == Article.Status.OK]
        return found[:ITEMS]


def atom(feed: type[Feed]) -> type[Feed]:
    """The Atom 1.0 twin of an RSS feed class: same items, its description as the subtitle."""
    return type(f"Atom{feed.__name__}", (feed,), {"feed_type": Atom1Feed, "subtitle": feed.description})
