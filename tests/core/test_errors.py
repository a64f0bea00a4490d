"""A database that cannot be reached, or is too busy to answer in time (a lock or statement timeout, a
deadlock), is a 503 ("Die Seite ist gerade nicht erreichbar", Retry-After); a bad query is a bug: a 500.
The busy case is an overload of ours and is logged as an error, once (core/errors.py).

Every error here is raised by a real database driver, through Django's own connection wrapper."""

import logging
import sqlite3
import threading

import pytest

from django.db import connection
from django.db.utils import ConnectionHandler, DatabaseError, InterfaceError
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from core.errors import is_database_busy, is_database_unavailable
from core.testing.servers import free_port

pytestmark = pytest.mark.django_db  # lets the probe connections below connect at all


def django_connection(**database):
    """A Django connection of its own (not the test database), closed by the caller."""
    return ConnectionHandler({"default": database})["default"]


def sqlite_connection(name, timeout=20):
    return django_connection(ENGINE="django.db.backends.sqlite3", NAME=str(name), OPTIONS={"timeout": timeout})


def raised_by(work):
    with pytest.raises(DatabaseError) as caught:
        work()
    return caught.value


# --- SQLite ---------------------------------------------------------------------------------------


def unopenable_sqlite(tmp_path):
    conn = sqlite_connection(tmp_path / "no-such-folder" / "db.sqlite3")
    try:
        conn.cursor().execute("SELECT 1")
    finally:
        conn.close()


def locked_sqlite(tmp_path):
    """A write that waits for another connection's write lock longer than its timeout."""
    name = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(name, isolation_level=None)
    holder.execute("CREATE TABLE entry (id INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    conn = sqlite_connection(name, timeout=0.05)
    try:
        conn.cursor().execute("INSERT INTO entry VALUES (1)")
    finally:
        conn.close()
        holder.close()


def bad_sqlite_query(tmp_path):
    conn = sqlite_connection(tmp_path / "empty.sqlite3")
    try:
        conn.cursor().execute("SELECT * FROM no_such_table")
    finally:
        conn.close()


def test_sqlite_that_cannot_be_opened_is_unavailable(tmp_path):
    assert is_database_unavailable(raised_by(lambda: unopenable_sqlite(tmp_path)))


def test_sqlite_lock_timeout_is_not_an_outage(tmp_path):
    error = raised_by(lambda: locked_sqlite(tmp_path))
    assert "locked" in str(error)
    assert not is_database_unavailable(error)
    assert is_database_busy(error)


def test_sqlite_bad_query_is_not_an_outage(tmp_path):
    error = raised_by(lambda: bad_sqlite_query(tmp_path))
    assert "no such table" in str(error)
    assert not is_database_unavailable(error)
    assert not is_database_busy(error)


# --- PostgreSQL (a server of its own on 127.0.0.1:5432, not the test database) ------------------------


def postgresql(**options):
    conn = django_connection(
        ENGINE="django.db.backends.postgresql",
        NAME="postgres",
        USER="postgres",
        HOST="127.0.0.1",
        PORT=options.pop("port", 5432),
        OPTIONS={"connect_timeout": 2, **options},
    )
    return conn


@pytest.fixture
def postgresql_server():
    psycopg = pytest.importorskip("psycopg")
    try:
        psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=2").close()
    except psycopg.OperationalError:
        pytest.skip("needs PostgreSQL on 127.0.0.1:5432 (.ci/run starts it)")


def test_postgresql_refusing_connections_is_unavailable():
    pytest.importorskip("psycopg")
    conn = postgresql(port=free_port())  # nothing listens there

    def work():
        try:
            conn.cursor().execute("SELECT 1")
        finally:
            conn.close()

    assert is_database_unavailable(raised_by(work))


def test_postgresql_backend_terminated_by_the_server_is_unavailable(postgresql_server):
    conn = postgresql()
    other = postgresql()
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        error = raised_by(lambda: conn.cursor().execute("SELECT 1"))
        assert is_database_unavailable(error)
        # The broken connection is then closed: Django's InterfaceError, also an outage.
        assert is_database_unavailable(raised_by(lambda: conn.cursor().execute("SELECT 1")))
    finally:
        conn.close()
        other.close()


def test_postgresql_lock_timeout_and_statement_timeout_are_busy_not_outages(postgresql_server):
    holder, waiter = postgresql(), postgresql()
    try:
        holder.set_autocommit(False)
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(424242)")

        def wait_for_lock():
            with waiter.cursor() as cursor:
                cursor.execute("SET lock_timeout = '50ms'")
                cursor.execute("SELECT pg_advisory_lock(424242)")

        lock_error = raised_by(wait_for_lock)
        assert lock_error.__cause__.sqlstate == "55P03"
        assert not is_database_unavailable(lock_error)
        assert is_database_busy(lock_error)

        def slow_query():
            with waiter.cursor() as cursor:
                cursor.execute("SET statement_timeout = '50ms'")
                cursor.execute("SELECT pg_sleep(2)")

        timeout_error = raised_by(slow_query)
        assert timeout_error.__cause__.sqlstate == "57014"
        assert not is_database_unavailable(timeout_error)
        assert is_database_busy(timeout_error)
    finally:
        holder.rollback()
        holder.close()
        waiter.close()


# --- What the reader gets (handler500) ------------------------------------------------------------------

_tmp = threading.local()


def locked_view(request):
    locked_sqlite(_tmp.path)
    return HttpResponse("unreachable")


def bad_query_view(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    return HttpResponse("unreachable")


def unopenable_view(request):
    unopenable_sqlite(_tmp.path)
    return HttpResponse("unreachable")


def closed_connection_view(request):
    raise InterfaceError("connection already closed")


urlpatterns = [
    path("gesperrt/", locked_view),
    path("gesperrt/kommentar/", locked_view, name="test-locked-comment-form"),
    path("falsch/", bad_query_view),
    path("weg/", unopenable_view),
    path("geschlossen/", closed_connection_view),
]
handler500 = "core.errors.server_error"


@pytest.fixture
def error_urls(settings, tmp_path):
    settings.ROOT_URLCONF = __name__
    _tmp.path = tmp_path
    return Client(raise_request_exception=False)


def test_a_lock_timeout_is_the_german_503_logged_as_an_error_once(db, error_urls, caplog):
    caplog.set_level(logging.INFO)
    response = error_urls.post("/gesperrt/", {"comment": "Mein langer Text", "name": "Maria"})
    assert response.status_code == 503
    html = response.content.decode()
    assert "Die Seite ist gerade nicht erreichbar" in html
    assert "Mein langer Text" not in html  # /gesperrt/ keeps no typed text: only the comment form does
    assert response["Retry-After"]
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.name, r.levelname) for r in logged] == [("django.request", "ERROR")]
    assert logged[0].exc_info


def test_a_comment_sent_while_the_database_is_busy_comes_back_to_its_writer(db, error_urls):
    from core.errors import keep_typed_text_for

    keep_typed_text_for("test-locked-comment-form")  # as the comment form's app does for its URL
    response = error_urls.post("/gesperrt/kommentar/", {"comment": "Mein langer Text", "name": "Maria"})
    assert response.status_code == 503
    assert "Mein langer Text" in response.content.decode()


def test_a_bad_query_is_a_500_logged_once_not_the_outage_page(db, error_urls, caplog):
    url = "/falsch/"
    caplog.set_level(logging.INFO)
    response = error_urls.get(url)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Ein Fehler ist aufgetreten" in html
    assert "Die Seite ist gerade nicht erreichbar" not in html
    assert "Retry-After" not in response
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.name, r.levelname) for r in logged] == [("django.request", "ERROR")]
    assert logged[0].exc_info


@pytest.mark.parametrize("url", ["/weg/", "/geschlossen/"])
def test_a_database_that_cannot_be_reached_is_the_german_503(db, error_urls, caplog, url):
    response = error_urls.get(url)
    assert response.status_code == 503
    assert "Die Seite ist gerade nicht erreichbar" in response.content.decode()
    assert response["Retry-After"]
    assert [r.name for r in caplog.records if r.name == "core.errors"] == ["core.errors"]
