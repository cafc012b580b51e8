"""A web process imports no model, extraction or HTTP-client library: each costs memory in
every web worker (numpy, trafilatura + lxml, httpx: 61 MB before the first request) and
none is needed to read what the pipeline stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from broadsheet.enrich.models import ArticleEnrichment, ArticleTag, Tag
from broadsheet.enrich.pipeline import summarize_story_of
from broadsheet.stories.models import Member, Related, Story
from broadsheet.stories.store import refresh
from broadsheet.web.sections import slug_for
from tests.web.factories import article, source

pytestmark = pytest.mark.django_db(transaction=True)  # committed: the page server is another process

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ["torch", "sentence_transformers", "transformers", "numpy", "scipy", "sklearn", "wordllama", "datasketch",
         "trafilatura", "lxml", "htmldate", "justext", "httpx", "feedparser", "lingua", "tokenizers", "safetensors"]

SERVE = """
import json, sys
import broadsheet.wsgi
from django.test import Client
client = Client(HTTP_HOST="localhost")
statuses = {url: client.get(url).status_code for url in json.loads(sys.argv[1])}
print(json.dumps({"statuses": statuses, "loaded": [m for m in json.loads(sys.argv[2]) if m in sys.modules]}))
"""


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def stored_site() -> list[str]:
    """A story of two reports, enriched and related, as the pipeline leaves it; the URL of every page type."""
    a = article("Parade without its guest", publisher=source("Daily Example"), story=False)
    b = article("Leader skips the parade", publisher=source("Courier", "https://courier.example/"), hours_ago=1,
                story=False)
    story = Story.objects.create(headline=a.title)
    for item in (a, b):
        Member.objects.create(article=item, story=story, published=item.published, source_id=item.source_id)
        ArticleEnrichment.objects.create(article=item, section="News", hashtags=["Parade"],
                                         gist={"text": "The leader stayed away.", "sources": [{"article": item.pk, "sentence": 0}]},
                                         key_points=[{"text": "Security was cited.", "sources": []}])
    tag = Tag.objects.create(key="parade", name="Parade")
    ArticleTag.objects.create(article=a, tag=tag)
    Related.objects.create(article=b, other=a, rank=0, similarity=0.8)
    refresh(story.pk)  # counts and card, as the pipeline leaves them
    summarize_story_of.batch([a, b])  # what the pipeline stores, so the story panel only reads
    return [reverse("web:home"), reverse("web:section", args=[slug_for("News")]), reverse("web:article", args=[a.pk]),
            reverse("web:source", args=[a.source_id]), reverse("stories:story", args=[story.pk]),
            reverse("enrich:tag", args=["parade"]), reverse("enrich:article-panel", args=[b.pk]),
            reverse("enrich:story-panel", args=[story.pk]),
            reverse("api:articles"), reverse("api:article", args=[a.pk]), reverse("api:sections"),
            reverse("api:sources"), reverse("api:openapi")]


def test_a_web_process_serves_every_page_type_without_ml_extraction_or_http_client_modules():
    urls = stored_site()
    env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONPATH": str(ROOT),
           "DJANGO_SETTINGS_MODULE": "broadsheet.settings"}
    run = subprocess.run([sys.executable, "-c", SERVE, json.dumps(urls), json.dumps(HEAVY)], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["statuses"] == {url: 200 for url in urls}
    assert report["loaded"] == []
