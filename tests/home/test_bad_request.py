"""Requests Django refuses before any view runs (a host we do not serve, a body it cannot parse):
the German 400 page, rendered without the database and without a site, and a comment kept."""

import pytest
from bs4 import BeautifulSoup

from django.template import loader

from comments.models import PostComment

from ..comments.conftest import form_data

GERMAN_400 = "Ungültige Anfrage"


def assert_german_400(response):
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert GERMAN_400 in html
    assert "Bad Request" not in html
    return BeautifulSoup(html, "html.parser")


@pytest.mark.parametrize("host", ["evil.example", "bad host", '"bad host"', "testserver:abc", "[::1", "", "a" * 300])
def test_a_host_we_do_not_serve_gets_the_german_400_page(client, settings, db, host):
    settings.ALLOWED_HOSTS = ["testserver"]

    assert_german_400(client.get("/beitraege/", HTTP_HOST=host))


def test_a_malformed_host_gets_the_german_400_page_even_when_every_host_is_allowed(client, settings, db):
    settings.ALLOWED_HOSTS = ["*"]

    assert_german_400(client.get("/", HTTP_HOST="bad host"))


def test_the_400_page_needs_no_database_query_and_no_site(client, settings, db, django_assert_num_queries):
    settings.ALLOWED_HOSTS = ["testserver"]

    with django_assert_num_queries(0):
        response = client.get("/", HTTP_HOST="evil.example")

    html = assert_german_400(response)
    assert html.select_one('a[href="/"]')
    assert "evil.example" not in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_the_400_template_renders_without_context_or_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        html = loader.get_template("400.html").render({})

    assert '<html lang="de">' in html
    assert GERMAN_400 in html
    assert "/static/css/site.css" in html
    assert "<textarea" not in html


def test_a_comment_sent_through_a_bad_host_is_shown_back_to_copy(client, settings, post):
    settings.ALLOWED_HOSTS = ["testserver"]
    text = "Mein langer Kommentar über die Eifel </textarea><script>alert(1)</script>"

    response = client.post(
        "/kommentare/senden/", form_data(post, comment=text, name="Maria Musterfrau"), HTTP_HOST="evil.example"
    )

    html = assert_german_400(response)
    textarea = html.select_one("textarea[readonly]")
    assert textarea.get_text() == text
    assert "Maria Musterfrau" in html.get_text()
    assert not html.select("script")
    assert response["Cache-Control"] == "no-store"
    assert not PostComment.objects.exists()


def test_form_fields_sent_elsewhere_through_a_bad_host_are_not_shown_back(client, settings, db):
    settings.ALLOWED_HOSTS = ["testserver"]

    response = client.post("/admin/login/", {"comment": "nicht zeigen", "password": "geheim"}, HTTP_HOST="evil.example")

    html = assert_german_400(response)
    assert not html.select("textarea")
    assert "nicht zeigen" not in response.content.decode()
