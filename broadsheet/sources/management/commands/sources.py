from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil

from broadsheet.sources.models import Feed
from broadsheet.sources.opml import OPMLError, read_opml, write_opml
from broadsheet.sources.services import SourceError, add_feed, add_source, load_default_sources


class Command(BaseCommand):
    help = "Manage sources: add, import, export, list, defaults."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add a feed, or a site whose feed is discovered from <link rel=alternate>")
        add.add_argument("url")
        add.add_argument("--section", default="", help="file this feed's articles under this section")
        add.add_argument("--name", default="", help="publisher name (default: the feed's title)")
        add.add_argument("--country", default="", help="publisher country, ISO code such as GB")
        imp = sub.add_parser("import", help="import feeds from an OPML file")
        imp.add_argument("file")
        sub.add_parser("export", help="write every feed as OPML to standard output")
        sub.add_parser("list", help="every feed with its health and next poll")
        sub.add_parser("defaults", help="add the built-in list of public news sources")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def do_add(self, url, section, name, country, **_):
        try:
            feed = add_source(url, section=section, name=name, country=country)
        except SourceError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"added {feed.url} ({feed.source.name}{', ' + feed.section if feed.section else ''})")

    def do_import(self, file, **_):
        try:
            outlines = read_opml(Path(file).read_bytes())
        except (OSError, OPMLError) as exc:
            raise CommandError(f"{file}: {exc}") from None
        added = 0
        for item in outlines:
            before = Feed.objects.filter(url=item.url).exists()
            feed = add_feed(item.url, section=item.section, name=item.title, homepage=item.homepage)
            if item.title and not feed.title:
                Feed.objects.filter(pk=feed.pk).update(title=item.title)
            added += not before
        self.stdout.write(f"{len(outlines)} feeds in {file}: {added} added, {len(outlines) - added} already present")

    def do_export(self, **_):
        self.stdout.write(write_opml(Feed.objects.select_related("source")), ending="")

    def do_defaults(self, **_):
        self.stdout.write(f"{load_default_sources()} feeds added")

    def do_list(self, **_):
        now = timezone.now()
        rows = [("feed", "section", "health", "last fetch", "next poll", "articles", "last error or warning")]
        for feed in Feed.objects.select_related("source"):
            health = feed.health
            if health == "failing":
                health = f"failing x{feed.consecutive_failures}"
            last = f"{timesince(feed.last_fetch_at, now)} ago" if feed.last_fetch_at else "never"
            nxt = "due" if feed.next_check_at <= now else f"in {timeuntil(feed.next_check_at, now)}"
            note = feed.last_error if feed.health == "failing" else (feed.last_warning or feed.last_error)
            rows.append((f"{feed.source.name}: {feed.url}", feed.section, health, last, nxt, str(feed.articles_added),
                         note[:80]))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
        for row in rows:
            self.stdout.write("  ".join(c.ljust(w) for c, w in zip(row, widths)) + "  " + row[-1])
