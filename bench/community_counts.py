"""Cost of comment counts on a page of 30 article cards.

Baseline (same run): the 30 card titles with their links, no counts. Then the counts with a
warm cache, a cold cache (one COUNT per card), and a cold cache primed by
`{% prime_comment_counts %}` (one grouped query). Uses a throw-away SQLite data dir.

    .venv/bin/python bench/community_counts.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["BROADSHEET_DATA_DIR"] = tempfile.mkdtemp(prefix="bs-bench-")
for name in ("DATABASE_URL", "REDIS_URL"):
    os.environ.pop(name, None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.template import Context, Template  # noqa: E402

CARDS, PER_CARD, ROUNDS = 30, 5, 50
CARD = '<h3><a href="{{ a.get_absolute_url }}">{{ a.title }}</a></h3>'


def best_ms(template: Template, context: Context, clear: bool) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        if clear:
            cache.clear()
        start = time.perf_counter()
        template.render(context)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> None:
    call_command("migrate", verbosity=0)
    from broadsheet.articles.models import Article
    from broadsheet.community import services
    from broadsheet.community.models import CommunitySettings
    from broadsheet.sources.models import Source

    policy = CommunitySettings.current()
    policy.premoderate_first = 0
    policy.save()
    source = Source.objects.create(name="Bench", homepage="https://bench.example/")
    articles = [Article.objects.create(source=source, url=f"https://bench.example/{i}", status="ok", title=f"Title {i}")
                for i in range(CARDS)]
    reader = get_user_model().objects.create_user("reader", "reader@example.org", "x")
    for article in articles:
        for j in range(PER_CARD):
            services.post_comment(reader, article, f"comment {article.pk}-{j}")

    context = Context({"arts": articles})
    base = Template("{% for a in arts %}" + CARD + "{% endfor %}")
    counted = Template("{% load community %}{% for a in arts %}" + CARD + "{% comment_count_link a %}{% endfor %}")
    primed = Template("{% load community %}{% prime_comment_counts arts %}{% for a in arts %}" + CARD
                      + "{% comment_count_link a %}{% endfor %}")
    b = best_ms(base, context, clear=False)
    figures = {
        "warm cache": best_ms(counted, context, clear=False),
        "cold cache, one COUNT per card": best_ms(counted, context, clear=True),
        "cold cache, primed (one grouped query)": best_ms(primed, context, clear=True),
    }
    print(f"baseline: {CARDS} cards without counts: {b:.2f} ms (best of {ROUNDS})")
    for name, ms in figures.items():
        print(f"{name}: {ms:.2f} ms = {ms / b:.1f}x baseline (+{ms - b:.2f} ms, +{(ms - b) * 1000 / CARDS:.0f} us a card)")


if __name__ == "__main__":
    main()
