"""Failure behaviour: PostgreSQL gone and back, Redis gone (real gunicorn processes)."""

import time

import pytest

from django.core.cache import caches
from django.test import Client, override_settings

from comments.models import PostComment
from core.testing.servers import (
    TcpProxy,
    app_server,
    comment_form_data,
    request,
    session_database_url,
    skip_unless_postgresql,
)

pytestmark = pytest.mark.services

DEAD_REDIS = "redis://127.0.0.1:9/0"  # the discard port: nothing answers there


def wait_for_form_minimum_time(settings):
    time.sleep(settings.COMMENTS_MIN_SECONDS + 0.5)


def test_database_outage_gives_a_german_503_keeps_the_comment_text_and_recovers_without_restart(
    transactional_db, post, settings
):
    skip_unless_postgresql()
    proxy = TcpProxy(target_port=int(settings.DATABASES["default"].get("PORT") or 5432)).start()
    try:
        env = {"DATABASE_URL": session_database_url(port=proxy.port), "DATABASE_CONNECT_TIMEOUT": "2"}
        with app_server(env) as server:
            page = request(server.url + post.url)
            assert page.status == 200
            action, data = comment_form_data(page.text, "Mein Text über die Eifel, der nicht verloren gehen darf.")
            wait_for_form_minimum_time(settings)
            pid = server.process.pid

            proxy.cut()
            down = request(server.url + post.url)
            assert down.status == 503
            assert "Die Seite ist gerade nicht erreichbar" in down.text
            assert down.headers["Retry-After"]
            assert "Traceback" not in down.text and "OperationalError" not in down.text

            posted = request(server.url + action, data=data)
            assert posted.status == 503
            assert "Dein Kommentar konnte gerade nicht gespeichert werden" in posted.text
            assert "Mein Text über die Eifel, der nicht verloren gehen darf." in posted.text
            assert "<textarea" in posted.text

            proxy.restore()
            assert request(server.url + post.url).status == 200
            assert server.process.pid == pid and server.process.poll() is None
    finally:
        proxy.stop()


def test_database_outage_with_redis_up_serves_cached_pages_and_a_german_503_for_the_rest(
    transactional_db, post, settings
):
    """With Redis up, anonymous readers keep getting cached pages; a page that must be rendered
    (here: a reader with a cookie, whose page's route and fragments are in Redis) gets the 503 page,
    not an error from the route cache, and the site recovers by itself."""
    import redis

    skip_unless_postgresql()
    live_redis = "redis://127.0.0.1:6379/10"
    redis.Redis.from_url(live_redis).flushdb()
    reader = {"bench": "rendered"}  # any cookie but csrftoken: rendered, never from the page cache
    proxy = TcpProxy(target_port=int(settings.DATABASES["default"].get("PORT") or 5432)).start()
    try:
        env = {
            "DATABASE_URL": session_database_url(port=proxy.port),
            "DATABASE_CONNECT_TIMEOUT": "2",
            "REDIS_URL": live_redis,
        }
        with app_server(env) as server:
            for _ in range(2):  # fills the page cache, the route cache and the fragments
                assert request(server.url + post.url).status == 200
                assert request(server.url + post.url, cookies=reader).status == 200

            proxy.cut()
            cached = request(server.url + post.url)
            assert cached.status == 200
            assert cached.headers["X-Cache"] == "HIT"
            rendered = request(server.url + post.url, cookies=reader)
            assert rendered.status == 503
            assert "Die Seite ist gerade nicht erreichbar" in rendered.text
            assert "Traceback" not in rendered.text

            proxy.restore()
            assert request(server.url + post.url, cookies=reader).status == 200
    finally:
        proxy.stop()
        redis.Redis.from_url(live_redis).flushdb()


def test_pages_render_and_comments_post_while_redis_is_down(transactional_db, post, settings):
    skip_unless_postgresql()
    env = {"DATABASE_URL": session_database_url(), "REDIS_URL": DEAD_REDIS}
    with app_server(env) as server:
        page = request(server.url + post.url)
        assert page.status == 200
        assert "Ein Beitrag aus der Eifel" in page.text
        action, data = comment_form_data(page.text, "Auch ohne Redis kommt mein Kommentar an.")
        wait_for_form_minimum_time(settings)
        posted = request(server.url + action, data=data)
        assert posted.status in (200, 302, 303), posted.text[:2000]
    assert PostComment.objects.filter(comment="Auch ohne Redis kommt mein Kommentar an.").exists()


DEAD_REDIS_CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": DEAD_REDIS,
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }
}


@override_settings(CACHES=DEAD_REDIS_CACHES, PAGE_CACHE_SECONDS=600)
def test_the_page_cache_steps_aside_when_redis_is_down(post):
    caches.close_all()
    try:
        response = Client().get(post.url)
        assert response.status_code == 200
        assert response["X-Cache"] == "BYPASS"
    finally:
        caches.close_all()
