"""A page of a tag: its stories and not yet placed articles, newest tagged article first.

The tag's rows carry their article's time (enrich/tag_times.py), so a page is a read of the
(tag, published, article) index in its order, cut by a LIMIT, each row with its story from
the members' key: bounded work however many articles carry the tag. Before, the page read
every row of the tag and sorted their stories (~600 rows a tag at a million articles).
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache

from django.db import connections, router
from django.db.models import OuterRef, Subquery

from broadsheet.api.forms import make_cursor
from broadsheet.enrich.models import ArticleTag

WINDOW = 4  # tag rows read at most for a page, in pages: a bound, as the source page's (web.cards.by_source)

# Stand-ins the statement is compiled with once (_statement), each then replaced by its value.
_TAG, _PK, _LIMIT = -7_000_001, -7_000_002, 7_000_003
_WHEN = datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=timezone.utc)


@lru_cache(maxsize=8)
def _statement(alias: str, deep: bool):
    """The rows' statement, compiled once a process: (sql, slot of each parameter, compiler,
    converters). The ORM compiled it again for every page, half of its ~0.7 ms of CPU at a
    million articles; the statement itself runs in ~0.1 ms."""
    from broadsheet.stories.models import Member

    rows = ArticleTag.objects.using(alias).filter(tag_id=_TAG)
    if deep:
        # A range on published (not an OR of two), so the index serves it.
        rows = rows.filter(published__lte=_WHEN).exclude(published=_WHEN, article_id__gte=_PK)
    story = Member.objects.filter(article_id=OuterRef("article_id")).values("story_id")
    query = (rows.annotate(story=Subquery(story)).order_by("-published", "-article_id")
             .values_list("published", "article_id", "story")[:_LIMIT])
    compiler = query.query.get_compiler(alias)
    sql, params = compiler.as_sql()
    when = compiler.connection.ops.adapt_datetimefield_value(_WHEN)
    slots = []
    for value in params:
        slot = {_TAG: "tag", _PK: "pk"}.get(value) if isinstance(value, int) else None
        slots.append(slot or ("when" if value == when else None))
    if None in slots:
        raise AssertionError(f"a parameter of {sql} is not a stand-in: {params}")
    # The LIMIT is written into the statement; made a parameter, one statement serves every size.
    if sql.count(f"LIMIT {_LIMIT}") != 1:
        raise AssertionError(f"no single LIMIT {_LIMIT} in {sql}")
    sql = sql.replace(f"LIMIT {_LIMIT}", "LIMIT %s")
    slots.append("limit")
    converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])
    return sql, slots, compiler, converters


def _rows(tag_id: int, after: tuple | None, limit: int) -> list[tuple]:
    """Up to `limit` of the tag's rows after `after` (time, article id; None: from the newest),
    newest first: (time as the driver gives it, article id, story id or None)."""
    alias = router.db_for_read(ArticleTag)
    sql, slots, compiler, _ = _statement(alias, after is not None)
    values = {"tag": tag_id, "limit": limit}
    if after is not None:
        values["when"] = compiler.connection.ops.adapt_datetimefield_value(after[0])
        values["pk"] = after[1]
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [values[slot] for slot in slots])
        return cursor.fetchall()


def _cursor(row: tuple) -> str:
    """The cursor of a row: its time through the ORM's converters (an aware datetime), only
    for the one row that needs it."""
    _, _, compiler, converters = _statement(router.db_for_read(ArticleTag), False)
    if converters:
        row = next(iter(compiler.apply_converters([list(row)], converters)))
    return make_cursor(row[0], row[1])


def tagged(tag_id: int, before, size: int, chosen: str, visible):
    """A page of a tag: (story cards, loose articles, cursor of the next page or None).

    Each story or storyless article counts once, where its newest tagged article stands; the
    stories are shown first, then the articles. Rows are read a page at a time (the next read
    goes on from the last row) until the page is full or size × WINDOW rows were read; the
    cursor is the (published, article) of the last row the page used. A story whose tagged
    articles are far apart in time can so come again on a later page, as on a publisher's
    page. Never the article table for a placed article: its rows (body, vector) are the
    largest of the database. `visible`: the articles a loose one may be (a queryset)."""
    from broadsheet.web import cards, languages

    bound = size * WINDOW
    rows: list[tuple] = []
    order, known = [], set()  # (("s", story id) or ("a", article id), index of its first row)
    stories, articles, kept, start = {}, {}, [], 0
    after = before
    while len(kept) <= size and len(rows) < bound:
        # A page and one more row first (a full page when every row is a story of its own),
        # then more if stories repeat or are left out.
        want = min(size * 2 if rows else size + 1, bound - len(rows))
        read = _rows(tag_id, after, want)
        for published, article_id, story_id in read:
            key = ("s", story_id) if story_id is not None else ("a", article_id)
            if key not in known:
                known.add(key)
                order.append((key, len(rows)))
            rows.append((published, article_id, story_id))
        # The candidates' rows, as many as the page still wants (one more to know where the
        # next page starts): a story not listed or in a language not picked, or an article not
        # visible, leaves its place to the next.
        while len(kept) <= size and start < len(order):
            chunk = order[start: start + size + 1 - len(kept)]
            start += len(chunk)
            story_ids = [key[1] for key, _ in chunk if key[0] == "s"]
            article_ids = [key[1] for key, _ in chunk if key[0] == "a"]
            if story_ids:
                stories.update((row[0], row) for row in
                               languages.limit(cards.listed(), chosen).filter(pk__in=story_ids).order_by())
            if article_ids:
                articles.update((a.pk, a) for a in languages.limit(visible, chosen).filter(pk__in=article_ids)
                                .order_by().defer("embedding"))
            kept += [(key, i) for key, i in chunk if key[1] in (stories if key[0] == "s" else articles)]
        if len(read) < want:
            break  # the tag has no more rows
        after = rows[-1][:2]
    older = None
    if len(kept) > size:
        older = _cursor(rows[kept[size][1] - 1])  # the next page starts at the first row of the item that did not fit
    elif len(rows) >= bound:  # the read was cut before the page filled
        older = _cursor(rows[-1])
    page = kept[:size]
    return (cards.build([stories[key[1]] for key, _ in page if key[0] == "s"]),
            [articles[key[1]] for key, _ in page if key[0] == "a"], older)
