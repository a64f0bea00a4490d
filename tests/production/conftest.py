"""Helpers for the tests of the shared fragments behind the full-page cache."""

import pytest

from django.core.cache import cache
from django.test import Client


@pytest.fixture
def shared_caches(settings):
    """Page cache and shared fragments on, in an empty cache."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.FRAGMENT_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def rendered_client():
    """A reader whose requests the full-page cache does not answer (any cookie but csrftoken): every
    request is rendered, so only the fragments act."""
    client = Client()
    client.cookies["bench"] = "uncached"
    return client
