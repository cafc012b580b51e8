"""`broadsheet reextract`: a newer extractor over the stored raw pages, idempotent, losing nothing."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.forms.models import model_to_dict
from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.crawl.models import RawPage
from broadsheet.crawl.reextract import reextract, select
from broadsheet.extract import ExtractError, core
from broadsheet.sources.services import add_feed
from tests.crawl.pages import PARAGRAPHS
from tests.crawl.stored import stored_article

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def sectioned(article) -> None:
    """A stand-in enrichment step: files an article by its title, as a classifier would."""
    section = "Transport" if "tram" in article.title.lower() else "World"
    Article.objects.filter(pk=article.pk).update(section=section)


@pytest.fixture
def pipeline_steps(settings):
    settings.ARTICLE_PIPELINE = ["tests.crawl.test_reextract.sectioned"]
    return settings


@pytest.fixture
def three(server, pipeline_steps):
    feed = add_feed(server.url_for("/feed.xml"), section="News", name="Example Gazette")
    return [stored_article(server, f"/news/{i}", f"Tram line story {i}", feed=feed,
                           paragraphs=[f"Story {i} opens with its own sentence about item {i}.", *PARAGRAPHS])
            for i in range(3)]


def newer_title_rule(monkeypatch, rename=lambda title: title.replace("Tram", "Bus")):
    """A change to an extractor rule: the headline is picked differently from now on."""
    pick = core.title_mod.pick
    monkeypatch.setattr(core.title_mod, "pick", lambda *args, **kwargs: rename(pick(*args, **kwargs)))


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command("reextract", *args, stdout=out)
    return out.getvalue().splitlines()


def test_an_unchanged_extractor_changes_nothing(three):
    report = reextract(select())
    assert (report.selected, report.changed, report.unchanged, report.failed, report.missing) == (3, 0, 3, 0, 0)


def test_a_changed_extractor_rule_updates_the_articles_and_enriches_them_again(three, monkeypatch):
    Article.objects.update(embedding=b"\x00" * 8, section="Transport")
    newer_title_rule(monkeypatch)
    report = reextract(select())
    assert (report.changed, report.unchanged) == (3, 0)
    assert report.fields["title"] == 3 and report.fields["body"] == 0
    for article in Article.objects.all():
        assert article.title.startswith("Bus line story")
        assert article.section == "World"  # the enrichment step ran on the new title
        assert article.embedding is None  # computed again by the embedding step (not in this pipeline)
        assert article.processed_at is not None
        assert "riverside tram line" in article.body
    assert report.fields["section"] == 3


def test_a_second_run_changes_nothing(three, monkeypatch):
    newer_title_rule(monkeypatch)
    assert reextract(select()).changed == 3
    processed = dict(Article.objects.values_list("pk", "processed_at"))
    again = reextract(select())
    assert (again.changed, again.unchanged, sum(again.fields.values())) == (0, 3, 0)
    assert dict(Article.objects.values_list("pk", "processed_at")) == processed  # not enriched again either
    assert run()[1] == "fields changed: none"


def test_articles_stored_before_blocks_were_kept_get_them(three):
    Article.objects.update(blocks=[])
    report = reextract(select())
    assert report.fields["blocks"] == 3 and report.fields["body"] == 0
    assert all(article.blocks for article in Article.objects.all())


def test_a_body_rule_counts_the_body_and_the_words(three, monkeypatch):
    clean = core.body_mod.clean
    monkeypatch.setattr(core.body_mod, "clean", lambda text, **kw: "\n".join(
        line for line in clean(text, **kw).split("\n") if "compensation" not in line))
    report = reextract(select())
    assert report.fields["body"] == 3 and report.fields["title"] == 0
    article = Article.objects.first()
    assert "compensation" not in article.body
    assert article.word_count == len(article.body.split())


def test_the_report_lists_each_changed_article_with_v(three, monkeypatch):
    newer_title_rule(monkeypatch)
    lines = run("-v")
    assert lines[0].startswith("3 articles selected: 3 re-extracted (3 changed, 0 unchanged), 0 without a raw page")
    assert lines[1] == "fields changed: title 3, section 3"
    changed = [line for line in lines if line.startswith("  changed #")]
    assert len(changed) == 3 and changed[0].endswith(": title, section")


def test_a_dry_run_reports_and_writes_nothing(three, monkeypatch):
    from broadsheet.crawl import process

    def rows():
        return [model_to_dict(a) | {"processed_at": a.processed_at} for a in Article.objects.order_by("pk")]

    before = rows()
    monkeypatch.setattr(process, "_run", lambda *a: pytest.fail("enrichment ran in a dry run"))
    newer_title_rule(monkeypatch)
    lines = run("--dry-run")
    assert "3 would change" in lines[0] and lines[1] == "fields would change: title 3"
    assert lines[2] == "dry run: nothing written, enrichment not run"
    assert rows() == before


def test_the_source_filter_takes_one_source(server, three, monkeypatch):
    other = add_feed(server.url_for("/other.xml"), homepage="https://other.example/", name="Other Times")
    outsider = stored_article(server, "/other/1", "Tram works start", feed=other)
    newer_title_rule(monkeypatch)
    assert run("--source", "other times")[0].startswith("1 articles selected")
    assert Article.objects.get(pk=outsider.pk).title == "Bus works start"
    assert not Article.objects.filter(pk__in=[a.pk for a in three], title__startswith="Bus").exists()
    assert run("--source", str(three[0].source_id))[0].startswith("3 articles selected: 3 re-extracted (3 changed")


def test_the_since_filter_takes_the_articles_fetched_from_that_day(three, monkeypatch):
    Article.objects.filter(pk=three[0].pk).update(fetched_at=timezone.now() - timedelta(days=10))
    newer_title_rule(monkeypatch)
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    assert run("--since", day)[0].startswith("2 articles selected")
    assert Article.objects.get(pk=three[0].pk).title.startswith("Tram")


def test_an_unknown_source_is_a_clear_error():
    with pytest.raises(CommandError, match="no source 'Nowhere Herald'") as caught:
        run("--source", "Nowhere Herald")
    assert caught.value.returncode == 2


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "2026-02-30", ""])
def test_a_bad_date_is_a_clear_error(value):
    with pytest.raises(CommandError, match="not a date"):
        run("--since", value)


def test_a_bad_date_exits_with_status_2(tmp_path):
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin", "BROADSHEET_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "broadsheet.cli", "reextract", "--since", "soon"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2 and "not a date: 'soon'" in done.stderr


def test_an_article_without_a_raw_page_is_counted_and_skipped(three, monkeypatch):
    RawPage.objects.filter(pk=three[1].pk).delete()
    newer_title_rule(monkeypatch)
    report = reextract(select())
    assert (report.changed, report.missing) == (2, 1)
    assert Article.objects.get(pk=three[1].pk).title == "Tram line story 1"
    assert "1 without a raw page (skipped)" in report.lines()[0]


def test_a_page_that_no_longer_extracts_keeps_the_old_text(three, monkeypatch):
    from broadsheet.extract import extract

    before = {a.pk: (a.title, a.body) for a in Article.objects.all()}

    def fussy(html, url, **kw):
        if url.endswith("/news/1"):
            raise ExtractError("no article text found")
        if url.endswith("/news/2"):
            raise RuntimeError("a bug in a new rule")
        return extract(html, url, **kw)

    report = reextract(select(), extractor=fussy)
    assert (report.failed, report.unchanged) == (2, 1)
    assert {a.pk: (a.title, a.body) for a in Article.objects.all()} == before
    failed = [line for line in report.lines(verbose=True) if line.startswith("  failed")]
    assert failed[0].endswith("/news/1: no article text found")
    assert failed[1].endswith("/news/2: extractor crashed: RuntimeError: a bug in a new rule")


def test_a_corrupt_raw_page_is_reported_and_the_text_kept(three):
    RawPage.objects.filter(pk=three[0].pk).update(content=b"garbage")
    report = reextract(select())
    assert report.failed == 1 and "corrupt" in report.failures[0][2]
    assert Article.objects.get(pk=three[0].pk).body == three[0].body


def test_a_failing_enrichment_step_leaves_the_article_for_a_later_try(three, monkeypatch, settings):
    settings.ARTICLE_PIPELINE = ["tests.crawl.test_reextract.broken_step"]
    newer_title_rule(monkeypatch)
    report = reextract(select())
    assert report.changed == 3 and report.not_enriched == 3
    assert not Article.objects.filter(processed_at__isnull=False).exists()  # requeue_stale offers them again
    assert Article.objects.filter(title__startswith="Bus").count() == 3


def broken_step(article) -> None:
    raise RuntimeError("model missing")


def test_the_progress_bar_counts_every_page(three):
    seen = []

    class Bar:
        def __init__(self, total, desc):
            seen.append(("start", total, desc))

        def update(self, n):
            seen.append(("update", n))

        def close(self):
            seen.append(("close",))

    reextract(select(), progress=Bar)
    assert seen == [("start", 3, "pages"), ("update", 3), ("close",)]
