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


def test_wordllama_kept_in_float16_gives_its_float32_vectors_bit_for_bit():
    from pathlib import Path

    import numpy as np
    import wordllama
    from wordllama import WordLlama

    from broadsheet.enrich.text import _wordllama, light_embed

    texts = ["The central bank raised rates by half a point on Tuesday.", "Ein Erdbeben erschütterte die Stadt.",
             "word " * 500, "Apple launches a new laptop with an M5 chip.", "?"]
    widened = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    assert widened.embedding.dtype == np.float32
    assert _wordllama().embedding.dtype == np.float16
    assert np.array_equal(light_embed(texts), widened.embed(texts, norm=True))
