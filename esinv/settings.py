"""ES Inventory Hub settings.

Everything an operator may change comes from the environment; each variable is
documented in the README with its default. Secrets have no usable default in
production (DEBUG off refuses the development SECRET_KEY).
"""
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from esinv.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ESINV_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
_DEV_SECRET = "dev-only-insecure-secret-key-change-me"
# The key comes from SECRET_KEY, else from the file SECRET_KEY_FILE names (a mounted secret;
# by default var/secret_key, which bin/demo creates, so manage.py works in a demo shell as is).
SECRET_KEY = env_str("SECRET_KEY", "")
_SECRET_KEY_FILE = Path(env_str("SECRET_KEY_FILE", str(VAR_DIR / "secret_key")))
if not SECRET_KEY and _SECRET_KEY_FILE.is_file():
    SECRET_KEY = _SECRET_KEY_FILE.read_text().strip()
if not SECRET_KEY and DEBUG:
    SECRET_KEY = _DEV_SECRET
if not SECRET_KEY:
    if env_bool("ESINV_ALLOW_DEV_SECRET", False):
        SECRET_KEY = _DEV_SECRET
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE) in the environment "
            "(or DEBUG=true / ESINV_ALLOW_DEV_SECRET=true for local use)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
ESINV_PORT = env_int("ESINV_PORT", 5400)

INSTALLED_APPS = [
    "esinv.apps.HubAdminConfig",  # django.contrib.admin with the hub's site (esinv/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_q",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.microsoft",
    "esinv",
    "inventory",
    "collectors",
    "variances",
    "qbr",
    "billing",
    "notifications",
]

MIDDLEWARE = [
    # Outermost: counts and times every response, static files and refusals included (esinv/metrics).
    "esinv.metrics.requests.RequestMetricsMiddleware",
    "esinv.middleware.RequestIDMiddleware",
    # Outside everything else so that errors raised by the other middleware (a bad Host header)
    # are answered as JSON under /api/ too.
    "esinv.middleware.APIErrorMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Before sessions, authentication and every view: text the database would refuse never gets further
    # (and inside CORS, so a dashboard on another origin can read the 400).
    "esinv.middleware.InputCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from the app itself (hashed, compressed names): the proxy needs no static rules.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A filter value an admin list cannot turn into SQL (?created_at__year=99999999999999999999): 400 page.
    "esinv.admin_filters.AdminBadFilterMiddleware",
    # Last, so its process_exception sees a locked-out sign-in first (answers 429).
    "esinv.lockout.LockoutMiddleware",
]

ROOT_URLCONF = "esinv.urls"
WSGI_APPLICATION = "esinv.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "esinv.access.access_context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite under var/ is the embedded default; DATABASE_URL selects PostgreSQL.
_DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'esinv.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL", "") or _DEFAULT_SQLITE
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while a collector writes; the busy timeout
    # makes a second writer wait instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared cache in the database: throttling counters must hold across several
# gunicorn workers and machines, so no per-process memory.
CACHES = {
    "default": {
        "BACKEND": env_str("CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"),
        "LOCATION": env_str("CACHE_LOCATION", "esinv_cache"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Django's model backend that first refuses a locked-out client address (esinv/lockout.py).
    "esinv.lockout.LockoutBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# collectstatic writes hashed, compressed copies that WhiteNoise serves with far-future caching.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str("STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"),
    },
}
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
SITE_ID = 1

# The hub's own sign-in page (Microsoft or password): where anything needing a signed-in user sends
# a signed-out visitor, with ?next= (the staff pages, allauth's account pages).
LOGIN_URL = "/sign-in/"
LOGIN_REDIRECT_URL = "/"

# --- Security for production ---------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# Cross-origin dashboards send the session cookie: SameSite=None needs Secure.
SESSION_COOKIE_SAMESITE = env_str("SESSION_COOKIE_SAMESITE", "None" if SESSION_COOKIE_SECURE else "Lax")
CSRF_COOKIE_SAMESITE = env_str("CSRF_COOKIE_SAMESITE", "None" if CSRF_COOKIE_SECURE else "Lax")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
# Proxies in front of the hub that append the client's address to X-Forwarded-For. The client
# address (throttling, sign-in lockout) is REMOTE_ADDR when 0, else the address the outermost of
# them appended: a header the caller sends itself is never trusted.
ESINV_TRUSTED_PROXIES = env_int("ESINV_TRUSTED_PROXIES", 1 if env_bool("BEHIND_TLS_PROXY", False) else 0)
ALLAUTH_TRUSTED_PROXY_COUNT = ESINV_TRUSTED_PROXIES
# Behind the TLS proxy: plain-HTTP requests are redirected and browsers told to keep to HTTPS. Health
# probes and the metrics scrape come from inside the network over plain HTTP and are not redirected.
_BEHIND_TLS = env_bool("BEHIND_TLS_PROXY", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _BEHIND_TLS)
SECURE_REDIRECT_EXEMPT = [r"^api/health(/live|/ready)?$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _BEHIND_TLS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _BEHIND_TLS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _BEHIND_TLS)
from esinv.csp_policy import CONTENT_SECURITY_POLICY  # noqa: E402,F401

# --- CORS -----------------------------------------------------------------
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/(api|accounts)/.*$"
CORS_EXPOSE_HEADERS = [
    "X-Request-ID",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Retry-After",
    "Content-Disposition",
]
from corsheaders.defaults import default_headers  # noqa: E402

CORS_ALLOW_HEADERS = (*default_headers, "x-api-key", "x-request-id")

# --- REST framework -------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "esinv.auth.APIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["esinv.auth.HubAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["esinv.throttling.HubRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "esinv.pagination.HubPagination",
    "PAGE_SIZE": env_int("ESINV_PAGE_SIZE", 100),
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "esinv.schema.HubAutoSchema",
    "EXCEPTION_HANDLER": "esinv.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "esinv.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": ESINV_TRUSTED_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ES Inventory Hub API",
    "DESCRIPTION": "Device inventory, variances, Windows 11 readiness and QBR metrics for an MSP.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    # Bodies are JSON: the request fields are strict JSON types (a form post's "5" is no integer), so the
    # schema offers application/json only (DRF's form parsers still read what a browser form posts).
    "PARSER_WHITELIST": ["esinv.parsers.JSONParser"],
    # Swagger UI assets are served by the app itself: no CDN.
    "SERVE_PERMISSIONS": ["esinv.auth.HubAccess"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Named, so the schema (and `check --deploy`) has no enum-name collision warning.
    "ENUM_NAME_OVERRIDES": {"CollectorRunStatusEnum": "collectors.models.BatchStatus",
                            "CollectorNameEnum": "collectors.runs.accepted_names",
                            "BillingVarianceTypeEnum": "billing.models.BillingVarianceType",
                            "BillingVarianceStatusEnum": "billing.models.BillingVarianceStatus"},
}

# Existing dashboards read without credentials; set to true to allow that for
# GET endpoints (writes always need a write key or a staff session).
ESINV_ANONYMOUS_READ = env_bool("ESINV_ANONYMOUS_READ", False)
# Requests per minute, per API key / user / client address.
ESINV_THROTTLE_RATE = env_str("ESINV_THROTTLE_RATE", "600/min")
ESINV_THROTTLE_ANON_RATE = env_str("ESINV_THROTTLE_ANON_RATE", "120/min")
ESINV_MAX_PAGE_SIZE = env_int("ESINV_MAX_PAGE_SIZE", 1000)
# Longest query-string value (and URL path), and longest string in a form or JSON body, in characters.
ESINV_MAX_PARAM_LENGTH = env_int("ESINV_MAX_PARAM_LENGTH", 1000)
ESINV_MAX_TEXT_LENGTH = env_int("ESINV_MAX_TEXT_LENGTH", 10000)

# --- Accounts and access (esinv/access.py, esinv/accounts.py, esinv/lockout.py) ----
# Group whose members (not staff) may read client inventory data; created by a data migration.
ESINV_VIEWER_GROUP = env_str("ESINV_VIEWER_GROUP", "Viewers")
# Failed sign-ins and bad API keys per client address: this many within the window lock the
# address out for the lockout time after the last one (0 turns the lockout off).
ESINV_AUTH_FAILURE_LIMIT = env_int("ESINV_AUTH_FAILURE_LIMIT", 10)
ESINV_AUTH_FAILURE_WINDOW_MINUTES = env_int("ESINV_AUTH_FAILURE_WINDOW_MINUTES", 15)
ESINV_AUTH_LOCKOUT_MINUTES = env_int("ESINV_AUTH_LOCKOUT_MINUTES", 15)

# --- Mail (password reset only; without EMAIL_HOST the reset page says to ask staff) ----
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)  # STARTTLS, unless implicit TLS is chosen
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")

# --- Domain rules -----------------------------------------------------------
# A NinjaOne device whose display name or location matches is a spare.
ESINV_SPARE_PATTERN = env_str("ESINV_SPARE_PATTERN", r"\bSPARE\b")
# Vendor data freshness, in days since the latest snapshot.
ESINV_FRESHNESS_STALE_DAYS = env_int("ESINV_FRESHNESS_STALE_DAYS", 2)
ESINV_FRESHNESS_VERY_STALE_DAYS = env_int("ESINV_FRESHNESS_VERY_STALE_DAYS", 7)
# A variance report older than this many days is stale_data.
ESINV_REPORT_CURRENT_MAX_DAYS = env_int("ESINV_REPORT_CURRENT_MAX_DAYS", 1)
# Snapshot retention: daily rows for this many days, month-end rows forever.
ESINV_SNAPSHOT_RETENTION_DAYS = env_int("ESINV_SNAPSHOT_RETENTION_DAYS", 400)

# --- Background work (django-q2) -------------------------------------------
Q_CLUSTER = {
    "name": "esinv",
    "workers": env_int("Q_WORKERS", 2),
    "timeout": env_int("Q_TIMEOUT", 3600),
    "retry": env_int("Q_RETRY", 3700),
    "max_attempts": 1,
    "queue_limit": 50,
    "bulk": 1,
    "orm": "default",
    "catch_up": False,
    "sync": env_bool("Q_SYNC", False),
    "save_limit": 500,
    "poll": env_float("Q_POLL", 1.0),
}
if env_str("REDIS_URL", ""):
    Q_CLUSTER.pop("orm")
    Q_CLUSTER["redis"] = env_str("REDIS_URL")

# --- Microsoft sign-in (django-allauth) ------------------------------------
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_EMAIL_VERIFICATION = "none"
# Accounts by invitation: local sign-up closed (esinv/accounts.py); reset mail only to known accounts.
ACCOUNT_ADAPTER = "esinv.accounts.InvitationOnlyAccountAdapter"
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Failed logins are counted by esinv.lockout (one mechanism for forms and API keys), not allauth;
# allauth's other request limits (password reset mails ...) stay.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
# allauth's own /accounts/microsoft/login/ keeps needing a POST; the dashboard's
# GET /api/auth/microsoft/login starts the flow itself (see docs/qbr.md).
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_ADAPTER = "qbr.sign_in.QBRSocialAccountAdapter"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {
    "microsoft": {
        "TENANT": env_str("MICROSOFT_TENANT", "organizations"),
        "APPS": [
            {
                "client_id": env_str("MICROSOFT_CLIENT_ID", ""),
                "secret": env_str("MICROSOFT_CLIENT_SECRET", ""),
                "settings": {
                    "tenant": env_str("MICROSOFT_TENANT", "organizations"),
                    "login_url": env_str("MICROSOFT_LOGIN_URL", "https://login.microsoftonline.com"),
                    "graph_url": env_str("MICROSOFT_GRAPH_URL", "https://graph.microsoft.com"),
                },
            }
        ],
    }
}

# --- Metrics (GET /metrics, esinv/metrics) ----------------------------------
# Addresses (or networks, e.g. 10.0.0.0/8) that may scrape /metrics without an API key.
ESINV_METRICS_ALLOWED_IPS = env_list("ESINV_METRICS_ALLOWED_IPS", [])

# --- Logging ---------------------------------------------------------------
# plain: human-readable lines; json: one JSON object a line (production), see esinv/logjson.py.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "esinv.request_context.RequestIDLogFilter"}},
    "formatters": {
        "plain": {"()": "esinv.logplain.PlainFormatter",
                  "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "esinv.logjson.JSONFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": env_str("LOG_LEVEL_SERVER", "INFO")},
        # One line per request from esinv.metrics (method, path, route, status, duration_ms).
        "esinv.request": {"level": env_str("LOG_LEVEL_REQUESTS", env_str("LOG_LEVEL", "INFO"))},
    },
}

# --- Per-app settings --------------------------------------------------------
# Each app owns its knobs in <app>/settings.py (plain env reads, no models).
from billing.settings import *  # noqa: E402,F403
from collectors.connectwise_settings import *  # noqa: E402,F403
from collectors.settings import *  # noqa: E402,F403
from inventory.settings import *  # noqa: E402,F403
from notifications.settings import *  # noqa: E402,F403
from qbr.settings import *  # noqa: E402,F403
from variances.settings import *  # noqa: E402,F403

if ESINV_NINJA_CONSOLE_URL is None:  # noqa: F405 (unset: the dashboard on the API's own NinjaOne instance)
    from inventory.console_links import default_ninja_console_url  # noqa: E402

    ESINV_NINJA_CONSOLE_URL = default_ninja_console_url(NINJA_BASE_URL)  # noqa: F405
