"""Shared fixtures. Tests talk only to loopback servers they start themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SHARED_DATA = SHARED / "data"


def shared_data(name: str) -> Path:
    """Path of a ../shared/data set, or skip the test with the reason when it is absent."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"../shared/data/{name} is not beside this checkout (only the team's machines have it)")
    return path


@pytest.fixture(autouse=True)
def _fetch_settings(settings):
    """Fetch from loopback test servers, with quick backoff, and no cache carried between tests."""
    from django.core.cache import cache

    settings.FETCH = {**settings.FETCH, "allow_private": True, "backoff": 0.01, "timeout": 5.0}
    cache.clear()
    yield
    cache.clear()
