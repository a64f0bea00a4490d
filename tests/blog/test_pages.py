"""Every page type renders, and the post page shows what the source page shows."""

import json

import pytest
from bs4 import BeautifulSoup

from home.models import StandardPage


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_home_page_lists_the_latest_posts_and_the_featured_post(client, home_page, make_post):
    older = make_post(title="Älterer Beitrag", date="2015-01-01")
    newer = make_post(title="Neuerer Beitrag", date="2015-02-01")
    home_page.featured_post = older
    home_page.save()

    html = soup(client.get("/"))

    assert html.select_one(".home-featured").get_text().count("Älterer Beitrag") == 1
    latest_titles = [a.get_text() for a in html.select(".home-latest .post-card__title a")]
    assert latest_titles == [newer.title]


def test_home_page_does_not_feature_a_draft(client, home_page, draft):
    home_page.featured_post = draft
    home_page.save()

    html = soup(client.get("/"))

    assert html.select_one(".home-featured") is None
    assert "Ein Entwurf" not in html.get_text()


def test_standard_page_renders_its_body(client, home_page):
    home_page.add_child(
        instance=StandardPage(title="Impressum", slug="impressum", body="<p>Anschrift der Redaktion</p>")
    )

    html = soup(client.get("/impressum/"))

    assert html.h1.get_text() == "Impressum"
    assert "Anschrift der Redaktion" in html.get_text()


def test_blog_index_lists_posts_newest_first(client, make_post):
    make_post(title="Zweiter", date="2015-09-02")
    make_post(title="Erster", date="2015-09-01")
    make_post(title="Dritter", date="2015-09-03")

    html = soup(client.get("/beitraege/"))

    assert [a.get_text() for a in html.select(".post-card__title a")] == ["Dritter", "Zweiter", "Erster"]


def test_post_page_shows_date_title_authors_and_categories_as_on_the_source_page(
    client, make_post, author, other_author, category, other_category
):
    post = make_post(
        title="Vielfalt in den Zentren",
        slug="vielfalt",
        date="2015-09-15",
        authors=[author, other_author],
        categories=[category, other_category],
    )

    html = soup(client.get(post.url))

    assert post.url == "/beitraege/vielfalt/"
    assert html.select_one(".post__date").get_text() == "15. September 2015"
    assert html.h1.get_text() == "Vielfalt in den Zentren"
    author_links = html.select(".post__authors a")
    assert [(a.get_text(), a["href"]) for a in author_links] == [
        ("Klaus Schäfer", "/beitraege/autor/klaus-schaefer/"),
        ("Maria Weber", "/beitraege/autor/maria-weber/"),
    ]
    assert "Klaus Schäfer, Maria Weber" in html.select_one(".post__authors").get_text()
    categories = html.select_one(".post__categories")
    assert categories.get_text(" ", strip=True) == "Kategorien: Kultur · Wirtschaft"
    assert [a["href"] for a in categories.select("a")] == [
        "/beitraege/kategorie/kultur/",
        "/beitraege/kategorie/wirtschaft/",
    ]


def test_single_author_is_labelled_autor_in(client, post):
    html = soup(client.get(post.url))

    assert html.select_one(".post__authors").get_text(" ", strip=True) == "Autor(in): Klaus Schäfer"


def test_post_page_renders_every_body_block(client, make_post, image):
    from django.core.files.base import ContentFile

    from wagtail.documents.models import Document

    document = Document(title="Programm")
    document.file.save("programm.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    post = make_post(
        body=[
            ("heading", {"text": "Zwischentitel", "size": "h2"}),
            ("paragraph", '<p>Ein <a href="https://example.org/">Link</a>.</p>'),
            ("image", {"image": image, "caption": "Das Maar", "credit": "Redaktion"}),
            ("quote", {"text": "So viele Besucher hatten wir noch nie.", "attribution": "Ortsbürgermeister"}),
            ("embed", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
            (
                "info_box",
                {
                    "title": "Weitere Informationen",
                    "text": "<p>Anmeldung bis Oktober.</p>",
                    "contacts": [
                        {
                            "name": "Dr. Bettina Reimann",
                            "phone": "030/39001-191",
                            "email": "reimann@difu.de",
                            "website": "",
                        }
                    ],
                },
            ),
            ("document", {"document": document, "title": "Programm herunterladen"}),
        ]
    )

    html = soup(client.get(post.url))
    body = html.select_one(".post__body")

    assert body.select_one("h2.block-heading").get_text() == "Zwischentitel"
    assert body.select_one(".block-paragraph a")["href"] == "https://example.org/"
    image_tag = body.select_one(".block-image img")
    assert "srcset" in image_tag.attrs and image_tag["alt"] == "Maar im Nebel"
    assert "Das Maar" in body.select_one(".block-image figcaption").get_text()
    assert "Ortsbürgermeister" in body.select_one(".block-quote").get_text()
    info_box = body.select_one(".info-box")
    assert info_box.h2.get_text() == "Weitere Informationen"
    assert "030/39001-191" in info_box.get_text()
    assert info_box.select_one('a[href^="tel:"]')["href"] == "tel:03039001191"
    assert body.select_one(".block-document a").get_text(" ", strip=True).startswith("Programm herunterladen (PDF")


def test_embed_block_is_a_link_and_loads_nothing_from_the_provider(client, make_post):
    post = make_post(body=[("embed", "https://www.youtube.com/watch?v=dQw4w9WgXcQ")])

    html = soup(client.get(post.url))

    embed = html.select_one(".block-embed")
    assert embed.a["href"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert embed.a["rel"] == ["noopener", "noreferrer"]
    assert "youtube.com" in embed.get_text()
    assert html.find("iframe") is None


def test_nothing_on_a_post_page_loads_from_another_host(client, make_post, image):
    post = make_post(
        featured_image=image, body=[("embed", "https://www.youtube.com/watch?v=x"), ("image", {"image": image})]
    )

    html = soup(client.get(post.url))

    loaded = [tag.get("src") for tag in html.find_all(["script", "img", "iframe", "source", "video", "audio"])]
    loaded += [
        tag["href"]
        for tag in html.find_all("link")
        if "stylesheet" in tag.get("rel", []) or "preload" in tag.get("rel", [])
    ]
    loaded += [url.split()[0] for tag in html.find_all(srcset=True) for url in tag["srcset"].split(",")]
    assert loaded
    assert all(url is None or url.startswith("/") for url in loaded), loaded
    assert html.find("iframe") is None


def test_share_links_are_plain_links_with_noopener_noreferrer(client, post):
    html = soup(client.get(post.url))

    share = html.select_one(".share")
    assert share.h2.get_text() == "Seite Teilen Über:"
    labels = [a.get_text() for a in share.select("a")]
    assert labels == ["Facebook", "X", "LinkedIn", "WhatsApp", "Threema", "Mastodon", "E-Mail", "Link kopieren"]
    for link in share.select("a"):
        if link["href"].startswith("/"):
            assert link["href"] == f"{post.url}teilen/mastodon/"  # ours: asks for the reader's server
        else:
            assert link["rel"] == ["noopener", "noreferrer"]
    assert "http%3A%2F%2Ftestserver%2Fbeitraege%2Fein-beitrag%2F" in share.select_one(".share__link--facebook")["href"]
    assert share.select_one(".share__link--threema")["href"].startswith("https://threema.id/compose?text=")
    # One "E-Mail" on the page, not two.
    assert [a.get_text() for a in html.select("main a") if a["href"].startswith("mailto:")] == ["E-Mail"]
    # The browser's share sheet: hidden until site.js finds the Web Share API.
    native = share.select_one(".share__native")
    assert native.has_attr("hidden")
    assert native.button["data-share-url"] == "http://testserver/beitraege/ein-beitrag/"


def test_mastodon_share_asks_for_the_server_and_sends_the_reader_there(client, post):
    page = client.get(f"{post.url}teilen/mastodon/")
    assert page.status_code == 200
    assert "Dein Mastodon-Server" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    for typed in ("eifel.social", " https://Eifel.Social/ ", "@anna@eifel.social"):
        response = client.get(f"{post.url}teilen/mastodon/", {"instanz": typed})
        assert response.status_code == 303, typed
        assert response["Location"] == (
            "https://eifel.social/share?text=Ein+Beitrag+aus+der+Eifel+http%3A%2F%2Ftestserver%2Fbeitraege%2Fein-beitrag%2F"
        )


@pytest.mark.parametrize(
    "typed", ["localhost", "eifel", "evil.example/path?x=1", "10.0.0.1", "a..b", "x" * 300 + ".de"]
)
def test_mastodon_share_refuses_anything_but_a_host_name_in_german(client, post, typed):
    response = client.get(f"{post.url}teilen/mastodon/", {"instanz": typed})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Bitte gib den Namen deines Mastodon-Servers ein" in text
    assert 'aria-invalid="true"' in text
    assert "Location" not in response


def test_post_page_has_canonical_url_description_opengraph_and_json_ld(client, make_post, author, image):
    post = make_post(
        title="Glasfaser für die Eifel",
        slug="glasfaser",
        date="2015-09-10",
        intro="Schnelles Netz.",
        authors=[author],
        featured_image=image,
    )

    html = soup(client.get(post.url))

    assert html.html["lang"] == "de"
    assert html.select_one('link[rel="canonical"]')["href"] == "http://testserver/beitraege/glasfaser/"
    assert html.select_one('meta[name="description"]')["content"] == "Schnelles Netz."
    assert html.select_one('meta[property="og:type"]')["content"] == "article"
    assert html.select_one('meta[property="og:title"]')["content"] == "Glasfaser für die Eifel"
    assert html.select_one('meta[property="og:image"]')["content"].startswith("http://testserver/")
    assert html.select_one('meta[name="twitter:card"]')["content"] == "summary_large_image"
    data = json.loads(html.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Glasfaser für die Eifel"
    assert data["datePublished"] == "2015-09-10"
    assert data["dateModified"]
    assert data["author"] == [{"@type": "Person", "name": "Klaus Schäfer"}]
    assert data["image"][0].startswith("http://testserver/")
    assert data["publisher"]["name"] == "WIR. LEBEN. EIFEL."
    logo = data["publisher"]["logo"]
    assert logo["@type"] == "ImageObject" and (logo["width"], logo["height"]) == (600, 60)
    assert logo["url"].startswith("http://testserver/") and logo["url"].endswith(".png")
    from PIL import Image

    from django.contrib.staticfiles import finders

    with Image.open(finders.find("images/logo.png")) as picture:
        assert picture.size == (logo["width"], logo["height"])


def test_json_ld_cannot_break_out_of_its_script_element(client, make_post):
    post = make_post(title="</script><script>alert(1)</script>")

    response = client.get(post.url)

    assert b"</script><script>alert(1)" not in response.content
    html = soup(response)
    assert json.loads(html.select_one('script[type="application/ld+json"]').string)["headline"] == post.title


def test_authors_email_is_never_published(client, make_post):
    from blog.factories import AuthorFactory

    writer = AuthorFactory(name="Jonas Hoffmann", slug="jonas-hoffmann", email="jonas@redaktion.example")
    post = make_post(authors=[writer])

    for url in [
        post.url,
        "/beitraege/",
        "/beitraege/autor/jonas-hoffmann/",
        "/beitraege/feed/",
        "/beitraege/feed/atom/",
    ]:
        assert b"jonas@redaktion.example" not in client.get(url).content, url


def test_post_page_shows_the_pdf_tools_and_the_comment_section(client, post):
    html = client.get(post.url).content.decode()

    assert f'href="{post.url}pdf/"' in html and "Als PDF speichern" in html
    assert 'id="kommentare"' in html and 'id="kommentarformular"' in html


def test_post_slug_that_an_archive_route_claims_is_refused(make_post):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_post(slug="feed")
    with pytest.raises(ValidationError):
        make_post(slug="2015")
