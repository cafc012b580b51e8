"""Typed environment settings.

Every Broadsheet setting is declared once here with its default and a line of help;
`docs/settings.md` is generated from this table (see tests/test_conf.py, which fails
when the two drift apart). Reading a malformed value fails loudly at start-up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    parse: Callable[[str], object] = str


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"expected a boolean (1/0, true/false, yes/no), got {raw!r}")


def _int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"expected a whole number, got {raw!r}") from None


def _float(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"expected a number, got {raw!r}") from None


def _list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _web_server(raw: str) -> str:
    value = raw.strip().lower()
    if value not in {"granian", "gunicorn"}:
        raise ConfigError(f"expected granian or gunicorn, got {raw!r}")
    return value


def _language(raw: str) -> str:
    code = raw.strip().lower()
    if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha()):
        raise ConfigError(f"expected a language code such as en or sv, got {raw!r}")
    return code


def _embedder(raw: str) -> str:
    value = raw.strip().lower()
    if value not in {"numpy", "torch"}:
        raise ConfigError(f"expected numpy or torch, got {raw!r}")
    return value


def _languages(raw: str) -> list[str]:
    return [_language(part) for part in _list(raw)]


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting("BROADSHEET_DATA_DIR", "data", "Folder for the SQLite database and other local state."),
        Setting("DATABASE_URL", "", "Database URL (postgres://...). Empty: SQLite file in the data dir."),
        Setting("DATABASE_REPLICA_URL", "",
                "A read replica of DATABASE_URL (postgres://...) for page views: readers' GET and HEAD read there; "
                "writes, task workers and the scheduler use the primary. Empty: everything on DATABASE_URL."),
        Setting("BROADSHEET_REPLICA_PIN_SECONDS", "10",
                "After a reader writes (a comment, a vote, a sign-in), their pages read from the primary for this "
                "long, so they see what they did while the replica catches up.", _int),
        Setting("REDIS_URL", "", "Redis URL for cache and task queue. Empty: local memory cache, database queue."),
        Setting("BROADSHEET_DEBUG", "false", "Django debug mode (never in production).", _bool),
        Setting("BROADSHEET_SECRET_KEY", "", "Secret key. Empty: a key generated once and kept in the data dir."),
        Setting("BROADSHEET_ALLOWED_HOSTS", "127.0.0.1,localhost", "Comma-separated host names the site answers to.", _list),
        Setting("BROADSHEET_SITE_NAME", "Broadsheet", "Name shown in the masthead and titles."),
        Setting("BROADSHEET_LANGUAGE", "en", "The site's main language (ISO 639-1 code): its pages' `lang`, and the "
                "language the home page leads with; stories in other languages get a block of their own.", _language),
        Setting("BROADSHEET_LANGUAGES", "", "Comma-separated language codes the lists show (e.g. `en,sv`). "
                "Empty: every language. Readers can narrow it further with the language picker.", _languages),
        Setting("BROADSHEET_USER_AGENT", "Broadsheet/0.1 (+https://github.com/broadsheet; news aggregator)", "User-Agent sent with every fetch."),
        Setting("BROADSHEET_FETCH_TIMEOUT", "15", "Seconds before one HTTP request is abandoned.", _float),
        Setting("BROADSHEET_FETCH_DEADLINE", "0",
                "Wall-clock seconds one fetch may take in all: lookup, connect, redirects, body and retries "
                "(0: the same as BROADSHEET_FETCH_TIMEOUT).", _float),
        Setting("BROADSHEET_FETCH_MAX_BYTES", "10000000", "Largest response body read, in bytes; larger ones are refused.", _int),
        Setting("BROADSHEET_FETCH_MAX_REDIRECTS", "5", "Redirects followed before a fetch fails.", _int),
        Setting("BROADSHEET_FETCH_PER_HOST", "2", "Requests in flight at once to one host (per process).", _int),
        Setting("BROADSHEET_FETCH_HANG_AFTER", "2",
                "Seconds a feed poll may wait for its server before it counts as hanging: a host gets one "
                "hanging poll at a time, a second is cut and polled again after the host's other feeds, "
                "so its other slot keeps serving them.", _float),
        Setting("BROADSHEET_FETCH_RETRIES", "2", "Retries of a transient failure (timeout, 5xx, 429), with exponential backoff.", _int),
        Setting("BROADSHEET_FETCH_ALLOW_PRIVATE", "false", "Allow fetching loopback and private addresses (tests, local feeds).", _bool),
        Setting("BROADSHEET_POLL_MIN_MINUTES", "10", "Shortest interval between two polls of one feed.", _int),
        Setting("BROADSHEET_POLL_MAX_MINUTES", "360", "Longest interval between two polls of one feed (also the backoff cap).", _int),
        Setting("BROADSHEET_FEED_MAX_NEW_PER_POLL", "200",
                "New entries one poll of a feed stores, newest first; the rest wait for the next poll.", _int),
        Setting("BROADSHEET_FEED_MAX_PENDING_PER_SOURCE", "500",
                "Articles of one source waiting to be fetched; beyond it, new entries wait for a later poll.", _int),
        Setting("BROADSHEET_CRAWL_WORKERS", "8", "Fetches run in parallel by `crawl --once`, and feed polls by the scheduler of `broadsheet run` "
                "(threads; up to 8 times as many while some wait on hosts that hang).", _int),
        Setting("BROADSHEET_CRAWL_EXTRACT_PROCESSES", "0",
                "Processes that extract pages during `crawl --once` (0: one per core; 1: in the crawling threads).", _int),
        Setting("BROADSHEET_KEEP_RAW_PAGES", "true",
                "Keep each article's fetched page (Brotli-compressed, cut at the extraction cap, with its fetch time and "
                "headers) so `broadsheet reextract` can run a better extractor over stored articles.", _bool),
        Setting("BROADSHEET_RAW_PAGES_MAX_DAYS", "90",
                "Raw pages fetched longer ago than this are pruned (hourly by `broadsheet run`, or `broadsheet rawpages --prune`); 0: no age limit.", _int),
        Setting("BROADSHEET_RAW_PAGES_MAX_MB", "2000",
                "Raw pages kept in all, in MB as stored (compressed); beyond it the oldest are pruned first; 0: no size limit.", _int),
        Setting("BROADSHEET_LOAD_DEFAULT_SOURCES", "true", "Load the built-in list of public news sources on first run.", _bool),
        Setting("BROADSHEET_LLM_URL", "", "OpenAI-compatible endpoint for abstractive AI features. Empty: extractive only."),
        Setting("BROADSHEET_LLM_MODEL", "", "Model name sent to the LLM endpoint."),
        Setting("BROADSHEET_LLM_KEY", "", "API key for the LLM endpoint, if it needs one."),
        Setting("BROADSHEET_PORT", "8000", "Port of the web site started by `broadsheet run`.", _int),
        Setting("BROADSHEET_WEB_WORKERS", "2", "Web worker processes started by `broadsheet run`.", _int),
        Setting("BROADSHEET_WEB_SERVER", "granian",
                "Web server started by `broadsheet run`: granian (its WSGI interface; about 3x the cached pages of "
                "gunicorn per CPU second, docs/benchmarks.md) or gunicorn.", _web_server),
        Setting("BROADSHEET_WEB_THREADS", "4", "Threads per web worker that run Django (granian's blocking threads; gunicorn's gthread worker, which keeps client connections alive, 1: the sync worker).", _int),
        Setting("BROADSHEET_TASK_WORKERS", "2", "Task worker processes started by `broadsheet run`.", _int),
        Setting("BROADSHEET_TASK_DEADLINE", "120",
                "Seconds one task (a feed poll, a page fetch, an article's processing) may run before it is stopped and marked failed.", _float),
        Setting("BROADSHEET_PROCESS_WAIT", "5",
                "Seconds an article's processing task waits on the database queue after its fetch, so that one task "
                "processes the articles fetched meanwhile as a batch (one model call, each story summarised once) "
                "instead of one each (docs/benchmarks.md); 0: at once. RQ runs it at once.", _float),
        Setting("BROADSHEET_TASK_LEASE", "30",
                "Seconds without a heartbeat after which a task worker counts as dead and the task it held is queued again.", _float),
        Setting("BROADSHEET_EMBEDDER", "numpy",
                "What runs the sentence model in workers: `numpy` (no torch import: a task worker held ~500 MB after "
                "500 articles against ~740) or `torch` (the `ml` extra's torch: 1.6x less CPU a text, 1.2x less an "
                "article processed). The same vectors either way.",
                _embedder),
        # --- sections: the site's own head (enrich/site_head.py) ---
        Setting("BROADSHEET_SITE_HEAD_HOURS", "24",
                "Hours between trainings of the site's own section head on the articles its publishers label "
                "(0: never).", _float),
        Setting("BROADSHEET_SITE_HEAD_MIN_ARTICLES", "200",
                "Publisher-labelled articles needed before the site head is trained.", _int),
        Setting("BROADSHEET_SITE_HEAD_MIN_SECTIONS", "2", "Sections those articles must span.", _int),
        Setting("BROADSHEET_SITE_HEAD_MAX_ARTICLES", "2000",
                "Newest labelled articles one training reads (bounds its time and memory).", _int),
        Setting("BROADSHEET_SITE_HEAD_WEIGHT", "2.0",
                "Weight of the site head's log-probabilities added to the shipped head's for articles without a "
                "publisher section (0: shipped head alone).", _float),
        # --- security, accounts, comments (community app) ---
        Setting("BROADSHEET_PRODUCTION", "false", "Serve over HTTPS only: secure cookies, HSTS, http→https redirect. Turn on behind TLS.", _bool),
        Setting("BROADSHEET_HSTS_SECONDS", "31536000", "HSTS max-age sent in production (with includeSubDomains and preload).", _int),
        Setting("BROADSHEET_BEHIND_PROXY", "false", "Trust X-Forwarded-Proto and the last X-Forwarded-For hop from one reverse proxy (only if it overwrites them).", _bool),
        Setting("BROADSHEET_EMAIL_HOST", "", "SMTP server for account e-mail. Empty: e-mails are printed to the console."),
        Setting("BROADSHEET_EMAIL_PORT", "587", "SMTP port.", _int),
        Setting("BROADSHEET_EMAIL_USER", "", "SMTP user name."),
        Setting("BROADSHEET_EMAIL_PASSWORD", "", "SMTP password."),
        Setting("BROADSHEET_EMAIL_TLS", "true", "Use STARTTLS with the SMTP server.", _bool),
        Setting("BROADSHEET_EMAIL_FROM", "Broadsheet <noreply@localhost>", "Sender of account e-mail (verification, password reset)."),
        Setting("BROADSHEET_COMMENT_RATE_USER", "5/m", "Comments (and reports) one account may post, per s/m/h/d (django-ratelimit syntax)."),
        Setting("BROADSHEET_COMMENT_RATE_IP", "20/m", "Comments (and reports) one IP address may post, per s/m/h/d."),
        Setting("BROADSHEET_PAGE_CACHE_SECONDS", "60",
                "Seconds an anonymous reader's page is kept whole in the cache and by proxies "
                "(Cache-Control max-age); 0 turns page caching off. A new story or comment refreshes it sooner.", _int),
        Setting("BROADSHEET_PANEL_RATE", "120/m", "Requests for AI-panel fragments one IP address may make, per s/m/h/d (a page polls its panel every 3 s while it is prepared)."),
        Setting("BROADSHEET_LOGIN_FAILURES", "5", "Failed log-ins (per account and IP; an account's e-mail counts as the account) before the pair is locked out.", _int),
        Setting("BROADSHEET_LOGIN_COOLOFF_MINUTES", "15", "How long a log-in lockout lasts.", _int),
    ]
}


def env(name: str):
    """The typed value of a declared setting, from the environment or its default."""
    setting = SETTINGS[name]
    raw = os.environ.get(name, setting.default)
    try:
        return setting.parse(raw)
    except ConfigError as exc:
        raise ConfigError(f"{name}: {exc}") from None


def data_dir() -> Path:
    path = Path(env("BROADSHEET_DATA_DIR")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_markdown() -> str:
    lines = ["# Settings", "", "Set by environment variable; the default applies when unset.", "",
             "| name | default | what it does |", "|---|---|---|"]
    for s in SETTINGS.values():
        lines.append(f"| `{s.name}` | `{s.default}` | {s.help} |")
    return "\n".join(lines) + "\n"
