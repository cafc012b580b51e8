import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from broadsheet.crawl.runner import crawl_once


class Command(BaseCommand):
    help = "Poll every due feed once, fetch and store new articles, print a summary, exit."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit (the only mode; `broadsheet run` polls on schedule)")
        parser.add_argument("--all", action="store_true", help="poll every active feed, due or not")
        parser.add_argument("--no-process", action="store_true",
                            help="store articles only; leave enrichment (embed, stories, sections...) to the task worker")

    def handle(self, *args, **options):
        def progress(total, desc):
            return tqdm(total=total, desc=desc, unit=" " + desc, file=sys.stderr, disable=None)

        summary = crawl_once(all_feeds=options["all"], process=not options["no_process"], progress=progress)
        for line in summary.lines():
            self.stdout.write(line)
