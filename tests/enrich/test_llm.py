"""The LLM path against fake OpenAI-compatible servers on loopback: honest, lying, slow, failing."""

from __future__ import annotations

import json
import time

import pytest
from werkzeug import Response

from broadsheet.enrich import llm, questions
from broadsheet.enrich.text import split_sentences

from .conftest import PARADE

SOURCES = [s.text for s in split_sentences(PARADE)]


def _reply(content: str):
    return {"id": "x", "object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}


@pytest.fixture
def fake_llm(httpserver, monkeypatch, settings):
    monkeypatch.setenv("BROADSHEET_LLM_URL", httpserver.url_for("/v1"))
    monkeypatch.setenv("BROADSHEET_LLM_MODEL", "fake-model")
    monkeypatch.setenv("BROADSHEET_LLM_KEY", "sekret")
    settings.ENRICH_LLM_TIMEOUT = 1.0
    return httpserver


def test_an_honest_model_is_accepted_with_its_citations(fake_llm):
    fake_llm.expect_request("/v1/chat/completions", method="POST", headers={"Authorization": "Bearer sekret"}) \
        .respond_with_json(_reply("Putin had invited Kim Jong Un to Moscow. [2]\n"
                                  "Kim visited the Russian embassy in Pyongyang instead. [3]"))
    written = llm.generate("Summarise.", SOURCES)
    assert [g.text for g in written] == ["Putin had invited Kim Jong Un to Moscow.",
                                         "Kim visited the Russian embassy in Pyongyang instead."]
    assert [g.sources for g in written] == [[1], [2]]
    sent = json.loads(fake_llm.log[0][0].data)
    assert sent["model"] == "fake-model" and "[1] On May 9" in sent["messages"][1]["content"]


def test_a_lying_model_has_its_unsupported_sentences_rejected(fake_llm):
    fake_llm.expect_request("/v1/chat/completions").respond_with_json(_reply(
        "Kim visited the Russian embassy in Pyongyang. [3]\n"
        "Kim Jong-un secretly flew to Beijing to meet Xi Jinping. [3]\n"      # not in the sources
        "Delegations from 40 countries attended the parade. [5]\n"            # wrong number
        "The parade was cancelled because of rain."))                          # no citation at all
    written = llm.generate("Summarise.", SOURCES)
    assert [g.text for g in written] == ["Kim visited the Russian embassy in Pyongyang."]


def test_a_failing_model_returns_nothing_and_the_answer_falls_back_to_retrieval(fake_llm):
    fake_llm.expect_request("/v1/chat/completions").respond_with_data("overloaded", status=503)
    assert llm.generate("Summarise.", SOURCES) is None
    article = type("A", (), {"pk": 1, "body": PARADE, "title": "", "source": None})()
    result = questions.answer("Where did Kim go instead of the parade?", [article])
    assert result["found"] and result["generator"] == "extractive"
    assert "embassy in Pyongyang" in result["answer"]


def test_a_slow_model_times_out_quickly(fake_llm):
    def slow(request):
        time.sleep(3)
        return Response(json.dumps(_reply("Too late. [1]")), content_type="application/json")

    fake_llm.expect_request("/v1/chat/completions").respond_with_handler(slow)
    started = time.monotonic()
    assert llm.generate("Summarise.", SOURCES) is None
    assert time.monotonic() - started < 2.5


def test_garbage_from_the_model_is_a_failure_not_a_crash(fake_llm):
    fake_llm.expect_request("/v1/chat/completions").respond_with_json({"unexpected": True})
    assert llm.generate("Summarise.", SOURCES) is None


def test_a_grounded_llm_answer_cites_the_sentences_it_used(fake_llm):
    def cite_the_right_one(request):
        prompt = json.loads(request.data)["messages"][1]["content"]
        number = next(line.split("]")[0][1:] for line in prompt.splitlines() if "security concerns" in line)
        return Response(json.dumps(_reply(f"North Korea said Kim stayed away because of security concerns. [{number}]")),
                        content_type="application/json")

    fake_llm.expect_request("/v1/chat/completions").respond_with_handler(cite_the_right_one)
    article = type("A", (), {"pk": 1, "body": PARADE, "title": "", "source": None})()
    result = questions.answer("Why did Kim stay away from the parade?", [article])
    assert result["generator"] == "llm"
    assert result["answer"] == "North Korea said Kim stayed away because of security concerns."
    assert any("security concerns" in c["text"] for c in result["citations"])


def test_without_a_url_the_llm_is_off(monkeypatch):
    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    assert not llm.configured()
    assert llm.chat([{"role": "user", "content": "hi"}]) is None


def test_support_needs_the_words_and_the_numbers():
    source = ["Delegations from 27 countries attended the parade."]
    assert llm.supported("Delegations from 27 countries came to the parade.", source)
    assert not llm.supported("Delegations from 28 countries came to the parade.", source)
    assert not llm.supported("Tanks and missiles rolled past cheering crowds.", source)


@pytest.mark.django_db
@pytest.mark.usefixtures("minilm_ready")
def test_the_llm_rewrites_a_stored_summary_and_keeps_only_grounded_points(fake_llm, monkeypatch):
    from broadsheet.enrich.models import ArticleEnrichment
    from broadsheet.enrich.pipeline import enrich_article, rewrite_article

    from .conftest import make_article

    fake_llm.expect_request("/v1/chat/completions").respond_with_json(_reply(
        "The Victory Day parade took place in Moscow's Red Square on May 9. [1]\n"
        "Putin had invited Kim Jong Un to show the ties between Russia and North Korea. [2]\n"
        "Kim visited the Russian embassy in Pyongyang instead. [3]\n"
        "Kim has been ill for months, doctors say. [3]\n"
        "Delegations from 27 countries attended the parade. [5]"))
    article = make_article()
    enrich_article(article)
    assert rewrite_article(article)
    enrichment = ArticleEnrichment.objects.get(article=article)
    assert enrichment.generator == "llm:fake-model"
    texts = [enrichment.gist["text"]] + [p["text"] for p in enrichment.key_points]
    assert not any("ill for months" in t for t in texts)
    assert enrichment.gist["sources"] == [{"article": article.pk, "sentence": 0}]
    assert len(enrichment.key_points) == 3


@pytest.mark.django_db
def test_the_llm_writes_a_story_summary_from_the_extractive_one_and_cites_it(fake_llm, client):
    from django.urls import reverse

    from broadsheet.enrich.pipeline import rewrite_story, story_key, story_summary

    from .conftest import make_article, make_source, make_story

    a, b = make_source("A", "https://a.example/"), make_source("B", "https://b.example/")
    articles = [make_article(publisher=a, n=1), make_article(publisher=b, n=2), make_article(publisher=b, n=3)]
    story = make_story(articles)

    def grounded(request):
        prompt = json.loads(request.data)["messages"][1]["content"]
        first = next(line for line in prompt.splitlines() if line.startswith("[1] "))[4:]
        return Response(json.dumps(_reply(f"{first} [1]\nKim Jong-un was crowned king of Moscow. [1]")),
                        content_type="application/json")

    fake_llm.expect_request("/v1/chat/completions").respond_with_handler(grounded)
    key = story_key(story.pk)
    data = story_summary(key, articles)  # queues the rewrite (database task backend)
    assert rewrite_story(key, articles)
    written = story_summary(key, articles)["written"]
    assert [w["text"] for w in written] == [data["summary"][0]["text"]]
    assert written[0]["sources"][0]["article"] == data["summary"][0]["sources"][0]["article"]
    html = client.get(reverse("enrich:story-panel", args=[story.pk])).content.decode()
    assert "Written by a language model" in html and "crowned" not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("minilm_ready")
def test_a_written_gist_that_cannot_stand_alone_leaves_the_extractive_one(fake_llm):
    from broadsheet.enrich.models import ArticleEnrichment
    from broadsheet.enrich.pipeline import enrich_article, rewrite_article

    from .conftest import make_article

    fake_llm.expect_request("/v1/chat/completions").respond_with_json(_reply(
        "And the Victory Day parade took place in Moscow's Red Square on May 9. [1]\n"
        "Putin had invited Kim Jong Un to show the ties between Russia and North Korea. [2]\n"
        "Delegations from 27 countries attended the parade. [5]"))
    article = make_article()
    enrich_article(article)
    before = ArticleEnrichment.objects.get(article=article).gist
    assert not rewrite_article(article)
    enrichment = ArticleEnrichment.objects.get(article=article)
    assert enrichment.generator == "extractive" and enrichment.gist == before
