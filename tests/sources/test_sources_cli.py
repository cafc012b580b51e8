from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from broadsheet.sources.models import Feed, Source
from broadsheet.sources.opml import OPMLError, read_opml
from tests.crawl.pages import rss

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("sources", *args, stdout=out)
    return out.getvalue()


def test_it_adds_a_feed_from_its_url(server):
    server.expect_request("/feed.xml").respond_with_data(rss([], title="Gazette", link="https://gazette.example/"),
                                                         content_type="application/rss+xml")
    out = run("add", server.url_for("/feed.xml"), "--section", "Sports", "--country", "gb")
    feed = Feed.objects.get()
    assert "added" in out
    assert feed.section == "Sports" and feed.title == "Gazette"
    assert feed.source.homepage == "https://gazette.example/" and feed.source.country == "GB"


def test_it_discovers_the_feed_of_a_site(server):
    server.expect_request("/").respond_with_data(
        '<html><head><link rel="alternate" type="application/rss+xml" href="/rss"></head><body>Hi</body></html>',
        content_type="text/html")
    server.expect_request("/rss").respond_with_data(rss([]), content_type="application/rss+xml")
    run("add", server.url_for("/"))
    assert Feed.objects.get().url == server.url_for("/rss")


def test_a_site_without_a_feed_is_a_clear_error(server):
    server.expect_request("/").respond_with_data("<html><body>No feed here</body></html>", content_type="text/html")
    with pytest.raises(CommandError, match="advertises none"):
        run("add", server.url_for("/"))
    assert not Feed.objects.exists()


def test_a_private_address_is_refused_for_a_user_supplied_url(server, settings):
    settings.FETCH = {**settings.FETCH, "allow_private": False}
    with pytest.raises(CommandError, match="private_address"):
        run("add", server.url_for("/feed.xml"))


def test_opml_round_trips(tmp_path):
    opml = tmp_path / "subs.opml"
    opml.write_text("""<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>
      <outline text="Sports"><outline type="rss" text="Team news" xmlUrl="https://a.example/feed" htmlUrl="https://a.example/"/></outline>
      <outline type="rss" text="World" xmlUrl="https://b.example/rss"/>
    </body></opml>""")
    assert "2 added" in run("import", str(opml))
    assert "0 added" in run("import", str(opml))  # importing twice changes nothing
    exported = run("export")
    again = {f.url: f.section for f in read_opml(exported.encode())}
    assert again == {"https://a.example/feed": "Sports", "https://b.example/rss": ""}
    assert Source.objects.count() == 2


def test_a_broken_opml_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.opml"
    bad.write_text("<opml><body><outline")
    with pytest.raises(CommandError, match="not a readable OPML"):
        run("import", str(bad))
    with pytest.raises(OPMLError):
        read_opml(b"<rss></rss>")


def test_list_shows_health_and_next_poll():
    from broadsheet.sources.services import add_feed

    ok = add_feed("https://ok.example/feed")
    bad = add_feed("https://bad.example/feed")
    Feed.objects.filter(pk=bad.pk).update(consecutive_failures=3, last_error="http_5xx: answered HTTP 503")
    out = run("list")
    assert "failing x3" in out and "http_5xx" in out
    assert ok.url in out and "never" in out and "due" in out


def test_the_default_list_holds_a_dozen_publishers_across_countries():
    run("defaults")
    assert Source.objects.count() >= 12
    assert len(set(Source.objects.values_list("country", flat=True))) >= 8
    assert len(set(Feed.objects.values_list("section", flat=True))) >= 6
