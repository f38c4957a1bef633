"""Django settings, read from environment variables with safe defaults for the embedded mode."""

import sys
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
VAR_DIR = Path(env.str("SAMVERKAN_VAR", default=str(BASE_DIR / "var")))
# SECRET_KEY from the environment; else the random key `samverkan serve` writes to var/secret_key for the
# embedded mode; else the development key, which the system check `samverkan.E001` (accounts/checks.py) and
# wsgi.py refuse outside DEBUG, so no server runs on a key anyone can read here.
DEVELOPMENT_SECRET_KEY = "samverkan-embedded-insecure-key-change-me-in-production-0123456789"
SECRET_KEY_FILE = VAR_DIR / "secret_key"
SECRET_KEY = env.str("SECRET_KEY", default="") or (
    SECRET_KEY_FILE.read_text().strip() if SECRET_KEY_FILE.is_file() else DEVELOPMENT_SECRET_KEY
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_NAME = env.str("SITE_NAME", default="Samverkan")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "samverkan.accounts",
    "samverkan.structure",
    "samverkan.meetings",
    "samverkan.followthrough",
    "samverkan.agreements",
    "samverkan.surveys",
    "samverkan.followup",
    "samverkan.importer",
    "samverkan.search",
    "samverkan.alerts",
    "samverkan.portal",
    "samverkan.workspace",
    "samverkan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Rendered public pages kept for anonymous visitors, keyed by the content generation (portal/page_cache.py);
    # outside PublicCacheMiddleware, whose `public` it relies on.
    "samverkan.portal.page_cache.PageCacheMiddleware",
    # Outside the session (which says Vary: Cookie when read): public pages for anonymous visitors are cacheable.
    "samverkan.lib.caching.PublicCacheMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samverkan.lib.language.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF: a method the page does not take answers 405, not 403 (lib/methods.py).
    "samverkan.lib.methods.MethodMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samverkan.urls"
WSGI_APPLICATION = "samverkan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "samverkan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samverkan.workspace.context.site",
            ],
        },
    },
]

# Django's form renderer, with selects written in Python (samverkan/lib/select.py: the same HTML, without a template
# included for each option).
FORM_RENDERER = "samverkan.lib.select.FormRenderer"

# SQLite in WAL mode under var/ is the embedded default; DATABASE_URL selects PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'samverkan.sqlite3'}")}
# Django's backends with work done just before commit (samverkan/lib/db: the search index).
DATABASES["default"]["ENGINE"] = {
    "django.db.backends.sqlite3": "samverkan.lib.db.sqlite3",
    "django.db.backends.postgresql": "samverkan.lib.db.postgresql",
}.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])
if DATABASES["default"]["ENGINE"] == "samverkan.lib.db.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
# Each thread keeps its connection between requests (a minute at most, checked before reuse). Opening one per
# request took a fifth of a cached public page's time on SQLite (the file, WAL and pragmas, Django's functions)
# and a new session on PostgreSQL. Not under `manage.py runserver`, which starts a thread for every request: each
# kept its connection for a minute, and parallel clients used up PostgreSQL's connections (Django's documentation:
# "don't enable them during development"); gunicorn's fixed threads (`samverkan serve`) do reuse theirs.
_runserver = sys.argv[1:2] == ["runserver"]  # lower case: not a setting
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if _runserver else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] != "samverkan.lib.db.sqlite3":
    # Each session: memory enough for a search's bitmap of a common word's hits to stay exact (with the default 4 MB
    # it went lossy and every row of 45,000 heap pages was rechecked: 8 s instead of 0.9 at national scale), and no
    # JIT compiling, which added 0.5-0.9 s to such a query and helps only long analytical ones; and the cost of a
    # random page read as on an SSD or from memory (1.1, PostgreSQL's documentation's advice there; its default of 4
    # is for spinning disks): with 4 a principal's page hashed every person of the nation twice to join 200 seats,
    # 12 ms for three areas and growing with the nation, where 400 index lookups take 1.8. Sent at connection
    # start-up, so no query is added.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    postgres_options = (
        f"-c work_mem={env.str('POSTGRES_WORK_MEM', default='64MB')} -c jit=off"
        f" -c random_page_cost={env.str('POSTGRES_RANDOM_PAGE_COST', default='1.1')}"
    )
    options["options"] = f"{options.get('options', '')} {postgres_options}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

# Background work (reminders) goes through django-tasks with its database backend: no extra server, both
# databases. Run the worker with `manage.py db_worker`; cron runs `manage.py send_reminders`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Reminders go out this many days before an assignment's due date or a recommendation's answer deadline.
SAMVERKAN_REMINDER_DAYS = env.int("SAMVERKAN_REMINDER_DAYS", default=7)
# Alerts (samverkan/alerts): an unconfirmed subscription (and its link) lasts this many days; one address gets at most
# ALERT_ADDRESS_LIMIT confirmation mails a day, one visitor sends at most ALERT_VISITOR_LIMIT forms an hour; the
# worker sends digests ALERT_BATCH subscriptions a task.
ALERT_CONFIRM_DAYS = env.int("ALERT_CONFIRM_DAYS", default=3)
ALERT_ADDRESS_LIMIT = env.int("ALERT_ADDRESS_LIMIT", default=3)
ALERT_VISITOR_LIMIT = env.int("ALERT_VISITOR_LIMIT", default=10)
ALERT_BATCH = env.int("ALERT_BATCH", default=100)
# The address that links in e-mails start with.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
    # Rendered public pages (portal/page_cache.py): per process by default, at most MAX_ENTRIES pages of at most
    # PAGE_CACHE_MAX_BYTES each.
    "pages": env.cache("PAGE_CACHE_URL", default="locmemcache://pages"),
}
CACHES["pages"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 500)
# Seconds a rendered public page may be kept at most (0: no page cache); a change shows at once regardless.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
PAGE_CACHE_MAX_BYTES = env.int("PAGE_CACHE_MAX_BYTES", default=400_000)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Does nothing unless single sign-on is configured below; listed always, so an SSO session stays valid.
    "samverkan.structure.sso.PersonOIDCBackend",
]
# Single sign-on through OpenID Connect (structure/sso.py, mozilla-django-oidc): off while OIDC_RP_CLIENT_ID is
# empty. The provider's verified e-mail claim is matched to exactly one registered person (README: "Single
# sign-on").
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = env.bool("OIDC_USE_PKCE", default=True)
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)  # seconds for each call to the provider
OIDC_LABEL = env.str("OIDC_LABEL", default="")  # the login page's button, e.g. "Logga in med BankID"
OIDC_REQUIRE_VERIFIED_EMAIL = env.bool("OIDC_REQUIRE_VERIFIED_EMAIL", default=True)
OIDC_CREATE_LOGINS = env.bool("OIDC_CREATE_LOGINS", default=True)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
OIDC_CREATE_USER = False  # the backend creates logins only by the rules of structure/sso.py
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "portal:home"

# Login throttling: five failures lock the username+address pair for 30 minutes, never the username alone (that
# would let anyone lock any account). The address is the connecting one. Behind reverse proxies (BEHIND_PROXY,
# PROXY_COUNT of them, default 1) it is read from X-Forwarded-For by django-ipware: the entry the first proxy
# appended, PROXY_COUNT - 1 from the right, since everything left of it is whatever the client sent. Without
# BEHIND_PROXY the header is ignored, so sending one does not dodge the lock.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if BEHIND_PROXY else ("REMOTE_ADDR",)
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_PROXY_COUNT = max(env.int("PROXY_COUNT", default=1) - 1, 0) if BEHIND_PROXY else None
# Not strict: a longer chain (the client's own X-Forwarded-For in front) still yields the proxy's entry.
IPWARE_STRICT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
# Seconds a browser or shared cache may keep a public page or feed for an anonymous visitor without asking again
# (lib/caching.py). 0: a cache may keep it but asks every time (the ETag answers 304 when nothing changed), so a
# change is visible on the next request; a site behind a busy proxy may accept a few seconds of staleness.
PUBLIC_MAX_AGE = env.int("PUBLIC_MAX_AGE", default=0)
# The open data API's addresses (samverkan/opendata/urls.py): public data, the same for every visitor, so cached as
# the public pages are (lib/caching.py, portal/page_cache.py).
OPEN_DATA_PATH = "/api/"
LOCALE_PATHS = [BASE_DIR / "samverkan" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "samverkan" / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# The largest meeting document that may be uploaded.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_MB", default=25) * 1024 * 1024
# What any upload (document, decision document, import, ZIP) may unpack to, checked while unpacking.
UPLOAD_MAX_UNPACKED_BYTES = env.int("UPLOAD_MAX_UNPACKED_MB", default=100) * 1024 * 1024
# What reading one file (text extraction, the importer's parse) may cost in its child process.
UPLOAD_SANDBOX_MEMORY_MB = env.int("UPLOAD_SANDBOX_MEMORY_MB", default=512)
UPLOAD_SANDBOX_CPU_SECONDS = env.int("UPLOAD_SANDBOX_CPU_SECONDS", default=20)
UPLOAD_SANDBOX_WALL_SECONDS = env.int("UPLOAD_SANDBOX_WALL_SECONDS", default=30)
# A job a worker claimed this many minutes ago and never finished was interrupted: `manage.py recover_interrupted`
# (run when `samverkan worker` starts) gives it back so it is retried.
WORKER_RECLAIM_MINUTES = env.int("WORKER_RECLAIM_MINUTES", default=15)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    # Object storage (S3-compatible) for uploaded files when several app servers share them.
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
if env.bool("STATIC_MANIFEST", default=False):
    # Production: hashed, compressed files after `collectstatic`, served by WhiteNoise.
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="samverkan@localhost")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy on every response (django-csp): scripts, styles, images and fonts only from this site
# (`samverkan/static/`), nothing inline (no page needs JavaScript; there is no inline style or script in the
# templates, tests/test_csp.py greps every rendered page for it), no plugins, no framing, forms post here only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
CSRF_FAILURE_VIEW = "samverkan.portal.views.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
