"""The client address used by the rate limits and the lockout cannot be chosen by the client."""

from django.test import RequestFactory

from broadsheet.community.net import client_ip, login_name


def test_a_forwarded_for_header_is_ignored_unless_behind_a_proxy(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "10.0.0.1"


def test_behind_a_proxy_only_the_hop_it_appended_counts(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.5"


def test_an_unknown_log_in_name_is_counted_as_typed_case_folded(db):
    request = RequestFactory().post("/", {"login": " Alice@Example.org "})
    assert login_name(request, {"email": "Alice@Example.org"}) == "alice@example.org"
    assert login_name(request, {"username": "ALICE"}) == "alice"
    assert login_name(request, None) == "alice@example.org"


def test_an_accounts_email_counts_as_its_user_name(alice):
    request = RequestFactory().post("/", {"login": " Alice@Example.ORG "})
    assert login_name(request, {"email": "Alice@Example.ORG", "username": "Alice@Example.ORG"}) == "alice"
    assert login_name(request, None) == "alice"
    assert login_name(request, {"username": "Alice"}) == "alice"


def test_a_csrf_failure_gets_the_sites_own_page(article, alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "alice", "password": "x"})
    assert response.status_code == 403 and "This form has expired" in response.content.decode()
    assert "<style" not in response.content.decode()
