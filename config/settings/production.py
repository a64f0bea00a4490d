"""Production: gunicorn serves the app, WhiteNoise the static files. See docs/deployment.md."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_bool, env_int

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")

DEBUG = False

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Media (images, documents) on S3-compatible object storage when a bucket is named, so every app
# server sees the same files; on local disk (MEDIA_ROOT) otherwise. Credentials come from the
# standard AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY environment variables, read by boto3 itself.
if AWS_STORAGE_BUCKET_NAME:  # noqa: F405
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,  # noqa: F405
            "endpoint_url": AWS_S3_ENDPOINT_URL,  # noqa: F405
            "region_name": AWS_S3_REGION_NAME,  # noqa: F405
            "custom_domain": AWS_S3_CUSTOM_DOMAIN,  # noqa: F405
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
    # Readers' browsers load the images from the bucket (or its CDN domain): allow that origin.
    if AWS_S3_CUSTOM_DOMAIN:  # noqa: F405
        media_origin = f"https://{AWS_S3_CUSTOM_DOMAIN}"  # noqa: F405
    elif AWS_S3_ENDPOINT_URL:  # noqa: F405
        media_origin = AWS_S3_ENDPOINT_URL.rstrip("/")  # noqa: F405
    else:
        media_origin = "https://*.amazonaws.com"
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] = [  # noqa: F405
        *CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],  # noqa: F405
        media_origin,
    ]

# A front cache (nginx with the cache-purge module, or a CDN) in front of the app servers: Wagtail
# sends it a PURGE for a page's URLs when the page is published, unpublished or its comments change.
if FRONTEND_CACHE_PURGE_URL:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.contrib.frontend_cache"]  # noqa: F405
    WAGTAILFRONTENDCACHE = {
        "nginx": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": FRONTEND_CACHE_PURGE_URL,  # noqa: F405
        }
    }

# Mail goes out through the database-backed task queue (`manage.py db_worker`), so a slow
# mail server never slows down a reader.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# HTTPS behind a reverse proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
