"""Qaldyq settings, read from the environment (see README, "Configuration").

Two shapes from one file:
- embedded default (no DATABASE_URL / CELERY_BROKER_URL): SQLite, Celery tasks run in-process;
- production (DJANGO_ENV=production): PostgreSQL, Redis, secure cookies, HSTS; refuses to start
  without SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.env import (
    csp_source,
    env_bool,
    env_choice,
    env_email,
    env_int,
    env_int_list,
    env_list,
    env_networks,
    env_percent,
    env_positive,
    env_queue,
    env_rate,
    env_required,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("QALDYQ_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_choice("DJANGO_ENV", "development", ("development", "production"))
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', got {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", False)
# Demo accounts and synthetic data are only ever created when this is on.
DEMO_MODE = env_bool("QALDYQ_DEMO", False)

if PRODUCTION:
    SECRET_KEY = env_required("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_ENV=production")
    DATABASE_URL = env_required("DATABASE_URL")
    if DEMO_MODE:
        raise ImproperlyConfigured("QALDYQ_DEMO must not be enabled when DJANGO_ENV=production")
else:
    SECRET_KEY = env_str("SECRET_KEY") or "development-only-key-never-used-in-production"
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
    DATABASE_URL = env_str("DATABASE_URL")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal.admin_config.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "axes",
    "portal",
    "registry",
    "registry.returns",
    "registry.permits",
    "registry.releases",
    "monitoring",
    "monitoring.emissions",
    "monitoring.regimes",
    "monitoring.subscriptions",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy, Permissions-Policy, no-store on private and API answers; TRACE refused (405).
    "portal.headers.SecurityHeadersMiddleware",
    "portal.middleware.RejectNullCharactersMiddleware",
    # A body declared larger than the upload limits: 413 before it is read (portal.errors).
    "portal.errors.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The API speaks English to a client that names no language.
    "portal.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Anonymous pages per client address (after authentication, which tells who is anonymous).
    "portal.throttling.AnonymousRateLimitMiddleware",
    # The change log reads the acting user from the request (portal.audit).
    "portal.audit_actor.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Whole answers of the public pages for anonymous readers (after authentication, messages and CSRF).
    "reports.cache.PublicPageCacheMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes requirement).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

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
                "portal.context_processors.portal",
                # A page rendered for the shared page cache gets a placeholder for the CSRF token.
                "reports.cache.csrf_token_placeholder",
            ],
        },
    },
]

if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0))}
    # No JIT compilation: the portal's statements are short (a page, an ingest's batch, an evaluation), and JIT's
    # cost model, fooled by large row estimates over a big results table, spent seconds compiling statements that
    # run in milliseconds. Analytical work outside the portal may turn it on for its own sessions.
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "qaldyq.sqlite3")}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, with one client per connection pool and a one-round-trip counter for the rate limits.
            "BACKEND": "portal.cache_backend.RedisCache",
            "LOCATION": REDIS_URL,
            # Keeps the keys of several sites, or of parallel test processes, apart in one Redis database.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX"),
            # Never None: every entry expires, so that a Redis shared with the Celery queues may evict cache entries
            # only (`maxmemory-policy volatile-lru`; portal.checks checks it in production).
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The client's address (portal.throttling.client_address): requests from these proxies (addresses or networks)
# are taken to come from the right-most address of X-Forwarded-For that is not one of them; from anyone else, the
# header is ignored. Empty: the connection's address, as when gunicorn is reached directly.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

# Login throttling, counted per client address and per user name from that address, never per user name alone:
# - failed logins (pages, admin, API token) from one address: past this rate every login attempt from it is refused
#   (429) before a password is hashed, until the window ends, so many user names from one client cost no hashing;
# - a user name is locked only together with the address that failed, and only for a cool-off period, so a
#   stranger cannot lock a user out of their account from anywhere else.
LOGIN_ADDRESS_FAILURE_RATE = env_rate("LOGIN_ADDRESS_FAILURE_RATE", "10/minute")
AXES_FAILURE_LIMIT = env_positive("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_positive("LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "portal.throttling.client_address"
# Anonymous requests for pages (not the API, which has its own rates; not static files) per client address.
ANON_HTML_RATE = env_rate("ANON_HTML_RATE", "300/minute")
# Requests to subscribe an address (monitoring.subscriptions: the page and the API together) per client address.
SUBSCRIBE_RATE = env_rate("SUBSCRIBE_RATE", "10/hour")

# API tokens (django-rest-knox): stored as SHA-512 digests, valid for API_TOKEN_TTL_DAYS from their issue (not
# extended by use: a client asks for a new one before `expiry`), at most API_TOKEN_LIMIT_PER_USER live at once.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 90, minimum=1, maximum=365)
API_TOKEN_LIMIT_PER_USER = env_int("API_TOKEN_LIMIT_PER_USER", 10, minimum=1, maximum=1000)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}

LANGUAGE_CODE = "ru"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True
# Django ships no Kazakh formats: portal/formats/kk gives its numbers and dates.
FORMAT_MODULE_PATH = ["portal.formats"]
FORMS_URLFIELD_ASSUME_HTTPS = True  # the Django 6 default, adopted now

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end libraries come from npm (package.json pins them); only their dist folders are served.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/pico", NODE_MODULES / "@picocss" / "pico" / "css"),
    ("vendor/swagger-ui", NODE_MODULES / "swagger-ui-dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# Uploads: requests above these sizes are refused before they reach a view.
UPLOAD_MAX_BYTES = env_positive("UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
# What one uploaded table may hold, counted as it is read and refused at the limit (portal.uploads): rows below the
# header, columns with a value, cells, and the megabytes an XLSX workbook's parts unpack to (a few hundred kilobytes
# of XLSX can unpack to gigabytes). A return's lines or a deposit's surveys are read while the person waits, so
# their files stay small (the largest returns have a few thousand lines); monitoring results are read by a worker,
# and a file of a million rows or more is usual there.
UPLOAD_MAX_COLUMNS = env_int("UPLOAD_MAX_COLUMNS", 50, minimum=1, maximum=16_384)
UPLOAD_REQUEST_MAX_ROWS = env_int("UPLOAD_REQUEST_MAX_ROWS", 10_000, minimum=1, maximum=1_000_000)
UPLOAD_REQUEST_MAX_CELLS = env_int("UPLOAD_REQUEST_MAX_CELLS", 500_000, minimum=1, maximum=50_000_000)
UPLOAD_REQUEST_MAX_UNPACKED_MB = env_int("UPLOAD_REQUEST_MAX_UNPACKED_MB", 20, minimum=1, maximum=1024)
UPLOAD_WORKER_MAX_ROWS = env_int("UPLOAD_WORKER_MAX_ROWS", 2_000_000, minimum=1)
UPLOAD_WORKER_MAX_CELLS = env_int("UPLOAD_WORKER_MAX_CELLS", 40_000_000, minimum=1)
UPLOAD_WORKER_MAX_UNPACKED_MB = env_int("UPLOAD_WORKER_MAX_UNPACKED_MB", 1024, minimum=1, maximum=65_536)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Waste returns: defaults for a reporting year with no FilingYear row (editable in the admin).
RETURNS_DEFAULT_DEADLINE = (4, 1)  # 1 April of the following year
RETURNS_CHANGE_FACTOR = env_int("RETURNS_CHANGE_FACTOR", 3, minimum=2)
# Reminders to the staff of enterprises whose return is missing: this many days before the deadline (each once),
# and once when it has passed.
RETURNS_REMINDER_DAYS = env_int_list("RETURNS_REMINDER_DAYS", (30, 7), minimum=1, maximum=365)

# Release reports (PRTR): defaults for a reporting year with no ReleaseYear row (editable in the admin).
RELEASES_DEFAULT_DEADLINE = (4, 1)  # 1 April of the following year
RELEASES_CHANGE_FACTOR = 3
RELEASES_TRANSFER_TOLERANCE = "1"  # tonnes between a sender's and a receiver's figures

# Statistics: a year's (or a region's) figures reported in returns are marked provisional while fewer than this
# percentage of the returns expected for it are accepted.
STATISTICS_PROVISIONAL_BELOW_PERCENT = env_percent("STATISTICS_PROVISIONAL_BELOW_PERCENT", 90)
# Public monitoring statistics suppress a cell resting on fewer than this many monitoring points or enterprises,
# as statistical offices do, so that no enterprise's own figures can be read from it (1: none suppressed).
STATISTICS_MIN_CELL = env_int("STATISTICS_MIN_CELL", 3, minimum=1)

# Map tiles: empty means the map draws the country outline only, so it works offline.
MAP_TILE_URL = env_url("MAP_TILE_URL", schemes=("http", "https"))
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated request then gets 401 with a WWW-Authenticate header.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Who may see or change which object is decided by Model.objects.restrict(), see portal/api/views.py.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON, and the browsable API with the Content-Security-Policy its templates need (portal.api.renderers).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "portal.api.renderers.BrowsableAPIRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        # DRF's, counting by portal.throttling.client_address.
        "portal.api.throttling.AnonRateThrottle",
        "portal.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_ANON_RATE", "120/minute"),
        "user": env_rate("API_USER_RATE", "2000/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Qaldyq API",
    "DESCRIPTION": "Registry of technogenic mineral formations, waste returns and monitoring of Kazakhstan.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation's 4xx (and 503) in the API's one error shape (portal.api.exceptions).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.exceptions.error_responses_hook",
    ],
    "ENUM_NAME_OVERRIDES": {
        "EmissionUnitEnum": "monitoring.emissions.models.Unit",
        "RegionKindEnum": "registry.models.RegionKind",
        "DepositKindEnum": "registry.models.DepositKind",
        "ChangeKindEnum": "portal.models.ChangeKind",
        "DepositStatusEnum": "registry.models.DepositStatus",
        "ReturnStatusEnum": "registry.returns.models.ReturnStatus",
        "SubmissionStatusEnum": "monitoring.models.SubmissionStatus",
        "AlertStatusEnum": "monitoring.models.AlertStatus",
        "AlertKindEnum": "monitoring.models.AlertKind",
        "MediumEnum": "monitoring.models.Medium",
        "PermitStatusEnum": "registry.permits.models.PermitStatus",
        "SourceMediumEnum": "registry.permits.models.SourceMedium",
        "SourceKindEnum": "registry.permits.models.SourceKind",
        "ReleaseMediumEnum": "registry.releases.models.ReleaseMedium",
        "MethodEnum": "registry.releases.models.Method",
        "TransferDirectionEnum": "registry.releases.models.TransferDirection",
    },
    # The docs page loads Swagger UI from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": f"/{STATIC_URL}vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": f"/{STATIC_URL}vendor/swagger-ui/favicon-32x32.png",
    # No badge from Swagger's online validator: the page loads nothing from another host.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", schemes=("redis", "rediss", "amqp", "memory"))
# No broker configured: run tasks in-process so a newcomer needs nothing but Python.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_url("CELERY_RESULT_BACKEND", schemes=("redis", "rediss")) or None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A web request that enqueues a task must not wait on a broker that is down: the data is saved and the sweep or
# the outbox's beat picks the work up. One connection attempt of at most a second, no retries (redis-py would
# otherwise retry for about 6 s).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
    "retry_on_timeout": False,
    "max_retries": 0,
}
CELERY_TIMEZONE = TIME_ZONE
# File ingests on a queue of their own, when named: a million-row file then occupies a worker of that queue (`celery
# worker -Q <name>`) and never delays evaluations, refreshes and messages on the default one. Unset: one queue.
CELERY_INGEST_QUEUE = env_queue("CELERY_INGEST_QUEUE")
CELERY_TASK_ROUTES = (
    {
        "monitoring.tasks.ingest_file": {"queue": CELERY_INGEST_QUEUE},
        "monitoring.emissions.tasks.ingest_file": {"queue": CELERY_INGEST_QUEUE},
    }
    if CELERY_INGEST_QUEUE
    else {}
)
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {"task": "portal.tasks.clear_expired_sessions", "schedule": crontab(hour=3, minute=0)},
    "sweep-unevaluated-submissions": {"task": "monitoring.tasks.sweep_unevaluated", "schedule": 60.0},
    "sweep-reports": {"task": "reports.tasks.sweep_reports", "schedule": 60.0},
    "sweep-aggregate-marks": {"task": "reports.tasks.sweep_aggregate_marks", "schedule": 60.0},
    # The outbox (portal.outbox): what a broker outage or a failed attempt left unsent.
    "send-outbox": {"task": "portal.tasks.send_outbox", "schedule": 60.0},
    "remind-filers": {"task": "registry.returns.tasks.remind_filers", "schedule": crontab(hour=9, minute=0)},
    "check-aggregates": {"task": "reports.tasks.check_aggregates", "schedule": crontab(hour=2, minute=30)},
    # The results table's partitions of the current month and the next three (monitoring.partitions).
    "ensure-result-partitions": {
        "task": "monitoring.tasks.ensure_result_partitions",
        "schedule": crontab(hour=1, minute=15),
    },
    # Continuous emission data: files a lost worker or a broker outage left unread, and the values' partitions.
    "sweep-emission-submissions": {"task": "monitoring.emissions.tasks.sweep_submissions", "schedule": 60.0},
    "ensure-emission-value-partitions": {
        "task": "monitoring.emissions.tasks.ensure_value_partitions",
        "schedule": crontab(hour=1, minute=20),
    },
    # Sources whose continuous monitoring has gone silent (monitoring.emissions.silence).
    "raise-silent-alerts": {"task": "monitoring.emissions.tasks.raise_silent_alerts", "schedule": 600.0},
    # Adverse-weather regimes: verdicts of the running ones (provisional), and final ones once a regime has ended.
    "verify-regimes": {"task": "monitoring.regimes.tasks.verify_regimes", "schedule": crontab(minute=5)},
}

# Long work (reading a file, evaluating a submission, making a report) holds a lease on its row (portal.leases):
# renewed as the work goes, it keeps other workers off; once it has run out, the minute sweep gives the work another
# attempt, and after TASK_MAX_ATTEMPTS attempts the work is failed with its error.
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 600, minimum=30, maximum=86_400)
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 3, minimum=1, maximum=20)

# Persistent exceedance (US practice for chronic non-compliance): at least this share of the results of a
# point and pollutant in the last months exceed their MPC.
MONITORING_PERSISTENT_SHARE = env_percent("MONITORING_PERSISTENT_PERCENT", 66) / 100
MONITORING_PERSISTENT_MONTHS = env_positive("MONITORING_PERSISTENT_MONTHS", 6)
# A source whose active channels have sent no value for this long is silent (an alert), unless a channel says
# otherwise (`Channel.silent_after_minutes`): at least one 20-minute interval, at most a week.
EMISSIONS_SILENT_AFTER_MINUTES = env_int("EMISSIONS_SILENT_AFTER_MINUTES", 120, minimum=20, maximum=7 * 24 * 60)

EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The outbox: an e-mail is tried this many times, waiting OUTBOX_RETRY_SECONDS after the first failure, twice as
# long after each next, at most OUTBOX_RETRY_MAX_SECONDS; a sender's claim older than OUTBOX_CLAIM_SECONDS is
# taken to be a dead sender's and taken over.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8, minimum=1, maximum=50)
OUTBOX_RETRY_SECONDS = 60
OUTBOX_RETRY_MAX_SECONDS = 6 * 3600
OUTBOX_CLAIM_SECONDS = 600
# The portal's public address, for links in e-mails.
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https")).rstrip("/")
DEFAULT_FROM_EMAIL = env_email("DEFAULT_FROM_EMAIL", "Qaldyq <noreply@qaldyq.kz>")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The Content-Security-Policy of every answer (portal.headers; Django 6.0's setting of the same name and format):
# scripts, styles, fonts and requests from the portal only, no inline script or style and no eval; images also as
# data: URLs (Leaflet's and Swagger UI's icons) and from the map's tile server.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", *([csp_source("MAP_TILE_URL", MAP_TILE_URL)] if MAP_TILE_URL else [])],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # The TLS-terminating proxy in front of gunicorn sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    },
}
