import io
import json

import pytest
from django.core.management import call_command

from .conftest import BUDGET, BUDGET_TITLE, PARADE, PARADE_TITLE


def _run(name: str, lines: list[str], monkeypatch) -> list[dict]:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    out, err = io.StringIO(), io.StringIO()
    call_command(name, stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.usefixtures("minilm_ready")
def test_classify_reads_and_writes_json_lines_and_reports_bad_lines(monkeypatch):
    rows = _run("classify", [json.dumps({"id": "a", "title": BUDGET_TITLE, "text": BUDGET}), "not json",
                             json.dumps({"id": "b"})], monkeypatch)
    assert rows[0]["id"] == "a" and rows[0]["section"] in {"Politics", "Business"}
    assert rows[1]["id"] is None and "line 2" in rows[1]["error"]
    assert rows[2]["id"] == "b" and "needs" in rows[2]["error"]


def test_tag_gives_hashtags_and_typed_entities(monkeypatch):
    [row] = _run("tag", [json.dumps({"id": 1, "title": PARADE_TITLE, "text": PARADE})], monkeypatch)
    assert "KimJongUn" in row["hashtags"]
    assert {"name": "Moscow", "type": "place"} in row["entities"]


def test_summarize_takes_one_text_or_a_story_of_texts(monkeypatch):
    story = {"id": "s", "texts": [PARADE, PARADE.replace("Analysts", "Diplomats"), BUDGET], "sources": ["A", "B", "C"]}
    one, many = _run("summarize", [json.dumps({"id": 1, "title": PARADE_TITLE, "text": PARADE}), json.dumps(story)],
                     monkeypatch)
    assert 3 <= len(one["key_points"]) <= 5 and one["summary"] == " ".join([one["gist"], *one["key_points"]])
    assert one["gist"] in PARADE and one["gist"] not in one["key_points"]
    assert many["summary"] and many["key_points"] and many["quote"]["speaker"] == "Min Gyu Kim"
