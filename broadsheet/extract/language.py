"""Language of the article text: lingua (a statistical detector, ~3 ms a page, models
inside the wheel), falling back to the page's <html lang> when the text is too short.

Low-accuracy mode (trigrams only): the high-accuracy models take ~26 s to load on the first
mixed-script text; low accuracy loads in ~1.3 s and, on whole paragraphs, gives the same
answers on the dev set (language match in docs/benchmarks.md)."""

from __future__ import annotations

from broadsheet.lib.once import once

# Characters read. The detector's time grows with the sample: on extraction-dev 1,500
# characters cost 8.6 ms a page and 600 cost 3 ms, with one page of 143 answered
# differently (a Portuguese standings page: "pt" at 600, "tl" at 1,500, misled by names).
SAMPLE = 600


@once
def _get():
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def detect(text: str, lang_attr: str = "") -> str:
    sample = text[:SAMPLE]
    if len(sample.split()) >= 3 or len(sample) >= 20:
        found = _get().detect_language_of(sample)
        if found is not None:
            return found.iso_code_639_1.name.lower()
    return lang_attr.split("-")[0].split("_")[0].lower()[:8]
