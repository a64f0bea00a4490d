"""gunicorn settings (`gunicorn -c gunicorn.conf.py config.wsgi:application`); docs/deployment.md.

Every value can be set from the environment, so one file serves a laptop and a cluster.
"""

import gc
import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _on(name, default=False):
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value in {"1", "true", "yes", "on"}


# Where to listen: BIND wins, else PORT on all interfaces (what container platforms set), else 8000.
bind = os.environ.get("BIND") or f"0.0.0.0:{_int('PORT', 8000)}"

# Workers: WEB_CONCURRENCY, else the classic 2 × cores + 1, capped so a big machine does not open
# more database connections than PostgreSQL allows (each worker thread holds one).
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 12))
# Threads let a worker keep serving while one request waits for PostgreSQL, Redis or SMTP.
threads = _int("GUNICORN_THREADS", 2)
worker_class = "gthread" if threads > 1 else "sync"

# A request that takes longer than this is stuck: the worker is replaced. PDFs of long threads are
# the slowest legitimate requests.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then (with jitter, so they do not all restart together): bounds the
# damage of a slow memory leak in any library.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# The app servers run the same few queries thousands of times: PostgreSQL binds their parameters and
# keeps them prepared (config/settings/base.py, `database_config`). Set DATABASE_PREPARED_STATEMENTS=0
# behind a pooler in transaction mode that cannot keep prepared statements.
os.environ.setdefault("DATABASE_PREPARED_STATEMENTS", "1")

# Load the app before forking: workers share its memory pages, and a broken release fails at start.
preload_app = _on("GUNICORN_PRELOAD", True)

# The reverse proxy in front sets X-Forwarded-Proto; trust it from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr for the process manager. The access log is off unless asked for: the
# load balancer or nginx usually keeps one already.
accesslog = "-" if _on("GUNICORN_ACCESS_LOG") else None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


# Python's cyclic garbage collector walks every object of the process in a full collection: about 200,000
# once Django, Wagtail and the templates are loaded, of which nearly all live as long as the worker. With
# 1,000 comments under a post a full collection came every few requests and cost 2-4 ms per request on
# average (bench/PROFILE.md, "Garbage collection"). `gc.freeze()` moves the objects that exist into a
# generation that is never collected: once in the master after the preload (the workers inherit them,
# and their memory pages stay shared), and once in each worker after its first GC_FREEZE_AFTER requests
# have loaded what it keeps (templates, compiled queries, translations). Reference counting still frees
# every frozen object that is no longer used; only a cycle among frozen objects stays. 0 turns it off.
gc_freeze_after = _int("GC_FREEZE_AFTER", 20)
# A young collection runs after every 700 new container objects by default: a post page with 1,000
# comments makes about 4,000 that live until the response is sent, so five or six collections a request
# found them alive and moved them on to the older generations, whose collections then walk them again.
# After 10,000 one collection comes every few requests instead: the collector's time per request fell
# from 1.7-2.3 ms to 0.9-1.2 ms at 1,000 comments (frozen as above; bench/PROFILE.md, "Fourth round"). 0 keeps Python's
# default.
gc_young_threshold = _int("GC_YOUNG_THRESHOLD", 10_000)


def tune_garbage_collector():
    """The young generation's threshold of this process (the older two keep Python's defaults)."""
    if gc_young_threshold:
        gc.set_threshold(gc_young_threshold, *gc.get_threshold()[1:])


def freeze_long_lived_objects():
    """Collect what is garbage now, then keep the cyclic collector away from everything that remains."""
    gc.collect()
    gc.freeze()


def when_ready(server):
    if gc_freeze_after and preload_app:
        freeze_long_lived_objects()


def post_fork(server, worker):
    """A connection opened while the app was preloaded must not be shared by the forked workers."""
    from django.db import connections

    connections.close_all()
    tune_garbage_collector()
    worker.requests_before_freeze = gc_freeze_after


def post_request(worker, req, environ, resp):
    """After a worker's first `gc_freeze_after` requests, freeze what it has loaded (once)."""
    remaining = getattr(worker, "requests_before_freeze", 0)
    if remaining <= 0:
        return
    worker.requests_before_freeze = remaining - 1
    if remaining == 1:
        freeze_long_lived_objects()
