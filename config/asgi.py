"""ASGI entry point, for servers that speak ASGI."""

import os

import django

from core.handlers import TolerantASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# What django.core.asgi.get_asgi_application() does, with a handler whose requests survive an
# unparseable Content-Type header (core/handlers.py).
django.setup(set_prefix=False)

application = TolerantASGIHandler()
