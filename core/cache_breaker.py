"""A circuit breaker for Redis: a Redis that hangs must not make every request wait (docs/caching.md).

With `IGNORE_EXCEPTIONS` django-redis already turns a Redis error into a cache miss, but each cache call
still waits for its own socket timeout: a page asks the cache several times (the page cache, the cache
clock, Wagtail's site root paths, sessions, fragments), so a Redis that accepts connections and never
answers made every request pay several timeouts in a row.

`CircuitBreakerConnection` is the redis-py connection class of the cache's pool
(`CONNECTION_POOL_KWARGS["connection_class"]`). The first timeout or connection error opens the breaker of
that Redis server for `circuit_breaker_seconds` in this process: from then on every cache call fails at
once with `CacheCircuitOpen` (a redis `ConnectionError`, so django-redis answers a miss and skips the
write) without touching the network. When the period is over, one call (one thread) tries Redis again:
if Redis answers, the breaker closes; if not, it stays open for another period. A request therefore pays
at most one timeout per period, however many cache calls it makes, and the log gets one warning per
outage (`CircuitBreaker.record_failure`), not a traceback per call (`DropErrorsTheBreakerReported`).
"""

import logging
import threading
import time

from redis.connection import Connection, ConnectionPool
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DEFAULT_SECONDS = 5
FAILURES = (RedisConnectionError, RedisTimeoutError)


class CacheCircuitOpen(RedisConnectionError):
    """Redis did not answer a moment ago: this call is not sent (django-redis treats it as a miss)."""


class CircuitBreaker:
    """Per process and Redis server: closed (calls go through) or open until `retry_at`."""

    def __init__(self, name, seconds=DEFAULT_SECONDS):
        self.name = name
        self.seconds = seconds
        self._lock = threading.Lock()
        self._retry_at = None  # None: closed
        self._opened_at = None
        self._prober = None  # the thread that tries Redis again after a period

    @property
    def is_open(self):
        return self._retry_at is not None

    def allow(self):
        """True if a call may go to Redis now. After a period, the first caller's thread gets to try;
        everyone else keeps failing fast until that try has answered."""
        if self._retry_at is None:
            return True
        with self._lock:
            if self._retry_at is None or self._prober == threading.get_ident():
                return True
            now = time.monotonic()
            if now < self._retry_at:
                return False
            self._retry_at = now + self.seconds
            self._prober = threading.get_ident()
            return True

    def record_failure(self, error):
        with self._lock:
            newly_open = self._retry_at is None
            self._retry_at = time.monotonic() + self.seconds
            self._prober = None
            if newly_open:
                self._opened_at = time.monotonic()
        if newly_open:
            logger.warning(
                "Redis %s does not answer (%s): the cache is skipped in this process, tried again every %s s",
                self.name,
                error,
                self.seconds,
            )
        else:
            logger.debug("Redis %s still does not answer (%s)", self.name, error)

    def record_success(self):
        if self._retry_at is None:
            return
        with self._lock:
            if self._retry_at is None:
                return
            down_for = time.monotonic() - self._opened_at
            self._retry_at = self._opened_at = self._prober = None
        logger.warning("Redis %s answers again after %.1f s: the cache is used again", self.name, down_for)


_breakers = {}
_breakers_lock = threading.Lock()


def breaker_for(host, port, seconds=DEFAULT_SECONDS):
    """The one breaker of this process for a Redis server (all its databases and pools share its fate)."""
    key = (host, int(port))
    with _breakers_lock:
        if key not in _breakers:
            _breakers[key] = CircuitBreaker(f"{host}:{port}", seconds)
        return _breakers[key]


class CircuitBreakerConnection(Connection):
    """A redis-py TCP connection that reports to, and obeys, its server's `CircuitBreaker`."""

    def __init__(self, host="localhost", port=6379, circuit_breaker_seconds=DEFAULT_SECONDS, **kwargs):
        super().__init__(host=host, port=port, **kwargs)
        self.breaker = breaker_for(host, port, circuit_breaker_seconds)

    def connect(self):
        # Every command and pipeline asks the pool for a connection, which calls connect() (a no-op on a
        # connected socket): the one place to refuse before anything is sent.
        if not self.breaker.allow():
            raise CacheCircuitOpen(f"Redis {self.breaker.name} did not answer a moment ago")
        try:
            super().connect()
        except FAILURES as error:
            self.breaker.record_failure(error)
            raise

    def send_packed_command(self, command, check_health=True):
        try:
            super().send_packed_command(command, check_health=check_health)
        except FAILURES as error:
            self.breaker.record_failure(error)
            raise

    def read_response(self, *args, **kwargs):
        try:
            response = super().read_response(*args, **kwargs)
        except FAILURES as error:
            self.breaker.record_failure(error)
            raise
        except Exception:
            self.breaker.record_success()  # an error reply (ResponseError) is an answer
            raise
        self.breaker.record_success()
        return response


def _caused_by_failure(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, FAILURES):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


class DropErrorsTheBreakerReported(logging.Filter):
    """For django-redis' "Exception ignored" log (DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS): connection errors
    and timeouts are reported once per outage by the breaker, so their per-call tracebacks are dropped;
    any other Redis error (an error reply, a bad value) is still logged with its traceback."""

    def filter(self, record):
        return not (record.exc_info and _caused_by_failure(record.exc_info[1]))


class CircuitBreakerConnectionPool(ConnectionPool):
    """The cache's pool (django-redis `CONNECTION_POOL_CLASS`): its TCP connections use the breaker.
    (A `rediss://` or `unix://` URL brings its own connection class, without a breaker.)"""

    def __init__(self, connection_class=CircuitBreakerConnection, **kwargs):
        if not issubclass(connection_class, CircuitBreakerConnection):
            kwargs.pop("circuit_breaker_seconds", None)
        super().__init__(connection_class=connection_class, **kwargs)
