"""A reader in headless Chromium: sign up, verify the e-mail, comment, reply and report."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from broadsheet.community import services
from broadsheet.community.models import Comment, CommunitySettings, Report

from .conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_signs_up_verifies_comments_replies_and_reports(browser, live_server, article, tmp_path):
    policy = CommunitySettings.current()
    policy.premoderate_first = 0
    policy.save()
    bob = make_user("bob")
    bobs = services.post_comment(bob, article, "Bob thinks the bridge is too narrow.")

    page = browser.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    page.goto(live_server.url + article.get_absolute_url())
    page.locator("#comments").get_by_role("link", name="sign up").click()

    page.fill("#id_email", "carol@example.org")
    page.fill("#id_username", "carol")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    assert page.locator(".account").get_by_role("link", name="Log out").count() == 1

    page.goto(live_server.url + article.get_absolute_url())
    payload = '<img src=x onerror="window.__pwned=1"> Great news, see https://example.org/bridge'
    page.fill("#comment-body", payload)
    page.get_by_role("button", name="Post comment").click()
    mine = Comment.objects.get(author__username="carol")
    body = page.locator(f"#c{mine.pk} .comment-body")
    assert body.inner_text().strip() == payload
    assert body.locator("a").get_attribute("href") == "https://example.org/bridge"
    assert page.evaluate("window.__pwned") is None

    thread = page.locator(f"#c{bobs.pk}").locator("xpath=..")
    thread.locator("summary", has_text="Reply").click()
    thread.locator("textarea").fill("Carol answers Bob.")
    thread.get_by_role("button", name="Post reply").click()
    reply = Comment.objects.get(body="Carol answers Bob.")
    assert reply.parent_id == bobs.pk
    assert page.locator(f"#c{bobs.pk} ~ ol.replies #c{reply.pk}").count() == 1

    page.locator(f"#c{bobs.pk}").get_by_role("link", name="Report").click()
    page.get_by_label("Spam or advertising").check()
    page.fill("#id_note", "looks like an advert")
    page.get_by_role("button", name="Send report").click()
    assert "a moderator will look at this comment" in page.locator(".messages").first.inner_text()
    report = Report.objects.get()
    assert (report.comment_id, report.reporter.username, report.reason) == (bobs.pk, "carol", "spam")

    page.screenshot(path=str(tmp_path / "comments.png"), full_page=True)
    assert not [m for m in console if "Content Security Policy" in m or "Refused to" in m], console
    page.close()


def test_a_moderator_hides_a_reported_comment_from_the_admin_queue(browser, live_server, article):
    policy = CommunitySettings.current()
    policy.premoderate_first = 0
    policy.save()
    alice, bob = make_user("alice"), make_user("bob")
    make_user("mod", staff=True)
    rude = services.post_comment(alice, article, "A rude remark")
    services.report_comment(bob, rude, "abuse")

    page = browser.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(f"{page.url}: {msg.text}"))
    page.on("response", lambda r: console.append(f"404 {r.url}") if r.status == 404 else None)
    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "mod")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/admin/community/queuedcomment/")
    row = page.locator("#result_list tbody tr", has_text="A rude remark")
    assert "1 open report" in row.inner_text()
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "hide")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    assert page.locator("#result_list tbody tr", has_text="A rude remark").count() == 0  # left the queue
    rude.refresh_from_db()
    assert rude.status == Comment.Status.HIDDEN
    page.goto(live_server.url + "/admin/community/moderationaction/")
    assert "\tmod\tHide\t" in page.locator("#result_list tbody tr").first.inner_text()
    page.goto(live_server.url + article.get_absolute_url())
    assert "A rude remark" not in page.content()
    # Script violations only: an inline style in the admin's base_site.html (crawl link) is blocked, cosmetically.
    assert not [m for m in console if "Content Security Policy" in m and "script" in m.split("directive")[-1][:20]], console
    page.close()
