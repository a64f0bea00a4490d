"""Site chrome: header and menu from the admin, footer links, German error pages, no third-party requests."""

import pytest
from bs4 import BeautifulSoup

from django.template import loader

from wagtail.models import Site

from core.models import SiteSettings
from home.models import StandardPage


def page_html(client, url="/"):
    response = client.get(url)
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def site_settings(home_page):
    impressum = home_page.add_child(instance=StandardPage(title="Impressum", slug="impressum"))
    datenschutz = home_page.add_child(instance=StandardPage(title="Datenschutz", slug="datenschutz"))
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.site_name = "WIR. LEBEN. EIFEL."
    settings.tagline = "Nachrichten aus der Eifel"
    settings.footer_links = [
        ("link", {"label": "Impressum", "page": impressum, "url": ""}),
        ("link", {"label": "Datenschutz", "page": datenschutz, "url": ""}),
        ("link", {"label": "Verein", "page": None, "url": "https://verein.example.org/"}),
    ]
    settings.save()
    return settings


def test_header_shows_site_name_and_tagline_from_the_settings(client, site_settings, blog_index):
    site_settings.site_name = "Eifel-Nachrichten"
    site_settings.save()

    html = page_html(client)

    assert html.select_one(".site-header__name").get_text() == "Eifel-Nachrichten"
    assert html.select_one(".site-header__tagline").get_text() == "Nachrichten aus der Eifel"
    assert html.title.get_text().endswith("– Eifel-Nachrichten")


def test_menu_lists_the_pages_editors_show_in_menus_and_works_without_javascript(client, site_settings, blog_index):
    blog_index.show_in_menus = True
    blog_index.save_revision().publish()

    html = page_html(client, "/beitraege/")

    nav = html.select_one("nav.site-nav")
    assert nav["aria-label"] == "Hauptmenü"
    # <details>/<summary> opens and closes without any JavaScript.
    assert nav.select_one("details > summary").get_text(strip=True) == "Menu"
    links = [(a.get_text(), a["href"]) for a in nav.select(".site-nav__link")]
    assert links == [
        ("Startseite", "/"),
        ("Beiträge", "/beitraege/"),
        # Straight to the sidebar, which a phone shows below all posts.
        ("Kategorien", "/beitraege/#kategorien"),
        ("Archiv", "/beitraege/#archiv"),
    ]
    assert nav.select_one('a[href="/beitraege/"]')["aria-current"] == "page"
    assert nav.select_one('label[for="site-nav-search"]').get_text() == "Beiträge durchsuchen"
    assert "Impressum" not in nav.get_text()


def test_footer_has_the_links_from_the_settings(client, site_settings, blog_index):
    footer = page_html(client).select_one("footer.site-footer")

    links = [(a.get_text(), a["href"]) for a in footer.select("a")]
    assert ("Impressum", "/impressum/") in links
    assert ("Datenschutz", "/datenschutz/") in links
    assert ("Verein", "https://verein.example.org/") in links
    assert ("RSS-Feed", "/beitraege/feed/") in links


def test_pages_have_landmarks_skip_link_and_no_inline_script(client, site_settings, post):
    for url in ["/", "/beitraege/", post.url, "/impressum/", "/beitraege/kategorie/wirtschaft/"]:
        html = page_html(client, url)
        assert html.html["lang"] == "de"
        assert html.select_one('a.skip-link[href="#main"]')
        assert html.select_one("main#main") and html.select_one("header") and html.select_one("footer")
        assert len(html.find_all("h1")) == 1, url
        for script in html.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", (url, script)
        assert not any(attribute.startswith("on") for tag in html.find_all(True) for attribute in tag.attrs), url
        assert html.select_one('link[rel="stylesheet"][href$="fonts.css"]')


def test_not_found_page_is_german_and_keeps_the_look(client, site_settings, blog_index):
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    html = BeautifulSoup(response.content, "html.parser")
    assert html.h1.get_text() == "Seite nicht gefunden"
    assert html.select_one(".site-header__name").get_text() == "WIR. LEBEN. EIFEL."
    assert html.select_one("footer.site-footer")
    assert html.select_one('form[role="search"]')["action"] == "/beitraege/suche/"


def test_server_error_page_renders_without_context_or_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render({})

    assert '<html lang="de">' in html
    assert "Ein Fehler ist aufgetreten" in html
    assert "/static/css/site.css" in html


def test_readers_with_an_english_browser_still_get_german_dates(client, blog_index):
    from blog.factories import BlogPostPageFactory

    post = BlogPostPageFactory(parent=blog_index, date="2015-10-02")

    response = client.get(post.url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert "2. Oktober 2015" in response.content.decode()
    assert "October" not in response.content.decode()
