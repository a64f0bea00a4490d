"""The production settings for tests that run gunicorn behind nginx (tests/production/test_front_cache.py).

Everything as in production except the static files storage: the manifest storage would need a
`collectstatic` run for every template change, which says nothing about the front cache.
"""

from config.settings.production import *  # noqa: F403
from config.settings.production import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
