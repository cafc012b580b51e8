"""`broadsheet reextract [--source S] [--since DATE] [--dry-run] [-v]`: run the extractor again
over the stored raw pages; enrich again what changed; say what changed (crawl/reextract.py)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

USAGE_ERROR = 2  # as argparse exits on a malformed argument


def since_value(raw: str) -> datetime:
    """YYYY-MM-DD (from the start of that day, in the site's time zone) or an ISO date and time."""
    try:
        moment = parse_datetime(raw)
        day = None if moment else parse_date(raw)
    except ValueError:  # well-formed but impossible, such as 2026-02-30
        moment = day = None
    if day is not None:
        moment = datetime.combine(day, time.min)
    if moment is None:
        raise argparse.ArgumentTypeError(f"not a date: {raw!r} (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM)")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def find_source(raw: str):
    """A source by its id or its name (any case). CommandError when none or several match."""
    from broadsheet.sources.models import Source

    found = list(Source.objects.filter(pk=int(raw)) if raw.isdigit() else Source.objects.filter(name__iexact=raw.strip()))
    if not found:
        raise CommandError(f"no source {raw!r}: give a source's name or id (see `broadsheet sources list`)",
                           returncode=USAGE_ERROR)
    if len(found) > 1:
        ids = ", ".join(str(s.pk) for s in found)
        raise CommandError(f"{len(found)} sources are named {raw!r} (ids {ids}): give one id", returncode=USAGE_ERROR)
    return found[0]


class Command(BaseCommand):
    help = ("Run the extractor again over the stored raw pages of articles; update and enrich again "
            "(sections, tags, summaries, embeddings, story) the articles whose extraction changed; report what changed.")

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # `-v` alone lists every article (Django's -v needs a level; -v 2 works as well).
        for action in parser._actions:
            if "--verbosity" in action.option_strings:
                action.nargs, action.const = "?", 2
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--source", help="only this source (its name or id)")
        parser.add_argument("--since", type=since_value, metavar="DATE",
                            help="only articles fetched from DATE on (YYYY-MM-DD or an ISO date and time)")
        parser.add_argument("--dry-run", action="store_true", help="extract and report, write nothing")

    def handle(self, *args, **options):
        from tqdm import tqdm

        from broadsheet.crawl.reextract import reextract, select

        source = find_source(options["source"]) if options["source"] else None
        ids = select(source_id=source.pk if source else None, since=options["since"])

        def progress(total, desc):
            return tqdm(total=total, desc=desc, unit=" " + desc, file=sys.stderr, disable=None)

        report = reextract(ids, dry_run=options["dry_run"], progress=progress)
        for line in report.lines(verbose=options["verbosity"] >= 2):
            self.stdout.write(line)
