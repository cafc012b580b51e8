"""`broadsheet search_merge`: merge the full-text index's segments now (SQLite; see search/merge.py).

The scheduler (`broadsheet run`) does this hourly within a budget; after a bulk import,
run it with a larger one: `broadsheet search_merge --seconds 600`.
"""

from django.core.management.base import BaseCommand

from broadsheet.search import merge


class Command(BaseCommand):
    help = "Merge the SQLite full-text index's segments, a few pages at a time, for at most --seconds."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=merge.SECONDS)
        parser.add_argument("--pages", type=int, default=merge.PAGES, help="pages written in one step")

    def handle(self, *args, seconds, pages, **opts):
        from django.db import connection

        steps = merge.merge(seconds=seconds, pages=pages)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                left = {table: merge.segments(cursor, table) for table in merge.TABLES}
            self.stdout.write(f"{steps} merge steps; segments now: "
                              + ", ".join(f"{table} {n}" for table, n in left.items()))
        else:
            self.stdout.write("nothing to merge: the full-text index is PostgreSQL's")
