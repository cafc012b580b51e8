import pytest
from django.contrib.auth import get_user_model

from broadsheet.articles.models import Article
from broadsheet.sources.models import Feed
from broadsheet.sources.services import add_feed
from tests.web.factories import article

pytestmark = pytest.mark.django_db


def test_staff_see_feed_health_articles_and_queue(client):
    staff = get_user_model().objects.create_user("alice", "alice@example.org", "a-long-password-1", is_staff=True)
    bad = add_feed("https://down.example/feed")
    Feed.objects.filter(pk=bad.pk).update(consecutive_failures=4, last_error="timeout: https://down.example/feed timed out")
    article("Fine")
    article("Broken", status=Article.Status.FAILED, error_kind="too_large")
    client.force_login(staff)
    page = client.get("/admin/status/").content.decode()
    assert "down.example/feed" in page and "timed out" in page
    assert "too_large 1" in page
    assert "Crawl status" in client.get("/admin/").content.decode()


def test_readers_are_sent_to_log_in(client):
    get_user_model().objects.create_user("bob", "bob@example.org", "a-long-password-2")
    client.login(username="bob", password="a-long-password-2")
    response = client.get("/admin/status/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
