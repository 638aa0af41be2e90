"""The one settings module. Everything a deployment changes comes from the environment.

SQLite in a local data directory is the default so a checkout runs at once;
DATABASE_URL switches to PostgreSQL. See the README's configuration table.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from everyweek.env import envbool, envint, envlist, envstr

# Lets forms and admins be written with generics (ModelForm[Person]) at run time too.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(envstr("EVERYWEEK_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
(DATA_DIR / "static").mkdir(exist_ok=True)

DEBUG = envbool("DEBUG", False)
# "demo" on a laptop, "production" behind a load balancer; production refuses generated secrets.
ENVIRONMENT = envstr("EVERYWEEK_ENV", "demo")


def _secret_key() -> str:
    key = envstr("SECRET_KEY")
    if key:
        return key
    if ENVIRONMENT == "production":
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set in the environment in production.")
    # Demo only: a random key generated once per data directory and kept private to its owner.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Fernet keys for secrets stored in the database (everyweek/core/crypto.py); the first encrypts.
EVERYWEEK_SECRETS_KEYS = envlist("EVERYWEEK_SECRETS_KEY")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_tasks_rq",
    "django_rq",
    "everyweek.core",
    "everyweek.people",
    "everyweek.customers",
    "everyweek.feedback",
    "everyweek.notifications",
    "everyweek.api",
    "everyweek.demo",
    "everyweek.integrations",
    "everyweek.listening",
    "everyweek.servicedesk",
    "everyweek.careers",
    "everyweek.week",
    "everyweek.recognition",
    "everyweek.scorecards",
    "everyweek.analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "everyweek.core.middleware.PersonPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "everyweek.urls"
WSGI_APPLICATION = "everyweek.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "everyweek.core.context_processors.navigation",
                "everyweek.recognition.context_processors.unread_notifications",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------
if envstr("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            envstr("DATABASE_URL"), conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60)
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": envstr("SQLITE_PATH", str(DATA_DIR / "everyweek.sqlite3")),
            # Kept open between requests: opening one and running the PRAGMAs below costs
            # about 3.5 ms of CPU, as much as storing a survey answer (docs/benchmarks.md).
            "CONN_MAX_AGE": envint("DATABASE_CONN_MAX_AGE", 60),
            "OPTIONS": {
                # WAL lets readers and one writer work at once; IMMEDIATE avoids
                # "database is locked" upgrades inside write transactions.
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": envint("SQLITE_BUSY_TIMEOUT", 20),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and background tasks --------------------------------------------
REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASK_BACKEND = envstr("EVERYWEEK_TASK_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASK_BACKEND], "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}}

# --- Authentication ----------------------------------------------------------
AUTH_USER_MODEL = "people.Person"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)
# Lock an account+address pair out after repeated failures (django-axes).
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The sign-in form posts the email address in the "username" field.
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
_HTTPS = envbool("HTTPS", ENVIRONMENT == "production")
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
if envbool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Languages and time ----------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("it", _("Italian")),
    ("de", _("German")),
    ("th", _("Thai")),
]
# Each app keeps its own catalogue in <app>/locale, so teams translate the apps they own.
LOCALE_PATHS: list[Path] = []
# Customers may also be surveyed and written to in these (the staff interface offers LANGUAGES).
CUSTOMER_LANGUAGES = [*LANGUAGES, ("es", _("Spanish")), ("fr", _("French"))]
LANGUAGE_COOKIE_NAME = "everyweek_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static and media files ------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Largest file an import accepts, on the pages and the API alike (413 above it); the imports
# themselves stream, so the limit guards the disk and the upload time, not memory.
IMPORT_MAX_BYTES = envint("EVERYWEEK_IMPORT_MAX_BYTES", 2 * 1024**3)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Email -------------------------------------------------------------------------
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = envint("EMAIL_PORT", 1025)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "everyweek <no-reply@everyweek.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_MAX_ATTEMPTS = envint("EMAIL_MAX_ATTEMPTS", 5)
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))

# --- API ---------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
# Failed bearer-token sign-ins per client address, and requests per token or person, per window.
API_AUTH_FAILURE_LIMIT = envint("EVERYWEEK_API_AUTH_FAILURE_LIMIT", 20)
API_AUTH_FAILURE_WINDOW = envint("EVERYWEEK_API_AUTH_FAILURE_WINDOW", 300)
API_RATE_LIMIT = envint("EVERYWEEK_API_RATE_LIMIT", 1200)
API_RATE_WINDOW = envint("EVERYWEEK_API_RATE_WINDOW", 60)
# Proxies in front that append to X-Forwarded-For; 0 trusts only the socket's address.
API_TRUSTED_PROXIES = envint("EVERYWEEK_API_TRUSTED_PROXIES", 0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Periodic jobs (everyweek/core/schedule.py; `everyweek worker` runs them) ------------------
# Daily and weekly jobs run at their local time in this zone (the organisation's).
SCHEDULE_TIME_ZONE = envstr("EVERYWEEK_SCHEDULE_TIME_ZONE", TIME_ZONE)
# Change when a job runs: EVERYWEEK_SCHEDULE=send_surveys=5m,send_scorecards=weekly tue 08:30
# (Ns, Nm, Nh, "daily HH:MM", "weekly mon HH:MM", or "off").
SCHEDULE: dict[str, str] = dict(
    (name.strip(), when.strip())
    for name, _sep, when in (item.partition("=") for item in envlist("EVERYWEEK_SCHEDULE"))
)
# Jobs not to run at all, e.g. EVERYWEEK_SCHEDULE_DISABLE=listening_reminders,careers_ready
SCHEDULE_DISABLE = envlist("EVERYWEEK_SCHEDULE_DISABLE")
# A run that has not finished this long after its start counts as timed out (its process was
# stopped): 90s, 30m, 2h or seconds. Per job: EVERYWEEK_SCHEDULE_RUN_TIMEOUTS=send_scorecards=3h
SCHEDULE_RUN_TIMEOUT = envstr("EVERYWEEK_SCHEDULE_RUN_TIMEOUT", "1h")
SCHEDULE_RUN_TIMEOUTS: dict[str, str] = dict(
    (name.strip(), value.strip())
    for name, _sep, value in (
        item.partition("=") for item in envlist("EVERYWEEK_SCHEDULE_RUN_TIMEOUTS")
    )
)
# Seconds between two looks at the schedule.
SCHEDULER_TICK = envint("EVERYWEEK_SCHEDULER_TICK", 15)
