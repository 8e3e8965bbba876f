"""Settings for frontdesk, read from environment variables (see the README's table).

Every variable is parsed strictly: a bad value stops start-up with a message naming it.
"""

import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from frontdesk.core.env import ConfigError, env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

DATA_DIR = Path(env_str("FRONTDESK_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from FRONTDESK_SECRET_KEY, or one generated once and kept in the data folder,
    so that the embedded install needs no configuration and sessions survive a restart."""
    key = env_str("FRONTDESK_SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ConfigError("FRONTDESK_SECRET_KEY: must be at least 32 characters")
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("FRONTDESK_DEBUG", False)
ALLOWED_HOSTS = env_list("FRONTDESK_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("FRONTDESK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "frontdesk.core.admin_site.FrontdeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "axes",
    "ninja",  # serves the API docs page from our own static files, not a CDN
    "frontdesk.core",
    "frontdesk.audit",
    "frontdesk.accounts",
    "frontdesk.customers",
    "frontdesk.workorders",
    "frontdesk.handover",
    "frontdesk.hotel",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "frontdesk.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "frontdesk.core.middleware.PageLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "frontdesk.core.middleware.ApiMethodNotAllowedMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "frontdesk.urls"
ASGI_APPLICATION = "frontdesk.asgi.application"
AUTH_USER_MODEL = "accounts.Staff"
# `frontdesk backup` writes JSON whose times keep their microseconds (see core/serializers.py).
SERIALIZATION_MODULES = {"json": "frontdesk.core.serializers"}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

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
                "frontdesk.core.context.navigation",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'frontdesk.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("FRONTDESK_DB_CONN_MAX_AGE", 0, minimum=0))
except Exception as exc:  # dj-database-url raises several types for a bad URL
    raise ConfigError(f"DATABASE_URL={DATABASE_URL!r}: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at
        # the start of a transaction so two writers queue instead of failing half-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db["TEST"] = {"NAME": env_str("FRONTDESK_TEST_SQLITE_NAME") or None}
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db.setdefault("OPTIONS", {})
    _db["CONN_HEALTH_CHECKS"] = True  # with the pool: a connection is checked as it is lent
    # Opening a PostgreSQL connection starts a server process: several milliseconds, on every
    # request when connections are closed after each. A pool lends an open one instead. Under
    # ASGI every request being answered holds its own connection (its own thread), so the
    # pool's size is also how many one process answers at once: eight exports of a month at
    # once took all of a pool of 8 in the benchmark and a ninth request got a 503.
    _pool_size = env_int("FRONTDESK_DB_POOL_SIZE", 16, minimum=0)
    if _pool_size and _db["CONN_MAX_AGE"]:
        raise ConfigError("FRONTDESK_DB_POOL_SIZE and FRONTDESK_DB_CONN_MAX_AGE: set one of them (POOL_SIZE=0 for no pool)")
    if _pool_size:
        # timeout: how long a request waits for a connection (or for the database to come
        # back) before it is answered 503.
        _db["OPTIONS"]["pool"] = {"min_size": 1, "max_size": _pool_size, "timeout": env_int("FRONTDESK_DB_POOL_TIMEOUT", 5, minimum=1)}
else:
    raise ConfigError(f"DATABASE_URL={DATABASE_URL!r}: only sqlite:// and postgresql:// are supported")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- realtime --------------------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- authentication and security -------------------------------------------------------

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

# Lock a username at one address after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = env_int("FRONTDESK_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

HTTPS = env_bool("FRONTDESK_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("FRONTDESK_BEHIND_PROXY", False) else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("FRONTDESK_SESSION_HOURS", 12, minimum=1) * 3600  # one long shift
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- language and time -----------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("FRONTDESK_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

# --- static files ----------------------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("FRONTDESK_STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# The embedded server serves files straight from the apps, so no collect step can be forgotten.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

# --- frontdesk -------------------------------------------------------------------------

FRONTDESK_DEFAULT_REGION = env_str("FRONTDESK_DEFAULT_REGION", "CN")
FRONTDESK_PAGE_SIZE = env_int("FRONTDESK_PAGE_SIZE", 50, minimum=1)
FRONTDESK_WORKER_INTERVAL = env_int("FRONTDESK_WORKER_INTERVAL", 15, minimum=1)
FRONTDESK_LOG_LEVEL = env_choice("FRONTDESK_LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": FRONTDESK_LOG_LEVEL},
    "loggers": {"axes": {"level": "WARNING"}},
}

APP_NAME = _("frontdesk")
