"""The baseline of bench/serve.py: a bare Django 5.2 page of the same size as the page it is
compared with (BARE_PAGE_BYTES), made from one indexed query (the 30 newest articles) on the
same database, through Django's template engine, with no middleware.

    gunicorn bench.bare_site:application   (BROADSHEET_DATA_DIR or DATABASE_URL as for the site)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.conf import settings

if not settings.configured:
    url = os.environ.get("DATABASE_URL")
    # Connections kept 60 s, as the site keeps them (settings.py): a like-for-like baseline
    # does not pay a connection per request that the site no longer pays.
    database = (dj_database_url.parse(url, conn_max_age=60) if url else
                {"ENGINE": "django.db.backends.sqlite3", "NAME": Path(os.environ["BROADSHEET_DATA_DIR"]) / "broadsheet.sqlite3",
                 "CONN_MAX_AGE": 60, "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"}})
    settings.configure(
        DEBUG=False, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__, SECRET_KEY="bench", MIDDLEWARE=[], USE_TZ=True,
        DATABASES={"default": database},
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
    )

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import Context, Engine  # noqa: E402
from django.urls import path  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

TEMPLATE = Engine.get_default().from_string(
    "<!doctype html><html><head><title>Bare</title></head><body><ul>"
    "{% for id, title, published in rows %}<li><a href=\"/article/{{ id }}/\">{{ title }}</a> "
    "<time>{{ published }}</time></li>{% endfor %}</ul><p>{{ padding }}</p></body></html>")
BYTES = int(os.environ.get("BARE_PAGE_BYTES", "20000"))


def page(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, title, published FROM articles_article WHERE status = 'ok' "
                       "ORDER BY published DESC LIMIT 30")
        rows = cursor.fetchall()
    html = TEMPLATE.render(Context({"rows": rows, "padding": ""}))
    html = TEMPLATE.render(Context({"rows": rows, "padding": "x" * max(0, BYTES - len(html))}))
    return HttpResponse(html)


urlpatterns = [path("", page)]
application = get_wsgi_application()
