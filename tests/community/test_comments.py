"""Posting, replying, editing, deleting and ordering comments on an article."""

from __future__ import annotations

from datetime import timedelta

from django.template import Context, Template
from django.utils import timezone

from broadsheet.community import services
from broadsheet.community.models import Comment


def post(client, article, body, parent=None):
    data = {"body": body}
    if parent:
        data["parent"] = parent.pk
    return client.post(f"/community/article/{article.pk}/comment/", data)


def test_a_reader_posts_a_comment_that_shows_under_the_article(client, article, alice, policy):
    client.force_login(alice)
    response = post(client, article, "The repairs took three years.")
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#c{comment.pk}")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "The repairs took three years." in page and 'id="c%d"' % comment.pk in page


def test_an_anonymous_visitor_is_sent_to_log_in(client, article, policy):
    response = post(client, article, "hi")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()


def test_comments_are_refused_on_articles_that_are_not_published(client, article, alice, policy):
    article.status = "failed"
    article.save()
    client.force_login(alice)
    assert post(client, article, "hello").status_code == 404


def test_a_reply_to_a_reply_hangs_under_the_same_top_comment(client, article, alice, bob, policy):
    top = services.post_comment(alice, article, "First")
    reply = services.post_comment(bob, article, "Second", parent=top)
    client.force_login(alice)
    post(client, article, "Third", parent=reply)
    third = Comment.objects.get(body="Third")
    assert reply.parent_id == top.pk and third.parent_id == top.pk


def test_a_reply_cannot_point_at_another_articles_comment(client, article, alice, bob, policy):
    from broadsheet.articles.models import Article

    other = Article.objects.create(source=article.source, url="https://times.example.org/a/2", status="ok", title="x")
    elsewhere = services.post_comment(bob, other, "over there")
    client.force_login(alice)
    post(client, article, "sneaky", parent=elsewhere)
    assert not Comment.objects.filter(body="sneaky").exists()


def test_an_edit_within_the_window_is_marked_edited(client, article, alice, policy):
    comment = services.post_comment(alice, article, "Teh bridge")
    client.force_login(alice)
    response = client.post(f"/community/comment/{comment.pk}/edit/", {"body": "The bridge"})
    comment.refresh_from_db()
    assert response.status_code == 302 and comment.body == "The bridge" and comment.edited is not None
    assert "· edited" in client.get(article.get_absolute_url()).content.decode()


def test_an_edit_after_the_window_is_refused(client, article, alice, policy):
    comment = services.post_comment(alice, article, "Old words")
    Comment.objects.filter(pk=comment.pk).update(created=timezone.now() - timedelta(minutes=policy.edit_window_minutes + 1))
    client.force_login(alice)
    client.post(f"/community/comment/{comment.pk}/edit/", {"body": "New words"})
    comment.refresh_from_db()
    assert comment.body == "Old words" and comment.edited is None


def test_a_reader_cannot_edit_or_delete_someone_elses_comment(client, article, alice, bob, policy):
    comment = services.post_comment(alice, article, "Mine")
    client.force_login(bob)
    assert client.get(f"/community/comment/{comment.pk}/edit/").status_code == 404
    assert client.post(f"/community/comment/{comment.pk}/edit/", {"body": "Yours now"}).status_code == 404
    assert client.post(f"/community/comment/{comment.pk}/delete/").status_code == 404
    comment.refresh_from_db()
    assert comment.body == "Mine" and comment.status == Comment.Status.VISIBLE


def test_deleting_my_comment_erases_it_and_keeps_a_placeholder_only_for_its_replies(client, article, alice, bob, policy):
    lonely = services.post_comment(alice, article, "Nobody answers this")
    answered = services.post_comment(alice, article, "Somebody answers this")
    services.post_comment(bob, article, "I answer", parent=answered)
    client.force_login(alice)
    for comment in (lonely, answered):
        assert client.post(f"/community/comment/{comment.pk}/delete/").status_code == 302
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Nobody answers this" not in page and "Somebody answers this" not in page
    assert f'id="c{answered.pk}"' in page and "[deleted]" in page and "I answer" in page
    assert f'id="c{lonely.pk}"' not in page
    assert Comment.objects.get(pk=answered.pk).body == ""


def test_order_newest_oldest_and_top(client, article, alice, bob, policy):
    now = timezone.now()
    first = services.post_comment(alice, article, "first comment")
    second = services.post_comment(alice, article, "second comment")
    third = services.post_comment(alice, article, "third comment")
    for i, c in enumerate((first, second, third)):
        Comment.objects.filter(pk=c.pk).update(created=now - timedelta(hours=3 - i))
    services.post_comment(bob, article, "reply one", parent=second)
    services.post_comment(bob, article, "reply two", parent=second)

    def order(name):
        page = client.get(article.get_absolute_url(), {"order": name}).content.decode()
        return sorted(["first", "second", "third"], key=lambda w: page.index(f"{w} comment"))

    assert order("newest") == ["third", "second", "first"]
    assert order("oldest") == ["first", "second", "third"]
    assert order("top") == ["second", "third", "first"]  # most replies, then newest
    assert order("bogus") == ["third", "second", "first"]


def test_a_comment_over_the_size_cap_is_refused_with_a_message(client, article, alice, policy):
    policy.max_length = 100
    policy.save()
    client.force_login(alice)
    response = post(client, article, "word " * 30)
    assert not Comment.objects.exists()
    page = response.content.decode()
    assert response.status_code == 400 and "at most 100 characters (this one has 149)" in page
    import lxml.html

    kept = lxml.html.fromstring(page).xpath("//textarea[@name='body']")[0].text
    assert kept.strip() == ("word " * 30).strip()  # nothing typed is lost


def test_an_empty_comment_is_refused(client, article, alice, policy):
    client.force_login(alice)
    post(client, article, "   \n ")
    assert not Comment.objects.exists()


def test_the_card_count_counts_visible_comments_and_follows_changes(article, alice, bob, policy):
    template = Template("{% load community %}{% comment_count article %}|{% comment_count_link article %}")
    assert template.render(Context({"article": article})).startswith("0|")
    a = services.post_comment(alice, article, "one")
    services.post_comment(bob, article, "two", parent=a)
    rendered = template.render(Context({"article": article}))
    assert rendered.startswith("2|") and "2 comments" in rendered and f"{article.get_absolute_url()}#comments" in rendered
    services.delete_own_comment(alice, a)
    assert template.render(Context({"article": article})).startswith("1|")


def test_the_profile_page_lists_a_readers_public_comments(client, article, alice, policy):
    services.post_comment(alice, article, "Public thought")
    policy.premoderate_first = 5
    policy.save()
    services.post_comment(alice, article, "Waiting thought")
    page = client.get("/community/u/alice/").content.decode()
    assert "Public thought" in page and "Bridge reopens after repairs" in page
    assert "Waiting thought" not in page
    client.force_login(alice)
    assert "Waiting thought" in client.get("/community/u/alice/").content.decode()


def test_priming_the_card_counts_takes_one_query_for_a_page(article, alice, policy, django_assert_num_queries):
    from django.core.cache import cache

    from broadsheet.articles.models import Article

    others = [Article.objects.create(source=article.source, url=f"https://times.example.org/b/{i}", status="ok",
                                     title=f"other {i}") for i in range(5)]
    services.post_comment(alice, others[2], "one")
    services.post_comment(alice, others[2], "two")
    cache.clear()
    template = Template("{% load community %}{% prime_comment_counts items %}"
                        "{% for a in items %}[{% comment_count a %}]{% endfor %}")
    with django_assert_num_queries(1):
        rendered = template.render(Context({"items": [article, *others]}))
    assert rendered == "[0][0][0][2][0][0]"


def test_priming_the_counts_of_a_page_reads_the_cache_once(article, monkeypatch):
    from django.core.cache import cache

    from broadsheet.articles.models import Article

    reads = []
    real = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys, *a, **kw: reads.append(len(keys)) or real(keys, *a, **kw))
    services.prime_counts([Article(pk=pk) for pk in range(1, 31)])
    assert reads == [30]


def test_deleting_an_article_deletes_its_comments(article, alice, bob, policy):
    from broadsheet.articles.models import Article

    other = Article.objects.create(source=article.source, url="https://times.example.org/a/3", status="ok", title="y")
    top = services.post_comment(alice, article, "on the deleted one")
    services.post_comment(bob, article, "a reply", parent=top)
    kept = services.post_comment(alice, other, "on the other one")
    article.delete()
    assert list(Comment.objects.values_list("pk", flat=True)) == [kept.pk]


def test_other_pages_include_the_thread_with_comment_target(rf, article, alice, policy):
    """How a story page (or any commentable page) shows its comments."""
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    services.post_comment(alice, article, "through the include")
    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    html = render_to_string("community/_comments.html", {"comment_target": article}, request=request)
    assert "through the include" in html and f"/community/article/{article.pk}/comment/" not in html
    assert "Log in</a> or" in html
