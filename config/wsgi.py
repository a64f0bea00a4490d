"""WSGI entry point; gunicorn serves `config.wsgi:application`."""

import os

import django

from core.handlers import TolerantWSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# What django.core.wsgi.get_wsgi_application() does, with a handler whose requests survive an
# unparseable Content-Type header (core/handlers.py).
django.setup(set_prefix=False)

application = TolerantWSGIHandler()
