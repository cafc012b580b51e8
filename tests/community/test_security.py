"""Site-wide security: CSRF, headers, cookies, CSP, log-in lockout, production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client

from broadsheet.community.models import Comment, profile_of

from .conftest import PASSWORD

REPO = Path(__file__).resolve().parents[2]


def test_posting_without_a_csrf_token_is_rejected(article, alice, policy):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(f"/community/article/{article.pk}/comment/", {"body": "forged"})
    assert response.status_code == 403 and not Comment.objects.exists()


def test_every_form_refuses_a_forged_post(article, alice, bob, policy):
    from broadsheet.community import services

    theirs = services.post_comment(bob, article, "bob")
    mine = services.post_comment(alice, article, "alice")
    client = Client(enforce_csrf_checks=True)
    anonymous = {"/accounts/login/": {"login": "alice", "password": PASSWORD},
                 "/accounts/signup/": {"email": "x@example.org", "username": "x", "password1": PASSWORD, "password2": PASSWORD},
                 "/accounts/password/reset/": {"email": "alice@example.org"},
                 "/admin/login/": {"username": "alice", "password": PASSWORD}}
    for url, data in anonymous.items():
        assert client.post(url, data).status_code == 403, url
    client.force_login(alice)
    signed_in = {f"/community/comment/{mine.pk}/edit/": {"body": "changed"},
                 f"/community/comment/{mine.pk}/delete/": {},
                 f"/community/comment/{theirs.pk}/report/": {"reason": "spam"},
                 "/community/account/": {"display_name": "Mallory"},
                 "/community/account/delete/": {"password": PASSWORD},
                 "/accounts/logout/": {},
                 "/accounts/email/": {"email": "new@example.org", "action_add": ""},
                 "/accounts/password/change/": {"oldpassword": PASSWORD, "password1": "n3w pass phrase!", "password2": "n3w pass phrase!"}}
    for url, data in signed_in.items():
        assert client.post(url, data).status_code == 403, url
    mine.refresh_from_db()
    assert mine.body == "alice" and profile_of(alice).display_name == ""


def test_a_page_carries_strict_security_headers(client, article):
    response = client.get(article.get_absolute_url())
    csp = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'" and csp["default-src"] == "'self'"
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'" and csp["base-uri"] == "'none'"
    assert "https:" in csp["img-src"] and "http:" in csp["img-src"] and csp["connect-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "X-Content-Type-Options",
                    "Cross-Origin-Opener-Policy")


@pytest.mark.parametrize("path", ["/static/web/site.js", "/static/community/community.css"])
def test_a_static_file_carries_the_same_security_headers_as_a_page(client, article, path):
    """whitenoise answers static files itself; an SVG or HTML file opened directly is a document too."""
    static = client.get(path)
    page = client.get(article.get_absolute_url())
    assert static.status_code == 200 and type(static).__name__ == "WhiteNoiseFileResponse"
    assert b"".join(static.streaming_content)  # the real file, served
    for header in SECURITY_HEADERS:
        assert static.get(header) == page[header], header


def test_no_page_has_inline_script_or_style(client, article, alice, policy):
    import lxml.html

    client.force_login(alice)
    for url in [article.get_absolute_url(), "/community/account/", "/community/u/alice/", "/accounts/email/"]:
        doc = lxml.html.fromstring(client.get(url).content)
        assert [s for s in doc.xpath("//script") if not s.get("src") and not _data_block(s)] == [], url
        assert doc.xpath("//style | //*[@style] | //*[@onclick] | //*[@onload]") == [], url


def test_session_and_csrf_cookies_are_http_only(client, alice):
    client.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert client.cookies["sessionid"]["httponly"]
    client.get("/accounts/login/")
    assert client.cookies["csrftoken"]["httponly"]


def _fail(client, n, name="alice"):
    return [client.post("/accounts/login/", {"login": name, "password": "wrong password"}).status_code for _ in range(n)]


def test_repeated_failed_log_ins_lock_out_then_recover_after_the_cool_off(client, alice, settings):
    limit = settings.AXES_FAILURE_LIMIT
    codes = _fail(client, limit - 1)
    last = client.post("/accounts/login/", {"login": "alice", "password": "wrong password"})
    assert codes == [200] * (limit - 1) and last.status_code == 429
    assert "Too many failed log-ins" in last.content.decode()
    # locked: even the right password is refused (by axes; allauth's own counter lives in the cache)
    cache.clear()
    assert client.post("/accounts/login/", {"login": "alice", "password": PASSWORD}).status_code == 429
    assert "_auth_user_id" not in client.session
    # the cool-off passes (django-axes compares attempt times with now; allauth's own counter is in the cache)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    cache.clear()
    response = client.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(alice.pk)


def test_a_lockout_is_per_user_name_and_address(client, alice, bob, settings):
    """Axes locks the (name, address) pair; allauth adds 5 failures / 5 minutes per name from anywhere."""
    _fail(client, settings.AXES_FAILURE_LIMIT, "alice")
    assert client.post("/accounts/login/", {"login": "bob", "password": PASSWORD}).status_code == 302
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert other.post("/accounts/login/", {"login": "alice", "password": PASSWORD}).status_code == 200  # allauth
    cache.clear()  # allauth's five minutes pass, axes' cool-off does not
    assert other.post("/accounts/login/", {"login": "alice", "password": PASSWORD}).status_code == 302
    assert Client().post("/accounts/login/", {"login": "alice", "password": PASSWORD}).status_code == 429


@pytest.mark.parametrize("guessed, then", [("alice", "Alice@Example.org"), ("alice@example.org", "ALICE")])
def test_a_lockout_covers_the_account_whichever_name_was_typed(client, alice, settings, guessed, then):
    codes = _fail(client, settings.AXES_FAILURE_LIMIT, guessed)
    assert codes[-1] == 429
    cache.clear()  # allauth's own per-name counter passes; axes' lockout does not
    assert client.post("/accounts/login/", {"login": then, "password": PASSWORD}).status_code == 429
    assert "_auth_user_id" not in client.session


def test_guesses_split_between_name_and_email_share_one_count(client, alice, settings):
    limit = settings.AXES_FAILURE_LIMIT
    codes = [_fail(client, 1, "alice" if i % 2 else "alice@example.org")[0] for i in range(limit)]
    assert codes == [200] * (limit - 1) + [429]


def test_logging_in_by_email_clears_the_failures_counted_under_the_name(client, alice, bob, settings):
    limit = settings.AXES_FAILURE_LIMIT
    assert _fail(client, limit - 1, "alice") == [200] * (limit - 1)
    assert client.post("/accounts/login/", {"login": "alice@example.org", "password": PASSWORD}).status_code == 302
    client.logout()
    cache.clear()
    assert _fail(client, limit - 1, "alice") == [200] * (limit - 1)  # the count started again
    # an address nobody has is counted as typed and locks no one else
    assert _fail(client, limit, "nobody@example.org")[-1] == 429
    assert client.post("/accounts/login/", {"login": "bob@example.org", "password": PASSWORD}).status_code == 302


def test_the_admin_log_in_is_locked_out_too(client, mod, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/admin/login/", {"username": "mod", "password": "nope"})
    assert response.status_code == 429


def _check_deploy(extra: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    # a clean environment: none of ours, and not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BROADSHEET_", "DJANGO_ALLOW_ASYNC"))}
    env.update({"BROADSHEET_DATA_DIR": str(tmp_path), "BROADSHEET_ALLOWED_HOSTS": "news.example.org",
                "BROADSHEET_SECRET_KEY": "k" * 10 + "x7Gq2-Lm9!pZr4@Vt6#Yw8$Bn1%Hc3^Jd5&Fs0*Ku" + "a" * 10, **extra})
    return subprocess.run([sys.executable, "-m", "broadsheet.cli", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _check_deploy({"BROADSHEET_PRODUCTION": "true"}, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_production_settings(tmp_path):
    result = _check_deploy({}, tmp_path)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in output


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_the_embedded_default_serves_plain_http(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response


def _data_block(script) -> bool:
    """A JSON-LD block (an article's NewsArticle) is data that browsers never run, so CSP does
    not gate it; its text is escaped as json_script's is (tests/web/test_meta.py)."""
    return script.get("type") == "application/ld+json"
