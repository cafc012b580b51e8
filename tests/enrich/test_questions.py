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


MERGER = """Brightwave and Norrland Telecom agreed on Monday to merge their networks in the north.

"We will ship the new phone in March," said Tom Reyes, the CEO of Norrland Telecom.

Brightwave's chief executive, Ana Lindqvist, said the merger would bring faster service to rural towns.

Brightwave sold phones in every country of northern Europe last year, the company said.

Analysts compared the deal with Google's purchase of a phone maker a decade ago.

The merger will close after regulators approve it."""

RAID = """The militia had held the border town for two years before the raid.

American commandos completed the capture of militia commander Omar Haddad in a night raid, the Pentagon said.

Residents said the fighting lasted several hours and that the town was quiet by morning."""


def _one(body, pk=1, name="Daily Example"):
    return [SimpleNamespace(pk=pk, body=body, source=SimpleNamespace(name=name), title="")]


def test_a_who_question_is_answered_by_the_sentence_naming_that_companys_chief(monkeypatch):
    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    result = answer("Who is the CEO of Brightwave?", _one(MERGER))
    assert result["found"] and result["answer"].startswith("Brightwave's chief executive, Ana Lindqvist")
    assert "Ana Lindqvist" in result["citations"][0]["text"]


def test_a_who_question_about_a_company_whose_chief_is_never_named_is_refused(monkeypatch):
    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    # Google is in the coverage, its chief executive is not: no other company's chief will do.
    assert answer("Who is the CEO of Google?", _one(MERGER)) == {"found": False, "answer": NOT_FOUND, "citations": []}
    assert answer("Who is the CEO of Alphabet?", _one(MERGER))["found"] is False


def test_a_sentence_that_does_not_state_the_asked_kind_of_thing_is_refused(monkeypatch):
    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    assert answer("How many phones did Brightwave sell?", _one(MERGER))["found"] is False  # no number is given
    assert answer("When will the merger close?", _one(MERGER))["found"] is False  # no time is given


def test_who_was_captured_by_the_us_is_found_through_its_other_names(monkeypatch):
    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    result = answer("Who was captured by the US?", _one(RAID))
    assert result["found"] and "Omar Haddad" in result["answer"]


def test_a_suggested_question_comes_from_the_article_and_is_answered_by_it(monkeypatch):
    from broadsheet.enrich.questions import suggest
    from broadsheet.enrich.tags import entities

    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    question = suggest(MERGER, entities(MERGER))
    assert question in {"Who is Ana Lindqvist?", "Who is Tom Reyes?"}
    assert answer(question, _one(MERGER))["found"]
    assert suggest("Ein Bahnstreik hat den Norden lahmgelegt.", [], language="de") == ""
