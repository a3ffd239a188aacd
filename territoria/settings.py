"""Django settings for Territoria, read from TERRITORIA_* environment variables.

Every variable is documented in docs/admin/configuration.md (a test checks it).
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

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
    REDIS_URL = env.get_str("TERRITORIA_REDIS_URL")
    TASKS_IMMEDIATE = env.get_bool("TERRITORIA_TASKS_IMMEDIATE", default=False)
    TASK_WORKERS = env.get_int("TERRITORIA_TASK_WORKERS", 1, minimum=1, maximum=32)
    MAX_UPLOAD_MB = env.get_int("TERRITORIA_MAX_UPLOAD_MB", 1024, minimum=1)
    JOB_STALE_SECONDS = env.get_int("TERRITORIA_JOB_STALE_SECONDS", 120, minimum=2)
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

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "territoria.accounts",
    "territoria.access",
    "territoria.catalog",
    "territoria.quality",
    "territoria.ingest",
    "territoria.records",
    "territoria.portal",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "territoria.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "territoria.web.middleware.ApiErrorMiddleware",
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
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
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
