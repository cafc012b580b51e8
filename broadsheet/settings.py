"""Django settings: one module, configured from the environment (see broadsheet/conf.py)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from broadsheet.conf import ConfigError, data_dir, env

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()


def _secret_key() -> str:
    key = env("BROADSHEET_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env("BROADSHEET_DEBUG")
ALLOWED_HOSTS = env("BROADSHEET_ALLOWED_HOSTS")
SITE_NAME = env("BROADSHEET_SITE_NAME")
SITE_LANGUAGE = env("BROADSHEET_LANGUAGE")  # web/languages.py
SITE_LANGUAGES = env("BROADSHEET_LANGUAGES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_tasks",
    "django_tasks_db",
    "broadsheet.sources",
    "broadsheet.articles",
    "broadsheet.crawl",
    "broadsheet.extract",
    "broadsheet.enrich",
    "broadsheet.stories",
    "broadsheet.search",
    "broadsheet.web",
    "broadsheet.api",
    "broadsheet.community",
    # accounts and site security (community app; after it so its templates override allauth's)
    "allauth",
    "allauth.account",
    "axes",
    "csp",
    "django_ratelimit",
]

MIDDLEWARE = [
    # Cached anonymous pages, with the headers the stack below gave them (web/pagecache.py).
    "broadsheet.web.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Above whitenoise, which answers static files without calling what is below it: so a
    # static file gets the same CSP and X-Frame-Options as a page (both only add a header).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "broadsheet.urls"
WSGI_APPLICATION = "broadsheet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],  # project-wide overrides (admin/base_site.html)
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "broadsheet.web.context.site",
            ],
        },
    },
]

# --- database: SQLite in the data dir unless DATABASE_URL says otherwise ---------------
if env("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL"), conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            # Django's SQLite backend with writers taking turns on a flock, not in SQLite's
            # sleeping busy handler (lib/sqlite/base.py).
            "ENGINE": "broadsheet.lib.sqlite",
            "NAME": DATA_DIR / "broadsheet.sqlite3",
            # Each server thread keeps its connection across requests, as on PostgreSQL: a new
            # one per request (Django's default) parsed the schema again and began with an
            # empty page cache, CPU that the bare page did not pay in process (docs/benchmarks.md).
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                # Several processes (web, worker, crawler) share the file: WAL lets readers
                # run beside one writer, IMMEDIATE avoids lock upgrades that fail at once.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Tests crawl from several threads: a file (not shared-cache memory) gives them
            # the same locking as production; one per process, so two runs never collide.
            "TEST": {"NAME": DATA_DIR / f"test-{os.getpid()}.sqlite3"},
        }
    }
# A read replica for page views (lib/replica.py): readers' GET and HEAD read there; writes,
# workers and a reader who has just written use the primary. Tests mirror it on default.
if env("DATABASE_REPLICA_URL"):
    if not env("DATABASE_URL"):
        raise ConfigError("DATABASE_REPLICA_URL needs DATABASE_URL: a read replica follows a PostgreSQL primary, not the embedded SQLite file")
    DATABASES["replica"] = dj_database_url.parse(env("DATABASE_REPLICA_URL"), conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["broadsheet.lib.replica.ReplicaRouter"]
    MIDDLEWARE.insert(0, "broadsheet.lib.replica.ReplicaMiddleware")
REPLICA_PIN_SECONDS = env("BROADSHEET_REPLICA_PIN_SECONDS")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and tasks: local by default, Redis at scale -------------------------------
if env("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}}
    # "process" (an article's processing) is listened to before "default" (fetches and the
    # rest), so stored pages reach the site while thousands of fetches wait (crawl/tasks.py).
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["process", "default"]}}
    # No RQ job timeout: each task arms its own deadline (crawl/tasks.py), and RQ's alarm
    # would replace it; `broadsheet worker` runs RQ's SimpleWorker without one.
    RQ_QUEUES = {name: {"URL": env("REDIS_URL"), "DEFAULT_TIMEOUT": -1} for name in ("process", "default")}
    INSTALLED_APPS += ["django_rq"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["process", "default"]}}

# --- i18n, static ---------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise expects it even when serving from the apps
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve app static files without a collectstatic step

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # The root logger has our handler, at WARNING: other libraries say only what matters, and a
    # library's own logging.basicConfig(level=INFO) on import (WordLlama's) does nothing, so a
    # worker does not print every library's INFO lines for each task.
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "broadsheet": {"level": "INFO"},  # printed by the root's handler, once
        # Every 500 with its traceback, DEBUG or not: Django's default sends these only to
        # mail_admins when DEBUG is off (nobody, without ADMINS), and gunicorn never sees them.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# --- security, accounts, comments (community app, issue 4) ----------------------------------
# Embedded default: plain http on 127.0.0.1 works. BROADSHEET_PRODUCTION=true turns on
# HTTPS-only cookies, HSTS and the http→https redirect, so `broadsheet check --deploy` is clean.
PRODUCTION = env("BROADSHEET_PRODUCTION")
BEHIND_PROXY = env("BROADSHEET_BEHIND_PROXY")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = PRODUCTION
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
# The CSRF token is read from the form field ({% csrf_token %}), never from the cookie by JS.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env("BROADSHEET_HSTS_SECONDS") if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = PRODUCTION and SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # publishers do not learn which of our pages a reader came from
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): no inline script or style anywhere, JS only from our
# static files, fetch only to ourselves; article images come from publishers' hosts.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https:", "http:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "broadsheet.community.backends.AxesBackend",  # brute-force lockout first (django-axes)
    "django.contrib.auth.backends.ModelBackend",  # the admin's log-in form
    "allauth.account.auth_backends.AuthenticationBackend",  # readers: e-mail or user name
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth: sign-up needs a verified e-mail; every e-mail goes through Django's mail backend.
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USERNAME_BLACKLIST = ["admin", "administrator", "moderator", "staff", "root", "support", "deleted", "broadsheet"]
ACCOUNT_CHANGE_EMAIL = True
# A reset asked for an address with no account mails no one (anyone could make us mail any
# address); allauth still shows the same "sent" page, so the form does not reveal who has one.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a button confirms, so mail scanners following links do not
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
DEFAULT_FROM_EMAIL = SERVER_EMAIL = env("BROADSHEET_EMAIL_FROM")
if env("BROADSHEET_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("BROADSHEET_EMAIL_HOST")
    EMAIL_PORT = env("BROADSHEET_EMAIL_PORT")
    EMAIL_HOST_USER = env("BROADSHEET_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env("BROADSHEET_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env("BROADSHEET_EMAIL_TLS")
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# django-axes: lock a (user name, IP) pair after N failed log-ins, for the cool-off time.
from datetime import timedelta  # noqa: E402

AXES_FAILURE_LIMIT = env("BROADSHEET_LOGIN_FAILURES")
AXES_COOLOFF_TIME = timedelta(minutes=env("BROADSHEET_LOGIN_COOLOFF_MINUTES"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "broadsheet.community.net.login_name"
AXES_CLIENT_IP_CALLABLE = "broadsheet.community.net.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # keep failed attempts only, not a log of every reader's log-ins
AXES_LOCKOUT_TEMPLATE = "community/locked_out.html"

# django-ratelimit for comments and reports, per account and per IP, counted where every web
# process sees the same count: Redis when REDIS_URL is set, else a table in the database
# (made by community's migration 0002; the local-memory cache is per process).
RATELIMIT_IP_META_KEY = "broadsheet.community.net.client_ip"
if not env("REDIS_URL"):
    CACHES["ratelimit"] = {
        "BACKEND": "broadsheet.lib.dbcache.SharedCounterCache",
        "LOCATION": "broadsheet_ratelimit_cache",
        # culling counts the table on each write; a counter lives a window (+5 s), so this
        # holds every live counter of a busy site; expired rows are deleted first when it fills
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
RATELIMIT_USE_CACHE = "ratelimit" if "ratelimit" in CACHES else "default"
COMMUNITY_RATE_USER = env("BROADSHEET_COMMENT_RATE_USER")
COMMUNITY_RATE_IP = env("BROADSHEET_COMMENT_RATE_IP")
EMBEDDER = env("BROADSHEET_EMBEDDER")  # numpy or torch forward pass of the sentence model (enrich/minilm.py)
ENRICH_SITE_HEAD_HOURS = env("BROADSHEET_SITE_HEAD_HOURS")  # the site's own section head (enrich/site_head.py)
ENRICH_SITE_HEAD_MIN_ARTICLES = env("BROADSHEET_SITE_HEAD_MIN_ARTICLES")
ENRICH_SITE_HEAD_MIN_SECTIONS = env("BROADSHEET_SITE_HEAD_MIN_SECTIONS")
ENRICH_SITE_HEAD_MAX_ARTICLES = env("BROADSHEET_SITE_HEAD_MAX_ARTICLES")
ENRICH_SITE_HEAD_WEIGHT = env("BROADSHEET_SITE_HEAD_WEIGHT")
ENRICH_PANEL_RATE = env("BROADSHEET_PANEL_RATE")  # AI-panel fragments per IP (enrich/views.py)
SILENCED_SYSTEM_CHECKS = [
    # Django's own RedisCache increments atomically, and so does SharedCounterCache (see
    # broadsheet/lib/dbcache.py); django-ratelimit only lists django-redis and memcached.
    "django_ratelimit.W001",
]

# --- Broadsheet ---------------------------------------------------------------------------
FETCH = {
    "user_agent": env("BROADSHEET_USER_AGENT"),
    "timeout": env("BROADSHEET_FETCH_TIMEOUT"),
    "deadline": env("BROADSHEET_FETCH_DEADLINE"),  # 0: the timeout
    "max_bytes": env("BROADSHEET_FETCH_MAX_BYTES"),
    "max_redirects": env("BROADSHEET_FETCH_MAX_REDIRECTS"),
    "per_host": env("BROADSHEET_FETCH_PER_HOST"),
    "hang_after": env("BROADSHEET_FETCH_HANG_AFTER"),
    "retries": env("BROADSHEET_FETCH_RETRIES"),
    "allow_private": env("BROADSHEET_FETCH_ALLOW_PRIVATE"),
}
POLL_MIN_MINUTES = env("BROADSHEET_POLL_MIN_MINUTES")
POLL_MAX_MINUTES = env("BROADSHEET_POLL_MAX_MINUTES")
FEED_MAX_NEW_PER_POLL = env("BROADSHEET_FEED_MAX_NEW_PER_POLL")
FEED_MAX_PENDING_PER_SOURCE = env("BROADSHEET_FEED_MAX_PENDING_PER_SOURCE")
CRAWL_WORKERS = env("BROADSHEET_CRAWL_WORKERS")
TASK_DEADLINE = env("BROADSHEET_TASK_DEADLINE")
TASK_LEASE = env("BROADSHEET_TASK_LEASE")
PROCESS_WAIT = env("BROADSHEET_PROCESS_WAIT")
CRAWL_EXTRACT_PROCESSES = env("BROADSHEET_CRAWL_EXTRACT_PROCESSES") or (os.cpu_count() or 1)
KEEP_RAW_PAGES = env("BROADSHEET_KEEP_RAW_PAGES")  # crawl/rawpages.py
RAW_PAGES_MAX_DAYS = env("BROADSHEET_RAW_PAGES_MAX_DAYS")
RAW_PAGES_MAX_MB = env("BROADSHEET_RAW_PAGES_MAX_MB")

# Steps run on each newly stored article, in order, by the `process_article` task.
# Each is a dotted path to a function taking an Article; each must be safe to repeat.
ARTICLE_PIPELINE: list[str] = [
    "broadsheet.enrich.embeddings.embed_article",
    "broadsheet.stories.pipeline.process_article",
    "broadsheet.enrich.pipeline.enrich_article",
    "broadsheet.enrich.pipeline.summarize_story_of",
]
PAGE_CACHE_SECONDS = env("BROADSHEET_PAGE_CACHE_SECONDS")  # whole anonymous pages (web/pagecache.py)
