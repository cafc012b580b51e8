"""Django settings: one module, configured from the environment (see broadsheet/conf.py)."""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url

from broadsheet.conf import data_dir, env

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

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "broadsheet.sources",
    "broadsheet.articles",
    "broadsheet.crawl",
    "broadsheet.extract",
    "broadsheet.enrich",
    "broadsheet.stories",
    "broadsheet.web",
    "broadsheet.api",
    "broadsheet.community",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "broadsheet.urls"
WSGI_APPLICATION = "broadsheet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "broadsheet.sqlite3",
            "OPTIONS": {
                # Several processes (web, worker, crawler) share the file: WAL lets readers
                # run beside one writer, IMMEDIATE avoids lock upgrades that fail at once.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and tasks: local by default, Redis at scale -------------------------------
if env("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": env("REDIS_URL")}}
    INSTALLED_APPS += ["django_rq"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- i18n, static ---------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {"broadsheet": {"handlers": ["console"], "level": "INFO"}},
}

# --- Broadsheet ---------------------------------------------------------------------------
FETCH = {
    "user_agent": env("BROADSHEET_USER_AGENT"),
    "timeout": env("BROADSHEET_FETCH_TIMEOUT"),
    "max_bytes": env("BROADSHEET_FETCH_MAX_BYTES"),
    "max_redirects": env("BROADSHEET_FETCH_MAX_REDIRECTS"),
    "per_host": env("BROADSHEET_FETCH_PER_HOST"),
    "retries": env("BROADSHEET_FETCH_RETRIES"),
    "allow_private": env("BROADSHEET_FETCH_ALLOW_PRIVATE"),
}
POLL_MIN_MINUTES = env("BROADSHEET_POLL_MIN_MINUTES")
POLL_MAX_MINUTES = env("BROADSHEET_POLL_MAX_MINUTES")
CRAWL_WORKERS = env("BROADSHEET_CRAWL_WORKERS")

# Steps run on each newly stored article, in order, by the `process_article` task.
# Each is a dotted path to a function taking an Article; each must be safe to repeat.
ARTICLE_PIPELINE: list[str] = [
    "broadsheet.enrich.embeddings.embed_article",
]
