"""lib/prepared: a queryset compiled once gives what the queryset gives, with any arguments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.lib.prepared import prepared
from broadsheet.stories.models import Member, Related
from tests.web.factories import article, source

pytestmark = pytest.mark.django_db

built = []


@prepared(Related)
def _related(article_id, *, shape=()):
    built.append(shape)
    rows = Related.objects.filter(article_id=article_id).select_related("other__source").order_by("rank")
    return rows.exclude(other__section="Sport") if shape == "no sport" else rows


@prepared(Member)
def _members(source_id, when, *, shape=()):
    return (Member.objects.filter(source_id=source_id, published__lt=when).order_by("-published")
            .values_list("article_id", "published", "story_id"))


def _fields(obj):
    return {k: v for k, v in vars(obj).items() if k != "_state"}


def _related_pair():
    one, two, three = (article(f"Report {n}", hours_ago=n, section="Sport" if n == 3 else "News") for n in (1, 2, 3))
    for rank, other in enumerate((two, three)):
        Related.objects.create(article=one, other=other, rank=rank, similarity=0.5)
    Related.objects.create(article=two, other=one, rank=0, similarity=0.5)
    return one, two, three


def test_it_gives_the_instances_and_select_related_objects_the_queryset_gives():
    one, two, _ = _related_pair()
    for target in (one, two, one):
        expected = list(Related.objects.filter(article_id=target.pk).select_related("other__source").order_by("rank"))
        found = _related(target.pk).all()
        assert [_fields(r) for r in found] == [_fields(r) for r in expected] and found
        assert [_fields(r.other) for r in found] == [_fields(r.other) for r in expected]
        assert [_fields(r.other.source) for r in found] == [_fields(r.other.source) for r in expected]
        assert all(not r._state.adding and r._state.db == "default" for r in found)


@prepared(Article)
def _partial(pk, *, shape=()):
    return Article.objects.filter(pk=pk).select_related("source", "story_member__story").only(
        "id", "title", "published", "source__name", "story_member__story__headline")


def test_an_instance_of_some_columns_is_what_from_db_makes_and_loads_the_rest_when_asked():
    made = article("Partial report", teaser="Kept for later")
    expected = Article.objects.filter(pk=made.pk).select_related("source", "story_member__story").only(
        "id", "title", "published", "source__name", "story_member__story__headline").get()
    found = _partial(made.pk).all()[0]
    assert _fields(found) == _fields(expected) and found.get_deferred_fields() == expected.get_deferred_fields()
    assert _fields(found.source) == _fields(expected.source)
    assert _fields(found.story_member) == _fields(expected.story_member)
    assert _fields(found.story_member.story) == _fields(expected.story_member.story)
    assert found.story_member.article is found  # the reverse side set, as the ORM sets it
    assert found.teaser == "Kept for later"  # a deferred column is read when asked for


def test_a_model_with_an_init_receiver_is_made_by_from_db_so_the_receiver_runs():
    from django.db.models.signals import post_init

    made = article("Watched")
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_init.connect(receiver, sender=Article)
    try:
        @prepared(Article)
        def watched(pk, *, shape=()):
            return Article.objects.filter(pk=pk).only("id", "title")

        assert [a.title for a in watched(made.pk).all()] == ["Watched"] and seen == [made.pk]
    finally:
        post_init.disconnect(receiver, sender=Article)


def test_it_gives_the_values_list_rows_with_their_types_for_a_time_argument():
    publisher = source()
    made = [article(f"Item {n}", hours_ago=n, publisher=publisher) for n in range(1, 5)]
    for when in (timezone.now(), made[1].published, made[2].published + timedelta(seconds=1)):
        expected = list(Member.objects.filter(source_id=publisher.pk, published__lt=when).order_by("-published")
                        .values_list("article_id", "published", "story_id"))
        assert _members(publisher.pk, when).all() == expected
    assert len(_members(publisher.pk, made[1].published).all()) == 2


def test_it_compiles_once_for_each_shape_and_runs_no_compiler_after():
    one, two, _ = _related_pair()
    _related(one.pk), _related(two.pk)
    built.clear()
    calls = []
    original = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        calls.append(self.query.model)
        return original(self, *args, **kwargs)

    SQLCompiler.as_sql = counted
    try:
        assert len(_related(one.pk).all()) == 2 and len(_related(two.pk).all()) == 1
        assert len(_related(one.pk, shape="no sport").all()) == 1  # another statement for another shape
    finally:
        SQLCompiler.as_sql = original
    assert built == ["no sport"] and calls == [Related]


def test_it_refuses_an_argument_the_statement_does_not_hold_and_a_bool():
    @prepared(Article)
    def ignores(pk, *, shape=()):
        return Article.objects.filter(status="ok")

    with pytest.raises(ValueError, match="argument 0 is not in the statement"):
        ignores(1)
    with pytest.raises(TypeError):
        ignores(True)


@prepared(Article)
def _one(pk, *, shape=()):
    return Article.objects.filter(pk=pk)


def test_an_id_past_what_the_database_stores_matches_nothing_as_in_the_orm():
    one = article("Report")
    assert _one(2**63).all() == list(Article.objects.filter(pk=2**63)) == []
    assert _one(-(2**63) - 1).all() == [] and [a.pk for a in _one(one.pk).all()] == [one.pk]
