"""The WSGI application gunicorn serves (config.wsgi), driven with raw WSGI environments: what the
server hands over before any of Django's error handling runs."""

import io
from contextlib import contextmanager
from wsgiref.util import setup_testing_defaults

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from comments.models import PostComment
from comments.views import POST_NOT_FOUND


@contextmanager
def connections_kept_open():
    """As Django's test client does: the test's transaction must survive the request's end."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call_wsgi(method, path, content_type, body=b""):
    from config.wsgi import application

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(body),
    }
    setup_testing_defaults(environ)
    status = []
    with connections_kept_open():
        result = application(environ, lambda status_line, headers, exc_info=None: status.append(status_line))
        try:
            content = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
    return int(status[0].split()[0]), content.decode("utf-8", errors="replace")


UNPARSEABLE_CONTENT_TYPES = [
    "application/x-www-form-urlencoded; charset*=utf-8''%00",
    "application/x-www-form-urlencoded; charset*=gibt-es-nicht''x",
    "multipart/form-data; boundary=x; charset*=utf-8''%00",
    "text/plain; charset=\x00",
]


@pytest.mark.parametrize("content_type", UNPARSEABLE_CONTENT_TYPES)
def test_comment_post_with_an_unparseable_content_type_gets_the_german_400(post, content_type):
    status, html = call_wsgi("POST", "/kommentare/senden/", content_type, b"comment=Hallo&name=Maria")

    assert status == 400
    assert '<html lang="de"' in html
    assert str(POST_NOT_FOUND) in html
    assert not PostComment.objects.exists()


@pytest.mark.parametrize("content_type", UNPARSEABLE_CONTENT_TYPES)
def test_a_page_requested_with_an_unparseable_content_type_is_served(post, content_type):
    status, html = call_wsgi("GET", "/beitraege/ein-beitrag/", content_type)

    assert status == 200
    assert "Ein Beitrag aus der Eifel" in html


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    main_type=st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain", ""]),
    name=st.sampled_from(["charset", "charset*", "boundary", "boundary*", "x*"]),
    value=st.one_of(
        st.text(alphabet=st.characters(max_codepoint=255), max_size=20),
        st.sampled_from(["utf-8''%00", "bogus''x", "''", "'", "utf-8'de'%ED%A0%80", '"\\"', "utf-16"]),
    ),
)
def test_no_content_type_header_makes_a_comment_post_a_server_error(post, main_type, name, value):
    status, _html = call_wsgi("POST", "/kommentare/senden/", f"{main_type}; {name}={value}", b"comment=Hallo")

    assert status < 500
