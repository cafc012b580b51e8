import pytest
from django.urls import reverse

from broadsheet.enrich.models import ArticleEnrichment
from broadsheet.enrich.pipeline import enrich_article

from .conftest import BUDGET, BUDGET_TITLE, make_article, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_llm(monkeypatch):
    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)


def test_the_article_page_shows_a_placeholder_and_queues_the_work_when_not_ready(client, monkeypatch):
    queued = []
    monkeypatch.setattr("broadsheet.enrich.tasks.queue_enrichment", lambda pk: queued.append(pk))
    article = make_article()
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ask about this story" in html and "being prepared" in html
    assert f'data-enrich-src="{reverse("enrich:article-panel", args=[article.pk])}"' in html
    panel = client.get(reverse("enrich:article-panel", args=[article.pk]))
    assert panel.status_code == 202 and queued == [article.pk]
    client.get(reverse("enrich:article-panel", args=[article.pk]))
    assert queued == [article.pk]  # queued once, not on every poll


@pytest.mark.usefixtures("minilm_ready")
def test_an_enriched_article_shows_hashtags_gist_and_key_points_in_place(client):
    article = make_article()
    enrich_article(article)
    html = client.get(article.get_absolute_url()).content.decode()
    enrichment = ArticleEnrichment.objects.get(article=article)
    assert "#KimJongUn" in html and reverse("enrich:tag", args=["kimjongun"]) in html
    assert enrichment.key_points[0]["text"] in html
    assert "#:~:text=" in html  # each point links to its sentence
    panel = client.get(reverse("enrich:article-panel", args=[article.pk]))
    assert panel.status_code == 200 and "Key points" in panel.content.decode()


def test_asking_returns_a_cited_answer_and_caches_it(client, monkeypatch):
    article = make_article()
    url = reverse("enrich:article-ask", args=[article.pk])
    first = client.get(url, {"q": "Where did Kim go instead?"})
    assert first.status_code == 200
    assert "embassy in Pyongyang" in first.content.decode() and 'class="citation"' in first.content.decode()
    monkeypatch.setattr("broadsheet.enrich.questions.answer", lambda *a: pytest.fail("not cached"))
    assert client.get(url, {"q": "where did kim  go instead?"}).content == first.content


def test_a_question_without_support_gets_the_honest_reply(client):
    article = make_article()
    reply = client.get(reverse("enrich:article-ask", args=[article.pk]), {"q": "Who won the cricket match?"})
    assert "find that in the coverage" in reply.content.decode()


def test_an_empty_question_is_a_clear_error(client):
    article = make_article()
    reply = client.get(reverse("enrich:article-ask", args=[article.pk]), {"q": "  "})
    assert reply.status_code == 400 and "Type a question" in reply.content.decode()


@pytest.mark.usefixtures("minilm_ready")
def test_the_tag_page_lists_the_newest_articles_with_the_tag(client):
    older, newer = make_article(n=5), make_article("Kim Jong Un stays home", n=1)
    other = make_article(BUDGET_TITLE, BUDGET, n=2)
    for article in (older, newer, other):
        enrich_article(article)
    page = client.get(reverse("enrich:tag", args=["KimJongUn"]))
    html = page.content.decode()
    assert page.status_code == 200 and "Latest news with" in html and "#KimJongUn" in html
    assert html.index(newer.title) < html.index(older.title)
    assert other.title not in html
    assert client.get(reverse("enrich:tag", args=["NoSuchTag"])).status_code == 404


def test_the_story_panel_summarises_three_articles_from_two_publishers(client):
    a, b = make_source("A", "https://a.example/"), make_source("B", "https://b.example/")
    ids = [make_article(publisher=a, n=1).pk, make_article(publisher=b, n=2).pk, make_article(publisher=b, n=3).pk]
    html = client.get(reverse("enrich:story-panel"), {"a": ids}).content.decode()
    assert "Summary" in html and "How the sources differ" in html and "Min Gyu Kim" in html
    short = client.get(reverse("enrich:story-panel"), {"a": ids[:2]}).content.decode()
    assert "at least three articles" in short
    assert client.get(reverse("enrich:story-panel"), {"a": ["x"]}).status_code == 404
    answer = client.get(reverse("enrich:story-ask"), {"a": ids, "q": "How many countries attended?"}).content.decode()
    assert "27 countries" in answer


def test_new_questions_are_rate_limited_per_client(client, settings):
    settings.ENRICH_ASK_RATE = "2/m"
    article = make_article()
    url = reverse("enrich:article-ask", args=[article.pk])
    assert client.get(url, {"q": "Where did Kim go?"}).status_code == 200
    assert client.get(url, {"q": "Who invited Kim?"}).status_code == 200
    assert client.get(url, {"q": "Where did Kim go?"}).status_code == 200  # cached: free
    refused = client.get(url, {"q": "How many countries attended?"})
    assert refused.status_code == 429 and "wait a minute" in refused.content.decode()
