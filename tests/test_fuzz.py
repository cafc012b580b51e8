"""schemathesis over /api/openapi.json and over every public URL pattern: no 5xx.

In process: schemathesis calls the Django WSGI application directly (its WSGI
transport), in the test's thread, so it sees the test database pytest-django set up.
Bounded: 15 to 40 examples per operation and mode, a few seconds in all (derandomized, so
a failure found once is found on every run).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import get_resolver
from django.urls.resolvers import URLPattern, URLResolver
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import positive_data_acceptance

from broadsheet.api.forms import ArticlesQuery
from tests.site_urls import OUR_NAMESPACES, PAGES
from tests.web.factories import article

pytestmark = pytest.mark.django_db
BOUNDED = dict(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler, minus what would close the test's connection after each request
    (what django.test.Client does too), over a site with one of everything."""
    from broadsheet.stories.models import Member, Story
    from broadsheet.wsgi import application

    item = article()
    story = Story.objects.create(headline=item.title, article_count=1, source_count=1)
    Member.objects.create(article=item, story=story, published=item.published, source_id=item.source_id)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)


def site_document() -> dict:
    """An OpenAPI description of the site's pages, from the hand-written list in site_urls."""
    paths: dict = {}
    for name, (path, params, query, methods) in PAGES.items():
        if name.startswith("api:"):
            continue
        parameters = ([{"name": p, "in": "path", "required": True, "schema": s} for p, s in params.items()]
                      + [{"name": p, "in": "query", "required": False, "schema": s} for p, s in query.items()])
        for method in methods:
            paths.setdefault(path, {})[method.lower()] = {"parameters": parameters, "responses": {"default": {"description": "any"}}}
    return {"openapi": "3.1.0", "info": {"title": "Broadsheet pages", "version": "1"},
            "servers": [{"url": "http://localhost"}], "paths": paths}


@pytest.fixture
def site_schema(wsgi_app):
    schema = schemathesis.openapi.from_dict(site_document())
    schema.app = wsgi_app
    return schema


def _fuzz(schema, examples: int, **validate) -> int:
    """Each operation's generated cases through the app (schemathesis strategies driven by
    Hypothesis here: schemathesis' own pytest loader reads a Function._nodeid pytest 9 no
    longer has). Returns how many requests were sent."""
    sent = []
    for result in schema.get_all_operations():
        operation = result.ok()
        # Values the schema allows, then (where there are parameters) values it forbids.
        for mode in GenerationMode if any(operation.iter_parameters()) else [GenerationMode.POSITIVE]:

            @settings(max_examples=examples, **BOUNDED)
            @given(case=operation.as_strategy(mode))
            def run(case):
                sent.append(case.call_and_validate(**validate).status_code)

            try:
                run()
            except Unsatisfiable:
                # Every value of every parameter is allowed (a free string in the path), so
                # there is nothing to forbid: the positive run covered the operation.
                assert mode is GenerationMode.NEGATIVE, operation.label
    return len(sent)


def test_the_api_answers_whatever_it_is_sent_without_a_server_error(api_schema):
    # Every check but "schema-valid data is accepted": JSON Schema counts 10.0 and 1e+18 as
    # integers, and the API reads ids and limits as plain digits only (a deliberate 400).
    assert _fuzz(api_schema, 40, excluded_checks=[positive_data_acceptance]) > 50


def test_every_page_answers_whatever_it_is_sent_without_a_server_error(site_schema):
    assert _fuzz(site_schema, 15, checks=[not_a_server_error]) > 200


def _named_patterns(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _named_patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name and namespace in OUR_NAMESPACES:
            yield f"{namespace}:{entry.name}"


def test_the_fuzzed_list_names_every_url_pattern_of_our_apps():
    assert set(_named_patterns()) == set(PAGES)


def test_the_openapi_document_declares_every_parameter_with_its_type(client):
    doc = client.get("/api/openapi.json").json()
    declared = {p["name"]: p["schema"] for p in doc["paths"]["/articles"]["get"]["parameters"]}
    assert set(declared) == set(ArticlesQuery.base_fields)
    assert set(declared) == set(PAGES["api:articles"][2])
    for name, schema in declared.items():
        assert schema["type"] == PAGES["api:articles"][2][name]["type"], name
    for operation in (op for item in doc["paths"].values() for op in item.values()):
        assert all("type" in p["schema"] for p in operation.get("parameters", []))
