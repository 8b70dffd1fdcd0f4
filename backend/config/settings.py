"""Boxoffice settings: every knob comes from the environment (django-environ)."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from http_infra.rates import parse_rates

BASE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BASE_DIR.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "[::1]"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    HTTPS=(bool, False),
    CONN_MAX_AGE=(int, 600),
    HOLD_TTL_SECONDS=(int, 300),
    MAX_SEATS_PER_HOLD=(int, 10),
    LOCK_TIMEOUT_MS=(int, 2000),
    TOKEN_CACHE_SECONDS=(int, 10),
    LOG_LEVEL=(str, "INFO"),
    COOKIE_SAMESITE=(str, "Lax"),
    CSP_REPORT_ONLY=(bool, False),
    THROTTLES_ENABLED=(bool, True),
    NUM_PROXIES=(int, 0),
)

DEBUG = env("DEBUG")

# A random key is fine for a developer's DEBUG process; production must set its own.
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (make run generates one).")
    SECRET_KEY = "django-insecure-dev-" + get_random_secret_key()

# Rotating the key: put the old one here while sessions and tokens signed with it age out.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "http_infra.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's assets, served locally (no CDN)
    "booking",
    "axes",
]

MIDDLEWARE = [
    # Outermost: times every request and counts it (metrics), and writes the request log line.
    "http_infra.observability.middleware.ObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "http_infra.middleware.DocumentCSPMiddleware",
    "http_infra.middleware.RequestBodyLimitMiddleware",
    # Token-authenticated API calls skip the rest (sessions, CSRF, messages, axes, static files).
    "http_infra.token_fast_path.TokenApiFastPathMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into a 429 (http_infra.errors.signin_locked_out).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# DATABASE_URL is required: `make run`/`make test` point it at the embedded server when unset.
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env("CONN_MAX_AGE")
# A persistent connection is checked before reuse, so a database restart costs no 500s; the check looks
# at the socket instead of asking the server (config/postgresql/base.py): no round trip per request.
DATABASES["default"]["ENGINE"] = "config.postgresql"
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
# A server-wide ceiling on any lock wait (migrations included); services set a tighter one locally.
# A seat write is one autocommit statement that commits on the server: if its app process dies while
# the statement waits on a lock, the server notices the closed socket within the check interval and
# cancels it, instead of committing a hold or booking nobody will be told about.
DATABASES["default"]["OPTIONS"].setdefault("options", "-c lock_timeout=10s -c client_connection_check_interval=250ms")
# Server-side binding lets psycopg prepare the statements a connection runs repeatedly: planning the
# layout's state query costs ~4x its execution, and every hold repeats the same handful of statements.
# DB_PREPARE_THRESHOLD=off turns preparing off (e.g. behind a pooler that cannot keep prepared statements).
_prepare_threshold = env("DB_PREPARE_THRESHOLD", default="2").strip().lower()
DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
DATABASES["default"]["OPTIONS"].setdefault(
    "prepare_threshold", None if _prepare_threshold in {"off", "none", ""} else int(_prepare_threshold)
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Also the register serializer's min_length, so the OpenAPI schema states the same rule.
PASSWORD_MIN_LENGTH = 12
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The built single-page app: its files are served from the site root, index.html for SPA routes.
FRONTEND_DIST = Path(env("FRONTEND_DIST", default=str(REPO_DIR / "frontend" / "dist")))
WHITENOISE_ROOT = FRONTEND_DIST if FRONTEND_DIST.is_dir() else None

# Requests bodies above this are refused with a JSON 413 before any parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024

REST_FRAMEWORK = {
    # Token first: an anonymous API call then gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "http_infra.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["booking.api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["booking.api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "booking.api.negotiation.JSONOnlyContentNegotiation",
    "EXCEPTION_HANDLER": "booking.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Rate limits (http_infra/throttling.py): per view scope, per user, per anonymous IP.
    # Only views with a throttle_scope (hold, book, login, register) are counted: a counted request
    # costs a round trip, and the seat map's polls are cheap reads better limited at the proxy.
    "DEFAULT_THROTTLE_CLASSES": ["http_infra.throttling.ScopedRateThrottle"],
    # Proxies in front of the app that append to X-Forwarded-For: 0 means the socket's address is the
    # client (a client-sent X-Forwarded-For is ignored); 1 behind one nginx; never more than are there.
    "NUM_PROXIES": env("NUM_PROXIES"),
}

# Rate limits: fixed-window counters in a cache every app process shares. THROTTLES_ENABLED=false lifts
# them (tests, benchmarks, the stress run). THROTTLE_RATES overrides scopes: "hold=120/min,login=10/min".
THROTTLES_ENABLED = env("THROTTLES_ENABLED")
THROTTLE_RATES = {
    "hold": "120/min",
    "book": "60/min",
    "pay": "20/min",  # card testing: a stolen-card script tries many numbers
    "login": "10/min",
    "register": "5/min",
    "user": "600/min",
    "anon": "300/min",
}
# Checked here: a malformed rate stops the process at start, not each request it would limit.
THROTTLE_RATES.update(parse_rates(env.str("THROTTLE_RATES", default="")))
THROTTLE_CACHE = "throttle"
# Counters live in Redis when REDIS_URL is set, otherwise in PostgreSQL (an UNLOGGED table).
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    **(
        {
            "throttle": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": "boxoffice",
            }
        }
        if REDIS_URL
        else {}
    ),
}

# OpenAPI 3 at /api/schema/, Swagger UI at /api/docs/ (booking/api/schema.py documents the error shape).
SPECTACULAR_SETTINGS = {
    "TITLE": "Boxoffice API",
    "DESCRIPTION": "Movie seat booking. Every error is `{detail, code, seat_ids?, errors?}`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums"],
}

# Booking rules.
HOLD_TTL_SECONDS = env("HOLD_TTL_SECONDS")
# Each process watches for layout changes (booking/layout_board.py) and answers unchanged seat-map polls
# without a query. Needs a session-level connection: behind PgBouncer's transaction pooling, point
# LAYOUT_LISTEN_DATABASE_URL at PostgreSQL itself, or turn this off (every poll then costs one query).
LAYOUT_LISTEN = env.bool("LAYOUT_LISTEN", default=True)
LAYOUT_LISTEN_DATABASE_URL = env.str("LAYOUT_LISTEN_DATABASE_URL", default="")
MAX_SEATS_PER_HOLD = env("MAX_SEATS_PER_HOLD")
LOCK_TIMEOUT_MS = env("LOCK_TIMEOUT_MS")
# How long a process may trust an API token it has already looked up (0: look it up every time).
TOKEN_CACHE_SECONDS = env("TOKEN_CACHE_SECONDS")

# Payments (booking/payments, DESIGN.md "Orders and payment"). The provider is a dotted path to a
# PaymentProvider class: the test provider by default (card numbers decide the outcome); a real provider
# plugs in here without touching the services. Webhooks are signed with PAYMENT_WEBHOOK_SECRET (HMAC-SHA256;
# derived from SECRET_KEY when unset). The test provider answers its asynchronous card by webhook after
# TEST_PAYMENT_WEBHOOK_DELAY seconds.
# Moviegoers may cancel a booking until this long before the showtime starts (a showtime may override it).
CANCELLATION_CUTOFF_MINUTES = env.int("CANCELLATION_CUTOFF_MINUTES", default=120)
# A companion seat is sold only with its wheelchair space until this long before the showtime, then to anyone.
COMPANION_RELEASE_MINUTES = env.int("COMPANION_RELEASE_MINUTES", default=60)
# How often best available tries again when a concurrent buyer took its block first.
BEST_AVAILABLE_ATTEMPTS = env.int("BEST_AVAILABLE_ATTEMPTS", default=4)
PAYMENT_PROVIDER = env.str("PAYMENT_PROVIDER", default="booking.payments.test_provider.TestCardProvider")
PAYMENT_WEBHOOK_SECRET = env.str("PAYMENT_WEBHOOK_SECRET", default="")
TEST_PAYMENT_WEBHOOK_DELAY = env.float("TEST_PAYMENT_WEBHOOK_DELAY", default=3.0)

# Observability (http_infra/observability, docs/operations.md): one log line per request on the
# "boxoffice.request" logger; /metrics answers loopback callers, a bearer token, or anyone if allowed.
REQUEST_LOG = env.bool("REQUEST_LOG", default=True)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOW_REMOTE = env.bool("METRICS_ALLOW_REMOTE", default=False)
# Prometheus scrapes each app server directly over plain HTTP: no HTTPS redirect for /metrics.
SECURE_REDIRECT_EXEMPT = [r"^metrics/?$"]

# Behind TLS (HTTPS=true) cookies are secure and HSTS is on; plain-HTTP local runs keep them off.
HTTPS = env("HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# SameSite=Lax (COOKIE_SAMESITE=Strict|Lax): a cross-site POST carries neither cookie. The session
# cookie is HttpOnly; the CSRF cookie is not (the SPA reads it into X-CSRFToken).
SESSION_COOKIE_SAMESITE = env("COOKIE_SAMESITE")
CSRF_COOKIE_SAMESITE = env("COOKIE_SAMESITE")
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp 4): same-origin everything, no inline scripts, no framing.
# The SPA (Vite build) and the Django admin need nothing more; Swagger UI's inline <style> is allowed on
# /api/docs/ only (booking/api/urls.py). CSP_REPORT_ONLY=true sends the policy as report-only instead
# (to try a change first); CSP_REPORT_URI sends violation reports there.
_CSP = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],  # the favicon is a data: URI; Swagger UI's icons are too
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
if env.str("CSP_REPORT_URI", default=""):
    _CSP["report-uri"] = env.str("CSP_REPORT_URI")
if env("CSP_REPORT_ONLY"):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # "%(asctime)s %(levelname)s %(name)s %(message)s", its date formatted once a second.
    "formatters": {"plain": {"()": "http_infra.observability.logging.PlainFormatter"}},
    # Written by a background thread per process: request threads never wait on the stream.
    "handlers": {
        "console": {"class": "http_infra.observability.logging.BackgroundStreamHandler", "formatter": "plain"},
        # A handler's filter (unlike a logger's) also sees the records of child loggers.
        "client_faults": {
            "class": "http_infra.observability.logging.BackgroundStreamHandler",
            "formatter": "plain",
            "filters": ["client_fault"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL")},
    "filters": {"client_fault": {"()": "http_infra.observability.log_filters.ClientFault"}},
    "loggers": {
        # A 409 is business as usual here, not a warning worth a log line per request.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # A bad Host header is answered 400 (JSON under /api/): a warning line, no traceback.
        "django.security": {"handlers": ["client_faults"], "propagate": False},
    },
}


# Brute-force lockout (django-axes): AXES_FAILURE_LIMIT wrong passwords for one username from one IP
# lock that pair out for AXES_COOLOFF_MINUTES, API and admin sign-in alike, answered with a 429.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "booking.backends.CaseInsensitiveModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "http_infra.errors.signin_locked_out"
AXES_CLIENT_IP_CALLABLE = "http_infra.throttling.client_ip"
AXES_USERNAME_CALLABLE = "booking.backends.lockout_username"
