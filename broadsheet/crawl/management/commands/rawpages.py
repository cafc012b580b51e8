"""`broadsheet rawpages [--prune]`: how much the kept raw pages take; prune them to the limits."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand


def _limit(value: int, unit: str) -> str:
    return f"{value} {unit}" if value > 0 else "none"


class Command(BaseCommand):
    help = ("Show the raw pages kept for re-extraction; with --prune, delete those older than "
            "BROADSHEET_RAW_PAGES_MAX_DAYS, then the oldest until the rest fit in BROADSHEET_RAW_PAGES_MAX_MB.")

    def add_arguments(self, parser):
        parser.add_argument("--prune", action="store_true", help="prune to the age and size limits now")

    def handle(self, *args, **options):
        from broadsheet.crawl import rawpages

        if options["prune"]:
            self.stdout.write(rawpages.prune().line())
        s = rawpages.stats()
        oldest = s.oldest.strftime("%Y-%m-%d %H:%M") if s.oldest else "-"
        per_page = f", {s.stored / s.pages / 1000:.1f} KB a page" if s.pages else ""
        self.stdout.write(f"{s.pages} raw pages: {s.stored / 1e6:.1f} MB stored ({s.size / 1e6:.1f} MB uncompressed"
                          f"{per_page}), oldest fetched {oldest}")
        self.stdout.write(f"kept: {'yes' if settings.KEEP_RAW_PAGES else 'no (BROADSHEET_KEEP_RAW_PAGES is off)'}; "
                          f"limits: age {_limit(settings.RAW_PAGES_MAX_DAYS, 'days')}, "
                          f"size {_limit(settings.RAW_PAGES_MAX_MB, 'MB')}")
