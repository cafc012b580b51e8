"""A page of a tag: its stories and not yet placed articles, newest tagged article first.

The tag's rows carry their article's time (enrich/tag_times.py), so a page is a read of the
(tag, published, article) index in its order, cut by a LIMIT, each row with its story's
card by the members' and the stories' keys: one statement, bounded work however many
articles carry the tag. Before, the page read every row of the tag and sorted their stories
(~600 rows a tag at a million articles), in three statements.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import connections, router

from broadsheet.api.forms import make_cursor
from broadsheet.enrich.models import ArticleTag

WINDOW = 4  # tag rows read at most for a page, in pages: a bound, as the source page's (web.cards.by_source)


@lru_cache(maxsize=8)
def _converters(alias: str):
    """The ORM's converters of a row's time and of a story card's FIELDS (web.cards), taken
    from the queries that would read them: (compiler, converters) of each."""
    from broadsheet.web import cards

    found = []
    for query in (ArticleTag.objects.using(alias).values_list("published"), cards.listed().using(alias)):
        compiler = query.query.get_compiler(alias)
        compiler.as_sql()  # sets up its columns
        found.append((compiler, compiler.get_converters([c[0] for c in compiler.select[: compiler.col_count]])))
    return found


def _convert(alias: str, which: int, rows: list) -> list[tuple]:
    compiler, converters = _converters(alias)[which]
    return [tuple(row) for row in compiler.apply_converters(rows, converters)] if converters else rows


def _rows(alias: str, tag_id: int, after: tuple | None, limit: int, allowed) -> list[tuple]:
    """Up to `limit` of the tag's rows after `after` (time, article id; None: from the newest),
    newest first: (time as the driver gives it, article id, story id or None, then the story's
    card FIELDS when it is listed in a language `allowed`, else NULLs).

    One statement, written here rather than by the ORM: the ORM would join the tag rows to
    their stories through the article table (the largest rows: body, vector), and it compiled
    the statement again on every view (~0.3 ms of CPU; the statement runs in ~0.1 ms). Left
    joins, so the tag's index drives it in its order and the LIMIT stops it."""
    from broadsheet.stories.models import Story
    from broadsheet.web import cards

    qn = connections[alias].ops.quote_name
    language, params = allowed.sql("s.language")
    where = "x.tag_id = %s"
    params.append(tag_id)
    if after is not None:
        # A range on published (not an OR of two), so the index serves it.
        where += " AND x.published <= %s AND NOT (x.published = %s AND x.article_id >= %s)"
        when = connections[alias].ops.adapt_datetimefield_value(after[0])
        params += [when, when, after[1]]
    columns = ", ".join("s." + qn(Story._meta.get_field(name).column) for name in cards.FIELDS)
    sql = (f"SELECT x.published, x.article_id, m.story_id, {columns} "
           "FROM enrich_articletag x LEFT JOIN stories_member m ON m.article_id = x.article_id "
           f"LEFT JOIN stories_story s ON s.id = m.story_id AND s.listed{' AND ' + language if language else ''} "
           f"WHERE {where} ORDER BY x.published DESC, x.article_id DESC LIMIT %s")
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return cursor.fetchall()


def _cursor(alias: str, row: tuple) -> str:
    """The cursor of a row: its time through the ORM's converters (an aware datetime), for the
    one row that needs it."""
    return make_cursor(_convert(alias, 0, [[row[0]]])[0][0], row[1])


def tagged(tag_id: int, before, size: int, chosen: str, visible):
    """A page of a tag: (story cards, loose articles, cursor of the next page or None).

    Each story or storyless article counts once, where its newest tagged article stands; the
    stories are shown first, then the articles. Rows are read a page and one more at a time
    (the next read goes on from the last row) until the page is full or size × WINDOW rows
    were read; the cursor is the (published, article) of the last row the page used. A story
    whose tagged articles are far apart in time can so come again on a later page, as on a
    publisher's page. The article table is read only for articles in no story (by key, the
    few of them): its rows (body, vector) are the largest of the database. `visible`: the
    articles a loose one may be (a queryset)."""
    from broadsheet.web import cards, languages

    alias = router.db_for_read(ArticleTag)
    allowed = languages.allowed(chosen)
    bound = size * WINDOW
    rows: list[tuple] = []
    stories: dict[int, tuple] = {}  # story id: its card's row (FIELDS), listed in a language kept
    loose: dict[int, int] = {}  # article id in no story: index of its first row
    articles: dict[int, object] = {}  # of those, the visible ones in a language kept
    kept: list[tuple[str, int, int]] = []  # ("s" or "a", id, index of its first row), in order
    seen: set = set()
    after = before
    while len(kept) <= size and len(rows) < bound:
        # A page and one more row first (a full page when each row is a story of its own), then
        # more while stories repeat or are left out.
        want = min(size * 2 if rows else size + 1, bound - len(rows))
        read = _rows(alias, tag_id, after, want, allowed)
        found = [row for row in read if row[3] is not None and row[2] not in stories]
        for row in _convert(alias, 1, [row[3:] for row in found]):
            stories[row[0]] = row
        for published, article_id, story_id, card_id, *_ in read:
            i = len(rows)
            rows.append((published, article_id))
            if story_id is None:
                loose.setdefault(article_id, i)
            elif card_id is not None and ("s", story_id) not in seen:
                seen.add(("s", story_id))
                kept.append(("s", story_id, i))
        wanted = [pk for pk in loose if ("a", pk) not in seen]
        if wanted:
            # Articles in no story yet (few: a story is found for each soon after it arrives).
            articles.update((a.pk, a) for a in languages.limit(visible, chosen).filter(pk__in=wanted).order_by()
                            .defer("embedding"))
            for pk in wanted:
                seen.add(("a", pk))
                if pk in articles:
                    kept.append(("a", pk, loose[pk]))
            kept.sort(key=lambda item: item[2])
        if len(read) < want:
            break  # the tag has no more rows
        after = rows[-1]
    older = None
    if len(kept) > size:
        older = _cursor(alias, rows[kept[size][2] - 1])  # the next page starts at the item that did not fit
    elif len(rows) >= bound:  # the read was cut before the page filled
        older = _cursor(alias, rows[-1])
    page = kept[:size]
    return (cards.build([stories[pk] for kind, pk, _ in page if kind == "s"]),
            [articles[pk] for kind, pk, _ in page if kind == "a"], older)
