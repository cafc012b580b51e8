"""Story cards: the unit of every list (home, section, source).

A list is one indexed query on the story table (its card columns are kept by
stories.store.refresh()), then one pass here that builds each card's links from URL
patterns reversed once per process and its comment count from one cache read. Pages are
keyset-paged on (last_published, id) with the API's cursor format, so a deep page costs
what the first one does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from broadsheet.api.forms import make_cursor
from broadsheet.articles.models import Article
from broadsheet.community.services import prime_count_ids
from broadsheet.lib import paths
from broadsheet.lib.prepared import prepared
from broadsheet.web import languages
from broadsheet.stories.models import Member, Story
from broadsheet.web.sections import slug_for

FIELDS = ("id", "headline", "lead_id", "image", "teaser", "section", "language", "source_names", "source_count",
          "article_count", "image_sizes", "source_icons", "last_published")  # last_published last: row[-1]


@dataclass
class Card:
    story_id: int
    lead_id: int | None
    headline: str
    image: str
    teaser: str
    section: str
    language: str
    source_names: list[str]
    source_count: int
    article_count: int
    last_published: datetime
    image_sizes: list = field(default_factory=list)  # [[url, width, height], ...] for a srcset
    source_icons: list = field(default_factory=list)  # one per source name ('' for none)
    url: str = ""
    story_url: str = ""
    section_url: str = ""
    comments: int = 0

    @property
    def sources_label(self) -> str:
        """'A, B and 3 more' from the names kept on the story."""
        more = self.source_count - len(self.source_names)
        names = ", ".join(self.source_names)
        return f"{names} and {more} more" if more > 0 else names

    @property
    def sources(self) -> list[tuple[str, str]]:
        """(name, icon URL or '') of each source named on the card."""
        icons = list(self.source_icons or [])
        return [(name, icons[i] if i < len(icons) else "") for i, name in enumerate(self.source_names)]

    @property
    def cursor(self) -> str:
        return make_cursor(self.last_published, self.story_id)


def listed():
    """Listed stories as rows of FIELDS (tuples: no model instance per card)."""
    return Story.objects.filter(listed=True).values_list(*FIELDS)


def newest_first(rows, before: tuple[datetime, int] | None = None):
    """Stories newest first, after the cursor `before` if given (keyset, no OFFSET)."""
    if before is not None:
        when, pk = before
        # A range on last_published (not an OR of two), so the list's own index serves it.
        rows = rows.filter(last_published__lte=when).exclude(last_published=when, pk__gte=pk)
    return rows.order_by("-last_published", "-id")


@prepared(Story)
def _section_newest(section, *leave_out, shape):
    allowed, size = shape
    return newest_first(listed().filter(allowed.q()).filter(section=section).exclude(pk__in=leave_out))[:size]


def newest_by_section(allowed, names: list[str], size: int, leave_out) -> dict[str, list[tuple]]:
    """The `size` newest listed stories in the languages `allowed` (languages.Allowed) in each
    of the sections `names`, less the stories `leave_out`: one statement, compiled once
    (lib/prepared) and run once per section (the ORM compiled the same query again for each
    of the home page's ten sections). `leave_out` is padded with 0 (no story's id) to a
    multiple of 8, so that a page's few lengths are a few statements."""
    ids = list(leave_out)
    ids += [0] * (-len(ids) % 8)
    return {name: _section_newest(name, *ids, shape=(allowed, size)).all() for name in names}


def build(rows: list[tuple], counts: bool = True) -> list[Card]:
    """Cards for story rows (FIELDS), in one pass: links without reverse() per card, and the
    comment counts from one cache read (counts=False: the caller counts a whole page at once)."""
    article_url, story_url, section_url = (paths.pattern(name) for name in ("web:article", "stories:story", "web:section"))
    cards = []
    for pk, headline, lead_id, image, teaser, section, language, names, sources, articles, sizes, icons, last in rows:
        card = Card(pk, lead_id, headline, image, teaser, section, language, list(names or []), sources, articles, last,
                    sizes or [], icons or [])
        card.story_url = story_url.format(pk)
        # A lone report is its own card: the reader goes straight to the article.
        card.url = article_url.format(lead_id) if articles == 1 and lead_id else card.story_url
        if section:
            card.section_url = section_url.format(_slug(section))
        cards.append(card)
    if counts:
        comment_counts(cards)
    return cards


@lru_cache(maxsize=256)
def _slug(section: str) -> str:
    return slug_for(section)


def comment_counts(cards: list[Card]) -> None:
    """A lone report's card counts its article's comments; a story's card the story's: one
    cache read for each kind (and a grouped query for the ones not cached)."""
    alone = [c for c in cards if c.url != c.story_url]
    stories = [c for c in cards if c.url == c.story_url]
    by_article = prime_count_ids(Article, list({c.lead_id for c in alone}))
    by_story = prime_count_ids(Story, list({c.story_id for c in stories}))
    for card in alone:
        card.comments = by_article.get(card.lead_id) or 0
    for card in stories:
        card.comments = by_story.get(card.story_id) or 0


def page(rows, before, size: int) -> tuple[list[Card], str | None]:
    """One page of cards and the cursor of the next (None on the last page)."""
    found = list(newest_first(rows, before)[: size + 1])
    more = len(found) > size
    cards = build(found[:size])
    return cards, (cards[-1].cursor if more and cards else None)


@prepared(Member)
def _source_members(source_id, *cursor, shape):
    """A publisher's newest member rows, after the cursor if given (shape: (cursor given, how many))."""
    members = Member.objects.filter(source_id=source_id)
    if cursor:
        when, pk = cursor
        members = members.filter(published__lte=when).exclude(published=when, article_id__gte=pk)
    # In the index's order, with no join: joined to the article (for its status), SQLite read
    # all the publisher's members and sorted them. Hidden articles are dropped after.
    return members.order_by("-published", "-article_id").values_list("story_id", "published", "article_id")[: shape[1]]


@prepared(Article)
def _visible(*ids, shape=()):
    """Which of these articles are shown. Always as many ids (padded with 0, no article's id),
    so that it is one statement, compiled once."""
    return Article.objects.filter(pk__in=ids, status=Article.Status.OK).order_by().values_list("pk")


@prepared(Story)
def _stories(*ids, shape):
    """Story rows (FIELDS) of these ids in the languages `shape` (languages.Allowed, or None
    for any); padded with 0 as _visible's."""
    return (listed().filter(shape.q()) if shape is not None else listed()).filter(pk__in=ids)


def _padded(ids: list[int], size: int) -> list[int]:
    return ids + [0] * (size - len(ids))


def by_source(source_id: int, before, size: int, allowed: languages.Allowed | None = None
              ) -> tuple[list[Card], str | None]:
    """A publisher's stories, newest report first, each once: from its members (keyset on
    the member's (published, article id)), a bounded read however many it has. `allowed` (the
    languages kept, languages.allowed(pick)) may leave a page short; its cursor still holds."""
    rows = _source_members(source_id, *(before or ()), shape=(before is not None, size * 4)).all()
    visible = {pk for pk, in _visible(*_padded([r[2] for r in rows], size * 4)).rows()}
    order: list[int] = []
    next_cursor, seen = None, None  # seen: the last member row this page consumed
    for story_id, published, article_id in rows:
        if article_id in visible and story_id not in order:
            if len(order) == size:
                next_cursor = make_cursor(*seen)
                break
            order.append(story_id)
        seen = (published, article_id)
    else:
        if len(rows) == size * 4:  # the read was cut before a page of distinct stories filled
            next_cursor = make_cursor(*seen)
    found = {row[0]: row for row in _stories(*_padded(order, size), shape=allowed).rows()}
    return build([found[pk] for pk in order if pk in found]), next_cursor
