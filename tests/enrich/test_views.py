import pytest
from django.urls import reverse
from django.utils.html import escape

from broadsheet.enrich.models import ArticleEnrichment
from broadsheet.enrich.pipeline import enrich_article

from .conftest import BUDGET, BUDGET_TITLE, make_article, make_source, make_story

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
    assert escape(enrichment.key_points[0]["text"]) in html
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


def _listed_story(articles, headline):
    from broadsheet.stories.store import refresh

    story = make_story(articles, headline)
    refresh(story.pk)
    return story


def test_the_tag_page_lists_the_newest_stories_with_the_tag(client):
    from broadsheet.enrich.pipeline import save_tags

    older, newer = make_article(n=5), make_article("Kim Jong Un stays home", n=1)
    other = make_article(BUDGET_TITLE, BUDGET, n=2)
    for article in (older, newer, other):
        _listed_story([article], article.title)
        save_tags(article.pk, ["KimJongUn"] if article is not other else ["Budget"])
    page = client.get(reverse("enrich:tag", args=["KimJongUn"]))
    html = page.content.decode()
    assert page.status_code == 200 and "Latest news with" in html and "#KimJongUn" in html
    assert html.index(newer.title) < html.index(older.title)
    assert other.title not in html
    assert client.get(reverse("enrich:tag", args=["NoSuchTag"])).status_code == 404


def test_the_tag_page_lists_a_story_once_however_many_of_its_articles_carry_the_tag(client):
    from broadsheet.enrich.pipeline import save_tags

    first = make_article(n=3)
    other_daily = make_source("Other Daily", "https://other.example/")
    second = make_article("Kim Jong Un stays away from Moscow", publisher=other_daily, n=2)
    story = _listed_story([first, second], "Kim skips the parade")
    for article in (first, second):
        save_tags(article.pk, ["KimJongUn"])
    html = client.get(reverse("enrich:tag", args=["KimJongUn"])).content.decode()
    assert html.count('<article class="card') == 1  # one card for the story, not one per article
    assert story.get_absolute_url() in html and "2 articles" in html


def test_a_tagged_article_not_yet_in_a_story_is_still_on_the_tag_page(client):
    from broadsheet.enrich.pipeline import save_tags

    article = make_article(n=1)
    save_tags(article.pk, ["KimJongUn"])
    assert article.title in client.get(reverse("enrich:tag", args=["KimJongUn"])).content.decode()


def test_a_malformed_cursor_on_the_tag_page_is_a_clear_error(client):
    from broadsheet.enrich.pipeline import save_tags

    save_tags(make_article(n=1).pk, ["KimJongUn"])
    reply = client.get(reverse("enrich:tag", args=["KimJongUn"]), {"before": "nonsense"})
    assert reply.status_code == 400 and "malformed" in reply.content.decode()


def test_the_story_panel_summarises_three_articles_from_two_publishers(client):
    a, b = make_source("A", "https://a.example/"), make_source("B", "https://b.example/")
    articles = [make_article(publisher=a, n=1), make_article(publisher=b, n=2), make_article(publisher=b, n=3)]
    story, short = make_story(articles), make_story([make_article(publisher=a, n=4), make_article(publisher=b, n=5)])
    html = client.get(reverse("enrich:story-panel", args=[story.pk])).content.decode()
    assert "Summary" in html and "How the sources differ" in html and "Min Gyu Kim" in html
    assert "at least three articles" in client.get(reverse("enrich:story-panel", args=[short.pk])).content.decode()
    assert client.get(reverse("enrich:story-panel", args=[short.pk + 1])).status_code == 404
    untold = make_story([make_article(publisher=p, n=10 + i, body="") for i, p in enumerate([a, b, b])])
    assert "text of at least three articles" in client.get(reverse("enrich:story-panel", args=[untold.pk])).content.decode()
    leaning = "He said it would. They agreed with that. But it was not. And so it goes on."  # nothing stands alone
    vague = make_story([make_article(publisher=p, n=20 + i, body=leaning) for i, p in enumerate([a, b, b])])
    assert "none of its sentences" in client.get(reverse("enrich:story-panel", args=[vague.pk])).content.decode()
    answer = client.get(reverse("enrich:story-ask", args=[story.pk]), {"q": "How many countries attended?"})
    assert "27 countries" in answer.content.decode()


def test_new_questions_are_rate_limited_per_client(client, settings):
    settings.ENRICH_ASK_RATE = "2/m"
    article = make_article()
    url = reverse("enrich:article-ask", args=[article.pk])
    assert client.get(url, {"q": "Where did Kim go?"}).status_code == 200
    assert client.get(url, {"q": "Who invited Kim?"}).status_code == 200
    assert client.get(url, {"q": "Where did Kim go?"}).status_code == 200  # cached: free
    refused = client.get(url, {"q": "How many countries attended?"})
    assert refused.status_code == 429 and "wait a minute" in refused.content.decode()


def _story_of_three():
    a, b = make_source("A", "https://a.example/"), make_source("B", "https://b.example/")
    return make_story([make_article(publisher=a, n=1), make_article(publisher=b, n=2), make_article(publisher=b, n=3)])


def test_the_story_page_addresses_its_panel_by_story_id_only(client):
    story = _story_of_three()
    html = client.get(reverse("stories:story", args=[story.pk])).content.decode()
    assert f'data-enrich-src="{reverse("enrich:story-panel", args=[story.pk])}"' in html
    assert f'action="{reverse("enrich:story-ask", args=[story.pk])}"' in html
    assert "?a=" not in html and "data-enrich-extra" not in html


def test_twenty_panel_requests_with_different_parameters_store_at_most_one_row_per_story(client):
    from broadsheet.enrich.models import StorySummary

    first, second = _story_of_three(), make_story([make_article(n=7)])
    ids = [m.article_id for m in first.members.all()]
    for i in range(20):
        story = (first, second)[i % 2]
        extra = {"a": ids[: i % 3 + 1], "nonce": str(i)}  # whatever a client adds, the story id decides
        assert client.get(reverse("enrich:story-panel", args=[story.pk]), extra).status_code == 200
    for missing in range(second.pk + 1, second.pk + 6):
        assert client.get(reverse("enrich:story-panel", args=[missing])).status_code == 404
    assert sorted(StorySummary.objects.values_list("key", flat=True)) == [f"story:{first.pk}", f"story:{second.pk}"]


def test_panel_requests_past_the_rate_are_answered_429(client, settings):
    settings.ENRICH_PANEL_RATE = "3/m"
    story = _story_of_three()
    urls = [reverse("enrich:story-panel", args=[story.pk]), reverse("enrich:article-panel", args=[10**9]),
            reverse("enrich:story-panel", args=[story.pk])]
    assert [client.get(url).status_code for url in urls] == [200, 404, 200]
    refused = client.get(urls[0])
    assert refused.status_code == 429 and "try again" in refused.content.decode()


def test_the_llm_rewrite_of_a_story_is_queued_once_per_article_set(client, monkeypatch, enqueued):
    monkeypatch.setattr("broadsheet.enrich.llm.configured", lambda: True)
    story = _story_of_three()
    url = reverse("enrich:story-panel", args=[story.pk])
    for _ in range(5):
        client.get(url)
    assert len(enqueued("rewrite_story_later")) == 1
    newer = make_article(publisher=make_source("C", "https://c.example/"), n=0)
    make_story([newer]).members.update(story=story)
    client.get(url)
    client.get(url)
    assert [len(ids) for _, ids in enqueued("rewrite_story_later")] == [3, 4]


def test_of_two_requests_racing_over_a_new_article_set_only_one_queues_the_llm(monkeypatch, enqueued):
    from broadsheet.enrich import summaries
    from broadsheet.enrich.pipeline import story_articles_of, story_key, story_summary

    monkeypatch.setattr("broadsheet.enrich.llm.configured", lambda: True)
    story = _story_of_three()
    articles, key = story_articles_of(story.pk), story_key(story.pk)
    story_summary(key, articles[1:])  # the stored version: two articles
    real, raced = summaries.summarize_story, []

    def slow(found):  # a second request finishes while this one is still summarising
        if not raced:
            raced.append(True)
            story_summary(key, articles)
        return real(found)

    monkeypatch.setattr(summaries, "summarize_story", slow)
    story_summary(key, articles)
    assert raced and len(enqueued("rewrite_story_later")) == 1


def test_in_short_of_an_old_article_says_when_it_was_reported(client):
    from datetime import datetime, timezone

    old = make_article(n=7, published=datetime(2019, 3, 12, 9, 0, tzinfo=timezone.utc))
    enrich_article(old)
    html = client.get(old.get_absolute_url()).content.decode()
    assert "In short" in html and "as reported on" in html and "12 March 2019" in html
    fresh = make_article(n=8)
    enrich_article(fresh)
    assert "as reported on" not in client.get(fresh.get_absolute_url()).content.decode()


def test_the_ask_box_suggests_a_question_the_article_answers(client):
    article = make_article()
    enrich_article(article)
    question = ArticleEnrichment.objects.get(article=article).question
    assert question.startswith(("Who is ", "What happened in "))
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'placeholder="e.g. {escape(question)}"' in html and "Who was invited?" not in html
    reply = client.get(reverse("enrich:article-ask", args=[article.pk]), {"q": question}).content.decode()
    assert "find that in the coverage" not in reply
