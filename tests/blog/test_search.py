"""Search over posts: Wagtail's database backend; on PostgreSQL with German stemming."""

import pytest
from bs4 import BeautifulSoup

from django.db import connection


def found_titles(client, query):
    response = client.get("/beitraege/suche/", {"q": query})
    assert response.status_code == 200
    return [a.get_text() for a in BeautifulSoup(response.content, "html.parser").select(".post-card__title a")]


def test_search_looks_into_title_intro_and_body(client, make_post):
    make_post(title="Neue Buslinie", intro="", body=[("paragraph", "<p>Im Stundentakt nach Gerolstein.</p>")])
    make_post(title="Dorfladen", intro="Eine Genossenschaft trägt den Laden.")

    assert found_titles(client, "Gerolstein") == ["Neue Buslinie"]
    assert found_titles(client, "Genossenschaft") == ["Dorfladen"]
    assert found_titles(client, "Vulkan") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="German stemming needs PostgreSQL's full-text search")
def test_german_stemming_finds_other_forms_of_a_word_on_postgresql(client, make_post):
    make_post(title="Die Stadt wächst", intro="Mehr Häuser in Daun.")
    make_post(title="Neue Wanderwege im Naturpark", intro="")

    assert found_titles(client, "Städte") == ["Die Stadt wächst"]
    assert found_titles(client, "Haus") == ["Die Stadt wächst"]
    assert found_titles(client, "Wanderweg") == ["Neue Wanderwege im Naturpark"]


@pytest.mark.parametrize(
    "query",
    [
        "Gerolstein\x00",
        "\x00Gerolstein",
        "Gerol\x00stein Buslinie",
        "Gerolstein\x01\x1f\x7f",
        "Gerolstein\u0085",
        '"Gerolstein',
        'Gerolstein"',
        'Buslinie "Gerolstein"',
        "Gerol\u00adstein",
        '"Gerolstein" "',
    ],
)
def test_control_characters_and_quotes_in_the_query_are_ignored_not_a_server_error(client, make_post, query):
    """A NUL byte is refused by PostgreSQL and ends SQLite's full-text query; a double quote breaks
    SQLite's FTS5 syntax. They mean nothing in a plain-text search, so the search runs on the rest
    (control characters and invisible ones such as a soft hyphen dropped, quotes read as spaces)."""
    make_post(title="Neue Buslinie", intro="Im Stundentakt nach Gerolstein.")

    assert found_titles(client, query) == ["Neue Buslinie"]


def test_a_query_of_only_control_characters_is_an_empty_search(client, post):
    response = client.get("/beitraege/suche/?q=%00%01%02%7F")

    assert response.status_code == 200
    html = response.content.decode()
    assert "\x00" not in html
    assert "search-summary" not in html


def test_the_search_field_shows_the_query_as_it_was_searched(client, post):
    response = client.get("/beitraege/suche/", {"q": 'Eifel\x00 "Daun'})

    html = BeautifulSoup(response.content, "html.parser")
    assert html.select_one("#search-page-query")["value"] == "Eifel Daun"
