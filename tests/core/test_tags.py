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
