"""Django settings for Territoria, read from TERRITORIA_* environment variables.

Every variable is documented in docs/admin/configuration.md (a test checks it).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from territoria.accounts.ratelimit import parse_rate
from territoria.lib.env import Env, ImproperlyConfiguredEnv, parse_database_url

env = Env()
BASE_DIR = Path(__file__).resolve().parent

try:
    ENVIRONMENT = env.get_choice("TERRITORIA_ENV", ("development", "production"), "development")
    PRODUCTION = ENVIRONMENT == "production"
    DEBUG = env.get_bool("TERRITORIA_DEBUG", default=not PRODUCTION)
    DATA_DIR = Path(env.get_str("TERRITORIA_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve()
    SECRET_KEY = env.get_str("TERRITORIA_SECRET_KEY")
    ALLOWED_HOSTS = env.get_list(
        "TERRITORIA_ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
    )
    CSRF_TRUSTED_ORIGINS = env.get_list("TERRITORIA_CSRF_TRUSTED_ORIGINS")
    DATABASE_URL = env.get_str("TERRITORIA_DATABASE_URL", f"sqlite:///{DATA_DIR / 'territoria.sqlite3'}")
    try:
        DATABASES = {"default": parse_database_url(DATABASE_URL, base_dir=str(DATA_DIR))}
    except ImproperlyConfiguredEnv as error:
        raise ImproperlyConfiguredEnv(f"TERRITORIA_DATABASE_URL: {error}") from None
    TIME_ZONE = env.get_str("TERRITORIA_TIME_ZONE", "Europe/Paris")
    LANGUAGE_CODE = env.get_choice("TERRITORIA_LANGUAGE", ("fr", "en"), "fr")
    SITE_NAME = env.get_str("TERRITORIA_SITE_NAME", "Territoria")
    STATIC_ROOT = Path(env.get_str("TERRITORIA_STATIC_ROOT", str(DATA_DIR / "static")))
    LOG_LEVEL = env.get_choice("TERRITORIA_LOG_LEVEL", ("debug", "info", "warning", "error"), "info").upper()
    BEHIND_TLS_PROXY = env.get_bool("TERRITORIA_BEHIND_TLS_PROXY", default=False)
    SECURE_SSL_REDIRECT = env.get_bool("TERRITORIA_SECURE_SSL_REDIRECT", default=PRODUCTION)
    SECURE_HSTS_SECONDS = env.get_int("TERRITORIA_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0, minimum=0)
    API_MAX_LIMIT = env.get_int("TERRITORIA_API_MAX_LIMIT", 100, minimum=1, maximum=10_000)
    # Records API: pages kept per worker process (records/engine.py); a published file never changes. 0: none.
    RECORDS_PAGE_CACHE = env.get_int("TERRITORIA_RECORDS_PAGE_CACHE", 256, minimum=0, maximum=100_000)
    REDIS_URL = env.get_str("TERRITORIA_REDIS_URL")
    TASKS_IMMEDIATE = env.get_bool("TERRITORIA_TASKS_IMMEDIATE", default=False)
    TASK_WORKERS = env.get_int("TERRITORIA_TASK_WORKERS", 1, minimum=1, maximum=32)
    MAX_UPLOAD_MB = env.get_int("TERRITORIA_MAX_UPLOAD_MB", 1024, minimum=1)
    JOB_STALE_SECONDS = env.get_int("TERRITORIA_JOB_STALE_SECONDS", 120, minimum=2)
    # Maps (territoria.viz): no tiles unless the installation has a tile server of its own.
    # Sites allowed to show dashboards and charts in an iframe (embed pages only; every other page refuses frames).
    EMBED_ORIGINS = env.get_list("TERRITORIA_EMBED_ORIGINS", ["*"])
    MAP_TILES_URL = env.get_str("TERRITORIA_MAP_TILES_URL")
    MAP_TILES_ATTRIBUTION = env.get_str("TERRITORIA_MAP_TILES_ATTRIBUTION")
    # Atlas: the referential (by its identifier) that new actions are classified into; a network sets its own.
    ATLAS_REFERENTIAL = env.get_str("TERRITORIA_ATLAS_REFERENTIAL", "territoria")
    TILE_PLACES = ("{z}", "{x}", "{y}")
    if MAP_TILES_URL and not (
        MAP_TILES_URL.startswith(("https://", "http://", "/")) and all(p in MAP_TILES_URL for p in TILE_PLACES)
    ):
        raise ImproperlyConfiguredEnv("TERRITORIA_MAP_TILES_URL must be an http(s):// or /path URL with {z}, {x}, {y}")
    # Requests under /api/ per API key, person or address (accounts/middleware.py); off outside production.
    try:
        API_RATE_LIMIT = parse_rate(env.get_str("TERRITORIA_API_RATE_LIMIT", "600/m" if PRODUCTION else "off"))
    except ValueError as error:
        raise ImproperlyConfiguredEnv(f"TERRITORIA_API_RATE_LIMIT={error}") from None
    # Sign-in (docs/admin/authentication.md): e-mail for password resets, lockout, rate limit, OpenID Connect.
    EMAIL_HOST = env.get_str("TERRITORIA_EMAIL_HOST")
    EMAIL_USE_SSL = env.get_bool("TERRITORIA_EMAIL_USE_SSL", default=False)
    EMAIL_USE_TLS = env.get_bool("TERRITORIA_EMAIL_USE_TLS", default=not EMAIL_USE_SSL)
    EMAIL_PORT = env.get_int("TERRITORIA_EMAIL_PORT", 465 if EMAIL_USE_SSL else 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env.get_str("TERRITORIA_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env.get_str("TERRITORIA_EMAIL_PASSWORD")
    DEFAULT_FROM_EMAIL = env.get_str("TERRITORIA_DEFAULT_FROM_EMAIL", "territoria@localhost")
    LOGIN_FAILURE_LIMIT = env.get_int("TERRITORIA_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=1000)
    LOGIN_COOLOFF_MINUTES = env.get_int("TERRITORIA_LOGIN_COOLOFF_MINUTES", 15, minimum=1, maximum=10_080)
    try:
        LOGIN_RATE_LIMIT = parse_rate(env.get_str("TERRITORIA_LOGIN_RATE_LIMIT", "20/m"))
    except ValueError as error:
        raise ImproperlyConfiguredEnv(f"TERRITORIA_LOGIN_RATE_LIMIT={error}") from None
    OIDC_RP_CLIENT_ID = env.get_str("TERRITORIA_OIDC_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env.get_str("TERRITORIA_OIDC_CLIENT_SECRET")
    OIDC_ISSUER = env.get_str("TERRITORIA_OIDC_ISSUER").rstrip("/")
    OIDC_PROVIDER_NAME = env.get_str("TERRITORIA_OIDC_PROVIDER_NAME")
    OIDC_ORGANISATION = env.get_str("TERRITORIA_OIDC_ORGANISATION")
    OIDC_ROLE = env.get_choice("TERRITORIA_OIDC_ROLE", ("agent", "editor"), "agent")
    if EMAIL_USE_SSL and EMAIL_USE_TLS:
        raise ImproperlyConfiguredEnv("TERRITORIA_EMAIL_USE_SSL and TERRITORIA_EMAIL_USE_TLS: choose one, not both")
except ImproperlyConfiguredEnv as error:
    raise ImproperlyConfigured(f"Territoria configuration: {error}") from None

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and DATABASES["default"]["NAME"] != ":memory:":
    Path(str(DATABASES["default"]["NAME"])).parent.mkdir(parents=True, exist_ok=True)

if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "TERRITORIA_SECRET_KEY is required when TERRITORIA_ENV=production "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))')"
        )
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("TERRITORIA_SECRET_KEY must be at least 50 characters of random text")
    if not env.raw("TERRITORIA_DATA_DIR"):
        raise ImproperlyConfigured(
            "TERRITORIA_DATA_DIR is required when TERRITORIA_ENV=production (files and database)"
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("TERRITORIA_ALLOWED_HOSTS is required when TERRITORIA_ENV=production")
elif not SECRET_KEY:
    SECRET_KEY = "development-only-key-never-use-in-production-" + "x" * 20  # noqa: S105
if OIDC_RP_CLIENT_ID and not (OIDC_RP_CLIENT_SECRET and OIDC_ISSUER):
    raise ImproperlyConfigured(
        "TERRITORIA_OIDC_CLIENT_ID is set: TERRITORIA_OIDC_CLIENT_SECRET and TERRITORIA_OIDC_ISSUER are required too"
    )
if OIDC_RP_CLIENT_ID and PRODUCTION and not OIDC_ISSUER.startswith("https://"):
    raise ImproperlyConfigured("TERRITORIA_OIDC_ISSUER must be an https:// address when TERRITORIA_ENV=production")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "territoria.accounts",
    "territoria.access",
    "territoria.catalog",
    "territoria.quality",
    "territoria.ingest",
    "territoria.records",
    "territoria.viz",
    "territoria.atlas",
    "territoria.portal",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # CONTENT_SECURITY_POLICY below; territoria/web/security.py widens it per view
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "territoria.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "territoria.accounts.middleware.ApiTokenMiddleware",  # Authorization: Apikey/Bearer <key>
    "territoria.accounts.middleware.ApiRateLimitMiddleware",  # TERRITORIA_API_RATE_LIMIT under /api/
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "territoria.web.middleware.ApiErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the page of accounts.signin.locked_out
]

ROOT_URLCONF = "territoria.urls"
WSGI_APPLICATION = "territoria.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "territoria.portal.context_processors.site",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "territoria.viz.finders.VendorFinder",  # Leaflet and Vega from their PyPI packages (viz/vendor.py)
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
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from it once collectstatic has run
FILES_DIR = DATA_DIR / "files"
WORK_DIR = DATA_DIR / "work"  # ingestion scratch space, emptied job by job
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "uploads")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024

# Background tasks (ingestion, scheduled refresh): Huey on SQLite by default, on Redis in production.
HUEY = {
    "name": "territoria",
    "huey_class": "huey.RedisHuey" if REDIS_URL else "huey.SqliteHuey",
    "immediate": TASKS_IMMEDIATE,
    "results": False,
    "consumer": {"workers": TASK_WORKERS, "worker_type": "process", "periodic": True},
}
if REDIS_URL:
    HUEY["connection"] = {"url": REDIS_URL}
else:
    HUEY["filename"] = str(DATA_DIR / "tasks.sqlite3")
# Cache: rate-limit counters (API, sign-in). Redis when there is one; else, in production, files under
# DATA_DIR shared by the gunicorn workers (counters: RATE_LIMIT_FOLDER, lib/counters.py, one appended byte per
# hit; anything else: Django's file cache); in development and tests, each process's memory.
CACHES: dict[str, dict[str, object]]
RATE_LIMIT_FOLDER = str(DATA_DIR / "ratelimit") if PRODUCTION and not REDIS_URL else ""
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "territoria",
        }
    }
elif PRODUCTION:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "territoria"}}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"

# Sign-in: lockout (django-axes), password-reset e-mail, OpenID Connect (mozilla-django-oidc).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in the audit log (accounts.AuditEvent)
AXES_LOCKOUT_CALLABLE = "territoria.accounts.signin.locked_out"
AXES_CLIENT_IP_CALLABLE = "territoria.accounts.signin.client_address"
AXES_VERBOSE = False  # no banner at every command; failures and lockouts are still logged
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif PRODUCTION:  # no mail server: nothing is sent, the reset page says so, the log warns (accounts/checks.py)
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
PASSWORD_RESET_BY_EMAIL = bool(EMAIL_HOST) or not PRODUCTION
PASSWORD_RESET_TIMEOUT = 24 * 3600
EMAIL_TIMEOUT = 15
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("territoria.accounts.oidc.OidcBackend")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 15
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc-callback"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: scripts, styles, images and requests from this site only, nothing inline, no frames.
# Pages drawing Vega charts allow 'unsafe-eval' (Vega compiles its expressions); embed pages allow the
# TERRITORIA_EMBED_ORIGINS as frame ancestors: both through territoria/web/security.py decorators.
_TILES_ORIGIN = re.match(r"https?://[^/{]+", MAP_TILES_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *([_TILES_ORIGIN[0]] if _TILES_ORIGIN else [])],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False}},
}
