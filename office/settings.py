"""The only settings module. Deploy-specific values come from the environment.

Every variable is listed in `.env.example` and README. With no environment at all the
project runs as the *embedded default*: SQLite under `var/`, Celery on an SQLite broker,
the simulated payment provider and e-mail to the console.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
# A local `.env` (never committed) is read for convenience; real deployments set the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- core -------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _local_secret_key(name: str = "secret_key") -> str:
    """A random key kept in var/<name> for the embedded default; production sets its variable."""
    import os
    import secrets

    path = VAR_DIR / name
    try:  # O_EXCL: when web, worker and beat start together, exactly one writes the key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = env("DJANGO_SECRET_KEY", default="") or _local_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
APP_VERSION = env("APP_VERSION", default="0.1.0")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "office",
    "payments",
    "procurement",
    "cataloging",
    "services",
    "sharing",
    "marketing",
    "marketing.store",
    "marketing.support",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "office.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "office.views.language.PreferredLanguageMiddleware",  # the stored language on log-in
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "office.middleware.SecurityHeadersMiddleware",
    "office.middleware.TasksCacheMiddleware",  # a user's write drops their cached task counts
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "office.urls"
WSGI_APPLICATION = "office.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "office.context_processors.intranet",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'intranet.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; the timeout waits for a lock
    # instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"})
# Persistent connections: without them a one-query page ran 4-5x slower here.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# Redis on the LAN connects and answers in well under a millisecond: whoever waits longer
# is waiting on an outage. Bounded waits keep a request fast while Redis is down or hung.
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=0.5)
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=2.0)  # broker and result store
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=0.5)
# After a cache error a process answers as an empty cache for this long (office/cache.py).
CACHE_BACKOFF_SECONDS = env.float("CACHE_BACKOFF_SECONDS", default=5.0)
if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis error is logged and the cache acts as empty, never a 500 (office/cache.py).
            "BACKEND": "office.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_timeout": CACHE_SOCKET_TIMEOUT, "socket_connect_timeout": REDIS_CONNECT_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Signed-in pages served again while nothing they show has changed (office/page_cache.py):
# the seconds a stored page may lag behind the clock or a write made outside Django. Needs the
# shared cache (a per-process cache would not see another process's writes): 0 without Redis.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=30 if REDIS_URL else 0)
# Memory for the RUM index's ranking of a keyword's matches (cataloging/search.py): a common
# word at a million records ranks 400,000 matches, which spill to disk under PostgreSQL's
# default 4MB (252 -> 152 ms for 研究 with 32MB). Set for that one statement only.
CATALOG_RANK_WORK_MEM = env("CATALOG_RANK_WORK_MEM", default="32MB")

# --- auth -------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # must come first: refuses locked-out attempts
    "office.auth.UsernameOrEmailBackend",  # ModelBackend that also takes the e-mail address
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "office:home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour, not Django's three days
# Sessions live in the database (not Redis alone): a Redis outage must not log everyone out.
# With Redis, reads come from the cache (written through to the database): no session query
# per page; while Redis is down, office.cache answers as a miss and the database serves them.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10)  # absolute: a working day
SESSION_COOKIE_HTTPONLY = True

# Login lockout (django-axes). Keyed on username *and* IP so an attacker behind the office's
# shared proxy cannot lock everybody out (ASVS V6.1.1); a success resets the counter.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_VERBOSE = False

# --- i18n -------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["office.formats"]  # one date format per language (issue 20)
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
# Front-end libraries are installed by npm at set-up (package.json); only their dist folders
# are served. Nothing third-party is committed and no page loads from the internet.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploaded files (order attachments and deliverables, MARC uploads): "local" keeps them under
# MEDIA_ROOT; "s3" in an S3-compatible bucket (AWS, MinIO, Ceph RGW) through django-storages.
# Either way they are private: no URL serves them (MEDIA_URL is not routed, objects get the
# private ACL), only views that check who asks and stream the file through the app.
MEDIA_STORE = env("MEDIA_STORE", default="local")


def _media_storage(store: str) -> dict[str, object]:
    from django.core.exceptions import ImproperlyConfigured

    if "STORAGE_BACKEND" in env.ENVIRON:
        raise ImproperlyConfigured("STORAGE_BACKEND is gone: set MEDIA_STORE=s3 and MEDIA_S3_* (.env.example).")
    if store == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if store != "s3":
        raise ImproperlyConfigured(f"MEDIA_STORE must be local or s3, not {store!r}.")
    endpoint = env("MEDIA_S3_ENDPOINT_URL", default="")
    options = {
        "bucket_name": env("MEDIA_S3_BUCKET"),  # required: fails loudly when missing
        "location": env("MEDIA_S3_PREFIX", default="").strip("/"),  # key prefix in the bucket
        "endpoint_url": endpoint or None,  # empty for AWS; http://minio:9000 for self-hosted
        "region_name": env("MEDIA_S3_REGION", default="") or None,
        # Empty: boto3's usual chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws, role).
        "access_key": env("MEDIA_S3_ACCESS_KEY", default="") or None,
        "secret_key": env("MEDIA_S3_SECRET_KEY", default="") or None,
        "addressing_style": "path" if endpoint else None,  # self-hosted: one host, path-style URLs
        "signature_version": "s3v4",
        "default_acl": "private",
        "querystring_auth": True,  # an accidental .url is signed and short-lived, never public
        "querystring_expire": 60,
        # Two uploads of one name (MARC files keep theirs) get distinct keys, never overwrite.
        "file_overwrite": False,
        "max_memory_size": 2 * 1024 * 1024,  # a download larger than this spools to disk
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": _media_storage(MEDIA_STORE),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_PERMISSIONS = 0o600
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- e-mail -----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="intranet@office.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- security ---------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/live/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# --- Celery -----------------------------------------------------------------------------
# With Redis configured it is the broker and result store. Without it (embedded default) an
# SQLite broker through SQLAlchemy needs no extra service; `make dev` starts worker and beat.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}")
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND", default=REDIS_URL or f"db+sqlite:///{VAR_DIR / 'celery-results.sqlite3'}"
)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # our tasks are idempotent; a killed worker's task is redelivered
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# celery 5.7.0 exits for good when the Redis connection drops under an unacknowledged task;
# this consumer keeps it reconnecting instead (office/celery_consumer.py says why).
CELERY_WORKER_CONSUMER = "office.celery_consumer:Consumer"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker waits for the broker as long as it takes (celery's default gives up after 100
# attempts, about 50 minutes, and exits); the process manager restarts it if it dies anyway.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
# Publishing must never hang a web request when the broker is down: one immediate retry (a
# pooled connection may be stale after Redis restarted), then office.queue logs the error
# and the periodic sweeps pick the work up later. No retry loop in a request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}
# After a failed publish a process leaves new work to the sweeps for this long (office/queue.py).
QUEUE_BROKER_BACKOFF_SECONDS = env.float("QUEUE_BROKER_BACKOFF_SECONDS", default=15.0)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Every countdown/retry stays well below the visibility timeout (RELIABILITY.md F4).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_timeout": REDIS_SOCKET_TIMEOUT,
        "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    }
if CELERY_RESULT_BACKEND.startswith(("redis://", "rediss://")):
    CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT
    # Celery's default retries a lost result store 20 times a second apart: the 19 s that
    # every enqueuing request waited while Redis was down (issue 17). Waiting on a result is
    # rare here (the health page, tests); fire-and-forget work ignores results altogether.
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
        "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
    }
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Task modules besides each app's tasks.py (which autodiscovery finds): the catch-up sweeps.
CELERY_IMPORTS = ["cataloging.sweeps", "services.sweeps"]
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60

# --- payments ---------------------------------------------------------------------------
PAYMENTS_BACKEND = env("PAYMENTS_BACKEND", default="simulated")  # "stripe" in production
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="https://api.stripe.com")
# Its own random secret (var/), not a slice of SECRET_KEY: the one may leak without the other.
SIMULATED_WEBHOOK_SECRET = env("SIMULATED_WEBHOOK_SECRET", default="") or _local_secret_key("simulated_webhook_secret")
DEFAULT_CURRENCY = env("DEFAULT_CURRENCY", default="CNY")
# The largest amount anyone may type, in major units (yuan), in either sign (office.money).
MONEY_MAX_AMOUNT = env.int("MONEY_MAX_AMOUNT", default=100_000_000)
# A payment still pending after this long is checked with the provider by the periodic task.
PAYMENTS_RECONCILE_AFTER_SECONDS = env.int("PAYMENTS_RECONCILE_AFTER_SECONDS", default=900)
# A payment whose provider intent was never created expires after this long; it must stay well
# under the 24 hours Stripe remembers an idempotency key.
PAYMENTS_ABANDON_AFTER_SECONDS = env.int("PAYMENTS_ABANDON_AFTER_SECONDS", default=6 * 3600)
# How a charge to a payee with a connected Stripe account is made: "destination" or "direct".
PAYMENTS_CONNECT_MODE = env("PAYMENTS_CONNECT_MODE", default="destination")

# --- backups ----------------------------------------------------------------------------
# The backup store: "local" keeps backups in BACKUP_DIR (mode 0700, files 0600, outside the
# web root); "s3" puts them in an S3-compatible bucket (docs/disaster-recovery.md).
# A wrong value or a missing bucket makes each backup fail with an alert (the site still runs).
BACKUP_STORE = env("BACKUP_STORE", default="local")
# The local store, and with S3 the staging area where a backup is written before upload (it
# needs room for one backup) and the lock file.
BACKUP_DIR = env.path("BACKUP_DIR", default=VAR_DIR / "backups")
BACKUP_S3_BUCKET = env("BACKUP_S3_BUCKET", default="")
# Key prefix inside the bucket ("intranet/" -> intranet/20260101T023000Z-42/db.dump).
BACKUP_S3_PREFIX = env("BACKUP_S3_PREFIX", default="")
# Empty for AWS; the URL of a self-hosted service otherwise (MinIO: http://minio:9000).
BACKUP_S3_ENDPOINT_URL = env("BACKUP_S3_ENDPOINT_URL", default="")
BACKUP_S3_REGION = env("BACKUP_S3_REGION", default="")
# Empty: boto3's usual credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws, role).
BACKUP_S3_ACCESS_KEY = env("BACKUP_S3_ACCESS_KEY", default="")
BACKUP_S3_SECRET_KEY = env("BACKUP_S3_SECRET_KEY", default="")
# Retention: the newest backup of each of the last N days, ISO weeks and months is kept; the
# newest good backup is never pruned.
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", default=7)
BACKUP_KEEP_WEEKLY = env.int("BACKUP_KEEP_WEEKLY", default=4)
BACKUP_KEEP_MONTHLY = env.int("BACKUP_KEEP_MONTHLY", default=6)
# No good backup for longer than this raises the alarm (a nightly schedule plus slack).
BACKUP_MAX_AGE_HOURS = env.int("BACKUP_MAX_AGE_HOURS", default=26)
# Where pg_dump / pg_restore / psql live when PATH has an older client than the server.
BACKUP_PG_BIN_DIR = env("BACKUP_PG_BIN_DIR", default="")

# --- information services ---------------------------------------------------------------
# Fax deliveries go out as e-mail to this gateway address; "{number}" is the client's fax
# number (e.g. "{number}@fax.example"). Empty: fax delivery is refused with a message.
SERVICES_FAX_GATEWAY_ADDRESS = env("SERVICES_FAX_GATEWAY_ADDRESS", default="")
SERVICES_DOWNLOAD_LINK_DAYS = env.int("SERVICES_DOWNLOAD_LINK_DAYS", default=7)
SERVICES_MAX_UPLOAD_BYTES = env.int("SERVICES_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
SERVICES_CONSULTATION_DEPARTMENT = env("SERVICES_CONSULTATION_DEPARTMENT", default="custsvc")
SERVICES_AUTO_ASSIGN_ON_PAYMENT = env.bool("SERVICES_AUTO_ASSIGN_ON_PAYMENT", default=False)

# --- resource sharing (docs/sharing.md) -------------------------------------------------
SHARING_LINK_DAYS = env.int("SHARING_LINK_DAYS", default=7)  # a delivered copy's download link
SHARING_FILE_DAYS = env.int("SHARING_FILE_DAYS", default=30)  # the scan is deleted (audited) after
# The demo's outside partner (CN-PARTNER): its ISO 18626 address (empty: nothing is sent) and
# the security code its messages must carry (empty: they are refused until leadership sets one).
SHARING_DEMO_PARTNER_URL = env("SHARING_DEMO_PARTNER_URL", default="")
SHARING_DEMO_PARTNER_SECRET = env("SHARING_DEMO_PARTNER_SECRET", default="")

# --- storefront (docs/store.md) ---------------------------------------------------------
STORE_TAX_RATE = env("STORE_TAX_RATE", default="0.06")  # prices are shown tax-inclusive
STORE_GRACE_DAYS = env.int("STORE_GRACE_DAYS", default=7)  # access after a licence's end
STORE_REMINDER_DAYS = env.int("STORE_REMINDER_DAYS", default=30)  # renewal reminder before the end
STORE_MAX_CONTENT_BYTES = env.int("STORE_MAX_CONTENT_BYTES", default=500 * 1024 * 1024)

# --- public site and customer contact (docs/marketing.md) -------------------------------
MARKETING_ANALYTICS_FLUSH_SECONDS = env.int("MARKETING_ANALYTICS_FLUSH_SECONDS", default=10)
SUPPORT_SURVEY_WINDOW_DAYS = env.int("SUPPORT_SURVEY_WINDOW_DAYS", default=30)

# --- demo data --------------------------------------------------------------------------
DEMO_PASSWORD = env("DEMO_PASSWORD", default="intranet-demo-2026")

# --- crispy forms -----------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # A 403 is one line (office/log_filters.py): Django attached the PermissionDenied traceback.
    "filters": {"one_line_403": {"()": "office.log_filters.OneLineForbidden"}},
    "loggers": {
        "django.security": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["one_line_403"]},
    },
}
