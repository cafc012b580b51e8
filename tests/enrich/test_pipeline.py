import pytest

from broadsheet.articles.models import Article
from broadsheet.enrich.embeddings import embed_article
from broadsheet.enrich.models import ArticleEnrichment, ArticleTag, StorySummary, Tag
from broadsheet.enrich.pipeline import enrich_article, story_summary

from .conftest import BUDGET, BUDGET_TITLE, PARADE, make_article, make_source

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("minilm_ready")]


def test_the_step_writes_section_tags_and_summary_and_can_run_twice(settings, monkeypatch):
    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    assert "broadsheet.enrich.pipeline.enrich_article" in settings.ARTICLE_PIPELINE
    assert settings.ARTICLE_PIPELINE.index("broadsheet.enrich.pipeline.enrich_article") > \
        settings.ARTICLE_PIPELINE.index("broadsheet.enrich.embeddings.embed_article")
    article = make_article(BUDGET_TITLE, BUDGET, page_section="Politics")
    embed_article(article)
    enrich_article(article)
    enrich_article(Article.objects.get(pk=article.pk))  # a repeat changes nothing
    article.refresh_from_db()
    assert article.section == "Politics"
    enrichment = ArticleEnrichment.objects.get(article=article)
    assert 3 <= len(enrichment.hashtags) <= 8
    assert 3 <= len(enrichment.key_points) <= 5 and enrichment.gist["sources"][0]["article"] == article.pk
    assert ArticleTag.objects.filter(article=article).count() == len(enrichment.hashtags)
    assert Tag.objects.count() == len(enrichment.hashtags)


def test_tags_of_two_articles_share_rows_across_spellings(monkeypatch):
    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    first = make_article(n=1)
    second = make_article("Kim Jong Un stays home", PARADE.replace("Kim Jong-un", "Kim Jong Un"), n=2)
    for article in (first, second):
        enrich_article(article)
    tag = Tag.objects.get(key="kimjongun")
    assert set(tag.article_tags.values_list("article_id", flat=True)) == {first.pk, second.pk}


def test_a_story_summary_is_stored_and_recomputed_when_the_articles_change():
    a, b = make_source("A", "https://a.example/"), make_source("B", "https://b.example/")
    articles = [make_article(publisher=a, n=1), make_article(publisher=b, n=2), make_article(publisher=b, n=3)]
    assert story_summary("story:1", articles[:2]) is None
    data = story_summary("story:1", articles)
    assert data["summary"] and StorySummary.objects.get(key="story:1").data == data
    assert story_summary("story:1", articles) == data


def test_an_article_with_only_a_title_still_gets_a_section_and_tags(monkeypatch):
    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    article = make_article("Chancellor Rachel Reeves delays the budget vote in Parliament", "", teaser="")
    enrich_article(article)
    enrichment = ArticleEnrichment.objects.get(article=article)
    assert enrichment.section and enrichment.gist is None and enrichment.key_points == []
    assert "RachelReeves" in enrichment.hashtags


def test_the_crawler_task_runs_the_step_after_the_embedding(monkeypatch):
    from broadsheet.crawl.pipeline import process_article

    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    article = make_article(BUDGET_TITLE, BUDGET, n=7)
    assert process_article(article.pk)
    article.refresh_from_db()
    assert article.embedding and article.processed_at
    assert ArticleEnrichment.objects.get(article=article).section == article.section != ""


def test_the_llm_rewrite_of_an_article_is_queued_once_per_version_of_its_text(monkeypatch, enqueued):
    monkeypatch.setattr("broadsheet.enrich.llm.configured", lambda: True)
    article = make_article()
    for _ in range(3):
        enrich_article(Article.objects.get(pk=article.pk))  # repeats: a retried task, a second worker
    assert enqueued("rewrite_with_llm") == [[article.pk]]
    ArticleEnrichment.objects.filter(article=article).update(generator="llm:m", gist={"text": "Written.", "sources": []})
    enrich_article(Article.objects.get(pk=article.pk))
    assert ArticleEnrichment.objects.get(article=article).gist["text"] == "Written."  # the model's version stays
    Article.objects.filter(pk=article.pk).update(body=PARADE + "\n\nThe Kremlin later thanked the guests.")
    enrich_article(Article.objects.get(pk=article.pk))
    assert enqueued("rewrite_with_llm") == [[article.pk], [article.pk]]
    assert ArticleEnrichment.objects.get(article=article).generator == "extractive"


def test_a_second_on_demand_enrichment_of_an_enriched_article_does_nothing(monkeypatch):
    from broadsheet.enrich.tasks import enrich_later

    article = make_article()
    enrich_article(article)
    monkeypatch.setattr("broadsheet.enrich.pipeline.compute", lambda a: pytest.fail("enriched again"))
    enrich_later.call(article.pk)


def test_the_migration_drops_the_summaries_keyed_by_a_clients_id_list():
    from importlib import import_module

    from django.apps import apps

    StorySummary.objects.create(key="ids:" + "0" * 40, signature="x")
    StorySummary.objects.create(key="story:1", signature="y")
    import_module("broadsheet.enrich.migrations.0003_drop_id_list_summaries").drop(apps, None)
    assert list(StorySummary.objects.values_list("key", flat=True)) == ["story:1"]


def test_the_crawler_embeds_a_batch_in_one_model_call_with_the_vectors_of_one_by_one(monkeypatch):
    import numpy as np

    from broadsheet.crawl.process import process_articles
    from broadsheet.enrich import embeddings

    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    articles = [make_article(BUDGET_TITLE, BUDGET, n=1), make_article(n=2), make_article("Budget vote delayed", BUDGET[:300], n=3)]
    calls = []
    real = embeddings.embed
    monkeypatch.setattr(embeddings, "embed", lambda texts, **kw: calls.append(len(texts)) or real(texts, **kw))
    assert process_articles([a.pk for a in articles]) == [a.pk for a in articles]
    assert calls == [3]
    for article in articles:
        article.refresh_from_db()
        alone = real([embeddings.article_text(article.title, article.body)])[0]
        assert np.allclose(embeddings.from_bytes(article.embedding), alone, atol=1e-5)
        assert article.processed_at and ArticleEnrichment.objects.filter(article=article).exists()


def test_an_articles_tags_are_stored_in_a_few_queries_and_a_repeat_reorders_and_drops(django_assert_max_num_queries):
    from broadsheet.enrich.pipeline import save_tags

    article = make_article(n=4)
    Tag.objects.create(key="kimjongun", name="KimJongUn")
    with django_assert_max_num_queries(4):  # one tag or eight: the same few queries
        save_tags(article.pk, ["Kim Jong-un", "Moscow", "VictoryDay", "Putin", "NorthKorea", "RedSquare"])
    assert Tag.objects.get(key="kimjongun").name == "KimJongUn"  # an existing tag keeps its spelling
    save_tags(article.pk, ["Putin", "KimJongUn", "Kim Jong Un"])
    rows = ArticleTag.objects.filter(article=article).order_by("rank").values_list("tag__key", "rank")
    assert list(rows) == [("putin", 0), ("kimjongun", 1)]
    assert Tag.objects.count() == 6  # tags no article carries now stay for the others


def test_the_story_summary_is_stored_once_per_batch_so_the_panel_only_reads_it(client, monkeypatch):
    from broadsheet.enrich import summaries
    from broadsheet.enrich.pipeline import _signature, story_articles_of, story_key, summarize_story_of
    from broadsheet.stories.models import Member, Story

    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    publishers = [make_source("A", "https://a.example/"), make_source("B", "https://b.example/")]
    articles = [make_article(publisher=publishers[i % 2], n=i) for i in range(3)]
    story = Story.objects.create(article_count=3)
    for article in articles:
        Member.objects.create(article=article, story=story, published=article.published, source_id=article.source_id)
    calls = []
    real = summaries.summarize_story
    monkeypatch.setattr(summaries, "summarize_story", lambda items, **kw: calls.append(len(items)) or real(items, **kw))
    summarize_story_of.batch(articles)
    assert calls == [3]  # one story, summarised once for the batch
    stored = StorySummary.objects.get(key=story_key(story.pk))
    assert stored.data["summary"] and stored.signature == _signature(story_articles_of(story.pk))
    monkeypatch.setattr(summaries, "summarize_story", lambda items, **kw: pytest.fail("computed on a page view"))
    from django.urls import reverse

    assert client.get(reverse("enrich:story-panel", args=[story.pk])).status_code == 200


CUP_ES = ("Las autoridades confirmaron el resultado tras una larga jornada. Miles de personas se reunieron en la "
          "plaza para celebrar lo ocurrido durante la noche, y la celebración siguió hasta la madrugada.")


def _enriched(article, section):
    Article.objects.filter(pk=article.pk).update(section=section)
    ArticleEnrichment.objects.create(article=article, section=section)


def test_an_article_in_another_language_takes_the_section_of_its_storys_english_articles(monkeypatch):
    from .conftest import make_story

    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    english = [make_article(f"United win the cup final {i}", "United beat City 2-1 in the cup final.", n=i,
                            language="en") for i in (1, 2)]
    spanish = make_article("Celebración en la plaza", CUP_ES, n=3, language="es")
    make_story(english + [spanish])
    for article in english:
        _enriched(article, "Sports")
    enrich_article(spanish)
    spanish.refresh_from_db()
    assert spanish.section == "Sports"


def test_an_english_article_keeps_its_own_section_whatever_its_story_says(monkeypatch):
    from .conftest import make_story

    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)
    other = make_article("Cup final celebrations", "United fans celebrated the cup final.", n=1, language="en")
    article = make_article(BUDGET_TITLE, BUDGET, n=2, language="en", page_section="Politics")
    make_story([other, article])
    _enriched(other, "Sports")
    enrich_article(article)
    article.refresh_from_db()
    assert article.section == "Politics"


def test_a_surname_tag_joins_the_one_full_name_tag_it_ends():
    from broadsheet.enrich.pipeline import one_tag_per_entity

    Tag.objects.create(key="donaldtrump", name="DonaldTrump")
    assert one_tag_per_entity(["Trump", "Tariffs", "DonaldTrump"]) == ["DonaldTrump", "Tariffs"]


def test_a_surname_shared_by_two_full_name_tags_stays_as_it_is():
    from broadsheet.enrich.pipeline import one_tag_per_entity

    Tag.objects.create(key="donaldtrump", name="DonaldTrump")
    Tag.objects.create(key="melaniatrump", name="MelaniaTrump")
    Tag.objects.create(key="atrump", name="Atrump")
    assert one_tag_per_entity(["Trump", "Erdoğan"]) == ["Trump", "Erdoğan"]


def test_a_story_card_takes_the_section_its_article_is_filed_under():
    from broadsheet.stories.models import Story
    from broadsheet.stories.store import refresh

    from .conftest import make_story

    article = make_article(BUDGET_TITLE, BUDGET, section="News", page_section="Politics")
    story = make_story([article])
    refresh(story.pk)  # the card as the stories step draws it, before enrichment files the article
    enrich_article(Article.objects.get(pk=article.pk))
    filed = Article.objects.get(pk=article.pk).section
    assert filed != "News" and Story.objects.get(pk=story.pk).section == filed
