"""Helpers for posting comments through the real form and view."""

import pytest

from django.core.cache import cache

from comments.factories import form_data


@pytest.fixture(autouse=True)
def clear_cache():
    """Flood control and locks live in the cache: every test starts with an empty one."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post_comment(client):
    """Post a comment on `post` through /kommentare/senden/ (a new REMOTE_ADDR each time unless given)."""
    counter = iter(range(1, 250))

    def send(post, remote_addr=None, client=client, **fields):
        remote_addr = remote_addr or f"192.0.2.{next(counter)}"
        return client.post("/kommentare/senden/", form_data(post, **fields), REMOTE_ADDR=remote_addr)

    return send


@pytest.fixture
def comment_rules(home_page):
    """The site's comment settings (Einstellungen → Kommentare), defaults as a fresh site has them."""
    from wagtail.models import Site

    from comments.models import CommentSettings

    return CommentSettings.for_site(Site.objects.get(is_default_site=True))


def approve(comment, user=None):
    """A moderator's "Freigeben", through the lifecycle."""
    from comments import lifecycle

    lifecycle.apply(comment, "approve", user)
    return comment


@pytest.fixture
def moderator(db):
    from comments.factories import make_staff

    return make_staff("moderatorin", groups=["Moderatoren"])


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client
