from types import SimpleNamespace

from broadsheet.enrich.summaries import STORY_MIN_ARTICLES, summarize, summarize_story
from broadsheet.enrich.text import split_sentences

from .conftest import BUDGET, PARADE, PARADE_TITLE


def _story(texts_by_publisher: list[tuple[str, str]]):
    return [SimpleNamespace(pk=i + 1, id=i + 1, title="", body=body, source=SimpleNamespace(name=name))
            for i, (name, body) in enumerate(texts_by_publisher)]


def test_it_gives_a_gist_and_three_to_five_key_points_linked_to_their_sentences():
    result = summarize(PARADE_TITLE, PARADE, article_id=7)
    sentences = {s.index: s.text for s in split_sentences(PARADE)}
    assert 3 <= len(result["key_points"]) <= 5
    for item in [result["gist"], *result["key_points"]]:
        [source] = item["sources"]
        assert source["article"] == 7
        assert sentences[source["sentence"]] == item["text"]
    indexes = [p["sources"][0]["sentence"] for p in result["key_points"]]
    assert indexes == sorted(indexes)  # in reading order
    assert result["gist"]["sources"][0]["sentence"] < 3


def test_an_empty_article_has_no_summary():
    assert summarize("Title only", "") == {"gist": None, "key_points": []}


def test_a_story_needs_three_articles_from_two_publishers():
    assert summarize_story(_story([("A", PARADE), ("B", PARADE)])) is None
    assert summarize_story(_story([("A", PARADE), ("A", PARADE), ("A", PARADE)])) is None
    assert STORY_MIN_ARTICLES == 3


def test_a_story_summary_cites_its_sources_and_finds_a_quote_with_its_speaker():
    second = PARADE.replace("Analysts said", "Diplomats in Seoul said")
    third = ("North Korea's leader stayed in Pyongyang on Victory Day. He sent a message to President Vladimir Putin "
             "instead of travelling to Moscow.\n\nThe Kremlin said relations remained strong and the two countries "
             "would keep trading. Officials declined to say when Kim Jong-un would visit Russia again.")
    articles = _story([("Daily Example", PARADE), ("Evening Example", second), ("Morning Example", third)])
    result = summarize_story(articles)
    bodies = {a.pk: {s.index: s.text for s in split_sentences(a.body)} for a in articles}
    assert result["summary"] and result["talking_points"]
    for item in result["summary"] + result["talking_points"] + result["differences"]:
        for source in item["sources"]:
            assert bodies[source["article"]][source["sentence"]] == item["text"]
    assert {d["publisher"] for d in result["differences"]} == {"Daily Example", "Evening Example", "Morning Example"}
    assert result["quote"]["speaker"] == "Min Gyu Kim"
    assert "public snub" in result["quote"]["text"]


def test_a_story_summary_ignores_articles_without_text():
    articles = _story([("A", PARADE), ("B", BUDGET), ("C", "")])
    assert summarize_story(articles) is None
