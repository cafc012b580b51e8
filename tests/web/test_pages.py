from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from broadsheet.articles.models import Article
from tests.web.factories import article, source, story_of

pytestmark = pytest.mark.django_db


def test_an_empty_site_says_what_is_happening(client):
    page = client.get("/").content.decode()
    assert "No articles yet" in page and "sources list" in page


def test_the_home_page_groups_the_newest_articles_by_section(client):
    article("Budget passes", section="Politics")
    article("Match report", section="Sports")
    article("Old news", section="Sports", hours_ago=200)
    page = client.get("/").content.decode()
    assert page.index(">Politics") < page.index(">Sports")
    assert "Budget passes" in page and "Match report" in page
    assert page.index("Match report") < page.rindex("Old news")


def test_hidden_articles_are_not_listed(client):
    original = article("The original")
    article("A copy", status=Article.Status.DUPLICATE, duplicate_of=original)
    article("Broken", status=Article.Status.FAILED)
    page = client.get("/").content.decode()
    assert "The original" in page and "A copy" not in page and "Broken" not in page


def test_the_article_page_shows_every_element_of_a_news_page(client):
    item = article()
    page = client.get(item.get_absolute_url()).content.decode()
    assert "<h1 class=\"headline\">A parade without its guest</h1>" in page
    assert re.search(r'class="author">Kim, Min Gyu</span>\s*<span class="role">\(Former Senior official', page)
    assert f'href="{item.url}"' in page and "Read the original at Daily Example" in page
    assert re.search(r'<time datetime="[^"]+" title="[^"]+">2\xa0hours ago</time>', page)
    assert 'src="https://img.daily.example/parade.jpg"' in page
    assert page.count("<p>") >= 3 and "citing security concerns" in page
    assert 'href="/section/news/"' in page


def test_article_text_is_escaped_never_rendered_as_html(client):
    item = article(title="<script>alert(1)</script>", body="<img src=x onerror=alert(2)>")
    page = client.get(item.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_a_section_page_lists_only_that_section(client):
    article("Goal in the last minute", section="Sports")
    article("Rates rise", section="Business")
    page = client.get(reverse("web:section", args=["sports"])).content.decode()
    assert "Goal in the last minute" in page and "Rates rise" not in page
    assert client.get(reverse("web:section", args=["arts-and-culture"])).status_code == 200
    assert client.get("/section/no-such-thing/").status_code == 404


def test_a_publisher_page_lists_its_articles(client):
    other = source("Other Times", "https://other.example/")
    article("Ours")
    article("Theirs", publisher=other)
    page = client.get(reverse("web:source", args=[other.pk])).content.decode()
    assert "Theirs" in page and "Ours" not in page


def test_a_missing_article_is_a_404(client):
    assert client.get("/article/999999/").status_code == 404


def test_pages_fit_a_phone(client):
    page = client.get("/").content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page


def test_cards_show_how_many_comments_an_article_has(client, django_assert_max_num_queries):
    from django.contrib.auth import get_user_model

    from broadsheet.community.models import CommunitySettings
    from broadsheet.community.services import post_comment

    CommunitySettings.objects.update_or_create(pk=1, defaults={"premoderate_first": 0})
    reader = get_user_model().objects.create_user("alice", "alice@example.org", "a-long-password-1",
                                                  date_joined=timezone.now() - timedelta(days=30))
    talked = article("Talked about", section="Politics")
    article("Quiet", section="Politics")
    post_comment(reader, talked, "A fair summary of the vote.")
    page = client.get("/").content.decode()
    assert "1 comment<" in page and page.count("comment-count") == 1  # each story once on the page
    with django_assert_max_num_queries(16):
        client.get("/section/politics/")


def test_the_home_page_leads_with_stories_covered_by_several_publishers(client):
    other = source("Other Times", "https://other.example/")
    first = article("Parade held without guest", hours_ago=3, image="")
    second = article("Leader skips the parade", hours_ago=2, publisher=other)
    article("A single report", hours_ago=1)
    big = story_of(first, second)
    page = client.get("/").content.decode()
    top = page[page.index("class=\"top-stories\""):page.index(">Latest<")]
    assert "Parade held without guest" in top  # the earliest report's headline
    assert 'src="https://img.daily.example/parade.jpg"' in top  # and the first picture any member has
    assert "A single report" not in top
    assert f'href="{big.get_absolute_url()}"' in top and "2 sources, 2 articles" in top
    assert "Daily Example, Other Times" in top


def test_a_folded_copy_redirects_to_its_original(client):
    original = article("The original")
    copy = article("A copy", status=Article.Status.DUPLICATE, duplicate_of=original)
    response = client.get(copy.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == original.get_absolute_url()


def test_the_story_page_carries_the_ai_panel_and_comments(client):
    story = story_of(*[article(f"Report {i}", hours_ago=i + 1, publisher=source(f"Paper {i}", f"https://p{i}.example/"))
                       for i in range(3)])
    page = client.get(story.get_absolute_url()).content.decode()
    assert "data-enrich-src=" in page  # the AI panel fills in without a reload
    assert 'id="comments"' in page


def test_long_sections_are_paged_by_cursor(client):
    for i in range(31):
        article(f"Match {i}", section="Sports", hours_ago=i + 1)
    first = client.get("/section/sports/").content.decode()
    assert "Match 0<" in first and "Match 30<" not in first
    older = re.search(r'href="\?before=([0-9_]+)"', first)[1]
    second = client.get(f"/section/sports/?before={older}").content.decode()
    assert "Match 30<" in second and "Match 0<" not in second and "Older" not in second


def test_a_malformed_cursor_is_a_clear_400(client):
    response = client.get("/section/sports/?before=yesterday")
    assert response.status_code == 400 and "malformed" in response.content.decode()


def test_a_configured_taxonomy_is_the_one_the_site_shows(client, settings):
    settings.BROADSHEET_SECTIONS = ["World", "Sport", "Money"]
    article("Cup final", section="Sport")
    page = client.get("/").content.decode()
    assert 'href="/section/sport/"' in page and 'href="/section/politics/"' not in page
    assert "Cup final" in client.get("/section/sport/").content.decode()
    assert client.get("/section/politics/").status_code == 404


def _story(headline, *items):
    return story_of(*items)


def test_top_stories_are_the_last_two_days_by_the_clock_not_by_the_newest_article(client):
    other = source("Other Times", "https://other.example/")
    _story("Parade held", article("Parade held without guest", hours_ago=3),
           article("Leader skips the parade", hours_ago=2, publisher=other))
    article("Stray article dated next week", hours_ago=-24 * 6)  # stored before dates were checked
    page = client.get("/").content.decode()
    top = page[page.index('class="top-stories"'):page.index(">Latest<")]
    assert "Parade held without guest" in top and "as of" not in top


def test_a_site_idle_for_days_leads_with_its_last_stories_and_says_when(client):
    other = source("Other Times", "https://other.example/")
    old = _story("Parade held", article("Parade held without guest", hours_ago=24 * 5),
                 article("Leader skips the parade", hours_ago=24 * 5 - 1, publisher=other))
    page = client.get("/").content.decode()
    top = page[page.index('class="top-stories"'):page.index(">Latest<")]
    assert f'href="{old.get_absolute_url()}"' in top
    assert re.search(r"as of <time datetime=[^>]+>" + timezone.localtime(old.last_published).strftime("%-d %B %Y, %H:%M"),
                     top)


def test_with_no_event_covered_twice_top_stories_are_the_latest_labelled_as_of(client):
    items = [article(f"Single report {i}", hours_ago=i + 1) for i in range(8)]
    page = client.get("/").content.decode()
    top = page[page.index('class="top-stories"'):page.index(">Latest<")]
    newest = timezone.localtime(items[0].published)
    assert re.search(r"as of <time datetime=[^>]+>" + newest.strftime("%-d %B %Y, %H:%M"), top)
    assert all(f"Single report {i}<" in top for i in range(5)) and "Single report 5<" not in top
    # and every story once on the page: the rest are the Latest
    rest = page[page.index(">Latest<"):]
    assert "Single report 5<" in rest and all(f"Single report {i}<" not in rest for i in range(5))


def test_an_article_with_no_text_says_so_instead_of_an_empty_body(client):
    item = article("Headline only", body="", teaser="")
    page = client.get(item.get_absolute_url()).content.decode()
    assert "Daily Example gives no text of this article beyond its headline: read it at the original." in page
    item = article("Teaser only", body="", teaser="A line from the feed.")
    page = client.get(item.get_absolute_url()).content.decode()
    assert "<p>A line from the feed.</p>" in page and "gives no text" not in page
