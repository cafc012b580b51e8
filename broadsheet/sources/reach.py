"""Whether any source can be reached at all: the first run of a machine without a network."""

from __future__ import annotations

from broadsheet.sources.models import Feed

# Failures that say the network, not the publisher, is the problem.
UNREACHABLE = ("dns", "connection", "timeout")


def last_unreachable() -> Feed | None:
    """The feed that failed last when every active feed is failing to be reached; None otherwise
    (no feeds yet, one still untried, or one that answered, even with an error)."""
    active = Feed.objects.filter(active=True)
    if active.exclude(consecutive_failures__gt=0, last_error_kind__in=UNREACHABLE).exists():
        return None
    return active.select_related("source").order_by("-last_fetch_at", "-pk").first()
