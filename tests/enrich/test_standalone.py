"""AI text that stands on its own: "In short", key points and story lists (issue 11, item 5)."""

from types import SimpleNamespace

from broadsheet.enrich.standalone import stands_alone
from broadsheet.enrich.summaries import summarize, summarize_story
from broadsheet.enrich.text import split_sentences

# Our own texts. The lead's most central sentences open with a conjunction or a pronoun,
# or are an editor's note: the previous rule picked them as "In short".
HARBOUR_TITLE = "Harbour town votes to rebuild its flooded sea wall"
HARBOUR = """And we are one of those towns, the mayor of Port Elling said of the flooded harbour towns on the coast.

He said the town council voted on Tuesday to rebuild the flooded sea wall of the harbour before the winter storms.

The council of Port Elling voted on Tuesday to rebuild the harbour sea wall that the storms flooded last month.

The new sea wall will cost 4 million pounds and will be two metres higher than the old wall of the harbour.

Engineers said the harbour wall of Port Elling failed because the storms of last month were the worst in fifty years.

Work on the harbour sea wall starts in March and should end before the storms of next winter, the council said."""

NOTE_TITLE = "Rail strike halts trains across the north"
NOTE = """Editor's note: This story on the rail strike that halted trains across the north was updated on Nov. 12 with the union's statement on the strike by drivers.

A rail strike halted trains across the north on Monday as drivers walked out over pay and hours.

The union said drivers would strike again next week unless the rail operator improved its pay offer.

The rail operator said it had offered drivers a pay rise of five percent and called the strike unnecessary.

Commuters in the north crowded onto buses as the strike halted trains on every line."""


def _story(items):
    return [SimpleNamespace(pk=i + 1, id=i + 1, title="", body=body, language=lang, source=SimpleNamespace(name=name))
            for i, (name, lang, body) in enumerate(items)]


def test_in_short_is_never_a_sentence_that_opens_with_a_pronoun_or_conjunction():
    result = summarize(HARBOUR_TITLE, HARBOUR)
    assert not result["gist"]["text"].startswith(("And ", "He "))
    assert result["gist"]["text"].startswith("The council of Port Elling voted")
    assert all(not p["text"].startswith(("And ", "He ")) for p in result["key_points"])


def test_an_editors_note_is_never_in_short():
    result = summarize(NOTE_TITLE, NOTE)
    assert not result["gist"]["text"].startswith("Editor's note")
    assert all("Editor's note" not in p["text"] for p in result["key_points"])


def test_key_points_do_not_repeat_in_short():
    for title, body in ((HARBOUR_TITLE, HARBOUR), (NOTE_TITLE, NOTE)):
        result = summarize(title, body)
        assert result["gist"]["text"] not in [p["text"] for p in result["key_points"]]
        assert result["key_points"]


def test_nov_and_pm_do_not_end_a_sentence():
    text = "Editor's note: updated (Nov. 12, 2024) with a statement. Trains stopped at 5 p.m. Thursday across the north."
    assert [s.text for s in split_sentences(text)] == [
        "Editor's note: updated (Nov. 12, 2024) with a statement.", "Trains stopped at 5 p.m. Thursday across the north."]


def test_questions_fragments_and_notes_do_not_stand_alone():
    assert not stands_alone("What do you make of the strike, and will it spread to the south?")
    assert not stands_alone("Editor's note: This story was updated with the union's statement.")
    assert not stands_alone("and then the drivers walked out of the depot at noon.")
    assert not stands_alone("But the union said the drivers would strike again next week.")
    assert stands_alone("US drivers said they would strike again next week over pay.")  # an acronym is no pronoun
    assert stands_alone("The union said drivers would strike again next week over pay.")


def test_a_story_lists_no_interviewer_question_and_keeps_to_the_readers_language():
    interview = ("What do you make of the rail strike, and will it spread to the south of the country?\n\n"
                 "The union leader said the rail strike would spread unless the operator improved its pay offer.\n\n"
                 "Why did the drivers reject the offer of a five percent pay rise from the rail operator?\n\n"
                 "The drivers rejected the pay offer because it did not cover the longer hours on every line.")
    german = ("Ein Bahnstreik hat am Montag den Zugverkehr im ganzen Norden des Landes lahmgelegt.\n\n"
              "Die Gewerkschaft kündigte an, die Lokführer würden nächste Woche erneut streiken.")
    articles = _story([("Daily Example", "en", NOTE), ("Radio Example", "en", interview), ("Zeitung Beispiel", "de", german),
                       ("Evening Example", "en", NOTE.replace("Commuters in the north", "Travellers in the north"))])
    result = summarize_story(articles, language="en")
    shown = result["summary"] + result["talking_points"] + result["differences"]
    assert shown and all(not s["text"].endswith("?") for s in shown)
    assert all(s["publisher"] != "Zeitung Beispiel" for s in shown)
    assert all(not s["text"].startswith("Editor's note") for s in shown)
    texts = [s["text"] for s in shown]
    assert len(texts) == len(set(texts))  # one sentence per point, none listed twice
    for item in shown:
        [source] = item["sources"]
        article = next(a for a in articles if a.pk == source["article"])
        assert split_sentences(article.body)[source["sentence"]].text == item["text"]
