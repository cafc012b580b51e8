"""The bad values an outside probe sent (issue 14, point 7), at every parameter of every public view.

None may end in a 5xx, on SQLite or on PostgreSQL (run this file once with DATABASE_URL
set: NUL characters and integers past 2^63 fail differently there). The API answers each
with a 400 that names the parameter.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from tests.site_urls import INT, PAGES, example
from tests.web.factories import article, source

pytestmark = pytest.mark.django_db

BAD_DATES = [
    "2026-02-30T00:00:00+00:00", "2026-01-01T25:00:00+00:00", "2026-01-01T00:00:60+00:00",
    "2026-13-01T00:00:00+00:00", "2026-01-01T00:00:00+99:00", "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00", "2026-01-01T00:00:00\x00+00:00",
]
ODD_DIGITS = ["²", "١٢", "Ⅻ", "1_0", " 1", "+1", "-1", "1.0"]
TOO_BIG = [str(2**63), str(2**64), "9" * 30, "9" * 10_240]
BAD_CURSORS = ["300000000000000000_1", "-300000000000000000_1", f"1_{2**63}", "²_1", "1_²", "1_", "_1", "1__1"]
ODD_TEXT = ["\x00", "a\x00b", "x" * 10_240, "😀", "../..", "%", "' OR 1=1 --", "", " "]
EVERY = BAD_DATES + ODD_DIGITS + TOO_BIG + BAD_CURSORS + ODD_TEXT


@pytest.fixture
def site():
    """One of everything, so that ids 1.. exist and the views do their full work."""
    from broadsheet.stories.models import Member, Story

    item = article()
    story = Story.objects.create(headline=item.title, article_count=1, source_count=1)
    Member.objects.create(article=item, story=story, published=item.published, source_id=item.source_id)
    return item


def _query_targets():
    for name, (_, _, query, methods) in PAGES.items():
        if "GET" in methods:
            for param in query:
                yield name, param


def _path_targets():
    for name, (_, params, _, methods) in PAGES.items():
        if "GET" in methods:
            for param in params:
                yield name, param


@pytest.mark.parametrize("name, param", list(_query_targets()))
def test_no_bad_query_value_ends_in_a_server_error(site, client, name, param):
    url = example(name, pk=site.pk)
    for value in EVERY:
        response = client.get(url, {param: value})
        assert response.status_code < 500, (url, param, value)
        if name.startswith("api:") and response.status_code == 400:
            assert response.json()["error"].startswith(f"{param}:"), (param, value)


@pytest.mark.parametrize("name, param", list(_path_targets()))
def test_no_bad_path_value_ends_in_a_server_error(site, client, name, param):
    values = EVERY + ([str(site.pk)] if PAGES[name][1][param] == INT else [])
    for value in values:
        url = example(name, **{param: quote(value, safe="")})
        assert client.get(url).status_code < 500, (url, value)


@pytest.mark.parametrize("param, values", [
    ("since", BAD_DATES), ("until", BAD_DATES), ("limit", ODD_DIGITS + TOO_BIG + ["0", "101"]),
    ("source", ODD_DIGITS + TOO_BIG + ["0"]), ("cursor", BAD_CURSORS + ["\x00", "x" * 10_240]),
    ("section", ["\x00", "x" * 10_240, "news\x00"]),
])
def test_the_api_refuses_each_bad_value_with_a_400_naming_the_parameter(client, param, values):
    for value in values:
        response = client.get("/api/articles", {param: value})
        assert response.status_code == 400, (param, value)
        assert response.json()["error"].startswith(f"{param}: "), response.json()


def test_good_values_of_the_same_parameters_are_accepted(site, client):
    other = source("Other", "https://other.example/")
    theirs = article("Theirs", publisher=other, hours_ago=30)
    query = {"since": "2000-02-29T00:00:00+14:00", "until": "2100-01-01T00:00:00-12:00", "limit": "100",
             "source": str(other.pk), "section": "news"}
    data = client.get("/api/articles", query).json()
    assert [a["id"] for a in data["articles"]] == [theirs.pk]
    first = client.get("/api/articles", {"limit": "1"}).json()
    assert client.get("/api/articles", {"limit": "1", "cursor": first["next_cursor"]}).json()["articles"][0]["id"] == theirs.pk


def test_an_impossible_user_name_is_a_400_and_a_possible_one_a_profile_or_404(client, django_user_model):
    django_user_model.objects.create_user("frank.o+1@x", "frank@example.org", "a long enough password")
    assert client.get("/community/u/frank.o+1@x/").status_code == 200
    assert client.get("/community/u/nobody/").status_code == 404
    refused = client.get("/community/u/a%00b/")
    assert refused.status_code == 400 and "not a user name" in refused.content.decode()


def test_a_server_error_is_logged_with_its_traceback_when_debug_is_off(site, settings, monkeypatch):
    import io
    import logging

    assert not settings.DEBUG
    stream = io.StringIO()
    handler = next(h for h in logging.getLogger("django.request").handlers if isinstance(h, logging.StreamHandler))
    monkeypatch.setattr(handler, "stream", stream)

    def broken(*args):
        raise RuntimeError("the top stories are on fire")

    monkeypatch.setattr("broadsheet.web.views.top_stories", broken)
    assert Client(raise_request_exception=False).get("/").status_code == 500
    assert "Traceback" in stream.getvalue() and "the top stories are on fire" in stream.getvalue()


def test_no_bad_form_value_from_a_signed_in_reader_ends_in_a_server_error(site, client, django_user_model, settings):
    from broadsheet.community import services

    settings.COMMUNITY_RATE_USER = settings.COMMUNITY_RATE_IP = "10000/m"  # reach the forms, not the limit
    user = django_user_model.objects.create_user("alice", "alice@example.org", "a long enough password")
    client.force_login(user)
    comment = services.post_comment(user, site, "A first comment on the parade.")
    forms = {f"/community/article/{site.pk}/comment/": ["body", "parent"],
             f"/community/comment/{comment.pk}/edit/": ["body"],
             f"/community/comment/{comment.pk}/report/": ["reason", "note"],
             "/community/account/": ["display_name", "bio"]}
    seen = set()
    for url, fields in forms.items():
        for field in fields:
            for value in EVERY:
                response = client.post(url, {"body": "Fine words.", "reason": "spam", field: value})
                assert response.status_code < 500, (url, field, value)
                seen.add(response.status_code)
    assert seen >= {302, 400}  # both accepted and refused values reached the views
