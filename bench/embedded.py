"""A fresh embedded-default Broadsheet for a bench run in this process: a new data dir, SQLite,
no Redis, loopback fetches allowed, migrated. Shared by bench/big_feed.py and bench/ingest.py."""

from __future__ import annotations

import os
import tempfile


def fresh_site(prefix: str) -> None:
    os.environ["BROADSHEET_DATA_DIR"] = tempfile.mkdtemp(prefix=prefix)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["BROADSHEET_FETCH_ALLOW_PRIVATE"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
