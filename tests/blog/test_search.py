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
