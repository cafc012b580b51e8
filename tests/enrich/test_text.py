from broadsheet.enrich.text import content_words, split_sentences


def test_it_splits_sentences_but_not_at_abbreviations_or_decimals():
    sentences = split_sentences('Mr. Smith met U.S. officials at 3.5 p.m. on Monday. He said "No." Then he left!\n\nA new paragraph.')
    assert [s.text for s in sentences] == [
        "Mr. Smith met U.S. officials at 3.5 p.m. on Monday.", 'He said "No."', "Then he left!", "A new paragraph."]
    assert [s.paragraph for s in sentences] == [0, 0, 0, 1]
    assert [s.index for s in sentences] == [0, 1, 2, 3]


def test_it_keeps_only_content_words():
    assert content_words("The talks in Istanbul were about a ceasefire") == ["talks", "istanbul", "ceasefire"]


def test_a_question_inside_a_quotation_does_not_end_the_sentence():
    text = '“Is this the end? It cannot be,” the minister said. Officials left. A note read "Closed. Gone."'
    assert [s.text for s in split_sentences(text)] == [
        "“Is this the end? It cannot be,” the minister said.", "Officials left.", 'A note read "Closed. Gone."']
