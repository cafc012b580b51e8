"""`broadsheet extract`: JSON lines in and out, files, URLs, and errors that do not stop the run."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command

from tests.extract.pages import STORY, page

FIELDS = {"id", "title", "authors", "published", "modified", "section", "language", "image", "body", "paragraphs",
          "blocks"}


def run(*args, stdin: str = "", monkeypatch=None) -> tuple[list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    if monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    call_command("extract", *args, stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_it_turns_json_lines_of_pages_into_articles(monkeypatch):
    lines = json.dumps({"id": "a1", "url": "https://news.example.org/bridge", "html": page()}) + "\n"
    rows, err = run(stdin=lines, monkeypatch=monkeypatch)
    assert set(rows[0]) == FIELDS
    assert rows[0]["id"] == "a1" and rows[0]["paragraphs"] == STORY
    assert rows[0]["body"] == "\n\n".join(STORY)
    assert "1 pages, 0 errors" in err


def test_a_bad_line_gives_an_error_and_the_run_goes_on(monkeypatch):
    lines = "\n".join([
        "{not json",
        json.dumps({"id": 2, "url": "https://news.example.org/x", "html": ""}),
        json.dumps({"id": 3, "url": "https://news.example.org/x", "html": "\x00\x01binary"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": 5, "url": "https://news.example.org/bridge", "html": page()}),
    ])
    rows, err = run(stdin=lines, monkeypatch=monkeypatch)
    assert [r["id"] for r in rows] == [None, 2, 3, None, 5]
    assert all("error" in r for r in rows[:4]) and "error" not in rows[4]
    assert "invalid JSON" in rows[0]["error"]
    assert "5 pages, 4 errors" in err


def test_it_reads_a_saved_html_file(tmp_path):
    path = tmp_path / "bridge.html"
    path.write_text(page(), encoding="utf-8")
    rows, _ = run(str(path), "--url", "https://news.example.org/bridge")
    assert rows[0]["id"] == str(path) and rows[0]["title"] == "Council votes to rebuild the river bridge"


def test_it_reads_a_json_lines_file(tmp_path):
    path = tmp_path / "pages.jsonl"
    path.write_text(json.dumps({"id": 7, "url": "https://news.example.org/bridge", "html": page()}) + "\n")
    rows, _ = run(str(path))
    assert rows[0]["id"] == 7 and rows[0]["body"]


def test_it_fetches_a_url(httpserver):
    httpserver.expect_request("/bridge").respond_with_data(page(), content_type="text/html; charset=utf-8")
    rows, _ = run(httpserver.url_for("/bridge"))
    assert rows[0]["paragraphs"] == STORY


def test_a_url_that_fails_gives_an_error_line(httpserver):
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    rows, err = run(httpserver.url_for("/gone"))
    assert "error" in rows[0] and "404" in rows[0]["error"]


def test_a_missing_file_is_a_clear_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no such file"):
        run("/nonexistent/page.html")


def test_all_fields_adds_canonical_url_and_paywall(monkeypatch):
    lines = json.dumps({"id": 1, "url": "https://news.example.org/bridge", "html": page()}) + "\n"
    rows, _ = run("--all-fields", stdin=lines, monkeypatch=monkeypatch)
    assert {"canonical_url", "paywalled", "teaser", "sitename"} <= set(rows[0])
