"""`broadsheet cluster` and `broadsheet dedup`: JSON lines in, JSON lines out."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from django.core.management import call_command

from .conftest import BUDGET, QUAKE, reworded, vector


@pytest.fixture
def fake_model(monkeypatch):
    """Vectors by topic word instead of the sentence model (which takes seconds to load)."""
    def embed(texts, batch_size=32):
        return np.stack([vector("quake" if "Qeshm" in t or "quake" in t.lower() else "budget", t) for t in texts])

    monkeypatch.setattr("broadsheet.enrich.embeddings.embed", embed)


def run(command, lines, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    out, err = io.StringIO(), io.StringIO()
    call_command(command, stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def line(key, title, text, published="2026-03-02T09:00:00Z", source="wire"):
    return json.dumps({"id": key, "title": title, "text": text, "published": published, "source": source})


def test_cluster_writes_one_story_per_article(fake_model, monkeypatch):
    out, err = run("cluster", [
        line("a", "Quake on Qeshm", QUAKE),
        line("b", "Budget", BUDGET, "2026-03-02T10:00:00+00:00"),
        line("c", "Qeshm quake toll", reworded(QUAKE, 1), "2026-03-02T11:00:00"),
        line("d", "Qeshm quake, again", reworded(QUAKE, 2), "2026-03-20T11:00:00"),
    ], monkeypatch)
    story = {r["id"]: r["story"] for r in out}
    assert story["a"] == story["c"] != story["b"]
    assert story["d"] not in (story["a"], story["b"])  # 18 days later: a new story
    assert err == ""


def test_cluster_reports_bad_lines_and_goes_on(fake_model, monkeypatch):
    out, err = run("cluster", ["{not json", json.dumps({"title": "no id"}), line("x", "Qeshm", QUAKE, "yesterday"),
                               line("a", "Quake on Qeshm", QUAKE)], monkeypatch)
    assert [r.get("error", "").split(":")[0] for r in out[:3]] == ["line 1", "line 2", "line 3"]
    assert "ISO 8601" in out[2]["error"]
    assert out[3] == {"id": "a", "story": 1}
    assert "3 record(s)" in err


def test_dedup_points_copies_at_the_first_article(monkeypatch):
    out, _ = run("dedup", [
        line("a", "Quake", QUAKE),
        line("b", "Budget", BUDGET),
        line("c", "Quake", QUAKE.replace("said.", "reported.") + " (Wire)"),
        line("d", "Quake", QUAKE + " More to follow."),
        line("e", "short", "Too short to tell."),
    ], monkeypatch)
    assert [(r["id"], r["duplicate_of"]) for r in out] == [("a", None), ("b", None), ("c", "a"), ("d", "a"), ("e", None)]
