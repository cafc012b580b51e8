"""The first run: a site with no articles says what is happening and what to do."""

from __future__ import annotations

import io
import signal

import pytest
from django.core.management import call_command
from django.utils import timezone

from broadsheet.sources.models import Feed
from tests.web.factories import source

pytestmark = pytest.mark.django_db


def feed(url: str, kind: str = "", error: str = "", minutes_ago: int = 1) -> Feed:
    return Feed.objects.create(source=source(url.split("/")[2], f"https://{url.split('/')[2]}/"), url=url,
                               consecutive_failures=1 if kind else 0, last_error_kind=kind, last_error=error,
                               last_fetch_at=timezone.now() - timezone.timedelta(minutes=minutes_ago))


def test_when_no_source_can_be_reached_the_home_page_says_so_with_the_last_reason(client):
    feed("https://a.example/rss", "dns", "cannot resolve a.example: [Errno -3] Temporary failure", minutes_ago=9)
    feed("https://b.example/rss", "connection", "connection refused by b.example", minutes_ago=2)
    feed("https://c.example/rss", "timeout", "no answer within 10 s", minutes_ago=5)
    page = client.get("/").content.decode()
    assert "None of the sources can be reached" in page
    assert "b.example" in page and "connection refused by b.example" in page  # the last failure
    assert "broadsheet sources add URL" in page
    assert "Broadsheet is polling its sources" not in page


def test_one_source_that_answers_means_the_site_is_polling_not_offline(client):
    feed("https://a.example/rss", "dns", "cannot resolve a.example")
    feed("https://b.example/rss", "http_4xx", "404 Not Found")  # reached: the publisher answered
    page = client.get("/").content.decode()
    assert "Broadsheet is polling its sources" in page and "can be reached" not in page


def test_a_source_not_tried_yet_means_the_site_is_polling(client):
    feed("https://a.example/rss", "dns", "cannot resolve a.example")
    Feed.objects.create(source=source(), url="https://daily.example/rss")
    assert "Broadsheet is polling its sources" in client.get("/").content.decode()


def test_a_site_without_sources_says_how_to_add_them(client):
    page = client.get("/").content.decode()
    assert "There are no sources yet" in page and "broadsheet sources add URL" in page


def test_without_an_admin_account_the_home_page_says_how_to_create_it(client, django_user_model):
    assert "broadsheet createsuperuser" in client.get("/").content.decode()
    assert "admin &rsaquo; feeds" not in client.get("/").content.decode()
    django_user_model.objects.create_superuser("root", "root@example.org", "a long enough password")
    page = client.get("/").content.decode()
    assert "broadsheet createsuperuser" not in page and "admin &rsaquo; feeds" in page


def run_output(monkeypatch) -> str:
    """What `broadsheet run` prints as it starts (in process, without web server, worker or
    scheduler), stopped at its first pause; the signal handlers it installs are put back."""
    from broadsheet.crawl.management.commands import run

    def interrupt(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(run.time, "sleep", interrupt)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    out = io.StringIO()
    try:
        with pytest.raises(KeyboardInterrupt):
            call_command("run", "--no-web", "--no-worker", "--no-scheduler", stdout=out)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    return out.getvalue()


def test_run_says_how_to_create_the_admin_account_only_when_there_is_none(monkeypatch, django_user_model):
    monkeypatch.setenv("BROADSHEET_LOAD_DEFAULT_SOURCES", "false")
    said = run_output(monkeypatch)
    assert "no admin account yet: create one with `broadsheet createsuperuser`" in said and "stopped" in said
    django_user_model.objects.create_superuser("root", "root@example.org", "a long enough password")
    said = run_output(monkeypatch)
    assert "createsuperuser" not in said and "stopped" in said
