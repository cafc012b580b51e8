"""Reports, the admin queue and its actions, bans, pre-moderation, blocklist, spam score, rate limits."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from broadsheet.community import services, spam
from broadsheet.community.models import Comment, ModerationAction, Report, profile_of

from .conftest import make_user


def post(client, article, body, parent=None):
    data = {"body": body, **({"parent": parent.pk} if parent else {})}
    return client.post(f"/community/article/{article.pk}/comment/", data)


def test_a_report_with_a_reason_puts_the_comment_in_the_admin_queue(client, article, alice, bob, mod, policy):
    comment = services.post_comment(alice, article, "You are all idiots")
    client.force_login(bob)
    assert client.get(f"/community/comment/{comment.pk}/report/").status_code == 200
    response = client.post(f"/community/comment/{comment.pk}/report/", {"reason": "abuse", "note": "insult"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.note, report.resolved) == (bob, "abuse", "insult", False)
    client.force_login(mod)
    queue = client.get("/admin/community/queuedcomment/").content.decode()
    assert "You are all idiots" in queue and "1 open report" in queue


def test_a_reader_cannot_report_their_own_comment_or_an_unknown_reason(client, article, alice, bob, policy):
    comment = services.post_comment(alice, article, "mine")
    client.force_login(alice)
    client.post(f"/community/comment/{comment.pk}/report/", {"reason": "spam"})
    client.force_login(bob)
    client.post(f"/community/comment/{comment.pk}/report/", {"reason": "because"})
    assert not Report.objects.exists()


def _admin_action(client, action, comments, model="comment"):
    return client.post(f"/admin/community/{model}/", {"action": action, "_selected_action": [c.pk for c in comments]})


def test_admin_actions_hide_restore_delete_and_ban_and_each_is_logged(client, article, alice, bob, mod, policy):
    first = services.post_comment(alice, article, "first words")
    second = services.post_comment(alice, article, "second words")
    client.force_login(mod)

    _admin_action(client, "hide", [first])
    first.refresh_from_db()
    assert first.status == Comment.Status.HIDDEN
    assert "first words" not in client.get(article.get_absolute_url()).content.decode()

    _admin_action(client, "restore", [first])
    first.refresh_from_db()
    assert first.status == Comment.Status.VISIBLE

    _admin_action(client, "delete_text", [second])
    second.refresh_from_db()
    assert second.status == Comment.Status.DELETED and second.body == ""

    _admin_action(client, "ban_author", [first])
    assert profile_of(alice).banned
    first.refresh_from_db()
    assert first.status == Comment.Status.HIDDEN

    log = list(ModerationAction.objects.order_by("created", "pk").values_list("actor_name", "kind", "comment_id", "subject_id"))
    assert log == [("mod", "hide", first.pk, None), ("mod", "restore", first.pk, None),
                   ("mod", "delete", second.pk, None), ("mod", "ban", None, alice.pk)]
    assert all(a.created <= timezone.now() for a in ModerationAction.objects.all())


def test_the_audit_log_cannot_be_edited_or_deleted_in_the_admin(client, article, alice, mod, policy):
    services.hide(mod, services.post_comment(alice, article, "x"))
    entry = ModerationAction.objects.get()
    client.force_login(mod)
    assert client.get(f"/admin/community/moderationaction/{entry.pk}/delete/").status_code == 403
    client.post(f"/admin/community/moderationaction/{entry.pk}/change/", {"kind": "restore", "note": "forged"})
    entry.refresh_from_db()
    assert entry.kind == "hide" and entry.note == ""


def test_a_banned_reader_cannot_post_reply_or_edit(client, article, alice, bob, mod, policy):
    mine = services.post_comment(alice, article, "before the ban")
    theirs = services.post_comment(bob, article, "bob speaks")
    services.ban(mod, alice, hide_comments=False)
    client.force_login(alice)
    post(client, article, "after the ban")
    post(client, article, "a reply after the ban", parent=theirs)
    client.post(f"/community/comment/{mine.pk}/edit/", {"body": "edited after the ban"})
    assert list(Comment.objects.filter(author=alice).values_list("body", flat=True)) == ["before the ban"]
    page = client.get(article.get_absolute_url()).content.decode()
    assert "may not post comments" in page and 'name="body"' not in page


def test_lifting_a_ban_lets_the_reader_post_again(article, alice, mod, policy):
    services.ban(mod, alice)
    services.unban(mod, alice)
    assert services.post_comment(alice, article, "back").status == Comment.Status.VISIBLE


def test_a_new_accounts_first_comments_wait_for_approval(client, article, mod, policy):
    policy.premoderate_first = 2
    policy.save()
    newbie = make_user("newbie")
    first = services.post_comment(newbie, article, "hello there")
    assert first.status == Comment.Status.PENDING and "pre-moderation" in first.spam_reasons[-1]
    assert "hello there" not in client.get(article.get_absolute_url()).content.decode()
    services.restore(mod, first)
    second = services.post_comment(newbie, article, "second hello")
    assert second.status == Comment.Status.PENDING
    services.restore(mod, second)
    assert services.post_comment(newbie, article, "now trusted").status == Comment.Status.VISIBLE


def test_the_author_sees_their_waiting_comment_and_others_do_not(client, article, alice, bob, policy):
    policy.premoderate_first = 1
    policy.save()
    client.force_login(alice)
    post(client, article, "held back")
    assert "awaiting review" in client.get(article.get_absolute_url()).content.decode()
    client.force_login(bob)
    assert "held back" not in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize("body", ["buy cheap pills now", "see casino.example.net for more", "www.Casino.Example.NET/x",
                                  "CHEAP PILLS"])
def test_blocklisted_words_and_hosts_send_a_comment_to_the_queue(article, alice, policy, body):
    policy.blocklist = "pills\ncasino.example.net\n"
    policy.save()
    comment = services.post_comment(alice, article, body)
    assert comment.status == Comment.Status.PENDING
    assert any("blocklisted" in r for r in comment.spam_reasons)
    assert ModerationAction.objects.filter(kind="queue", comment=comment).exists()


def test_blocklist_words_match_whole_words_only(article, alice, policy):
    policy.blocklist = "ass"
    policy.save()
    assert services.post_comment(alice, article, "a classic assessment").status == Comment.Status.VISIBLE


def test_an_edit_that_adds_a_blocklisted_word_sends_the_comment_back_to_the_queue(article, alice, policy):
    policy.blocklist = "pills"
    policy.save()
    comment = services.post_comment(alice, article, "fine words")
    services.edit_comment(alice, comment, "fine pills")
    assert comment.status == Comment.Status.PENDING


class FakePolicy:
    blocked_terms: list[str] = []


def test_spam_signals_each_add_explained_points():
    class Old:
        date_joined = timezone.now() - timedelta(days=90)

    class New:
        date_joined = timezone.now() - timedelta(hours=2)

    assert spam.score("A calm remark.", Old(), FakePolicy()).score == 0
    assert spam.score("A calm remark.", New(), FakePolicy()).reasons == ["+1 new account (under a day old)"]
    assert spam.score("see https://a.example/x", Old(), FakePolicy()).reasons == ["+1 1 link"]
    three = spam.score("http://a.example http://b.example www.c.example", Old(), FakePolicy())
    assert three.score == 3 and three.reasons == ["+3 3 links"]
    assert spam.score("Same words here!", Old(), FakePolicy(), ["same words  here"]).reasons == ["+3 repeats an earlier comment"]
    assert spam.score("THIS IS ALL SHOUTING AT YOU", Old(), FakePolicy()).reasons == ["+1 mostly capitals"]
    assert spam.score("nooooooooooooooooo", Old(), FakePolicy()).reasons == ["+1 a character repeated many times"]


def test_a_repeated_comment_goes_to_the_queue(article, alice, policy):
    services.post_comment(alice, article, "Visit my blog!")
    again = services.post_comment(alice, article, "visit my blog")
    assert again.status == Comment.Status.PENDING and "+3 repeats an earlier comment" in again.spam_reasons


def test_the_per_account_rate_limit_trips_and_recovers(client, article, alice, policy, settings, monkeypatch):
    import django_ratelimit.core as core

    settings.COMMUNITY_RATE_USER = "3/m"
    clock = [time.time()]  # frozen now: the database cache's expiry reads the same clock
    monkeypatch.setattr(core.time, "time", lambda: clock[0])
    client.force_login(alice)
    codes = [post(client, article, f"comment number {i}").status_code for i in range(4)]
    assert codes == [302, 302, 302, 429]
    assert "comment number 3</textarea>" in post(client, article, "comment number 3").content.decode()
    assert Comment.objects.count() == 3
    clock[0] += 61  # the next minute window
    assert post(client, article, "after a pause").status_code == 302


def _switch_to_another_web_process():
    """What a second worker process has not got: this process's local-memory caches."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    for cache in caches.all(initialized_only=True):
        if isinstance(cache, LocMemCache):
            cache.clear()


def test_two_web_processes_share_one_rate_limit_count(client, article, alice, policy, settings, monkeypatch):
    import django_ratelimit.core as core

    settings.COMMUNITY_RATE_USER = "4/m"
    now = time.time()
    monkeypatch.setattr(core.time, "time", lambda: now)
    client.force_login(alice)
    codes = []
    for i in range(5):
        codes.append(post(client, article, f"comment number {i}").status_code)
        _switch_to_another_web_process()  # two workers taking turns
    assert codes == [302, 302, 302, 302, 429]
    assert Comment.objects.count() == 4


def test_the_per_ip_rate_limit_counts_across_accounts(client, article, alice, bob, policy, settings, monkeypatch):
    import django_ratelimit.core as core

    settings.COMMUNITY_RATE_IP = "2/m"
    now = time.time()
    monkeypatch.setattr(core.time, "time", lambda: now)
    client.force_login(alice)
    assert post(client, article, "alice one").status_code == 302
    assert post(client, article, "alice two").status_code == 302
    client.force_login(bob)
    assert post(client, article, "bob from the same address").status_code == 429
    response = client.post(f"/community/article/{article.pk}/comment/", {"body": "bob elsewhere"},
                           REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302


def test_reports_are_rate_limited_too(client, article, alice, bob, policy, settings, monkeypatch):
    import django_ratelimit.core as core

    settings.COMMUNITY_RATE_USER = "1/m"
    now = time.time()
    monkeypatch.setattr(core.time, "time", lambda: now)
    a = services.post_comment(alice, article, "one")
    b = services.post_comment(alice, article, "two")
    client.force_login(bob)
    assert client.post(f"/community/comment/{a.pk}/report/", {"reason": "spam"}).status_code == 302
    refused = client.post(f"/community/comment/{b.pk}/report/", {"reason": "spam", "note": "my careful note"})
    assert refused.status_code == 429
    assert "wait a minute" in refused.content.decode() and "my careful note" in refused.content.decode()
    assert Report.objects.count() == 1


def test_the_admin_is_for_staff_only(client, alice, mod):
    client.force_login(alice)
    response = client.get("/admin/community/queuedcomment/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(mod)
    assert client.get("/admin/community/queuedcomment/").status_code == 200


def test_every_community_admin_page_opens_for_a_moderator(client, article, alice, bob, mod, policy):
    comment = services.post_comment(alice, article, "something")
    services.report_comment(bob, comment, "spam")
    services.hide(mod, comment)
    client.force_login(mod)
    pages = ["/admin/community/comment/", f"/admin/community/comment/{comment.pk}/change/",
             "/admin/community/queuedcomment/", "/admin/community/report/", "/admin/community/moderationaction/",
             "/admin/community/profile/", "/admin/community/communitysettings/",
             f"/admin/community/communitysettings/{policy.pk}/change/"]
    for url in pages:
        assert client.get(url).status_code == 200, url
    change = client.get(f"/admin/community/comment/{comment.pk}/change/").content.decode()
    assert article.get_absolute_url() in change and "Bridge reopens after repairs" in change


def test_the_policy_is_edited_in_the_admin_and_applies_at_once(client, article, alice, mod, policy):
    client.force_login(mod)
    response = client.post(f"/admin/community/communitysettings/{policy.pk}/change/", {
        "comments_enabled": "on", "premoderate_first": "0", "edit_window_minutes": "15", "max_length": "3000",
        "spam_threshold": "3", "blocklist": "spamword"})
    assert response.status_code == 302
    assert services.post_comment(alice, article, "a spamword here").status == Comment.Status.PENDING
