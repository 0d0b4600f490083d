"""Settings for the health CMS, in one module.

Every value comes from the environment and falls back to a default that suits a developer's
machine: SQLite in the project folder, the local-memory cache and media files under media/.
The README lists every variable; .env.example shows them together.
"""

import datetime
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured

from config import observability

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_count(name):
    """A whole number from 0 from the environment (0 if unset), or a clear refusal."""
    value = os.environ.get(name, "").strip() or "0"
    if not value.isdecimal():
        raise ImproperlyConfigured(f"{name} must be a whole number from 0, not {value!r}.")
    return int(value)


def replica_options(options, timeout_seconds):
    """A PostgreSQL replica's connection options: bounded connecting and statements, and
    REPEATABLE READ, so that a request's reads, in one transaction, share one snapshot."""
    from psycopg import IsolationLevel

    statement_timeout = f"-c statement_timeout={round(timeout_seconds * 1000)}"
    return options | {
        # libpq counts whole seconds, and psycopg waits at least two.
        "connect_timeout": max(1, round(timeout_seconds)),
        "options": f"{options.get('options', '')} {statement_timeout}".strip(),
        "isolation_level": IsolationLevel.REPEATABLE_READ,
    }


def media_origin(media_url):
    """The scheme and host of an absolute MEDIA_URL ("'self'" for a relative one)."""
    parts = urlsplit(media_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else csp.SELF


DEBUG = env_bool("DJANGO_DEBUG")

# Logs go to stderr: one JSON object a line (time, level, logger, message, request_id, db_alias,
# exc_info for a traceback), or a line to read with LOG_FORMAT=text, the default with debug on.
LOG_LEVEL = os.environ.get("LOG_LEVEL") or "INFO"
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("text" if DEBUG else "json")
LOGGING = observability.logging_config(level=LOG_LEVEL, log_format=LOG_FORMAT)
# Errors also go to Sentry when a DSN is set (the `sentry` extra installs sentry-sdk).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    observability.init_sentry(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", ""),
        traces_sample_rate=os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0"),
    )

# Management commands that serve requests; the web server itself (WSGI/ASGI) counts too.
SERVING_COMMANDS = {"", "runserver", "testserver"}

DEVELOPMENT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = DEVELOPMENT_SECRET_KEY
    elif os.environ.get("HEALTHCMS_MANAGEMENT_COMMAND", "") not in SERVING_COMMANDS:
        # A command that serves nothing (makemigrations, check, publish_due…) signs nothing a
        # reader or another process must verify: a random key for this process is enough, and
        # nobody can know it.
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        # A key everybody can read in the source would let anyone forge sessions and signed
        # preview tokens, so a server must bring its own.
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value, or set DJANGO_DEBUG=1 "
            "for local development."
        )
# Django marks the keys it makes up for development with this prefix, and the example files use
# it for their placeholders: a server that starts with one was configured by copying an example.
# Compared as an env file may hand it over: quoted (Docker's --env-file keeps quotes), padded,
# in another case.
_key_as_typed = SECRET_KEY.strip().strip("\"'").strip().lower()
if not DEBUG and (
    _key_as_typed.startswith("django-insecure-") or _key_as_typed == DEVELOPMENT_SECRET_KEY
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is a placeholder (it starts with 'django-insecure-', or is the "
        "development key), as in the "
        ".env example files. Set it to a long random value of your own, such as the output of "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Served over HTTPS (production): secure cookies, redirect plain HTTP, and tell browsers to
# insist on HTTPS (HSTS). Behind a proxy that ends TLS, trust its X-Forwarded-Proto header.
HTTPS = env_bool("DJANGO_HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the server each append the address they saw to X-Forwarded-For.
# Rate limits and login lockouts count clients by the entry the outermost of them appended; with
# 0 they count REMOTE_ADDR and ignore the header, which any client can write.
TRUSTED_PROXIES = env_count("DJANGO_TRUSTED_PROXIES")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "taggit",
    "tags",
    "images",
    "reviewers",
    "articles",
    "frontend_cache",
]

MIDDLEWARE = [
    # First: every other middleware's log lines carry the request's id, and every answer,
    # theirs included, echoes it in X-Request-ID.
    "config.request_context.RequestIdMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # ETags are computed from the final response body, so this sits near the top.
    "django.middleware.http.ConditionalGetMiddleware",
    # Static files (the admin's and the API docs' assets) served by the app itself, from any
    # server and with debug off: nothing is loaded from a CDN.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.content_security_policy.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

# Admin logins: after AXES_FAILURE_LIMIT failures for one username from one address, that pair
# is locked out for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The same client address as the rate limits (DRF's rule, from NUM_PROXIES below).
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_address"

# `make bench` sets bench.urls, which adds its floor view to these.
ROOT_URLCONF = os.environ.get("DJANGO_ROOT_URLCONF", "config.urls")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The project's own overrides of the admin's templates (admin/base_site.html), which
        # must come before django.contrib.admin's copies.
        "DIRS": [BASE_DIR / "templates"],
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

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # BEGIN IMMEDIATE takes the write lock when a transaction starts, so concurrent writers
    # wait their turn (up to the timeout) instead of failing halfway through. Write-ahead
    # logging lets readers go on while one writes, and with synchronous=NORMAL a commit needs no
    # disk flush of its own (a power cut may lose the last commits, never corrupt the file).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# Read replicas of a PostgreSQL primary (comma-separated URLs). The public API reads from them;
# writes, the admin and the editorial API stay on the primary (config/db_router.py).
# A move (publish, unpublish, re-render) waits up to REPLICA_MAX_LAG_SECONDS for every replica
# to apply it; one still behind is set aside until it catches up (config/replicas.py). A replica
# that fails, or takes over REPLICA_TIMEOUT_SECONDS to connect or answer, is left alone by the
# process that saw it for REPLICA_RETRY_SECONDS, while the primary answers.
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "5"))
REPLICA_TIMEOUT_SECONDS = float(os.environ.get("REPLICA_TIMEOUT_SECONDS", "2"))
REPLICA_RETRY_SECONDS = float(os.environ.get("REPLICA_RETRY_SECONDS", "30"))
DATABASE_REPLICAS = []
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    alias = f"replica{number}"
    DATABASES[alias] = dj_database_url.parse(
        url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    ) | {"TEST": {"MIRROR": "default"}}
    if DATABASES[alias]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES[alias]["OPTIONS"] = replica_options(
            DATABASES[alias].get("OPTIONS", {}), REPLICA_TIMEOUT_SECONDS
        )
    DATABASE_REPLICAS.append(alias)
DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            # Sites (or test runs) sharing one Redis database keep apart by a prefix.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# List and search pages stay in each process's own memory even with Redis: they are filed
# under the change stamp every request reads anyway, and a local hit is cheaper than a Redis
# round trip (PostgreSQL, 20,000 articles: 0.60 of the floor against 0.46 from Redis).
PAGE_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "public-pages",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
CACHES["pages"] = PAGE_CACHE
# List and search pages kept in the "pages" cache above (articles/public_cache.py), and for
# how long at most (a change files the next ones under a new key at once).
API_PAGE_CACHE = env_bool("API_PAGE_CACHE", default=True)
API_RESPONSE_CACHE_SECONDS = int(os.environ.get("API_RESPONSE_CACHE_SECONDS", "3600"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Serve from the apps' static folders when collectstatic has not been run (tests, a fresh clone).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# A path by default: the API makes image URLs absolute from each request's host, so a server
# works on any address (articles/media_urls.py). Production sets it absolute (a bucket or CDN),
# and the stored URLs are then served untouched.
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Uploaded images: largest file in megabytes, and most pixels (a decompression bomb guard).
MAX_UPLOAD_MB = int(os.environ.get("MAX_UPLOAD_MB", "10"))
MAX_IMAGE_PIXELS = int(os.environ.get("MAX_IMAGE_PIXELS", str(40_000_000)))
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_MB * 1024 * 1024
# The admin's form of an article with every list at its limit (articles/list_limits.py) sends
# about 2,100 fields, mostly its 200 references; Django's default of 1,000 would refuse it.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 3000

# Files go to MEDIA_ROOT unless an S3-compatible bucket is configured (django-storages).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    default_storage_backend = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH"),
            "file_overwrite": False,
        },
    }
else:
    default_storage_backend = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": default_storage_backend,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Content-Security-Policy for the HTML pages this server renders (the admin, its previews and the
# API docs): scripts and styles only from this server's static files, no plugins, no framing.
# Inline style attributes stay allowed because the admin's own templates use them; images may
# also come from the media host and over HTTPS (an S3 bucket or its CDN). The API has it too:
# the editorial endpoints render DRF's browsable pages to a logged-in browser, and those load
# their scripts from static files (their one inline <script> is JSON data, never run).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF, csp.UNSAFE_INLINE],
        "img-src": list(dict.fromkeys([csp.SELF, "data:", "https:", media_origin(MEDIA_URL)])),
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Public endpoints opt in to anonymous access; everything else needs a login.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Articles are nested (sections, references…), which form encoding cannot say without
    # ambiguity, so bodies are JSON; only image uploads take multipart (their own view says so).
    # Nested at most MAX_JSON_DEPTH levels deep, or a 400.
    "DEFAULT_PARSER_CLASSES": ["articles.api.parsers.DepthLimitedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "articles.api.http.DescribedPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "articles.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Throttles take the client's address from X-Forwarded-For only past trusted proxies.
    "NUM_PROXIES": TRUSTED_PROXIES,
}

# Anonymous clients of the public API: requests per second, minute, hour or day ("120/min").
# Empty switches throttling off.
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/min")
# The same for the sitemap, the feed and the API schema and docs, counted apart from the API.
# Lower than the API's: generating the schema costs 150-230 ms, so a client at this rate keeps
# at most a fifth of a core busy; a person reading the docs makes three requests.
PAGES_ANON_RATE = os.environ.get("PAGES_ANON_RATE", "60/min")

# How long browsers (max-age) and shared caches such as a CDN (s-maxage) may keep public
# responses, in seconds.
API_CACHE_MAX_AGE = int(os.environ.get("API_CACHE_MAX_AGE", "60"))
API_CACHE_SHARED_MAX_AGE = int(os.environ.get("API_CACHE_SHARED_MAX_AGE", "300"))
# The HTTP cache in front (README, "HTTP cache"), purged by surrogate key whenever live content
# changes. Varnish: comma-separated base URLs of the servers (deploy/varnish/default.vcl);
# Cloudflare: a zone and an API token allowed to purge it; CloudFront: a distribution
# (credentials as boto3 finds them). None set: nothing is purged. Each call waits at most
# FRONTEND_CACHE_TIMEOUT seconds; a failed purge is retried after FRONTEND_CACHE_RETRY_SECONDS,
# then twice as long each time, FRONTEND_CACHE_MAX_ATTEMPTS attempts in all.
FRONTEND_CACHE_URLS = env_list("FRONTEND_CACHE_URLS")
CLOUDFLARE_ZONE_ID = os.environ.get("CLOUDFLARE_ZONE_ID", "")
CLOUDFLARE_API_TOKEN = os.environ.get("CLOUDFLARE_API_TOKEN", "")
CLOUDFLARE_API_URL = os.environ.get("CLOUDFLARE_API_URL", "https://api.cloudflare.com/client/v4")
CLOUDFRONT_DISTRIBUTION_ID = os.environ.get("CLOUDFRONT_DISTRIBUTION_ID", "")
FRONTEND_CACHE_TIMEOUT = float(os.environ.get("FRONTEND_CACHE_TIMEOUT", "3"))
FRONTEND_CACHE_RETRY_SECONDS = float(os.environ.get("FRONTEND_CACHE_RETRY_SECONDS", "2"))
FRONTEND_CACHE_MAX_ATTEMPTS = int(os.environ.get("FRONTEND_CACHE_MAX_ATTEMPTS", "6"))
# Seconds a preview link stays valid.
PREVIEW_TOKEN_MAX_AGE = int(os.environ.get("PREVIEW_TOKEN_MAX_AGE", "3600"))

# How much Markdown writers may save (API, admin and importer alike): limits no real health
# article reaches, which keep rendering the largest article allowed well under a second
# (docs/worst-cases.md). A KB is 1,000 bytes of UTF-8.
MARKDOWN_SECTION_MAX_KB = int(os.environ.get("MARKDOWN_SECTION_MAX_KB", "100"))
MARKDOWN_ARTICLE_MAX_KB = int(os.environ.get("MARKDOWN_ARTICLE_MAX_KB", "400"))
MARKDOWN_TABLE_MAX_CELLS = int(os.environ.get("MARKDOWN_TABLE_MAX_CELLS", "2000"))
MARKDOWN_MAX_NESTING = int(os.environ.get("MARKDOWN_MAX_NESTING", "8"))
MARKDOWN_ARTICLE_MAX_LINKS = int(os.environ.get("MARKDOWN_ARTICLE_MAX_LINKS", "1000"))
MARKDOWN_ARTICLE_MAX_ELEMENTS = int(os.environ.get("MARKDOWN_ARTICLE_MAX_ELEMENTS", "30000"))
# Raw HTML tags in the Markdown (a pasted 100-row table has about 1,200), and among them bold,
# italic and the like carrying attributes, which the HTML parser can copy into every paragraph.
MARKDOWN_ARTICLE_MAX_HTML_TAGS = int(os.environ.get("MARKDOWN_ARTICLE_MAX_HTML_TAGS", "2000"))
MARKDOWN_ARTICLE_MAX_HTML_FORMATTING_TAGS = int(
    os.environ.get("MARKDOWN_ARTICLE_MAX_HTML_FORMATTING_TAGS", "50")
)

# Frontends on other origins may call the public API from browsers.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/(api/v1|feeds)/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

SPECTACULAR_SETTINGS = {
    "TITLE": "Health CMS API",
    "DESCRIPTION": (
        "Medically reviewed articles for any frontend. The public endpoints serve only what a "
        "physician approved and an editor published; the editorial endpoints are for staff."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # OpenAPI 3.1 says "this object or null" in a way validators agree on; 3.0 does not.
    "OAS_VERSION": "3.1.0",
    "ENUM_NAME_OVERRIDES": {
        "ArticleStateEnum": "articles.models.ArticleState",
        "ReviewKindEnum": "articles.models.revisions.ReviewKind",
        "TagKindEnum": "tags.models.TagKind",
        "CredentialKindEnum": "reviewers.models.CredentialKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "articles.api.schema.add_error_responses",
    ],
}

TAGGIT_CASE_INSENSITIVE = True

# Where readers see articles: inline `article:` links and related topics resolve to these URLs.
FRONTEND_URL = os.environ.get("FRONTEND_URL", "http://localhost:3000").rstrip("/")
FRONTEND_ARTICLE_PATH = os.environ.get("FRONTEND_ARTICLE_PATH", "/articles/{slug}/")

# Printed under every article unless the article has its own.
SITE_DISCLAIMER = os.environ.get("SITE_DISCLAIMER") or (
    "This article is for general information and is not a substitute for professional medical "
    "advice, diagnosis or treatment. Always ask your doctor or another qualified health "
    "professional about a medical condition, and call your local emergency number in an "
    "emergency."
)

# Background tasks: webhook deliveries, renditions, re-rendering live documents. "thread" (the
# default) runs them on threads of the web process; "database" queues them in the database for
# `manage.py db_worker` processes (django-tasks-db); a dotted path names any other backend.
TASKS_BACKENDS = {
    "thread": "articles.task_backend.ThreadBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND") or "thread"
TASKS = {"default": {"BACKEND": TASKS_BACKENDS.get(TASKS_BACKEND, TASKS_BACKEND)}}

# Email (review reminders): printed on the console until EMAIL_HOST names an SMTP server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_count("EMAIL_PORT") or 587
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "Health CMS <cms@localhost>"
# Where staff open the admin: links in emails point there.
CMS_URL = os.environ.get("CMS_URL", "http://localhost:8000").rstrip("/")

# Reviews falling due: reminders go this many days before an article's next_review_due (the
# largest is also when the public document says "due_soon"). OVERDUE_POLICY=noindex adds a
# robots hint of noindex to an overdue article's document, for the frontend to print.
REVIEW_REMINDER_DAYS = env_list("REVIEW_REMINDER_DAYS", "30,7")
if not REVIEW_REMINDER_DAYS or not all(d.isdecimal() and int(d) > 0 for d in REVIEW_REMINDER_DAYS):
    raise ImproperlyConfigured("REVIEW_REMINDER_DAYS must be whole numbers of days, e.g. 30,7.")
REVIEW_REMINDER_DAYS = sorted({int(days) for days in REVIEW_REMINDER_DAYS}, reverse=True)
OVERDUE_POLICY = os.environ.get("OVERDUE_POLICY", "").strip().lower()
if OVERDUE_POLICY not in {"", "noindex"}:
    raise ImproperlyConfigured(f"OVERDUE_POLICY must be empty or noindex, not {OVERDUE_POLICY!r}.")

# `check_references`: seconds to wait for a cited source, how many to fetch at once, and hosts
# (names or IP addresses) it may reach inside the network; empty: public addresses only.
REFERENCE_CHECK_TIMEOUT = float(os.environ.get("REFERENCE_CHECK_TIMEOUT", "10"))
REFERENCE_CHECK_CONCURRENCY = env_count("REFERENCE_CHECK_CONCURRENCY") or 8
REFERENCE_CHECK_ALLOWED_HOSTS = env_list("REFERENCE_CHECK_ALLOWED_HOSTS")

# Webhooks: seconds to wait for a receiver, attempts before giving up, and the first retry's
# wait in seconds (each later one waits twice as long).
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "5"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "6"))
WEBHOOK_RETRY_BASE_SECONDS = int(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "60"))
# Hosts (names or IP addresses, any port) that webhooks may reach over plain http and on
# private addresses: an operator's own receiver inside the network. Empty: public https only.
WEBHOOK_ALLOWED_HOSTS = env_list("WEBHOOK_ALLOWED_HOSTS")
