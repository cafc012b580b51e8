from types import SimpleNamespace

from broadsheet.enrich.questions import NOT_FOUND, answer

from .conftest import BUDGET, PARADE


def _articles():
    return [SimpleNamespace(pk=1, body=PARADE, source=SimpleNamespace(name="Daily Example"), title=""),
            SimpleNamespace(pk=2, body=BUDGET, source=SimpleNamespace(name="Evening Example"), title="")]


def test_it_answers_from_the_coverage_and_cites_the_supporting_sentence(monkeypatch):
    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    result = answer("How many countries sent delegations to the parade?", _articles())
    assert result["found"]
    assert "27 countries" in result["answer"]
    assert result["citations"][0]["article"] == 1
    assert "27 countries" in result["citations"][0]["text"]
    assert result["citations"][0]["publisher"] == "Daily Example"


def test_it_says_so_when_the_coverage_has_no_answer(monkeypatch):
    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    result = answer("What did the football manager say about the transfer window?", _articles())
    assert result == {"found": False, "answer": NOT_FOUND, "citations": []}


def test_an_empty_question_is_not_answered():
    assert answer("   ", _articles())["found"] is False


def test_a_question_whose_rare_word_is_missing_is_not_answered_by_its_common_one(monkeypatch):
    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    assert answer("What is the population of Moscow?", _articles())["found"] is False
    assert answer("Why did Kim not go to Moscow's parade?", _articles())["found"] is True  # "Kim's", "go" handled
