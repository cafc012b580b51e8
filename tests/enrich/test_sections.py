import pytest

from broadsheet.enrich import sections

from .conftest import BUDGET, BUDGET_TITLE, PARADE, PARADE_TITLE

MATCH = ("The striker scored twice as United beat City 3-1 in the league on Saturday. The manager praised the "
         "goalkeeper after the match and said the title race was far from over.")


def test_publisher_hints_map_onto_our_taxonomy():
    assert sections.hint_section("Sport", "")[0] == "Sports"
    assert sections.hint_section("", "https://news.example/business/markets/shares-fall-123")[0] == "Business"
    assert sections.hint_section("World news", "")[0] == "News"
    assert sections.hint_section("", "https://news.example/story-about-sport")[0] is None  # the slug is not a section
    assert sections.hint_section("", "") == (None, 0.0)


@pytest.mark.parametrize("page_section, url, expected", [
    ("Économie", "", "Business"),
    ("Fußball", "", "Sports"),
    ("Wissenschaft", "", "Science"),
    ("Kultur", "", "Arts & Culture"),
    ("Saúde", "", "Health"),
    ("Ekonomi", "", "Business"),
    ("Tecnología", "", "Technology"),
    ("Viaggi", "", "Lifestyle"),
    ("Politiek", "", "Politics"),
    ("", "https://diario.example/deportes/2024-05-01/real-madrid-gana.html", "Sports"),
    ("", "https://zeitung.example/wirtschaft/unternehmen/foo-a-123.html", "Business"),
    ("", "https://journal.example/idees/article/2024/05/01/une-tribune.html", "Opinion & Analysis"),
    ("", "https://paper.example/2024/05/01/us/politics/vote-count.html", "Politics"),
    ("", "https://krant.example/binnenland/brand-in-haven", "News"),
])
def test_publisher_sections_in_other_languages_map_onto_our_taxonomy(page_section, url, expected):
    assert sections.hint_section(page_section, url)[0] == expected


def test_a_generic_publisher_section_counts_for_less_than_a_specific_one():
    assert sections.hint_section("Nachrichten")[1] < sections.hint_section("Sport")[1]


@pytest.mark.parametrize("title", ["Opinion | Why the city needs trams", "Analysis: What happens after Brexit?",
                                   "Meinung: Der Staat muss handeln", "Op-Ed — The case against tolls",
                                   "Opinión: El gobierno se equivoca", "Tribune : la France doit choisir"])
def test_an_opinion_kicker_in_any_language_marks_opinion(title):
    assert sections.is_opinion(title=title)


@pytest.mark.parametrize("title", ["Opinions differ on the tax plan", "Analysts say markets fell",
                                   "Columnist wins award for reporting", "Viewers flock to the final"])
def test_a_headline_that_merely_starts_with_an_opinion_word_is_not_opinion(title):
    assert not sections.is_opinion(title=title)


def test_an_opinion_writers_role_in_another_language_marks_opinion():
    assert sections.is_opinion(authors=[{"name": "A. Schreiber", "role": "Kolumnist"}])
    assert sections.is_opinion(authors=[{"name": "B. Autora", "role": "Colunista"}])


def test_opinion_analysis_and_columns_win_whatever_the_topic():
    assert sections.is_opinion(title="Analysis: What happens after Brexit?")
    assert sections.is_opinion(url="https://paper.example/commentisfree/2025/may/09/budget")
    assert sections.is_opinion(page_section="Editorials")
    assert sections.is_opinion(authors=[{"name": "A. Writer", "role": "Columnist"}])
    assert not sections.is_opinion(title="Budget cuts taxes", authors=[{"name": "B. Reporter", "role": "Reporter"}])


@pytest.mark.usefixtures("minilm_ready")
def test_the_classifier_sorts_topics_into_sections():
    assert sections.classify(BUDGET_TITLE, BUDGET) in {"Politics", "Business"}
    assert sections.classify("United beat City in the derby", MATCH) == "Sports"
    assert sections.classify(PARADE_TITLE, PARADE, authors=[{"name": "Kim", "role": "Former Senior official"}]) \
        == "Opinion & Analysis"


@pytest.mark.usefixtures("minilm_ready")
def test_a_specific_publisher_section_outweighs_a_doubtful_classifier():
    text = "The company said the new phone would cost less than last year's model and ship in June."
    assert sections.classify("New phone announced", text, page_section="Business") == "Business"


@pytest.mark.usefixtures("minilm_ready")
def test_the_taxonomy_is_configurable(settings):
    settings.BROADSHEET_SECTIONS = ["World", "Sport", "Money"]
    settings.ENRICH_SECTION_MAP = {"Sports": "Sport", "Business": "Money", "Politics": "World", "News": "World"}
    assert sections.classify("United beat City in the derby", MATCH) == "Sport"
    assert sections.classify("A thing happened", "Something happened somewhere today.") in {"World", "Sport", "Money"}


def test_the_shipped_head_covers_the_whole_default_taxonomy():
    classes, coef, intercept = sections.load_head()
    assert set(classes) == set(sections.taxonomy())
    assert coef.shape == (len(classes), 384 + 256) and intercept.shape == (len(classes),)


FIRE_ES = ("Al menos doce personas murieron en el incendio de una nave industrial en Almería, y otras veintitrés "
           "permanecen sin localizar, informaron los bomberos, que trabajaron toda la noche para controlar las llamas.")


@pytest.mark.usefixtures("minilm_ready")
def test_on_other_languages_the_feeds_section_leads():
    title = "Al menos 12 fallecidos en el incendio de Almería"
    assert sections.classify(title, FIRE_ES, feed_section="News", language="es") == "News"
    # in English the classifier still overrides a generic feed when it is sure
    assert sections.classify("United beat City in the derby", MATCH, feed_section="News", language="en") == "Sports"


@pytest.mark.usefixtures("minilm_ready")
def test_other_languages_fall_back_to_the_general_section_without_a_filing():
    assert sections.classify("Al menos 12 fallecidos en el incendio de Almería", FIRE_ES, language="es") == "News"


def test_the_shipped_ngram_head_loads_from_the_package_and_matches_the_classes():
    from broadsheet.enrich import ngrams

    classes, _, _ = sections.load_head()
    coef, intercept, idf, weight = sections.load_ngram_head()
    assert coef.shape == (len(classes), ngrams.DIM) and intercept.shape == (len(classes),)
    assert idf.shape == (ngrams.DIM,) and weight > 0


def test_ngram_buckets_are_stable_and_keep_the_marks_of_argument():
    from broadsheet.enrich import ngrams

    first, second = ngrams.counts("Should we stop? I think so."), ngrams.counts("Should we stop? I think so.")
    assert first == second
    assert len(ngrams.counts("Should we stop?")) > len(ngrams.counts("Should we stop"))
    assert ngrams.counts("") == {}


OP_ED = ("We should stop pretending that the city can keep building roads and expect traffic to ease. I have lived "
         "here for twenty years, and every new lane has filled within months. Why do we keep making the same mistake? "
         "The answer, I believe, is that our leaders are afraid to tell drivers the truth.")


@pytest.mark.usefixtures("minilm_ready")
def test_an_argued_piece_is_opinion_from_its_text_alone():
    assert sections.classify("It is time to admit that more roads will not fix traffic", OP_ED) == "Opinion & Analysis"


RECIPE = ("This weeknight pasta comes together in twenty minutes. Toast the garlic in olive oil, add the tomatoes and "
          "a pinch of chili, then toss with the noodles and a handful of basil. Serve with grated cheese and a green "
          "salad.")


@pytest.mark.usefixtures("minilm_ready")
def test_a_recipe_is_lifestyle():
    assert sections.classify("A 20-minute tomato pasta for busy nights", RECIPE) == "Lifestyle"
