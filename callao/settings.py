"""Settings for the Callao crime prediction system, all read from the environment.

Every variable is documented in `.env.example`. A `.env` file next to manage.py is
read first (real environment variables win), so `make run` works without exports.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

from callao.env import ImproperlyConfiguredEnv, env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env", override=False)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-for-debug-only" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfiguredEnv("SECRET_KEY is required when DEBUG is false.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "callao.admin_site.CallaoAdminConfig",
    # The project package as an app, for its management commands (backup_create, backup_restore).
    "callao",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework_gis",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "django_prometheus",
    "axes",
    "csp",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "incidents",
    "predictions",
    "reports",
    "analytics",
]

MIDDLEWARE = [
    # Probes and /metrics first: no Host check, no redirects, not counted as traffic.
    "callao.middleware.ProbesMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Answers the officers' cached patrol zones before sessions, auth and DRF (see its doc).
    "predictions.middleware.CurrentZonesFastPath",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session gave a second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Control characters in the query and oversized bodies, refused before any view (400/413).
    "callao.input_guard.RequestGuardMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "accounts.middleware.DenyByDefaultMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.sessions.IdleSignOutMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "callao.urls"
WSGI_APPLICATION = "callao.wsgi.application"
ASGI_APPLICATION = "callao.asgi.application"

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
                "callao.navigation.navigation",
            ],
        },
    },
]

# --- Database (PostGIS) ---------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/callao")
# A stalled dependency fails a request within this many milliseconds (connect, then each
# Redis reply) instead of holding a web thread; the request answers 503 (callao/views.py).
DEPENDENCY_TIMEOUT_MS = env_int("DEPENDENCY_TIMEOUT_MS", 1000, minimum=100)
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
# libpq counts whole seconds (at least 2: a value of 1 is read as 2).
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = max(
    2, DEPENDENCY_TIMEOUT_MS // 1000
)
if DATABASES["default"]["ENGINE"] != "django.contrib.gis.db.backends.postgis":
    raise ImproperlyConfiguredEnv("DATABASE_URL must use the postgis:// scheme.")
# One test database per test run, so that runs in parallel (CI beside a developer) never
# drop each other's database.
DATABASES["default"]["TEST"] = {
    "NAME": env_str("TEST_DATABASE_NAME", f"test_{DATABASES['default']['NAME']}_{os.getpid()}")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Place: the local time zone and the projected CRS every app computes in ------------------
# Times without an offset (imports, shifts, reports, SQL) are local time in this zone; read
# it as django.utils.timezone.get_default_timezone().
TIME_ZONE = env_str("TIME_ZONE", "America/Lima")
# Metres for grids and cells: UTM zone 18S for Callao (EPSG:32718).
PROJECTED_SRID = env_int("PROJECTED_SRID", 32718, minimum=1024)

# --- Redis: cache, sessions, Celery broker -------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "callao.cache.ReusingRedisCache",
        "LOCATION": env_str("CACHE_URL", REDIS_URL),
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "callao"),
        "OPTIONS": {
            "socket_connect_timeout": DEPENDENCY_TIMEOUT_MS / 1000,
            "socket_timeout": DEPENDENCY_TIMEOUT_MS / 1000,
        },
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Authentication --------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# The area a police officer or community leader belongs to. Named here, not in accounts, so
# that accounts (below the domain apps) never refers to one.
ACCOUNTS_DISTRICT_MODEL = "incidents.District"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lock an account from one address after repeated failures (django-axes).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
# Failures from one address across every user name before that address is locked out too
# (accounts/lockout.py): a password tried over many user names.
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
# The order matters: accounts/lockout.py reads the account's count first, the address's second.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "accounts.lockout.AccountAndAddressLockout"
# Roles that must set up and give a second factor (TOTP) at sign-in; others may opt in.
ACCOUNTS_SECOND_FACTOR_ROLES = env_list("ACCOUNTS_SECOND_FACTOR_ROLES", ["admin"])
OTP_TOTP_ISSUER = "Callao · Prevención del delito"
# role:minutes of inactivity after which that role's session ends (accounts/sessions.py).
ACCOUNTS_IDLE_MINUTES = env_list("ACCOUNTS_IDLE_MINUTES", ["officer:15"])
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0, minimum=0)

# --- Internationalisation: Spanish (Peru) first, English second -----------------------------
LANGUAGE_CODE = "es-pe"
LANGUAGES = [("es-pe", _("Español (Perú)")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
# Browser libraries come from npm (package.json; `make` runs `npm ci`), served under vendor/.
# A package missing from node_modules (a bare checkout) is skipped, so the site still starts.
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "static"]
for _prefix, _package in [
    ("vendor/vectorgrid", "leaflet.vectorgrid"),
    ("vendor/chartjs", "chart.js"),
    ("vendor/chartjs-chart-matrix", "chartjs-chart-matrix"),
]:
    if (BASE_DIR / "node_modules" / _package / "dist").is_dir():
        STATICFILES_DIRS.append((_prefix, BASE_DIR / "node_modules" / _package / "dist"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.RolePermission"],
    "EXCEPTION_HANDLER": "callao.api.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Callao — API de predicción y prevención del delito",
    "DESCRIPTION": "Role-scoped API. Every endpoint states the roles it admits.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "callao.schema.error_responses",
    ],
}

# --- Map -------------------------------------------------------------------------------
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
LEAFLET_CONFIG = {"DEFAULT_CENTER": (-11.99, -77.12), "DEFAULT_ZOOM": 11, "TILES": []}

# --- Content-Security-Policy (django-csp): no inline script, scripts only from us ----------
_tile_host = MAP_TILE_URL.split("/{z}")[0].replace("{s}.", "*.") if MAP_TILE_URL else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"] + ([_tile_host] if _tile_host else []),
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- Security -----------------------------------------------------------------------------
# HTTPS-only defaults (redirect, HSTS, secure cookies) hold in production. `make run` serves
# plain HTTP to this machine only: when every allowed host is a loopback name nobody else can
# reach the site, so those defaults would only lock the local browser out.
LOOPBACK_ONLY = all(host in {"localhost", "127.0.0.1", "[::1]", "::1"} for host in ALLOWED_HOSTS)
HTTPS_DEFAULTS = not DEBUG and not LOOPBACK_ONLY
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS_DEFAULTS)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS_DEFAULTS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS_DEFAULTS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS_DEFAULTS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS_DEFAULTS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS_DEFAULTS)
SECURE_REFERRER_POLICY = "same-origin"
# Browser features no page uses are switched off; officers' phones may share their location
# with this site only (the patrol map).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "camera": [],
    "display-capture": [],
    "geolocation": ["self"],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}
X_FRAME_OPTIONS = "DENY"
# Probes and metrics are answered before any other middleware (callao/middleware.py): plain
# HTTP inside the cluster, whatever the Host header (the kubelet sends the pod's IP).
SECURE_REDIRECT_EXEMPT = [r"^livez$", r"^readyz$", r"^healthz$", r"^metrics$"]
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
# A folder shared by the processes of one server (granian's workers, Celery's prefork pool):
# prometheus_client keeps every process's metrics there and /metrics sums them. Empty: one
# process, metrics in memory. prometheus_client reads the same variable itself, at import.
PROMETHEUS_MULTIPROC_DIR = env_str("PROMETHEUS_MULTIPROC_DIR", "")
# The Celery worker serves its task and queue metrics on this port (0: not served).
CELERY_METRICS_PORT = env_int("CELERY_METRICS_PORT", 0, minimum=0, maximum=65535)

# --- Backups (manage.py backup_create / backup_restore; docs/operations.md) -------------------
# A folder on the backup volume (in Kubernetes, a PersistentVolumeClaim of its own); the newest
# BACKUP_KEEP database dumps and media archives are kept, older ones deleted.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
BACKUP_KEEP = env_int("BACKUP_KEEP", 14, minimum=1)

# --- Logging: one JSON object per line ---------------------------------------------------------
LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
LOG_FORMAT = env_choice("LOG_FORMAT", "json", {"json", "text"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        "celery": {"level": LOG_LEVEL},
    },
}

# GDAL 3.6 (Debian 12) cannot block file and network access from spatial references.
# Only admins upload spatial files, and they are read by GDAL from a temporary copy;
# see docs/operations.md. Upgrade GDAL to 3.9+ and remove this line when the base moves.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Incident imports ------------------------------------------------------------------------
DATASET_MAX_UPLOAD_MB = env_int("DATASET_MAX_UPLOAD_MB", 500, minimum=1)
# Every other request body (forms, JSON): refused with 413 before it is read.
REQUEST_MAX_BODY_MB = env_int("REQUEST_MAX_BODY_MB", 10, minimum=1)
DATASET_MAX_REJECTED_SHARE = env_int("DATASET_MAX_REJECTED_PERCENT", 50, minimum=0) / 100

# --- Report summaries (reports/summarizer; see docs/summarizer.md) ------------------------------
# Read as text here; reports.summarizer.config.SummarizerConfig types and checks them (it also
# runs without Django), once at start-up in reports/apps.py.
SUMMARIZER_BACKEND = env_str("SUMMARIZER_BACKEND", "template")
LLM_MODEL_PATH = env_str("LLM_MODEL_PATH", "")
LLM_BASE_URL = env_str("LLM_BASE_URL", "")
LLM_MODEL = env_str("LLM_MODEL", "")
LLM_API_KEY = env_str("LLM_API_KEY", "")
LLM_TIMEOUT_S = env_str("LLM_TIMEOUT_S", "30")
LLM_MAX_RETRIES = env_str("LLM_MAX_RETRIES", "2")
LLM_MAX_NEW_TOKENS = env_str("LLM_MAX_NEW_TOKENS", "400")

# --- Forecast figures other apps show --------------------------------------------------------
# Function giving forecast accuracy / patrol coverage / equity tables to the official report
# and the KPI dashboard (callao/providers.py).
FORECAST_SECTIONS_PROVIDER = env_str(
    "FORECAST_SECTIONS_PROVIDER", "predictions.reporting.forecast_sections"
)

# How long results computed from the incidents (statistics, tiles, analyses) stay cached; the
# data's version is in every key, so an import never serves a stale one (incidents/caching.py).
DATA_CACHE_SECONDS = env_int("DATA_CACHE_SECONDS", 86_400, minimum=60)

# --- Analytics (docs/analytics.md) ------------------------------------------------------------
# Largest grid an emerging-hot-spot analysis may use, and analyses waiting for a worker at once.
ANALYTICS_MAX_CELLS = env_int("ANALYTICS_MAX_CELLS", 60_000, minimum=100)
ANALYTICS_MAX_PENDING_RUNS = env_int("ANALYTICS_MAX_PENDING_RUNS", 4, minimum=1)
# Incidents a near-repeat (Knox) test may pair at most (pairs grow with their square).
ANALYTICS_NEAR_REPEAT_MAX_INCIDENTS = env_int(
    "ANALYTICS_NEAR_REPEAT_MAX_INCIDENTS", 50_000, minimum=100
)

# --- Forecasts and patrol zones (docs/predictions.md) ---------------------------------------
# predictions/conf.py turns these into one typed object (shifts and per-district units parsed)
# and checks them at start-up.
PREDICTIONS_MODELS = env_list("PREDICTIONS_MODELS", ["naive365", "kde", "prospective", "sepp"])
PREDICTIONS_TRAINING_ORIGINS = env_list(
    "PREDICTIONS_TRAINING_ORIGINS", ["victim_report", "citizen_call"]
)
PREDICTIONS_BASELINE_MODEL = env_str("PREDICTIONS_BASELINE_MODEL", "naive365")
PREDICTIONS_CELL_M = env_int("PREDICTIONS_CELL_M", 150, minimum=50)
PREDICTIONS_FLAGGED_PERCENT = env_int("PREDICTIONS_FLAGGED_PERCENT", 5, minimum=0, maximum=100)
PREDICTIONS_EXPLORATION_PERCENT = env_int(
    "PREDICTIONS_EXPLORATION_PERCENT", 10, minimum=0, maximum=100
)
PREDICTIONS_PATROL_UNITS = env_int("PREDICTIONS_PATROL_UNITS", 4, minimum=1)
PREDICTIONS_PATROL_UNITS_BY_DISTRICT = env_str("PREDICTIONS_PATROL_UNITS_BY_DISTRICT", "")
PREDICTIONS_SHIFTS = env_str("PREDICTIONS_SHIFTS", "06:00-14:00,14:00-22:00,22:00-06:00")
PREDICTIONS_FORECAST_LEAD_MINUTES = env_int("PREDICTIONS_FORECAST_LEAD_MINUTES", 30, minimum=0)
PREDICTIONS_BACKTEST_ORIGINS = env_int("PREDICTIONS_BACKTEST_ORIGINS", 8, minimum=2)
PREDICTIONS_BACKTEST_HORIZON_DAYS = env_int("PREDICTIONS_BACKTEST_HORIZON_DAYS", 7, minimum=1)
PREDICTIONS_HISTORY_DAYS = env_int("PREDICTIONS_HISTORY_DAYS", 730, minimum=30)
PREDICTIONS_STALE_RUN_MINUTES = env_int("PREDICTIONS_STALE_RUN_MINUTES", 120, minimum=1)
PREDICTIONS_SEED = env_int("PREDICTIONS_SEED", 0, minimum=0)
# How far before its shift starts or after it ends an officer's visit may lie.
PREDICTIONS_VISIT_TOLERANCE_MINUTES = env_int("PREDICTIONS_VISIT_TOLERANCE_MINUTES", 60, minimum=0)

# --- Domain settings ------------------------------------------------------------------------
BOUNDARIES_SOURCE = env_str("BOUNDARIES_SOURCE", "")
# Inhabitants per district (CSV: ubigeo, distrito, poblacion, anio, fuente) for rates per 10,000.
POPULATION_SOURCE = env_str("POPULATION_SOURCE", "")
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "")
