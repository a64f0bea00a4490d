"""Settings shared by every deployment.

Everything that differs between deployments is read from the environment in the
"Environment" section below, and nowhere else. `dev.py`, `test.py` and
`production.py` only override.
"""

import datetime
import os
import secrets
import tempfile
import warnings
from pathlib import Path

import dj_database_url

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


# --- Environment ------------------------------------------------------------------------------
# The one place where deployment values are read. README.md documents each variable.


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name, "")
    try:
        return int(value) if value.strip() else default
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error


def checkout_secret_key(path):
    """The development SECRET_KEY of one checkout, kept in the file `path` (git-ignored, mode 0600).

    Made with `secrets.token_urlsafe(50)` on the first start and read on every later one, so log-ins and
    signed cookies survive a restart, no two checkouts share a key and no key is public. When the file
    can be neither read nor made (a read-only folder), this process gets a random key of its own and a
    warning: log-ins and signed cookies then last until it stops.
    """
    path = Path(path)
    try:
        return read_secret_key(path) or create_secret_key(path)
    except OSError as error:
        warnings.warn(
            f"Cannot keep a SECRET_KEY in {path} ({error}); using a random key for this process only. "
            "Set SECRET_KEY in the environment to keep log-ins across restarts.",
            RuntimeWarning,
            stacklevel=2,
        )
        return secrets.token_urlsafe(50)


def read_secret_key(path):
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def create_secret_key(path):
    key = secrets.token_urlsafe(50)
    # mkstemp makes the file readable by the owner only; it gets its final name only once it holds the key.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(key + "\n")
        try:
            # Never replaces a file: when two processes start at once, both use the first one's key.
            os.link(temporary, path)
        except FileExistsError:
            if existing := read_secret_key(path):
                return existing
            os.replace(temporary, path)  # an empty file
        except OSError:
            os.replace(temporary, path)  # a file system without hard links
    finally:
        Path(temporary).unlink(missing_ok=True)
    return key


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
DATABASE_URL = os.environ.get("DATABASE_URL", "") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
REDIS_URL = os.environ.get("REDIS_URL", "")
# How long a Redis that did not answer is left alone before one call tries it again.
REDIS_BREAKER_SECONDS = env_int("REDIS_BREAKER_SECONDS", 5)
BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/")

EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "WIR. LEBEN. EIFEL. <redaktion@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

RECAPTCHA_PUBLIC_KEY = os.environ.get("RECAPTCHA_PUBLIC_KEY", "")
RECAPTCHA_PRIVATE_KEY = os.environ.get("RECAPTCHA_PRIVATE_KEY", "")
# Spam defence at the comment form (comments/captcha.py): "altcha", a proof of work the reader's browser
# solves, served by this site; "recaptcha", Google's checkbox, loaded only after the reader's click; "none".
# A comment without a solved challenge is held for moderation, never refused.
COMMENTS_CAPTCHA = os.environ.get("COMMENTS_CAPTCHA", "altcha").strip().lower()
# The key that signs ALTCHA challenges; empty: derived from SECRET_KEY.
ALTCHA_HMAC_KEY = os.environ.get("ALTCHA_HMAC_KEY", "")
# How many hashes a browser tries at most (half of it on average): a phone needs well under a second.
ALTCHA_COST = env_int("ALTCHA_COST", 5000)

# Comments: store the commenter's IP address shortened ("truncate") or not at all ("none").
COMMENTS_IP_STORAGE = os.environ.get("COMMENTS_IP_STORAGE", "truncate")
COMMENTS_IP_RETENTION_DAYS = env_int("COMMENTS_IP_RETENTION_DAYS", 30)

# Full-page cache for anonymous readers (docs/caching.md): seconds a page is kept; 0 turns it off.
# On by default only with Redis: a per-process cache could not be invalidated on every app server.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600 if REDIS_URL else 0)
# Shared template fragments (a post's comment thread, "Weitere Beiträge", menus) for the pages the
# full-page cache does not serve (logged-in users, a reader's held-comment preview); 0 turns them off.
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", PAGE_CACHE_SECONDS)
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Media on S3-compatible object storage when a bucket is named (production.py); else MEDIA_ROOT.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL", "") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME", "") or None
AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN", "") or None
# The front cache (nginx/CDN) that Wagtail purges on publish, e.g. http://127.0.0.1:8080 (production.py).
FRONTEND_CACHE_PURGE_URL = os.environ.get("FRONTEND_CACHE_PURGE_URL", "")


# --- Applications -----------------------------------------------------------------------------

INSTALLED_APPS = [
    "core",
    "home",
    "blog",
    "wordpress",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_comments_xtd",
    "django_comments",
    # After django_comments_xtd: CommentsConfig.ready() disconnects a hook xtd connects in its ready().
    "comments",
    "django_recaptcha",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and authentication: a cache hit for an anonymous reader costs no SQL query.
    "core.middleware.PageCacheMiddleware",
    # The site, its settings and its home page in one query, for everything after it (core/sites.py).
    "core.sites.SiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # No LocaleMiddleware: readers always get German (LANGUAGE_CODE), whatever their browser asks for;
    # otherwise an English browser gets "2. October 2015". The admin follows each user's own setting.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A new post whose slug a parallel request (autosave) took: the form's slug message, not a 500.
    "blog.middleware.PageCreateSlugRaceMiddleware",
    # Last, as django-axes requires: turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]


# --- Database ---------------------------------------------------------------------------------


def database_config(url):
    config = dj_database_url.parse(url)
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Persistent connections with health checks: a connection that died (database
        # restart) is replaced on the next request instead of failing it.
        config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
        if not env_bool("DATABASE_JIT", False):
            # PostgreSQL's JIT compiles a query whose estimate passes jit_above_cost, on every run: about
            # 10 ms of compiling for a few ms of work, paid by page views whose table statistics are
            # stale (seen right after a bulk import). A web site's short queries never gain from it.
            config["OPTIONS"]["options"] = "-c jit=off"
        if env_bool("DATABASE_PREPARED_STATEMENTS", False):
            # Parameters bound on the server and, from a statement's fifth use on a connection, a
            # prepared statement (psycopg's prepare_threshold): PostgreSQL then neither parses nor plans
            # the pages' fixed-shape queries again, which saves it about 40 % of its CPU per page view
            # (bench/PROFILE.md). gunicorn.conf.py turns it on for the app servers. Off by default for
            # everything else (manage.py commands: the WordPress import's bulk INSERTs may bind more
            # than the 65,535 parameters a server-bound statement can carry) and for a pooler in
            # transaction mode that cannot keep prepared statements (PgBouncer before 1.21).
            config["OPTIONS"]["server_side_binding"] = True
            config["OPTIONS"]["prepare_threshold"] = 5
    elif config["ENGINE"] == "django.db.backends.sqlite3":
        # The embedded default: WAL lets readers and the writer work side by side.
        config.setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
        config["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
        config["OPTIONS"]["timeout"] = 20
    return config


DATABASES = {"default": database_config(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Cache ------------------------------------------------------------------------------------


def redis_cache_config(url, socket_timeout=1, breaker_seconds=REDIS_BREAKER_SECONDS):
    """The Redis cache as the site uses it (also the tests that point it at a dead or hanging Redis)."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "wle",
        "OPTIONS": {
            # A Redis outage must not take the site down: cache errors are logged and
            # treated as misses.
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": socket_timeout,
            "SOCKET_TIMEOUT": socket_timeout,
            # A Redis that hangs must not cost each cache call a timeout: after one timeout or
            # connection error every call fails at once for a few seconds (core/cache_breaker.py).
            "CONNECTION_POOL_CLASS": "core.cache_breaker.CircuitBreakerConnectionPool",
            "CONNECTION_POOL_KWARGS": {"circuit_breaker_seconds": breaker_seconds},
        },
    }


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
if REDIS_URL:
    CACHES = {"default": redis_cache_config(REDIS_URL)}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "wir-leben-eifel",
        }
    }

# Sessions live in the database only (shared by every app server). Not `cached_db`: a log-out or password
# change while Redis does not answer deletes the session in the database but not its cached copy, which
# logs the old cookie in again once Redis is back. Only editors and moderators have sessions.
SESSION_ENGINE = "django.contrib.sessions.backends.db"


# --- Passwords --------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


# --- Security: log-in throttling and Content Security Policy -----------------------------------

AUTHENTICATION_BACKENDS = [
    "core.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed log-ins for one user name from one address lock that combination for 15 minutes;
# others (a colleague behind the same office router) can still log in.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
AXES_VERBOSE = False

# django-csp 4. No inline scripts or styles on the public site. Wagtail's admin (and its page
# previews, which live under /admin/) uses inline scripts, so the policy leaves /admin/ out;
# the admin is behind a log-in and sends its own X-Frame-Options.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The two-click video block (blog/blocks.py VideoBlock) loads these players after a reader's click.
        "frame-src": ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
if COMMENTS_CAPTCHA == "recaptcha" and RECAPTCHA_PUBLIC_KEY:
    # Google's reCAPTCHA script and its challenge frame, only where comments use it (loaded after a click).
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] += ["https://www.google.com", "https://www.gstatic.com"]
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"] += ["https://www.google.com", "https://recaptcha.google.com"]
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"] += ["https://www.google.com"]


# --- Language and time ------------------------------------------------------------------------

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = [("de", _("Deutsch"))]


# --- Static and media files -------------------------------------------------------------------

STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000


# --- E-mail -----------------------------------------------------------------------------------

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


# --- Background tasks (django-tasks; Wagtail 8 uses it too) -----------------------------------

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


# --- Wagtail ----------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "WIR. LEBEN. EIFEL."
# ASCII slugs only, with the German transliteration (core.text.german_slug, core.widgets.GermanSlugInput).
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILADMIN_BASE_URL = BASE_URL
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        # PostgreSQL's full-text search with German stemming; ignored on SQLite.
        "SEARCH_CONFIG": "german",
    }
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: they would send an MD5 of every staff address to a third party with
# each admin page. Staff without an uploaded picture get Wagtail's default avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_DATE_FORMAT = "%d.%m.%Y"
WAGTAIL_DATETIME_FORMAT = "%d.%m.%Y %H:%M"


# --- Comments (django-comments-xtd) -----------------------------------------------------------

COMMENTS_APP = "django_comments_xtd"
COMMENTS_XTD_MODEL = "comments.models.PostComment"
# Five levels like WordPress: a top-level comment (level 0) and four levels of replies.
COMMENTS_XTD_MAX_THREAD_LEVEL = 4
COMMENTS_XTD_LIST_ORDER = ("thread_id", "order")
# Confirmation e-mails carry the address in a signed but readable payload: keep them off.
COMMENTS_XTD_CONFIRM_EMAIL = False
COMMENTS_XTD_THREADED_EMAILS = False
COMMENTS_XTD_APP_MODEL_OPTIONS = {
    "default": {
        "who_can_post": "all",
        "allow_flagging": False,
        "allow_feedback": False,
        "show_feedback": False,
    }
}
# Our own limit, enforced by our form. django_comments' COMMENT_MAX_LENGTH stays at its default:
# changing it alters that library's model state and would need a migration inside the library.
COMMENTS_MAX_LENGTH = 5000
COMMENTS_XTD_FORM_CLASS = "comments.forms.PostCommentForm"
# A form in a (cached) page stays valid this long (django_comments' signed timestamp).
COMMENTS_TIMEOUT = 4 * 60 * 60
# Spam defences (comments/views.py): the form cannot be sent sooner than this after it was shown,
# and one comment per this many seconds per IP address and per e-mail address.
COMMENTS_MIN_SECONDS = 3
COMMENTS_FLOOD_SECONDS = 15
# Top-level threads (each with all its replies) per page under a post: ?seite=2 … (comments/threads.py).
COMMENTS_THREADS_PER_PAGE = env_int("COMMENTS_THREADS_PER_PAGE", 50)
# Reply notifications: confirmation mails one address gets a day while it confirms none of them
# (comments/subscriptions.py: the box must not be a way to fill a stranger's inbox).
COMMENTS_CONFIRMATIONS_PER_DAY = 3
# A reader may change the text of their own comment from the browser that sent it for this long
# (comments/edit_views.py).
COMMENTS_EDIT_MINUTES = 10
# Responses that show a reader their own held comment are never stored by a shared cache; below
# the page cache, so it sees the Cache-Control header this sets.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "comments.middleware.CommentPreviewMiddleware",
)
SILENCED_SYSTEM_CHECKS = ["django_recaptcha.recaptcha_test_key_error"]


# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"redis_errors_reported_by_breaker": {"()": "core.cache_breaker.DropErrorsTheBreakerReported"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # Both log every background task and page action at INFO; keep the console readable.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # django-axes logs every successful log-in at INFO.
        "axes": {"level": "WARNING"},
        # The PDF renderer logs every step of every render at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The Redis circuit breaker reports an outage once; django-redis would log a traceback per call.
        "django_redis.cache": {"filters": ["redis_errors_reported_by_breaker"]},
    },
}
