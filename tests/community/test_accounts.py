"""Sign-up with a verified e-mail, password reset, and deleting an account with everything personal."""

from __future__ import annotations

import io
import re

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from broadsheet.community import services
from broadsheet.community.models import Comment, ModerationAction, Report

from .conftest import PASSWORD


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_sign_up_needs_a_verified_email_before_logging_in(client, db):
    response = client.post("/accounts/signup/", {"email": "carol@example.org", "username": "carol",
                                                 "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["carol@example.org"]
    assert client.post("/accounts/login/", {"login": "carol", "password": PASSWORD}).status_code == 302
    assert "_auth_user_id" not in client.session  # still unverified: another mail, no session

    confirm = _link(mail.outbox[0])
    assert client.get(confirm).status_code == 200  # a GET only shows the button
    assert not EmailAddress.objects.get(email="carol@example.org").verified
    client.post(confirm)
    assert EmailAddress.objects.get(email="carol@example.org").verified
    assert client.post("/accounts/login/", {"login": "carol@example.org", "password": PASSWORD}).status_code == 302
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get(username="carol").pk)


def test_a_weak_password_is_refused_at_sign_up(client, db):
    client.post("/accounts/signup/", {"email": "dan@example.org", "username": "dan",
                                      "password1": "12345678", "password2": "12345678"})
    assert not get_user_model().objects.filter(username="dan").exists()


def test_password_reset_sends_a_link_that_sets_a_new_password(client, alice):
    client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
    response = client.get(_link(mail.outbox[0]), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else _link(mail.outbox[0])
    new = "a fresh pass phrase 42"
    client.post(form_url, {"password1": new, "password2": new})
    alice.refresh_from_db()
    assert alice.check_password(new)


def test_a_password_reset_for_an_unknown_address_mails_nobody_and_looks_the_same(client, alice):
    known = client.post("/accounts/password/reset/", {"email": "alice@example.org"}, follow=True)
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    unknown = client.post("/accounts/password/reset/", {"email": "stranger@example.net"}, follow=True)
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]  # nothing sent to the stranger
    # the page does not tell whether the address has an account
    assert unknown.status_code == known.status_code == 200
    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.content.decode().replace("stranger@example.net", "") == known.content.decode().replace("alice@example.org", "")


def test_the_public_profile_does_not_show_private_data(client, article, alice, bob, policy):
    services.post_comment(alice, article, "hello")
    client.force_login(bob)
    page = client.get("/community/u/alice/").content.decode()
    assert "alice@example.org" not in page
    account = client.get("/community/account/").content.decode()  # bob's own settings only
    assert "alice" not in account


def test_deleting_an_account_leaves_no_personal_data(client, article, alice, bob, mod, policy):
    mine = services.post_comment(alice, article, "My private opinion about the bridge")
    reply = services.post_comment(bob, article, "I disagree", parent=mine)
    services.report_comment(alice, reply, "spam", "alice's note")
    client.force_login(alice)
    client.post("/community/account/", {"display_name": "Alice Liddell", "bio": "Lives at 1 Rabbit Hole Lane"})
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": "alice", "password": "wrong"})  # leaves an axes record
    client.force_login(alice)

    assert client.post("/community/account/delete/", {"password": "not it"}).status_code == 200
    assert get_user_model().objects.filter(username="alice").exists()
    response = client.post("/community/account/delete/", {"password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" not in client.session

    assert not get_user_model().objects.filter(username="alice").exists()
    mine.refresh_from_db()
    assert (mine.author, mine.body, mine.status) == (None, "", Comment.Status.DELETED)
    assert Comment.objects.get(pk=reply.pk).body == "I disagree"
    assert not Report.objects.filter(note="alice's note").exists()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "[deleted]" in page and "I disagree" in page and "My private opinion" not in page

    dump = io.StringIO()
    from django.apps import apps

    skip = ["contenttypes", "auth.permission", "sessions"] + (["django_rq"] if apps.is_installed("django_rq") else [])
    call_command("dumpdata", exclude=skip, stdout=dump)  # (django_rq's model is a dashboard, no table)
    everything = dump.getvalue().lower()
    for trace in ["alice@example.org", "alice liddell", "rabbit hole", "my private opinion", "alice's note", '"alice"']:
        assert trace not in everything, trace


def test_a_moderators_name_leaves_the_audit_log_with_their_account(article, alice, mod, policy):
    services.hide(mod, services.post_comment(alice, article, "x"))
    services.delete_account(mod)
    assert list(ModerationAction.objects.values_list("actor_name", "kind")) == [("[deleted]", "hide")]


def test_changing_the_email_needs_the_new_address_verified(client, alice):
    client.force_login(alice)
    client.post("/accounts/email/", {"email": "alice@new.example.org", "action_add": ""})
    assert [m.to for m in mail.outbox] == [["alice@new.example.org"]]
    assert not EmailAddress.objects.get(email="alice@new.example.org").verified
    client.post(_link(mail.outbox[0]))
    assert EmailAddress.objects.get(email="alice@new.example.org").verified
    alice.refresh_from_db()
    assert alice.email == "alice@new.example.org"
    assert list(EmailAddress.objects.filter(user=alice).values_list("email", flat=True)) == ["alice@new.example.org"]


def test_changing_the_password_needs_the_old_one(client, alice):
    client.force_login(alice)
    new = "another long pass phrase 7"
    client.post("/accounts/password/change/", {"oldpassword": "wrong", "password1": new, "password2": new})
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    client.post("/accounts/password/change/", {"oldpassword": PASSWORD, "password1": new, "password2": new})
    alice.refresh_from_db()
    assert alice.check_password(new)


def test_logging_out_takes_a_post(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/logout/").status_code == 200  # a confirmation page, still signed in
    assert "_auth_user_id" in client.session
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_names_that_impersonate_the_site_are_refused_at_sign_up(client, db):
    client.post("/accounts/signup/", {"email": "m@example.org", "username": "Moderator",
                                      "password1": PASSWORD, "password2": PASSWORD})
    assert not get_user_model().objects.filter(email="m@example.org").exists()
