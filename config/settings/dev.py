"""Local development: `make run`. DEBUG on, mail to the console, SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403
from .base import BASE_DIR, checkout_secret_key, env_bool

DEBUG = env_bool("DEBUG", True)
# Without SECRET_KEY in the environment, a key of this checkout's own (made on the first start): a
# public key would let anyone forge sessions and the signed comment-preview cookie. Production refuses
# to start without SECRET_KEY.
SECRET_KEY = SECRET_KEY or checkout_secret_key(BASE_DIR / ".secret-key")  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
