"""The caching subsystem's single-flight rendering (core/cache.py `cached_single_flight`): one render for
many readers, bounded waits, take-over after a dead renderer, no retry storm after a failure."""

import threading

import pytest

from django.core.cache import cache

from core.cache import RenderBusy, RenderFailed, cached_single_flight


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_concurrent_misses_render_once():
    calls = []
    start = threading.Barrier(8)
    results = []

    def slow_render():
        calls.append(1)
        threading.Event().wait(0.3)
        return b"%PDF-1.7 rendered once"

    def reader():
        start.wait()
        results.append(cached_single_flight("pdf:test:stampede", slow_render, 60, wait=5, poll=0.01))

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(calls) == 1
    assert results == [b"%PDF-1.7 rendered once"] * 8


def test_waiting_request_gives_up_after_a_bounded_wait():
    cache.add("pdf:test:busy:lock", "someone else", 60)

    with pytest.raises(RenderBusy):
        cached_single_flight("pdf:test:busy", lambda: b"never", 60, wait=0.2, poll=0.02)


def test_waiter_takes_over_when_the_renderer_died():
    cache.add("pdf:test:died:lock", "a killed worker", 0.2)  # its lock expires by itself

    result = cached_single_flight("pdf:test:died", lambda: b"%PDF-1.7 taken over", 60, wait=5, poll=0.02)

    assert result == b"%PDF-1.7 taken over"


def test_waiters_stop_at_once_when_the_render_they_wait_for_fails():
    outcome = []
    rendering = threading.Event()

    def failing_render():
        rendering.set()
        threading.Event().wait(0.2)
        raise RuntimeError("kaputt")

    def first_reader():
        with pytest.raises(RuntimeError):
            cached_single_flight("pdf:test:fails", failing_render, 60, wait=5, poll=0.01)

    thread = threading.Thread(target=first_reader)
    thread.start()
    rendering.wait(5)
    try:
        cached_single_flight("pdf:test:fails", lambda: outcome.append("rendered") or b"", 60, wait=5, poll=0.01)
    except RenderFailed:
        outcome.append("failed")
    thread.join()

    assert outcome == ["failed"]
