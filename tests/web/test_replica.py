"""A read replica for page views (lib/replica.py, DATABASE_REPLICA_URL).

The replica here is a second connection to the test database under the alias `replica`:
what the primary committed, read over another connection, as a streaming replica serves it.
Each test counts the statements each connection ran."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from broadsheet.lib.replica import PIN_COOKIE, REPLICA, ReplicaMiddleware, ReplicaRouter
from broadsheet.sources.models import Source
from tests.web.factories import article

pytestmark = pytest.mark.django_db(transaction=True)  # committed rows, seen by the second connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def replica(transactional_db, settings):
    """The `replica` alias, its router and middleware, as settings.py sets them up when
    DATABASE_REPLICA_URL is set; the page cache off so every view reads."""
    primary = connections["default"].settings_dict
    # Registered as a connection of this thread, not in DATABASES: Django's test case only
    # lets a test open the aliases it declared, or connections made on the fly like this one.
    connections[REPLICA] = load_backend(primary["ENGINE"]).DatabaseWrapper(dict(primary), REPLICA)
    settings.DATABASE_ROUTERS = ["broadsheet.lib.replica.ReplicaRouter"]
    settings.MIDDLEWARE = ["broadsheet.lib.replica.ReplicaMiddleware", *settings.MIDDLEWARE]
    settings.PAGE_CACHE_SECONDS = 0
    yield connections[REPLICA]
    connections[REPLICA].close()
    del connections[REPLICA]


class Statements:
    """The statements each connection ran inside the block."""

    def __enter__(self):
        self.primary = CaptureQueriesContext(connections["default"]).__enter__()
        self.replica = CaptureQueriesContext(connections[REPLICA]).__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)


@pytest.mark.parametrize("page", ["/", "/section/news/", "/article/{article}/", "/story/{story}/", "/api/articles",
                                  "/search/?q=parade", "/api/search?q=parade"])
def test_a_readers_page_reads_from_the_replica_only(client, replica, page):
    item = article("Parade held")
    page = page.format(article=item.pk, story=item.story_member.story_id)
    client.get(page)  # a new site's first view makes its settings row (a write: the primary)
    with Statements() as ran:
        response = client.get(page)
    assert response.status_code == 200
    assert len(ran.replica) > 0 and len(ran.primary) == 0, [q["sql"] for q in ran.primary]
    assert PIN_COOKIE not in response.cookies


def test_a_reader_who_writes_reads_from_the_primary_for_a_while(client, replica, settings):
    get_user_model().objects.create_user("alice", "alice@example.org", "a-long-password-1")
    article("Parade held")
    with Statements() as ran:
        response = client.post("/accounts/login/", {"login": "alice", "password": "a-long-password-1"})
    assert response.status_code == 302
    assert len(ran.primary) > 0  # the session and last_login written where they belong
    pin = response.cookies[PIN_COOKIE]
    assert pin["max-age"] == settings.REPLICA_PIN_SECONDS and pin["httponly"]
    with Statements() as ran:
        assert client.get("/").status_code == 200  # the client sends the pin back
    assert len(ran.primary) > 0 and len(ran.replica) == 0
    client.cookies.pop(PIN_COOKIE)  # expired
    with Statements() as ran:
        assert client.get("/").status_code == 200
    assert len(ran.replica) > 0 and len(ran.primary) == 0


def test_a_row_read_in_a_page_view_is_saved_on_the_primary(rf, replica):
    source = article("Parade held").source

    def view(request):
        row = Source.objects.get(pk=source.pk)  # read from the replica ...
        row.name = "Renamed"
        row.save(update_fields=["name"])  # ... written to the primary
        return row

    with Statements() as ran:
        ReplicaMiddleware(view)(rf.get("/"))
    assert any(q["sql"].startswith("SELECT") for q in ran.replica)
    assert any(q["sql"].startswith("UPDATE") for q in ran.primary)
    assert not any(q["sql"].startswith("UPDATE") for q in ran.replica)
    assert Source.objects.get(pk=source.pk).name == "Renamed"


def test_work_outside_a_page_view_reads_from_the_primary(replica):
    article("Parade held")
    with Statements() as ran:
        assert Source.objects.count() == 1  # a task worker, the scheduler, a command
    assert len(ran.primary) == 1 and len(ran.replica) == 0


def test_the_replica_is_never_migrated():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "articles") and not router.allow_migrate(REPLICA, "articles")


def test_a_replica_without_a_primary_url_is_refused_at_start(tmp_path):
    env = {**os.environ, "BROADSHEET_DATA_DIR": str(tmp_path), "DATABASE_URL": "",
           "DATABASE_REPLICA_URL": "postgres://replica.example/news", "DJANGO_SETTINGS_MODULE": "broadsheet.settings"}
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "DATABASE_REPLICA_URL needs DATABASE_URL" in done.stderr
