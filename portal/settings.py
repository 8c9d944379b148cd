"""Settings for Monozukuri Portal, read from the environment.

With nothing set, the portal runs for development: DEBUG on, the project-local PostgreSQL cluster
(portal/devdb.py), e-mail printed to the console. In production set at least SECRET_KEY,
DEBUG=false, ALLOWED_HOSTS and DATABASE_URL (see README.md).
"""

import datetime as dt
from pathlib import Path
from urllib.parse import unquote, urlsplit

import environ
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from portal import devdb

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-monozukuri-portal"  # noqa: S105

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment: DEBUG is off and the development key is unsafe.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

INSTALLED_APPS = [
    "portal",
    "programmes",
    "supporters",
    "seminars",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "django_tasks_db",
    # staff sign in with a second factor (an authenticator app's code, or a one-time backup code)
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    # failed sign-ins are counted per user and address; too many lock the sign-in for a while
    "axes",
]

MIDDLEWARE = [
    "portal.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
    "simple_history.middleware.HistoryRequestMiddleware",
]

if not DEBUG:  # in development runserver serves static files itself
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL, or the project-local development cluster.
DATABASES = {"default": env.db("DATABASE_URL") if env.str("DATABASE_URL", default="") else devdb.django_database()}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff sign in through django-two-factor-auth (password, then the code of their authenticator app) at
# /account/login/; the admin and the staff pages require that second factor (portal/auth.py).
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "admin:index"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out user or address before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
TWO_FACTOR_PATCH_ADMIN = False  # portal/urls.py installs portal.auth.StaffAdminSite's rules instead
TWO_FACTOR_REMEMBER_COOKIE_AGE = None  # ask for the code at every sign-in
OTP_TOTP_ISSUER = "Hokkaido Monozukuri Portal"
# Lock-out (django-axes): AXES_FAILURE_LIMIT failed sign-ins for one user name from one address lock that pair
# out for AXES_COOLOFF_MINUTES; a successful sign-in resets the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.auth.locked_out"
AXES_CLIENT_IP_CALLABLE = "portal.auth.client_ip"
# Caches: "default" is each process's own memory (cheap things that may differ between processes for a moment);
# "shared" is seen by every web process and server: the rate limits count there. PostgreSQL by default (the table
# is made by a migration), or Redis with SHARED_CACHE_URL=redis://….
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": env.cache_url("SHARED_CACHE_URL", default="dbcache://portal_cache"),
}
# Public pages for anonymous visitors, rendered at most once per PAGE_CACHE_SECONDS per process (portal/pagecache.py).
CACHES["pages"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 500}}
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if DEBUG else 30)
if CACHES["shared"]["BACKEND"].endswith("DatabaseCache"):
    CACHES["shared"].setdefault("OPTIONS", {})["MAX_ENTRIES"] = 100_000  # one entry per address and form
RATELIMIT_USE_CACHE = "shared"
#: POSTs of one public form (a sign-up, a request) per client address; the next one gets a polite 429 page.
FORM_RATE_LIMIT = env.str("FORM_RATE_LIMIT", default="10/h")
#: How many reverse proxies in front of the portal append the client's address to X-Forwarded-For (0: none, the
#: client is REMOTE_ADDR). Sign-in lock-outs and the rate limits of forms and the API count by that address.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)

# Language and time: Japanese first, English second; Tokyo time, stored as UTC.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "portal" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

STATIC_URL = "static/"
# Third-party front-end files are installed from PyPI (requirements.txt), never committed: Leaflet and its
# markercluster plugin come as XStatic packages and are served under static/vendor/.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("vendor/leaflet.markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR),
]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "portal.staticfiles.PortalStaticFilesStorage"
    },
}


# E-mail: EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.jp:587, smtps://…:465, smtp://host:25,
# console:// (the default: mail is printed), file:///var/mail/portal, locmem://, dummy://.
def mailer_from_url(url: str) -> dict:
    parts = urlsplit(url)
    simple = {"console": "console", "locmem": "locmem", "dummy": "dummy", "file": "filebased"}
    if parts.scheme in simple:
        config = {"BACKEND": f"django.core.mail.backends.{simple[parts.scheme]}.EmailBackend"}
        if parts.scheme == "file":
            config["OPTIONS"] = {"file_path": parts.path}
        return config
    if parts.scheme in ("smtp", "smtp+tls", "smtps", "smtp+ssl"):
        use_ssl = parts.scheme in ("smtps", "smtp+ssl")
        use_tls = parts.scheme == "smtp+tls"
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname,
                "port": parts.port or (465 if use_ssl else 587 if use_tls else 25),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_tls": use_tls,
                "use_ssl": use_ssl,
                "timeout": 20,
            },
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL has an unknown scheme {parts.scheme!r} (use smtp+tls://, smtps://, console://…)"
    )


if not DEBUG and not env.str("EMAIL_URL", default=""):
    raise ImproperlyConfigured("Set EMAIL_URL in the environment: DEBUG is off and mail would not be sent.")
MAILERS = {"default": mailer_from_url(env.str("EMAIL_URL", default="console://"))}
# Background work (mail, reminders, lottery draws) goes through Django's tasks framework, stored in
# PostgreSQL (django-tasks-db) and run by `manage.py db_worker`, which `make run` starts beside the web
# server. TASKS_BACKEND=immediate runs each task at once in the caller (the tests do that).
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[env.str("TASKS_BACKEND", default="database")]}}
#: Scheme and host for links in mail sent without a request (reminders, draws): the public address.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000" if DEBUG else "")
if not DEBUG and not PORTAL_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured("Set PORTAL_BASE_URL (https://…) in the environment: links in e-mails need it.")
#: Days before a session that its participants get a reminder.
BOOKING_REMINDER_DAYS = env.int("BOOKING_REMINDER_DAYS", default=3)

DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Monozukuri Portal <noreply@monozukuri.example.jp>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
ADMINS = [("Secretariat", address) for address in env.list("ADMINS", default=[])]

# The read-only JSON API at /api/ (portal/api): anonymous, rate-limited per client address, paginated, documented
# by an OpenAPI schema (/api/schema/) and Swagger UI (/api/docs/) served from the sidecar package's files.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": [
        # JSON only: a browser shows it as it is; the page to browse the API is /api/docs/ (the browsable
        # renderer's pages need inline styles, which the Content-Security-Policy forbids)
        "rest_framework.renderers.JSONRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [],  # read-only: no request bodies
    "DEFAULT_AUTHENTICATION_CLASSES": [],  # public data only: everyone is anonymous (and rate-limited)
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["portal.api.throttling.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("API_RATE_LIMIT", default="120/min")},
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.PortalPagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=50),
    "DEFAULT_FILTER_BACKENDS": ["portal.api.filters.PortalFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.PortalAutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hokkaido Monozukuri Portal API",
    "DESCRIPTION": (
        "Read-only JSON API of the published data of the Hokkaido Monozukuri Portal: factory tours, experience "
        "events and seminars with their upcoming sessions and seats left, outreach lectures, supporter companies, "
        "municipalities and subprefectures. The filters are those of the portal's pages, with the same results. "
        "Anonymous, rate-limited; a bad filter value is a 400 that names it."
    ),
    "VERSION": "1.0.0",
    "LICENSE": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Security: strict in production (`manage.py check --deploy` comes back clean).
# Content-Security-Policy (Django's own middleware): scripts and styles only from our own files, never inline;
# images also from OpenStreetMap's tile server (the maps); nothing may frame the portal.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "https://tile.openstreetmap.org"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Structured logs (portal/logs.py): JSON lines in production, text in development; both on standard error,
# for systemd's journal or the container runtime to collect.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'json' or 'text', not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.logs.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.server": {"level": "WARNING"},  # runserver's own access lines; portal.request writes ours
        "axes": {"level": "WARNING"},  # a line at every start otherwise; lock-outs are warnings
        "weasyprint.progress": {"level": "WARNING"},  # one INFO line per rendering step otherwise
    },
}

# Shown in the header and in e-mails.
PORTAL_NAME = _("Hokkaido Monozukuri Portal")

# How long personal data is kept before `manage.py purge_personal_data` anonymises it (portal/retention.py;
# the privacy page shows the same periods): days after the session, fiscal years after the one of receipt,
# days after a supporter company withdraws or an advisor retires.
RETENTION = {
    "registrations": env.int("RETENTION_REGISTRATIONS_DAYS", default=365),
    "enquiries": env.int("RETENTION_ENQUIRIES_FISCAL_YEARS", default=3),
    "supporter_contacts": env.int("RETENTION_SUPPORTER_CONTACTS_DAYS", default=365),
    "advisors": env.int("RETENTION_ADVISORS_DAYS", default=365),
}
