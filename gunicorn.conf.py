"""gunicorn settings (`gunicorn -c gunicorn.conf.py config.wsgi:application`); docs/deployment.md.

Every value can be set from the environment, so one file serves a laptop and a cluster.
"""

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


def post_fork(server, worker):
    """A connection opened while the app was preloaded must not be shared by the forked workers."""
    from django.db import connections

    connections.close_all()
