"""Querysets compiled once and run with new arguments.

The article page ran six small queries a view, each ~0.03 ms in SQLite and ~0.15-0.4 ms in
the ORM building and compiling the statement: the same six statements every time, with other
numbers in them. `@prepared` compiles a queryset written with stand-in arguments once (per
database connection, so per server thread, and per `shape`: whatever else the statement
depends on, such as the site's languages), then per call puts the real arguments in place of
the stand-ins and turns the rows into what the queryset itself would have given: model
instances with their select_related objects (as ModelIterable and the ORM's related populators
build them: see _maker) or values_list tuples, through the ORM's converters.
`cards.newest_by_section` did this by hand for one statement; this is the same for any.

    @prepared(Article)
    def copies(article_id, *, shape=()):
        return Article.objects.filter(duplicate_of_id=article_id).select_related("source")

    copies(article.pk).all()   # a list of Article; .rows() converts one at a time

Arguments are ints, strings or aware datetimes, each standing for one value in the statement
(not a list: an `__in` of a varying length is a different statement; callers pad such lists
to a fixed length). A stand-in the statement does not hold as is (a LIKE pattern made of it)
is refused when the statement is compiled.
"""

from __future__ import annotations

import functools
from datetime import datetime, timezone as dt_timezone

from django.db import connections, router
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.query import ModelIterable, RelatedPopulator, ValuesListIterable, get_related_populators
from django.db.models.signals import post_init, pre_init

_CACHE = "_broadsheet_prepared"  # an attribute of each connection wrapper (one a thread)
_MIN_INT, _MAX_INT = -(2**63), 2**63 - 1  # what SQLite and PostgreSQL's bigint store


def _stand_in(value, i: int):
    if isinstance(value, bool):
        raise TypeError("a prepared statement's argument cannot be a bool (it would match 0 and 1)")
    if isinstance(value, int):
        return -7_770_001 - i  # no id, count or rank is negative
    if isinstance(value, str):
        return f"\x00stand-in {i}"
    if isinstance(value, datetime):
        return datetime(1001, 1, 1, 0, 0, i, 123457, tzinfo=dt_timezone.utc)
    raise TypeError(f"a prepared statement takes ints, strings and datetimes, not {type(value).__name__}")


class _Statement:
    """One compiled queryset: its SQL, where each argument goes, and how rows become results."""

    def __init__(self, queryset, stand_ins: list):
        self.db = queryset.db
        connection = connections[self.db]
        compiler = queryset.query.get_compiler(self.db)
        self.sql, params = compiler.as_sql()
        if compiler.has_extra_select or queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ValueError("prepared: no extra select columns, prefetch_related or related managers")
        self.params = list(params)
        self.adapt = []
        self.slots = []
        for i, value in enumerate(stand_ins):
            adapt = _adapter(value, connection)
            where = [n for n, param in enumerate(self.params) if param == adapt(value)]
            if not where:
                raise ValueError(f"prepared: argument {i} is not in the statement {self.sql}")
            self.slots.append(where)
            self.adapt.append(adapt)
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(fields)
        self.compiler = compiler
        self.kind = queryset._iterable_class
        if self.kind is ModelIterable:
            klass_info = compiler.klass_info
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            self.model, self.start, self.end = klass_info["model"], start, end
            self.init_list = [column[0].target.attname for column in compiler.select[start:end]]
            self.populators = [_FastPopulator(p) for p in get_related_populators(klass_info, compiler.select, self.db)]
            self.make = _maker(self.model, self.init_list, self.db)
            self.annotations = list(compiler.annotation_col_map.items())
        elif self.kind is not ValuesListIterable or (queryset.query.annotation_select or queryset.query.extra_select):
            raise ValueError("prepared: model querysets and plain values_list() only")

    def execute(self, args):
        """An open cursor on the statement's rows (the caller closes it)."""
        params = list(self.params)
        for where, adapt, value in zip(self.slots, self.adapt, args):
            value = adapt(value)
            for n in where:
                params[n] = value
        cursor = connections[self.db].cursor()
        try:
            cursor.execute(self.sql, params)
        except BaseException:
            cursor.close()
            raise
        return cursor

    def convert(self, rows):
        """The queryset's results for the fetched rows, one at a time."""
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        if self.kind is not ModelIterable:
            yield from map(tuple, rows)
            return
        make, start, end = self.make, self.start, self.end
        for row in rows:
            obj = make(row[start:end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            yield obj


def _maker(model, init_list, db):
    """model.from_db(db, init_list, values) for rows of this statement: what from_db and
    Model.__init__ leave (the loaded attributes, a state of an instance read from `db`), without
    their walk over every field of the model to mark the unloaded ones deferred (the fields not
    in __dict__ are the deferred ones). from_db itself where a model or a signal receiver would
    see the difference."""
    if (model.from_db.__func__ is not Model.from_db.__func__ or model.__init__ is not Model.__init__
            or pre_init.has_listeners(model) or post_init.has_listeners(model)):
        return lambda values: model.from_db(db, init_list, values)
    names, new = tuple(init_list), object.__new__

    def make(values):
        obj = new(model)
        state = obj._state = ModelState()
        state.adding, state.db = False, db
        obj.__dict__.update(zip(names, values))
        return obj

    return make


class _FastPopulator:
    """RelatedPopulator.populate (Django 5.2) with _maker's instances, from the attributes the
    ORM's populator computed for the statement."""

    def __init__(self, populator: RelatedPopulator):
        self.p = populator
        self.make = _maker(populator.model_cls, populator.init_list, populator.db)
        self.children = [_FastPopulator(child) for child in populator.related_populators]

    def populate(self, row, from_obj):
        p = self.p
        data = p.reorder_for_init(row) if p.reorder_for_init else row[p.cols_start:p.cols_end]
        obj = None
        if data[p.pk_idx] is not None:
            obj = self.make(data)
            for child in self.children:
                child.populate(row, obj)
        p.local_setter(from_obj, obj)
        if obj is not None:
            p.remote_setter(obj, from_obj)


def _adapter(value, connection):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value
    return lambda v: v


class Run:
    """The rows of one call: `.all()` a list of results; `.rows(chunk)` converted as they are
    read, `chunk` rows fetched at a time (what QuerySet.iterator(chunk) reads: a loop that stops
    early leaves the rest unread)."""

    def __init__(self, statement: _Statement, cursor):
        self.statement, self.cursor = statement, cursor

    def rows(self, chunk: int = 0):
        cursor = self.cursor
        if cursor is None:
            return
        try:
            if not chunk:
                yield from self.statement.convert(cursor.fetchall())
                return
            while fetched := cursor.fetchmany(chunk):
                yield from self.statement.convert(fetched)
        finally:
            cursor.close()

    def all(self) -> list:
        return list(self.rows())


def prepared(model):
    """`@prepared(Model)` on `build(*args, shape=...)`, which returns a queryset reading from
    `model`: the decorated function runs it with new `args`, compiled once per connection (the
    database the router gives for reading `model`: a page view's replica, if any) and `shape`."""

    def decorate(build):
        @functools.wraps(build)
        def run(*args, shape=()) -> Run:
            if any(type(value) is int and not _MIN_INT <= value <= _MAX_INT for value in args):
                # An id past what the database stores (a URL's <int:pk> is unbounded): no row,
                # as the ORM answers a filter on it. (Excluding by such a value would keep every
                # row: a statement that excludes by an argument must not be given one.)
                return Run(None, None)
            db = router.db_for_read(model)
            cache = connections[db].__dict__.setdefault(_CACHE, {})
            key = (run, shape, len(args))  # another number of arguments is another statement
            statement = cache.get(key)
            if statement is None:
                stand_ins = [_stand_in(value, i) for i, value in enumerate(args)]
                statement = _Statement(build(*stand_ins, shape=shape).using(db), stand_ins)
                cache[key] = statement
            return Run(statement, statement.execute(args))

        return run

    return decorate
