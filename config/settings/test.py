"""The test suite: SQLite unless DATABASE_URL points at PostgreSQL; mail kept in memory."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "media-test"  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
BASE_URL = "http://testserver"

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Test databases are thrown away: a commit need not wait for the disk (PostgreSQL's own per-session
    # setting; the data stays consistent, only a crash could lose the last commits).
    options = DATABASES["default"]["OPTIONS"]  # noqa: F405
    options["options"] = " ".join(filter(None, [options.get("options"), "-c synchronous_commit=off"]))
