"""Two app servers on one PostgreSQL and one Redis: no state of their own."""

import time
import uuid

import pytest
import redis

from django.contrib.auth import get_user_model
from django.urls import reverse

from comments.models import PostComment
from core.testing.servers import (
    Browser,
    app_server,
    comment_form_data,
    request,
    session_database_url,
    skip_unless_postgresql,
)

pytestmark = pytest.mark.services

# A Redis database of its own, emptied at the start: no page or flood-control key of another run.
TEST_REDIS_URL = "redis://127.0.0.1:6379/13"
SITE_HOST = "wir-leben-eifel.example"


@pytest.fixture
def shared_redis():
    try:
        client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
        client.flushdb()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379 (.ci/run starts it)")
    return TEST_REDIS_URL


def test_comment_sent_through_one_server_and_approved_through_the_other_shows_at_once(
    transactional_db, post, settings, shared_redis
):
    skip_unless_postgresql()
    get_user_model().objects.create_superuser("moderation", "moderation@example.org", "ein-langes-passwort-77")
    env = {"DATABASE_URL": session_database_url(), "REDIS_URL": shared_redis, "PAGE_CACHE_SECONDS": "600"}
    text = f"Grüße aus Daun, Nummer {uuid.uuid4().hex[:8]}."
    with app_server(env) as server_a, app_server(env) as server_b:
        first = request(server_a.url + post.url, host=SITE_HOST)
        assert first.status == 200
        # The page cache is shared: what A rendered, B serves.
        assert request(server_b.url + post.url, host=SITE_HOST).headers["X-Cache"] == "HIT"

        action, data = comment_form_data(first.text, text, email=f"leser-{uuid.uuid4().hex[:8]}@example.org")
        time.sleep(settings.COMMENTS_MIN_SECONDS + 0.5)
        sent = request(server_a.url + action, data=data, host=SITE_HOST)
        assert sent.status in (200, 302, 303), sent.text[:2000]
        comment = PostComment.objects.get(comment=text)
        assert not comment.is_public
        assert text not in request(server_a.url + post.url, host=SITE_HOST).text

        moderator = Browser(server_b.url)
        moderator.log_in("moderation", "ein-langes-passwort-77")
        approve_path = reverse("comment_moderation:moderate", args=[comment.pk, "approve"])
        token = moderator.csrf_token(approve_path)
        approved = moderator.open(approve_path, {"csrfmiddlewaretoken": token})
        assert approved.status == 302, approved.text[:1000]
        comment.refresh_from_db()
        assert comment.is_public

        after = request(server_a.url + post.url, host=SITE_HOST)
        assert after.status == 200
        assert after.headers["X-Cache"] == "MISS"
        assert text in after.text
