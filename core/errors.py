"""Error pages that must render when the database is gone or no site is known (no query, no site
settings): 400 (a request Django refuses, e.g. for a host we do not serve) and 500/503."""

import logging
import sqlite3

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template import loader
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as default_server_error

try:
    import psycopg
except ImportError:  # a SQLite-only installation
    psycopg = None

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


# PostgreSQL SQLSTATEs that mean the server is gone or not taking connections (class 08 "connection
# exception" is matched as a class): admin_shutdown, crash_shutdown, cannot_connect_now,
# too_many_connections.
POSTGRESQL_UNAVAILABLE_SQLSTATES = {"57P01", "57P02", "57P03", "53300"}
# SQLite's only connection-level failure: the file (or its folder) cannot be opened.
SQLITE_UNAVAILABLE_MESSAGES = ("unable to open database file",)
# The database is there but too busy to answer in time: lock_not_available (a lock timeout, 55P03),
# query_canceled (a statement timeout, 57014), deadlock_detected (40P01), serialization_failure (40001);
# SQLite's lock timeout. An overload of ours, logged as an error like any 5xx, but the reader gets the
# German "try again soon" page with Retry-After and their comment back, not "an error occurred".
# Anything else (a bad query: "no such table", a syntax error) is a bug: a 500.
POSTGRESQL_BUSY_SQLSTATES = {"55P03", "57014", "40P01", "40001"}
SQLITE_BUSY_MESSAGES = ("database is locked", "database table is locked")


UNAVAILABLE = "unavailable"
BUSY = "busy"


def database_trouble(error):
    """What a database error says about the database: UNAVAILABLE (it cannot be reached: a 503, try
    again soon), BUSY (it answered "not now": a lock or statement timeout, a deadlock; also a 503) or
    None (anything else, such as a bad query: a bug, a 500).

    Django wraps the driver's exception (`__cause__`): a psycopg OperationalError without a SQLSTATE
    is raised by libpq itself (connection refused, timed out, lost), one with a SQLSTATE is the
    server's answer and means trouble only for the codes above."""
    if isinstance(error, InterfaceError):
        return UNAVAILABLE  # the connection is closed or broken
    if not isinstance(error, OperationalError):
        return None
    cause = error.__cause__
    if psycopg is not None and isinstance(cause, psycopg.OperationalError):
        sqlstate = cause.sqlstate
        if sqlstate is None or sqlstate.startswith("08") or sqlstate in POSTGRESQL_UNAVAILABLE_SQLSTATES:
            return UNAVAILABLE
        return BUSY if sqlstate in POSTGRESQL_BUSY_SQLSTATES else None
    if isinstance(cause, sqlite3.OperationalError):
        message = str(cause)
        if any(known in message for known in SQLITE_UNAVAILABLE_MESSAGES):
            return UNAVAILABLE
        return BUSY if any(known in message for known in SQLITE_BUSY_MESSAGES) else None
    return None


def is_database_unavailable(error):
    """True for a database that cannot be reached."""
    return database_trouble(error) == UNAVAILABLE


def is_database_busy(error):
    """True for a database that answered "not now"."""
    return database_trouble(error) == BUSY


# Names of the URLs whose forms a reader types long text into (registered by the app that owns the
# form, in its `ready()`): a 400 for a POST to one of them shows the text back so that it is not lost.
# A POST anywhere else (a login form, say) never has what it carried echoed into a page.
TEXT_KEEPING_URL_NAMES = set()


def keep_typed_text_for(url_name):
    TEXT_KEEPING_URL_NAMES.add(url_name)


def keeps_typed_text(request):
    try:
        return resolve(request.path_info).url_name in TEXT_KEEPING_URL_NAMES
    except (Resolver404, ValueError, TypeError):
        return False


def posted_comment(request):
    """(text, name) a reader typed into a form that keeps typed text (`comment` and `name` fields), for
    showing it back; empty when the body cannot be read (already refused as too big or malformed, or
    not a form at all)."""
    if request.method != "POST" or not keeps_typed_text(request):
        return "", ""
    try:
        return request.POST.get("comment", ""), request.POST.get("name", "")
    except Exception:  # noqa: BLE001 - a broken body must not hide the error page
        logger.debug("Could not read the POST data for the error page", exc_info=True)
        return "", ""


def bad_request(request, exception, template_name="400.html"):
    """handler400: the German 400 page. Django calls it for requests it refuses before or while a
    view runs (a host we do not serve, an unparseable body, other suspicious operations), so it
    uses no site, no database and nothing of the request but its method, path and body: never
    `request.get_host()`, which raises for the host that got the request here. A comment whose
    text can still be read is shown back so that it is not lost."""
    comment_text, name = posted_comment(request)
    html = loader.get_template(template_name).render({"comment_text": comment_text, "name": name})
    response = HttpResponseBadRequest(html)
    response["Cache-Control"] = "no-store"
    return response


def service_unavailable(request, comment_text="", name=""):
    """The German 503 page; a comment that could not be stored is shown back to its author."""
    html = loader.get_template("503.html").render({"comment_text": comment_text, "name": name})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500: the database being unreachable or too busy is a 503 (try again soon), not "an error".

    A busy database (lock or statement timeout) is still an overload of ours: Django's request logger
    records it as an ERROR with the traceback, as it does every 5xx; an unreachable one is logged here
    as a warning (the outage is the operator's, not the code's)."""
    import sys

    error = sys.exc_info()[1]
    trouble = database_trouble(error)
    if trouble == UNAVAILABLE:
        logger.warning("Database unavailable while serving %s %s: %s", request.method, request.path, error)
    if trouble is not None:
        comment_text, name = posted_comment(request)
        return service_unavailable(request, comment_text=comment_text, name=name)
    return default_server_error(request, template_name=template_name)
