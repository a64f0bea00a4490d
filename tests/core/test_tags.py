"""The tag rules of the caching subsystem (core/cache.py), without any page around them."""

import pytest

from django.core.cache import cache

from core import cache as caching


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def render_counter(value, *tags):
    calls = []

    def render():
        calls.append(1)
        caching.depends_on(*tags)
        return value

    return render, calls


def test_an_entry_is_rendered_again_exactly_when_one_of_its_tags_changes():
    render, calls = render_counter("A", "page:1", "comments:1")
    for _ in range(3):
        assert caching.cached("entry", render, 60) == "A"
    assert len(calls) == 1
    caching.invalidate("comments:2", "listings")
    caching.cached("entry", render, 60)
    assert len(calls) == 1
    caching.invalidate("comments:1")
    caching.cached("entry", render, 60)
    assert len(calls) == 2


def test_a_change_during_the_rendering_is_never_hidden_by_the_stored_entry():
    """The clock is read before rendering: an invalidation while it runs makes the result stale at once."""
    calls = []

    def render():
        calls.append(1)
        caching.depends_on("page:1")
        if len(calls) == 1:
            caching.invalidate("page:1")  # the data changed after this rendering read it
        return f"Fassung {len(calls)}"

    assert caching.cached("entry", render, 60) == "Fassung 1"
    assert caching.cached("entry", render, 60) == "Fassung 2"
    assert caching.cached("entry", render, 60) == "Fassung 2"


def test_an_outer_rendering_records_the_tags_of_what_it_contains_also_from_the_cache():
    inner, _calls = render_counter("innen", "comments:7")
    caching.cached("inner", inner, 60)  # now in the cache
    with caching.recording() as outer:
        caching.cached("inner", inner, 60)
    assert {"comments:7", caching.SITE_TAG} <= outer.tags


def test_everything_depends_on_the_site_tag():
    render, calls = render_counter("A", "page:1")
    caching.cached("entry", render, 60)
    caching.invalidate_everything()
    caching.cached("entry", render, 60)
    assert len(calls) == 2


def test_nothing_is_stored_without_a_lifetime():
    render, calls = render_counter("A", "page:1")
    caching.cached("entry", render, 0)
    caching.cached("entry", render, 0)
    assert len(calls) == 2
    assert cache.get("entry") is None


REDIS_CACHE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        # Not 10, 12 or 13: the services tests (which may run at the same time) empty those.
        "LOCATION": "redis://127.0.0.1:6379/9",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
}


def test_with_redis_every_stamp_is_exactly_the_clock_value_it_ticked_to(settings):
    """django-redis increments through Lua, whose numbers are doubles: the clock must stay below 2**53,
    or the stamps would be rounded and could fall below the clock an entry was rendered at."""
    import redis

    settings.CACHES = REDIS_CACHE
    from django.core.cache import caches

    redis_cache = caches["default"]
    try:
        redis.Redis.from_url(REDIS_CACHE["default"]["LOCATION"], socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379 (.ci/run starts it)")
    redis_cache.clear()
    start = caching.read_clock()
    assert start < 2**53
    for number in range(3):
        caching.invalidate(f"probe:{number}")
        assert redis_cache.get(caching.tag_key(f"probe:{number}")) == redis_cache.get(caching.CLOCK_KEY)
    assert redis_cache.get(caching.CLOCK_KEY) == start + 3
    redis_cache.clear()


def test_an_entry_that_expires_by_itself_is_kept_only_that_long_and_so_is_the_page_around_it(monkeypatch):
    """`expires_within` (a comment schedule's next boundary): the fragment and every page that contains it,
    also when it comes from the cache, are stale at that moment, before the cache's own timeout."""
    import datetime

    from core import clock

    start = datetime.datetime(2026, 6, 5, 19, 55, tzinfo=datetime.UTC)
    monkeypatch.setattr(clock, "now", lambda: start)
    calls = []

    def inner():
        calls.append(1)
        caching.expires_within(300)
        return "innen"

    with caching.recording() as first_page:
        caching.cached("inner", inner, 600)
    with caching.recording() as second_page:
        assert caching.cached("inner", inner, 600) == "innen"
    assert len(calls) == 1
    expected = start.timestamp() + 300
    assert first_page.expires_at == second_page.expires_at == expected
    assert first_page.lifetime(600) == 300

    monkeypatch.setattr(clock, "now", lambda: start + datetime.timedelta(seconds=299))
    caching.cached("inner", inner, 600)
    assert len(calls) == 1
    monkeypatch.setattr(clock, "now", lambda: start + datetime.timedelta(seconds=300))
    caching.cached("inner", inner, 600)
    assert len(calls) == 2


def test_an_entry_already_past_its_expiry_is_not_stored():
    with caching.recording() as rec:
        caching.expires_within(0)
    caching.store("gone", "x", rec, 600)
    assert cache.get("gone") is None
