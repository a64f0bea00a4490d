"""A POST without a valid CSRF token (a stale form, a bot) is refused with a German 403 page."""

import pytest

from django.template import loader
from django.test import Client


@pytest.fixture
def csrf_client():
    """A browser as Django's CSRF check sees it: the test client skips the check unless asked."""
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("url", ["/", "/beitraege/", "/beitraege/ein-beitrag/", "/gibt-es-nicht/", "/robots.txt"])
def test_a_request_without_csrf_token_gets_the_german_403_page(csrf_client, post, method, url):
    response = csrf_client.generic(method, url, "a=1", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "Anfrage abgelehnt" in html
    assert "CSRF verification failed" not in html
    assert "Forbidden" not in html


def test_the_csrf_failure_page_renders_without_context_or_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        html = loader.get_template("403_csrf.html").render({})

    assert '<html lang="de">' in html
    assert "Anfrage abgelehnt" in html
    assert "/static/css/site.css" in html
