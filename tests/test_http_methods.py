"""A method a view does not declare gets 405 with an Allow header, not the CSRF "form expired" 403."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.site_urls import PAGES, example
from tests.web.factories import article

pytestmark = pytest.mark.django_db

UNDECLARED = ["PUT", "PATCH", "DELETE", "OPTIONS", "POST"]


@pytest.mark.parametrize("name", list(PAGES))
def test_an_undeclared_method_is_answered_405_even_with_csrf_checks_on(name):
    item = article()
    client = Client(enforce_csrf_checks=True)
    url = example(name, pk=item.pk, kind="article")
    declared = set(PAGES[name][3])
    for method in UNDECLARED:
        if method in declared:
            continue
        response = client.generic(method, url)
        assert response.status_code == 405, (method, url, response.status_code)
        assert set(response["Allow"].split(", ")) >= declared


def test_a_declared_post_still_needs_its_csrf_token(django_user_model):
    user = django_user_model.objects.create_user("alice", "alice@example.org", "a long enough password")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/community/account/").status_code == 200
    assert client.post("/community/account/", {"display_name": "Mallory"}).status_code == 403
    assert client.head("/api/articles").status_code == 200
