"""A Redis that hangs (accepts connections, never answers) costs a request at most one socket timeout per
breaker period, not one per cache call; the site answers 200 and uses Redis again once it answers
(core/cache_breaker.py, docs/caching.md "When Redis is down")."""

import logging
import time

import pytest

from django.core.cache import caches
from django.test import Client

from config.settings.base import redis_cache_config
from core.testing.servers import TcpProxy

SOCKET_TIMEOUT = 0.5
BREAKER_SECONDS = 2
REAL_REDIS_PORT = 6379


def cache_behind(proxy, settings, db_number=0):
    settings.CACHES = {
        "default": redis_cache_config(
            f"redis://127.0.0.1:{proxy.port}/{db_number}",
            socket_timeout=SOCKET_TIMEOUT,
            breaker_seconds=BREAKER_SECONDS,
        )
    }
    settings.PAGE_CACHE_SECONDS = 600
    settings.FRAGMENT_CACHE_SECONDS = 600
    caches.close_all()


def timed_get(url):
    started = time.monotonic()
    response = Client().get(url)
    return response, time.monotonic() - started


def breaker_warnings(caplog):
    return [r for r in caplog.records if r.name == "core.cache_breaker" and r.levelno >= logging.WARNING]


@pytest.fixture
def hanging_redis():
    proxy = TcpProxy(target_port=REAL_REDIS_PORT, hanging=True).start()
    yield proxy
    proxy.stop()
    caches.close_all()


def test_a_hanging_redis_costs_one_timeout_per_breaker_period_not_one_per_cache_call(
    post, settings, hanging_redis, caplog
):
    caplog.set_level(logging.DEBUG)
    url = post.url  # asks Wagtail's site root paths cache: before Redis hangs
    cache_behind(hanging_redis, settings)

    started = time.monotonic()
    first, first_seconds = timed_get(url)
    assert first.status_code == 200
    assert post.title in first.content.decode()
    # The page cache read times out once; every later cache call of the request (the clock, Wagtail's
    # site root paths, the fragments, the writes) fails at once.
    # Each timed-out call costs redis-py its connection, so connections accepted = timeouts paid. Wall
    # clock only as a lower bound (a busy machine makes any upper bound flaky).
    assert hanging_redis.accepted == 1
    assert first_seconds >= SOCKET_TIMEOUT

    for _ in range(5):
        response, seconds = timed_get(url)
        assert response.status_code == 200
        assert response["X-Cache"] == "BYPASS"
    periods = int((time.monotonic() - started) // BREAKER_SECONDS)
    if periods == 0:
        assert hanging_redis.accepted == 1  # no further call even tried Redis
    else:
        # A busy machine stretched the five requests past the period: one try per period, no more.
        assert hanging_redis.accepted <= 1 + periods

    time.sleep(BREAKER_SECONDS + 0.1)
    before_retry = hanging_redis.accepted
    retried, retried_seconds = timed_get(url)
    assert retried.status_code == 200
    assert hanging_redis.accepted == before_retry + 1  # one try after the period, and that try only
    assert retried_seconds >= SOCKET_TIMEOUT
    if retried_seconds < BREAKER_SECONDS:
        timed_get(url)
        assert hanging_redis.accepted == before_retry + 1

    # One line for the outage, not a traceback per call.
    assert len(breaker_warnings(caplog)) == 1
    assert "does not answer" in breaker_warnings(caplog)[0].getMessage()
    assert not [r for r in caplog.records if r.name == "django_redis.cache"]


def test_redis_refusing_connections_opens_the_breaker_without_waiting(post, settings, caplog):
    proxy = TcpProxy(target_port=REAL_REDIS_PORT)  # never started: nothing listens on its port
    url = post.url
    cache_behind(proxy, settings)
    try:
        for _ in range(3):
            response, _seconds = timed_get(url)
            assert response.status_code == 200
    finally:
        caches.close_all()
    assert len(breaker_warnings(caplog)) == 1


@pytest.mark.services
def test_the_cache_is_used_again_once_redis_answers(post, settings, hanging_redis, caplog):
    import redis

    db_number = 11
    try:
        redis.Redis(port=REAL_REDIS_PORT, db=db_number, socket_connect_timeout=1).flushdb()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379 (.ci/run starts it)")
    caplog.set_level(logging.INFO)
    url = post.url
    cache_behind(hanging_redis, settings, db_number)
    try:
        assert timed_get(url)[0]["X-Cache"] == "BYPASS"

        hanging_redis.relay()
        # Still within the period: the breaker does not ask yet.
        accepted = hanging_redis.accepted
        assert timed_get(url)[0]["X-Cache"] == "BYPASS"
        assert hanging_redis.accepted == accepted

        time.sleep(BREAKER_SECONDS + 0.1)
        stored = Client().get(url)
        assert stored.status_code == 200
        assert stored["X-Cache"] == "MISS"
        assert Client().get(url)["X-Cache"] == "HIT"
        assert [r.getMessage() for r in breaker_warnings(caplog)][-1].startswith(
            f"Redis 127.0.0.1:{hanging_redis.port} answers again"
        )
    finally:
        redis.Redis(port=REAL_REDIS_PORT, db=db_number).flushdb()


def test_after_the_period_one_thread_tries_redis_and_the_others_do_not_wait(settings, hanging_redis):
    import threading

    cache_behind(hanging_redis, settings)
    cache = caches["default"]
    assert cache.get("probe") is None
    assert hanging_redis.accepted == 1
    time.sleep(BREAKER_SECONDS + 0.1)

    durations = []

    def read():
        started = time.monotonic()
        assert caches["default"].get("probe") is None
        durations.append(time.monotonic() - started)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert hanging_redis.accepted == 2
    assert sorted(duration >= SOCKET_TIMEOUT for duration in durations) == [False, False, False, True]


@pytest.mark.services
def test_a_log_out_while_redis_hangs_stays_a_log_out_when_redis_is_back(post, settings, caplog):
    """A session deleted while Redis did not answer must not come back from Redis afterwards. With
    sessions cached in Redis (`cached_db`) the delete of the cached copy was skipped during the outage and
    the old cookie was logged in again once Redis answered; the site's sessions live in the database only."""
    import redis

    from django.contrib.auth import get_user_model

    from config.settings import base

    db_number = 12
    try:
        redis.Redis(port=REAL_REDIS_PORT, db=db_number, socket_connect_timeout=1).flushdb()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379 (.ci/run starts it)")
    proxy = TcpProxy(target_port=REAL_REDIS_PORT).start()
    try:
        cache_behind(proxy, settings, db_number)
        settings.SESSION_ENGINE = base.SESSION_ENGINE
        editor = get_user_model().objects.create_superuser("redaktion-test", "r@example.org", "x" * 20)
        browser = Client()
        browser.force_login(editor)
        assert browser.get("/admin/").status_code == 200
        stolen_cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value

        proxy.hang()
        assert caches["default"].get("probe") is None  # opens the breaker
        browser.post("/admin/logout/")

        proxy.relay()
        time.sleep(BREAKER_SECONDS + 0.1)
        caches["default"].set("probe", 1)  # the breaker closes
        assert caches["default"].get("probe") == 1

        later = Client()
        later.cookies[settings.SESSION_COOKIE_NAME] = stolen_cookie
        assert later.get("/admin/").status_code == 302  # to the log-in page
    finally:
        proxy.stop()
        caches.close_all()
        redis.Redis(port=REAL_REDIS_PORT, db=db_number).flushdb()
