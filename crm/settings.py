"""Settings for the key-account CRM: one module, configured by environment variables.

See the configuration table in README.md. With nothing set, `make run` gives a development
server on SQLite with background jobs run in-process.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from kombu import Queue

from crm.env import allowed_hosts, env_bool, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = secret_key(debug=DEBUG)
ALLOWED_HOSTS = allowed_hosts(debug=DEBUG)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "import_export",
    "crm.apps.AxesConfig",  # django-axes, with a translated name
    "csp",
    # The platform (request safety, job outbox), then the business areas, lowest first: each imports
    # only those above it in this list (the layers contract in pyproject.toml, checked by lint-imports).
    "crm",
    "teams",
    "accounts",
    "opportunities",
    "funnel",
    "forecasting",
    "bids",
    "sales_planning",
    "team_selling",
    "integrations",
    "insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # With a read replica configured: which database this request reads from (crm.db_router).
    "crm.db_router.ReplicaReadsMiddleware",
    # During a GET, what each part of a page would read again (the viewer's visible owners) is read once.
    "crm.request_memo.RequestMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "teams.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A lost database connection answers 503 + Retry-After, logged once per outage (crm.middleware).
    "crm.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes requires: it turns lock-outs into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"
ASGI_APPLICATION = "crm.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["crm.money_filters", "crm.text_filters", "crm.counting_filters", "crm.form_tokens"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "crm.context_processors.navigation",
                "teams.context_processors.notifications",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# SQLite file by default (the embedded default); PostgreSQL in production and CI.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(env_str("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default: the web server, the worker and beat write the same file side by side. WAL lets
    # readers go on while one writes; a writer waits for the lock (busy timeout, 20 s) instead of failing; and
    # a transaction takes the write lock when it begins (IMMEDIATE), so two transactions that read and then
    # write never deadlock into "database is locked" (SQLite cannot wait out a lock upgrade).
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The covering indexes' extra columns (PostgreSQL's INCLUDE) are for production; SQLite builds the same
    # indexes without them, which is all the embedded default needs, so its warning is not shown on every start.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
# PostgreSQL plans every statement it is sent; a page's statements are the same few texts each time, with other
# values. With DATABASE_PREPARE_THRESHOLD = N (default 5), the driver sends the values apart from the text
# (server-side binding) and has the server prepare a statement it has run N times on a connection, so its plan is
# kept for the connection's life: planning cost a list page or the workbench 1-5 ms of the database's CPU a
# request (the 300,000-row benchmark, BENCHMARKS.md). 0 turns both off (e.g. behind a PgBouncer older than 1.21 in
# transaction mode, which cannot keep a connection's prepared statements).
DATABASE_PREPARE_THRESHOLD = env_int("DATABASE_PREPARE_THRESHOLD", 5, minimum=0, maximum=1000)
PREPARED_STATEMENTS = ({"server_side_binding": True, "prepare_threshold": DATABASE_PREPARE_THRESHOLD}
                       if DATABASE_PREPARE_THRESHOLD else {})
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(PREPARED_STATEMENTS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Read replica (README "Scaling out") -------------------------------------------------------
# With DATABASE_REPLICA_URL, the reads of GET requests go to the replica (crm.db_router), except for a
# person who wrote in the last DATABASE_REPLICA_PIN_SECONDS (their reads stay on the primary, so they see
# what they just saved) and the rest of any request that wrote. In tests it mirrors the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
DATABASE_REPLICA_PIN_SECONDS = int(env_str("DATABASE_REPLICA_PIN_SECONDS", "10"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
        test_options={"MIRROR": "default"},
    )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"].setdefault("OPTIONS", {}).update(PREPARED_STATEMENTS)
    DATABASE_ROUTERS = ["crm.db_router.PrimaryReplicaRouter"]

# --- Cache: one for every web process -------------------------------------------------------
# Throttles (the token endpoint's per-address rate) and anything else cached must count the same on every
# gunicorn worker and every node: Redis with CACHE_URL (or REDIS_URL), else a table in the database (created
# by migration crm 0004), never a process's own memory.
# On Redis (django-redis), an outage fails open: a read is a miss and a write is dropped, each logged
# (logger django_redis), so the token endpoint's throttle lets requests through instead of answering 500, and
# nothing else the cache holds is a source of truth (sign-in lock-outs are database rows, django-axes).
CACHE_URL = env_str("CACHE_URL") or env_str("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": CACHE_URL,
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
    if CACHE_URL else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "crm_cache"},
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# With Redis, a page reads the signed-in session from the cache (written through to the database, which stays
# the record: a Redis outage falls back to it); without Redis, from the database alone, as a cache read would
# be the same query.
SESSION_ENGINE = ("django.contrib.sessions.backends.cached_db" if CACHE_URL
                  else "django.contrib.sessions.backends.db")

# --- People and sign-in -----------------------------------------------------------------
AUTH_USER_MODEL = "teams.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out user is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling: 5 failures for one user name from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = int(env_str("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "teams.views.locked_out"  # the styled page, how long, Retry-After
AXES_VERBOSE = False

# --- Language and time ------------------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files: vendor assets are committed under static/vendor and served by WhiteNoise.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
if DEBUG and not STATIC_ROOT.exists():
    # Development serves straight from the finders; no collectstatic needed.
    STATIC_ROOT = None
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind a TLS-terminating proxy (see docker-compose.yml).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Every page satisfies this policy: no inline script, scripts and styles served as files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous call then gets 401 with a WWW-Authenticate header, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's parsers, refusing a NUL character anywhere in the payload (crm/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["crm.parsers.JSONParser", "crm.parsers.FormParser", "crm.parsers.MultiPartParser"],
    "DEFAULT_PAGINATION_CLASS": "crm.api.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "crm.api.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "crm.idempotency.IdempotencySchema",
    "EXCEPTION_HANDLER": "crm.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_TOKEN_THROTTLE", "20/min")},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# /api/schema/ and /api/docs/: open to anyone with API_DOCS_PUBLIC=1 (the default only with DEBUG on);
# otherwise behind sign-in (crm.api.ApiDocsAccess).
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", default=DEBUG)
SPECTACULAR_SETTINGS = {
    "TITLE": "Key-account CRM API",
    "DESCRIPTION": "Customers, opportunities, funnel, forecasts, tenders and sales teams.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per enumeration shared by several fields.
    "ENUM_NAME_OVERRIDES": {
        "TierEnum": "accounts.models.Tier",
        "SourceEnum": "accounts.models.Source",
        "DecisionRoleEnum": "accounts.models.DecisionRole",
        "ApprovalStatusEnum": "sales_planning.models.ApprovalStatus",
        "RoleEnum": "teams.models.Role",
        "DeliveryStatusEnum": "integrations.models.DeliveryStatus",
        "ChannelKindEnum": "integrations.models.ChannelKind",
    },
}

# --- Background jobs --------------------------------------------------------------------
# Production: Redis (CELERY_BROKER_URL). The embedded default (`make run`, no CELERY_BROKER_URL): kombu's
# SQLAlchemy transport on a SQLite file of its own (BROKER_DB), shared by the web server, the worker and
# beat that `make run` starts (Procfile): nothing else to install, and the broker's polling never takes the
# lock of the database the pages write (README "Background jobs"). Eager mode (tasks run in-process, no
# worker) is for the test suite only: pytest sets CELERY_TASK_ALWAYS_EAGER.
BROKER_DB = Path(env_str("BROKER_DB", str(BASE_DIR / "broker.sqlite3")))
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or f"sqla+sqlite:///{BROKER_DB}"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Queues by kind, so a company can run workers for each on their own machines (README "Scaling out"):
# imports (a large file can take minutes), reports (the nightly snapshot, roll-ups, payouts) and default
# (everything else: the job sweep, watchdogs, quick jobs). A worker started without -Q consumes all three.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue(name) for name in ("default", "imports", "reports")]
CELERY_TASK_ROUTES = {
    "accounts.import_batch_run": {"queue": "imports"},
    "funnel.tasks.funnel_daily_snapshot": {"queue": "reports"},
    "forecasting.tasks.*": {"queue": "reports"},
    "teams.incentive_payouts_*": {"queue": "reports"},
    "insights.tasks.*": {"queue": "reports"},
}

# --- Background jobs when Redis or PostgreSQL goes away (README "When Redis or PostgreSQL goes away") ---
# A worker killed mid-job gives its message back: acknowledged only once the job ends (acks late, above),
# and rejected back to the queue when the worker process is lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Redis gives an unacknowledged message to another worker after the visibility timeout: it must exceed
# the longest job, or a job still running would start twice. Longest: a 100,000-row import, about 430 s
# (10,000 rows take 42.9 s, BENCHMARKS.md); the funnel snapshot at 300,000 opportunities takes 1.6 s.
# The job outbox's sweep (crm.jobs) sends a job again once it has been queued or running for twice as long.
# The nightly win-probability training stops (and writes nothing) after this many seconds; at 300,000
# opportunities with 50,000 closed it takes well under a minute (BENCHMARKS.md).
INSIGHTS_TRAIN_SECONDS = int(env_str("INSIGHTS_TRAIN_SECONDS", "600"))
JOB_VISIBILITY_TIMEOUT = int(env_str("CELERY_VISIBILITY_TIMEOUT", "900"))


def broker_transport_options(url: str) -> dict:
    """kombu's transport options for the broker at `url` (the tests that switch brokers use it too)."""
    if url.startswith("sqla+"):
        # The embedded broker: SQLAlchemy's engine options only. A writer waits up to 20 s for SQLite's lock.
        return {"connect_args": {"timeout": 20}}
    return {
        "visibility_timeout": JOB_VISIBILITY_TIMEOUT,
        # Publishing gives up after one quick retry (about half a second) when Redis is away: the job stays
        # pending in the outbox (crm.jobs) and the sweep queues it later, the request does not wait.
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
        "socket_connect_timeout": 2,
    }


CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(CELERY_BROKER_URL)
# The worker keeps trying to reach Redis while it is away, and at start-up.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Logging: to stderr, one line per record -----------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Integrations: calendar feeds and chat channels (README "Subscribing to your calendar", "Adding a chat
# channel") ---
# The address people open the CRM at, e.g. https://crm.example.com: chat messages link to it (without it they
# carry no link).
SITE_URL = env_str("SITE_URL").rstrip("/")
# Calendar feed reads per address and minute (calendar apps poll every 15 minutes to a few hours).
CALENDAR_FEED_RATE_PER_MINUTE = int(env_str("CALENDAR_FEED_RATE_PER_MINUTE", "30"))
# Attempts of a chat delivery after the first, and the first wait (doubled each time, with jitter).
CHAT_DELIVERY_RETRIES = int(env_str("CHAT_DELIVERY_RETRIES", "5"))
CHAT_RETRY_BASE_SECONDS = int(env_str("CHAT_RETRY_BASE_SECONDS", "10"))

# --- Business defaults --------------------------------------------------------------------
DEFAULT_CURRENCY = env_str("DEFAULT_CURRENCY", "CNY")
# The daily tender reminder (bids, kind `bid_deadline`) announces the key dates this many days ahead (0: the
# same day's).
BID_DEADLINE_REMINDER_DAYS = env_int("BID_DEADLINE_REMINDER_DAYS", 3, minimum=0, maximum=60)

# --- Large lists (crm.counting) ----------------------------------------------------------------
# A list counts exactly up to this many rows; above it, the database's estimate shown as "about …" with the
# exact figure on request, and pages stop at this depth (README "Large lists").
LIST_EXACT_COUNT_LIMIT = int(env_str("LIST_EXACT_COUNT_LIMIT", "10000"))
# How long a list's estimate above that limit is kept in the shared cache (Redis; not the database cache), so
# the next request for the same list and filters neither counts nor plans again; 0 keeps nothing.
LIST_ESTIMATE_CACHE_SECONDS = env_int("LIST_ESTIMATE_CACHE_SECONDS", 60, minimum=0, maximum=3600)
