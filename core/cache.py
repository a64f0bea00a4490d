"""The caching subsystem: every cached thing knows what it depends on (docs/caching.md).

Pages, shared template fragments and PDFs are stored in Django's cache (Redis in production) together
with the **tags** of what they show (`page:12`, `comments:12`, `listings`, `category:3`, `site`, …) and
the value of a shared **clock** read before they were rendered. A change *invalidates* tags: it ticks the
clock and stamps each tag with the new value. An entry is fresh while every one of its tags is stamped no
later than the clock value it was rendered at; otherwise it is rendered again. So approving a comment on
one post (`comments:<post>`) re-renders that post and the listings that show its comment count, and
nothing else; publishing a post (`page:<post>`, `listings`) re-renders the listings, not every article.

What a rendering depends on is recorded while it runs: `depends_on(*tags)` adds tags to every recording
in progress (a contextvar stack, so a page records the tags of the fragments it contains, also of those
it got from the cache). Each app says which changes invalidate which tags, in its own `ready()`.

Guarantees kept from the design before (and tested):
- Redis down is site up: a cache that does not answer reads as a miss, and nothing is stored when the
  clock cannot be read (`django-redis` with IGNORE_EXCEPTIONS answers None).
- A lost clock or tag (eviction, restart) never revives old entries: the clock starts again at the
  current time in microseconds, larger than any value it had, and a missing tag counts as changed now.
  (Microseconds, not nanoseconds: django-redis increments through a Lua script, whose numbers are
  doubles, exact only below 2**53; nanoseconds since 1970 are far above that.)
- Nothing personal in a shared entry: the page cache and `{% sharedcache %}` decide what may be shared
  (core/middleware.py, core/templatetags/shared_cache.py); this module only stores and validates.
"""

import contextlib
import contextvars
import logging
import math
import time
import uuid

from django.conf import settings
from django.core.cache import cache

from . import clock

logger = logging.getLogger(__name__)

CLOCK_KEY = "cache:clock"
TAG_KEY_PREFIX = "cache:tag:"
# What every entry depends on: site-wide things that change rarely (site settings, images, documents,
# sites, privacy restrictions, the comment rules).
SITE_TAG = "site"

_recordings = contextvars.ContextVar("core_cache_recordings", default=())
# While a bulk job runs (the WordPress import): the set that collects its invalidations.
_deferred = contextvars.ContextVar("core_cache_deferred", default=None)
_scope = contextvars.ContextVar("core_cache_scope", default=None)
_UNREAD = object()


# --- Tags -------------------------------------------------------------------------------------


def page_tag(page_or_id):
    return f"page:{getattr(page_or_id, 'pk', page_or_id)}"


def tag_key(tag):
    return TAG_KEY_PREFIX + tag


def depends_on(*tags):
    """Record that what is being rendered shows what these tags stand for."""
    for recording in _recordings.get():
        recording.tags.update(tag for tag in tags if tag)


def expires_within(seconds):
    """Record that what is being rendered changes by itself within `seconds`, without any change to
    invalidate (a comment schedule's next boundary, comments/schedules.py): it is kept at most that long."""
    _expires_at(clock.now().timestamp() + max(seconds, 0))


def _expires_at(expires_at):
    if expires_at is None:
        return
    for recording in _recordings.get():
        recording.expire_at(expires_at)


class Recording:
    """Tags recorded while something renders, the clock value read before it started, and the moment
    (epoch seconds) it goes stale by itself, if any (`expires_within`)."""

    def __init__(self, clock):
        self.clock = clock
        self.tags = {SITE_TAG}
        self.expires_at = None

    def expire_at(self, expires_at):
        if self.expires_at is None or expires_at < self.expires_at:
            self.expires_at = expires_at

    def lifetime(self, timeout):
        """`timeout` shortened to the time left until `expires_at` (whole seconds, rounded up; 0: gone)."""
        if self.expires_at is None:
            return timeout
        left = self.expires_at - clock.now().timestamp()
        return min(timeout, math.ceil(left)) if left > 0 else 0


@contextlib.contextmanager
def recording():
    """`with recording() as rec:` render …; `rec.tags` is what it showed, `rec.clock` when it started.

    `rec.clock` is None when the cache does not answer: then the result must not be stored."""
    rec = Recording(current_clock())
    token = _recordings.set((*_recordings.get(), rec))
    try:
        yield rec
    finally:
        _recordings.reset(token)


# --- The clock and invalidation ---------------------------------------------------------------


class _Scope:
    clock = _UNREAD

    def __init__(self):
        self.memo = {}


@contextlib.contextmanager
def request_scope():
    """One request (core/middleware.py): the clock is read once, on first use, and every rendering of the
    request uses that value. When the cache does not answer, the rest of the request does not ask it
    again: a Redis that hangs costs one timeout per request, not one per fragment."""
    token = _scope.set(_Scope())
    try:
        yield
    finally:
        _scope.reset(token)


def current_clock():
    """The clock for what renders now: read once per request scope (outside one, read each time)."""
    scope = _scope.get()
    if scope is None:
        return read_clock()
    if scope.clock is _UNREAD:
        scope.clock = read_clock()
    return scope.clock


def request_memo(name, compute):
    """`compute()` once per request scope (core/middleware.py), e.g. the view restrictions every listing
    and the routing check; outside a request scope (shell, tests calling models) computed each time."""
    scope = _scope.get()
    if scope is None:
        return compute()
    if name not in scope.memo:
        scope.memo[name] = compute()
    return scope.memo[name]


def known_down():
    """True when this request already found the cache not answering (no further reads then)."""
    scope = _scope.get()
    return scope is not None and scope.clock is None


def _clock_start():
    """Where the clock (re)starts: above any value it had, and exact in a double (below 2**53)."""
    return time.time_ns() // 1000


def read_clock():
    """The current clock value, created on first use; None when the cache does not answer."""
    value = cache.get(CLOCK_KEY)
    if value is None:
        cache.add(CLOCK_KEY, _clock_start(), timeout=None)
        value = cache.get(CLOCK_KEY)
    return value


def _tick():
    try:
        value = cache.incr(CLOCK_KEY)
    except ValueError:
        # No clock yet, or Redis lost it: start above any value it ever had.
        value = _clock_start()
        cache.set(CLOCK_KEY, value, timeout=None)
    return value


def invalidate(*tags, reason=""):
    """Everything that depends on one of these tags is rendered again on its next request."""
    tags = {tag for tag in tags if tag}
    if not tags:
        return
    pending = _deferred.get()
    if pending is not None:
        pending.update(tags)
        return
    value = _tick()
    if value is None:
        return  # the cache does not answer: entries expire on their own, nothing can be served stale by it
    cache.set_many({tag_key(tag): value for tag in tags}, timeout=None)
    logger.debug("Cache invalidated %s (%s)", sorted(tags), reason)


@contextlib.contextmanager
def deferred_invalidation(reason=""):
    """A bulk job (the WordPress import) invalidates once, at the end, every tag its changes named,
    instead of ticking the clock for each saved row. Yields the set of tags collected so far."""
    pending = set()
    token = _deferred.set(pending)
    try:
        yield pending
    finally:
        _deferred.reset(token)
        invalidate(*pending, reason=reason or "deferred")


def invalidate_everything(reason=""):
    """Every cached page, fragment and PDF depends on the site tag: an operator's "start afresh"."""
    invalidate(SITE_TAG, reason=reason)


def is_fresh(tags, clock):
    """True if no tag changed after `clock`. A tag the cache lost counts as changed now."""
    keys = [tag_key(tag) for tag in tags]
    stamps = cache.get_many(keys)
    missing = [key for key in keys if key not in stamps]
    if missing:
        value = _tick()
        if value is not None:
            for key in missing:
                cache.add(key, value, timeout=None)
        return False
    return all(stamp <= clock for stamp in stamps.values())


# --- Entries ----------------------------------------------------------------------------------


def get_fresh(key):
    """The value stored under `key` if it is still fresh (its tags are then recorded too), else None."""
    if known_down():
        return None
    entry = cache.get(key)
    if not isinstance(entry, dict) or "tags" not in entry:
        return None
    expires_at = entry.get("expires_at")
    # The cache's own timeout counts whole seconds; a schedule's boundary is exact.
    if expires_at is not None and clock.now().timestamp() >= expires_at:
        return None
    if not is_fresh(entry["tags"], entry["clock"]):
        return None
    depends_on(*entry["tags"])
    _expires_at(expires_at)  # a page that contains this fragment goes stale with it
    return entry["value"]


def store(key, value, rec, timeout):
    """Store what a recording produced (nothing when the clock could not be read).

    A tag that was never invalidated has no stamp yet; it gets the clock value the rendering started
    at, so the entry is fresh until the tag changes. A rendering that goes stale by itself
    (`expires_within`) is kept only until then."""
    timeout = rec.lifetime(timeout) if timeout else timeout
    if rec.clock is None or not timeout:
        return
    tags = sorted(rec.tags)
    keys = [tag_key(tag) for tag in tags]
    stamped = cache.get_many(keys)
    for key_of_tag in keys:
        if key_of_tag not in stamped:
            cache.add(key_of_tag, rec.clock, timeout=None)
    entry = {"value": value, "tags": tags, "clock": rec.clock}
    if rec.expires_at is not None:
        entry["expires_at"] = rec.expires_at
    cache.set(key, entry, timeout=timeout)


def cached(key, render, timeout, tags=()):
    """The fresh value under `key`, or `render()` recorded and stored (also when it records nothing)."""
    if not timeout:
        return render()
    value = get_fresh(key)
    if value is not None:
        return value
    with recording() as rec:
        depends_on(*tags)
        value = render()
    store(key, value, rec, timeout)
    depends_on(*rec.tags)
    _expires_at(rec.expires_at)
    return value


# --- One render for many readers ------------------------------------------------------------


class RenderBusy(Exception):
    """Another request is rendering this value and did not finish within the wait."""


class RenderFailed(Exception):
    """The render this request waited for failed (the renderer logged why)."""


def cached_single_flight(key, render, timeout, tags=(), *, wait=30, poll=0.1, lock_timeout=120, failure_timeout=15):
    """Like `cached`, for expensive values (a PDF): on a miss `render()` runs once, however many ask.

    The first request takes a lock (`cache.add` is atomic in Redis and the local-memory cache), renders,
    stores and releases it. The others poll for the result for at most `wait` seconds; if the renderer
    died without a result they take over, and if it failed they stop at once (RenderFailed) for
    `failure_timeout` seconds. If the cache cannot be reached at all, each request renders.
    """
    value = get_fresh(key)
    if value is not None:
        return value
    lock_key, failure_key = f"{key}:lock", f"{key}:failed"
    if cache.get(failure_key):
        raise RenderFailed
    deadline = time.monotonic() + wait
    while True:
        token = uuid.uuid4().hex
        acquired = cache.add(lock_key, token, lock_timeout)
        # None (not False) is what django-redis answers when Redis is down and errors are ignored.
        if acquired or acquired is None:
            try:
                with recording() as rec:
                    depends_on(*tags)
                    value = render()
                store(key, value, rec, timeout)
                return value
            except Exception:
                cache.set(failure_key, True, failure_timeout)
                raise
            finally:
                # Released only after the result is stored, so a waiter never sees neither.
                if acquired and cache.get(lock_key) == token:
                    cache.delete(lock_key)
        while True:
            if time.monotonic() >= deadline:
                raise RenderBusy
            time.sleep(poll)
            value = get_fresh(key)
            if value is not None:
                return value
            if cache.get(failure_key):
                raise RenderFailed
            if cache.get(lock_key) is None:
                break  # the renderer is gone without a result: try to take over


# --- Lifetimes ----------------------------------------------------------------------------------


def page_seconds():
    return settings.PAGE_CACHE_SECONDS


def fragment_seconds():
    return settings.FRAGMENT_CACHE_SECONDS
