"""The stories pipeline step on the database: copies, stories, merges, crashes."""

from __future__ import annotations

import pytest

from broadsheet.articles.models import Article
from broadsheet.stories import pipeline, related
from broadsheet.stories.models import Member, Related, Story

from .conftest import between, BUDGET, QUAKE, article, reworded, source

pytestmark = pytest.mark.django_db


def process(*articles):
    for item in articles:
        item.refresh_from_db()
        pipeline.process_article(item)


def story_of(item):
    return Member.objects.get(article=item).story


def test_reports_from_three_sources_form_one_story_with_counts(at):
    a = article("Quake kills ten on Iranian island", QUAKE, topic="quake", publisher=source("Wire", "GB"))
    b = article("Ten dead as earthquake hits Qeshm", reworded(QUAKE, 1),
                topic="quake", publisher=source("Gazette", "FR"), at=at(hours=2))
    c = article("Budget cuts income tax", BUDGET, topic="budget", publisher=source("Courier", "FR"), at=at(hours=3))
    d = article("Rescuers reach Qeshm villages", reworded(QUAKE, 2), topic="quake",
                publisher=source("Courier", "FR"), at=at(hours=5))
    process(a, b, c, d)
    story = story_of(a)
    assert story_of(b) == story == story_of(d) != story_of(c)
    assert (story.article_count, story.source_count, story.country_count) == (3, 3, 2)
    assert story.first_published == a.published and story.last_published == d.published
    # the most central member's headline (store.lead_row), with that article as the card's lead
    assert story.headline in {a.title, b.title, d.title}
    assert story.headline == Article.objects.get(pk=story.lead_id).title


def test_a_syndicated_copy_is_folded_into_the_original_whatever_arrives_first(at):
    original = article("Quake kills ten on Iranian island", QUAKE, topic="quake", publisher=source("Wire"))
    copy = article("Quake kills ten on Iranian island", QUAKE.replace("said.", "reported.") + " (Wire)",
                   topic="quake", publisher=source("Partner"), at=at(hours=1), noise="copy")
    process(copy)  # the copy arrives (and is clustered) first
    assert Member.objects.filter(article=copy).exists()
    process(original)
    copy.refresh_from_db()
    original.refresh_from_db()
    assert copy.status == Article.Status.DUPLICATE and copy.duplicate_of == original
    assert original.status == Article.Status.OK and original.duplicate_of is None
    assert not Member.objects.filter(article=copy).exists()
    assert story_of(original).article_count == 1


def test_a_story_opened_by_a_copy_that_came_first_leads_to_the_originals_story(client, at):
    original = article("Quake kills ten on Iranian island", QUAKE, topic="quake", publisher=source("Wire"))
    copy = article("Quake kills ten on Iranian island", QUAKE.replace("said.", "reported.") + " (Wire)",
                   topic="quake", publisher=source("Partner"), at=at(hours=1), noise="copy")
    process(copy)
    opened = story_of(copy)
    process(original)
    assert Story.objects.filter(merged_into=None).count() == 1  # no empty story left behind
    opened.refresh_from_db()
    assert opened.merged_into == story_of(original)
    assert client.get(opened.get_absolute_url())["Location"] == story_of(original).get_absolute_url()


def test_a_copy_arriving_after_the_original_is_never_clustered(at):
    original = article("Quake kills ten", QUAKE, topic="quake", publisher=source("Wire"))
    copy = article("Quake kills ten", QUAKE + " Copyright Wire.", topic="quake", publisher=source("Partner"),
                   at=at(hours=1), noise="copy")
    process(original, copy)
    copy.refresh_from_db()
    assert copy.duplicate_of == original and not Member.objects.filter(article=copy).exists()


def test_detection_survives_a_restart(at):
    from broadsheet.stories import dedup

    original = article("Quake kills ten", QUAKE, topic="quake", publisher=source("Wire"))
    process(original)
    dedup.reset_cache()  # a new worker process: the LSH is rebuilt from the signature rows
    copy = article("Quake kills ten", QUAKE + " More to follow.", topic="quake", publisher=source("Partner"),
                   at=at(hours=1), noise="copy")
    process(copy)
    copy.refresh_from_db()
    assert copy.duplicate_of == original


def test_different_texts_are_not_folded(at):
    a = article("Quake kills ten", QUAKE, topic="quake", publisher=source("Wire"))
    b = article("Budget", BUDGET, topic="budget", publisher=source("Partner"), at=at(hours=1))
    process(a, b)
    assert Article.objects.filter(status=Article.Status.DUPLICATE).count() == 0


def test_a_late_bridging_report_merges_two_stories(at):
    wire = source("Wire")
    early = article("Quake day one", QUAKE, topic="quake", publisher=wire, noise="1")
    late = article("Quake day five", reworded(QUAKE, 4), topic="quake", publisher=source("Gazette"), at=at(days=5), noise="2")
    process(early, late)
    assert story_of(early) != story_of(late)
    bridge = article("Quake day three", reworded(QUAKE, 3), topic="quake", publisher=source("Courier"), at=at(days=2.5), noise="3")
    process(bridge)
    kept = story_of(bridge)
    assert story_of(early) == story_of(late) == kept
    assert kept.article_count == 3
    gone = Story.objects.exclude(pk=kept.pk).get()
    assert gone.merged_into_id == kept.pk and gone.article_count == 0


def test_a_worker_killed_between_clustering_and_related_loses_and_duplicates_nothing(at, monkeypatch):
    a = article("Quake kills ten", QUAKE, topic="quake", publisher=source("Wire"))
    volcano = article("Volcano erupts near the coast", BUDGET, topic="volcano", publisher=source("Courier"),
                      embedding=between("quake", "volcano"))
    process(a, volcano)
    b = article("Ten dead in quake", reworded(QUAKE, 1), topic="quake", publisher=source("Gazette"), at=at(hours=1))

    def killed(item):
        raise SystemExit("worker killed")

    monkeypatch.setattr(related, "store", killed)
    with pytest.raises(SystemExit):
        process(b)
    assert story_of(b) == story_of(a)  # clustering committed before the kill
    monkeypatch.undo()
    process(b)  # the task is delivered again
    process(b)  # and once more
    assert Member.objects.filter(article=b).count() == 1
    assert Story.objects.count() == 2 and story_of(a).article_count == 2
    assert list(Related.objects.filter(article=b).values_list("other_id", flat=True)) == [volcano.pk]


def test_a_worker_killed_inside_placement_leaves_no_empty_story(at, monkeypatch):
    from broadsheet.stories import store

    a = article("Quake kills ten", QUAKE, topic="quake", publisher=source("Wire"))
    monkeypatch.setattr(store, "refresh", lambda story: (_ for _ in ()).throw(SystemExit("killed")))
    with pytest.raises(SystemExit):
        process(a)
    monkeypatch.undo()
    assert Story.objects.count() == 0 and not Member.objects.exists()
    process(a)
    assert Story.objects.get().article_count == 1


def test_related_articles_are_diversified_by_story_and_source(at):
    wire, gazette = source("Wire"), source("Gazette")
    quake = [article(f"Quake report {i}", reworded(QUAKE, i), topic="quake", publisher=p, at=at(hours=i), noise=str(i))
             for i, p in enumerate([wire, wire, wire, gazette, gazette])]
    budget = article("Budget and the quake", BUDGET, topic="quake-budget", publisher=wire, at=at(hours=6))
    process(*quake, budget)
    target = quake[-1]
    process(target)
    rows = list(Related.objects.filter(article=target).select_related("other"))
    others = [r.other for r in rows]
    assert target not in others
    assert not [o for o in others if story_of(o) == story_of(target)]  # that is "Full coverage"
    assert all(sum(o.source_id == s for o in others) <= related.PER_SOURCE for s in (wire.pk, gazette.pk))
    assert [r.rank for r in rows] == list(range(len(rows)))


def test_a_new_worker_finds_the_stories_already_stored(at):
    from broadsheet.stories import store

    a = article("Quake kills ten", QUAKE, topic="quake", publisher=source("Wire"))
    process(a)
    store.reset_cache()  # a fresh process: vectors are read again from the database
    b = article("Ten dead in quake", reworded(QUAKE, 1), topic="quake", publisher=source("Gazette"), at=at(hours=1))
    process(b)
    assert story_of(a) == story_of(b)


KERMAN = ("A magnitude 5.2 earthquake shook Kerman province in the south-east of Iran on Thursday, injuring three "
          "people near Bam and Jiroft, where walls cracked and power failed for several hours. The Red Crescent sent "
          "rescuers and tents from Zahedan, and the provincial governor said the damage was light. Residents recalled "
          "the much deadlier tremor that flattened Bam two decades ago and many chose to sleep in their cars.")


def test_a_look_alike_event_chained_into_a_story_is_split_into_its_own(at):
    import numpy as np

    from broadsheet.enrich.embeddings import to_bytes

    from .conftest import vector

    first = [article(f"Qeshm quake report {i}", reworded(QUAKE, 10 + i), topic="quake", publisher=source(f"Paper {i}"),
                     at=at(hours=i)) for i in range(4)]
    process(*first)
    story = story_of(first[0])
    assert {story_of(a) for a in first} == {story}
    other = []
    for i in range(4):
        item = article(f"Kerman quake report {i}", reworded(KERMAN, 20 + i), topic="quake",
                       publisher=source(f"Other {i}"), at=at(days=2.5, hours=i))
        v = 0.75 * vector("quake", "shared") + 0.66 * vector("other", str(i), weight=0.05)
        Article.objects.filter(pk=item.pk).update(embedding=to_bytes((v / np.linalg.norm(v)).astype(np.float32)))
        other.append(item)
        process(item)
    assert story_of(other[0]) != story  # split off once its own reports came in
    assert {story_of(a) for a in other} == {story_of(other[0])}
    assert {story_of(a) for a in first} == {story}
    kept, new = Story.objects.get(pk=story.pk), story_of(other[0])
    assert (kept.article_count, new.article_count) == (4, 4)
    assert kept.headline in {a.title for a in first} and new.headline in {a.title for a in other}


def test_the_card_headline_is_the_most_central_members_in_the_site_language(at, settings):
    import numpy as np

    from broadsheet.enrich.embeddings import to_bytes
    from broadsheet.stories.store import refresh

    from .conftest import vector

    settings.SITE_LANGUAGE = "en"
    centre = vector("quake")
    german = article("Erdbeben auf Qeshm", reworded(QUAKE, 30), topic="quake", publisher=source("Zeitung"), language="de")
    edge = article("Island shaken", reworded(QUAKE, 31), topic="quake", publisher=source("Wire"), at=at(hours=1), language="en")
    central = article("Quake kills ten on Iranian island", reworded(QUAKE, 32), topic="quake", publisher=source("Gazette"),
                      at=at(hours=2), language="en")
    far = vector("other", "edge")
    for item, v in ((german, centre), (edge, 0.6 * centre + 0.8 * far), (central, centre)):
        Article.objects.filter(pk=item.pk).update(embedding=to_bytes((v / np.linalg.norm(v)).astype(np.float32)))
    story = Story.objects.create()
    for item in (german, edge, central):
        Member.objects.create(article=item, story=story, published=item.published, source_id=item.source_id)
    refresh(story.pk)
    story.refresh_from_db()
    assert story.headline == central.title and story.lead_id == central.pk and story.language == "en"
    settings.SITE_LANGUAGE = "de"
    refresh(story.pk)
    story.refresh_from_db()
    assert story.headline == german.title


def test_a_storys_counts_are_the_same_read_from_its_card_rows_or_counted_apart(at, monkeypatch):
    from broadsheet.sources.models import Source
    from broadsheet.stories import store

    Source.objects.filter(pk=source("Wire").pk).update(country="")  # no country: not counted
    publishers = [source("Wire"), source("Gazette", "IE"), source("Zeitung", "DE"), source("Gazette", "IE")]
    story = Story.objects.create()
    for i, publisher in enumerate(publishers):
        item = article(f"Report {i}", reworded(QUAKE, 40 + i), topic="quake", publisher=publisher, at=at(hours=i))
        Member.objects.create(article=item, story=story, published=item.published, source_id=publisher.pk)
    hidden = article("Withdrawn", reworded(QUAKE, 50), topic="quake", publisher=source("Tribune"), at=at(hours=9))
    Article.objects.filter(pk=hidden.pk).update(status=Article.Status.FAILED)
    Member.objects.create(article=hidden, story=story, published=hidden.published, source_id=hidden.source_id)
    counts = []
    for rows in (500, 2):  # every member among the card's rows; more members than rows
        monkeypatch.setattr(store, "CARD_ROWS", rows)
        store.refresh(story.pk)
        story.refresh_from_db()
        counts.append((story.article_count, story.source_count, story.country_count, story.first_published,
                       story.last_published, story.listed))
    assert counts[0] == counts[1] == (4, 3, 2, at(), at(hours=3), True)


def test_a_merged_story_stays_unlisted_when_refreshed(at):
    from broadsheet.stories.store import refresh

    item = article("Quake", QUAKE, topic="quake", publisher=source("Wire"))
    into, merged = Story.objects.create(), Story.objects.create()
    Story.objects.filter(pk=merged.pk).update(merged_into=into)
    Member.objects.create(article=item, story=merged, published=item.published, source_id=item.source_id)
    refresh(merged.pk)
    merged.refresh_from_db()
    assert (merged.article_count, merged.headline, merged.listed) == (1, "Quake", False)
    Member.objects.filter(story=merged).update(story=into)
    refresh(into.pk)
    into.refresh_from_db()
    assert (into.article_count, into.listed) == (1, True)
