"""RSS and Atom feeds (parsed with feedparser), the XML sitemap and robots.txt."""

import feedparser
import pytest
from bs4 import BeautifulSoup


@pytest.fixture
def feed_posts(make_post, author, other_author, category, other_category, draft, scheduled_post):
    return [
        make_post(
            title="Wirtschaft",
            slug="wirtschaft-news",
            date="2015-09-15",
            authors=[author, other_author],
            categories=[category],
            intro="Betriebe.",
        ),
        make_post(
            title="Kultur", slug="kultur-news", date="2015-09-10", authors=[other_author], categories=[other_category]
        ),
    ]


@pytest.mark.parametrize("url", ["/beitraege/feed/", "/beitraege/feed/atom/"])
def test_feed_parses_and_carries_every_live_post_newest_first(client, feed_posts, url):
    response = client.get(url)
    feed = feedparser.parse(response.content)

    assert response.status_code == 200
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "WIR. LEBEN. EIFEL."
    assert [entry.title for entry in feed.entries] == ["Wirtschaft", "Kultur"]
    first = feed.entries[0]
    assert first.link == "http://testserver/beitraege/wirtschaft-news/"
    assert first.author == "Klaus Schäfer, Maria Weber"
    assert "Betriebe." in first.summary
    assert [tag.term for tag in first.tags] == ["Wirtschaft"]
    assert first.published_parsed[:3] == (2015, 9, 15)


def test_rss_and_atom_have_their_content_types(client, feed_posts):
    assert client.get("/beitraege/feed/")["Content-Type"].startswith("application/rss+xml")
    assert client.get("/beitraege/feed/atom/")["Content-Type"].startswith("application/atom+xml")


@pytest.mark.parametrize("url", ["/beitraege/kategorie/kultur/feed/", "/beitraege/kategorie/kultur/feed/atom/"])
def test_category_feed_carries_only_that_categorys_posts(client, feed_posts, url):
    feed = feedparser.parse(client.get(url).content)

    assert not feed.bozo
    assert feed.feed.title == "WIR. LEBEN. EIFEL. – Kultur"
    assert [entry.title for entry in feed.entries] == ["Kultur"]


def test_feeds_carry_no_email_address(client, feed_posts, author):
    author.email = "klaus@redaktion.example"
    author.save()

    for url in ["/beitraege/feed/", "/beitraege/feed/atom/"]:
        content = client.get(url).content
        assert b"@" not in content.replace(b"xmlns", b""), url
        feed = feedparser.parse(content)
        assert all("email" not in entry.get("author_detail", {}) for entry in feed.entries)


def test_pages_link_their_feeds_in_the_head(client, feed_posts):
    for url in ["/", "/beitraege/", feed_posts[0].url]:
        html = BeautifulSoup(client.get(url).content, "html.parser")
        alternates = {link["type"]: link["href"] for link in html.head.select('link[rel="alternate"]')}
        assert alternates == {
            "application/rss+xml": "/beitraege/feed/",
            "application/atom+xml": "/beitraege/feed/atom/",
        }, url


def test_category_archive_also_links_its_own_feeds(client, feed_posts):
    html = BeautifulSoup(client.get("/beitraege/kategorie/kultur/").content, "html.parser")
    hrefs = [link["href"] for link in html.head.select('link[rel="alternate"]')]

    assert "/beitraege/kategorie/kultur/feed/" in hrefs
    assert "/beitraege/kategorie/kultur/feed/atom/" in hrefs
    assert feedparser.parse(client.get("/beitraege/kategorie/kultur/feed/").content).entries


def test_sitemap_lists_every_live_post_and_no_draft(client, feed_posts, draft, scheduled_post):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    locations = [loc.get_text() for loc in BeautifulSoup(response.content, "html.parser").select("urlset > url > loc")]
    assert "http://testserver/beitraege/wirtschaft-news/" in locations
    assert "http://testserver/beitraege/kultur-news/" in locations
    assert "http://testserver/beitraege/" in locations
    assert not any("entwurf" in location or "erscheint-morgen" in location for location in locations)


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_sitemap_lists_the_archives_of_categories_and_authors_with_live_posts(
    client, feed_posts, draft, django_assert_max_num_queries
):
    from blog.factories import AuthorFactory, CategoryFactory
    from blog.models import Category

    empty = CategoryFactory(name="Leer", slug="leer")
    region = CategoryFactory(name="Region", slug="region")
    Category.objects.filter(slug="wirtschaft").update(parent=region)
    AuthorFactory(name="Ohne Beiträge", slug="ohne-beitraege")
    with django_assert_max_num_queries(20):
        response = client.get("/sitemap.xml")
    locations = [loc.get_text() for loc in BeautifulSoup(response.content, "html.parser").select("urlset > url > loc")]
    assert "http://testserver/beitraege/kategorie/wirtschaft/" in locations
    assert "http://testserver/beitraege/kategorie/kultur/" in locations
    # A parent's archive lists its subcategories' posts, so it is worth crawling too.
    assert "http://testserver/beitraege/kategorie/region/" in locations
    assert f"http://testserver/beitraege/kategorie/{empty.slug}/" not in locations
    assert any("/beitraege/autor/" in location for location in locations)
    assert "http://testserver/beitraege/autor/ohne-beitraege/" not in locations
    assert len(locations) == len(set(locations))


@pytest.mark.parametrize("url", ["/beitraege/feed/", "/beitraege/feed/atom/", "/beitraege/kategorie/wirtschaft/feed/"])
def test_a_control_character_in_a_title_does_not_break_the_feed(client, blog_index, author, category, url):
    """A vertical tab pasted into a title (or brought along by the WordPress import) made Django's feed
    writer raise (XML 1.0 cannot carry it): the whole feed answered 500."""
    from blog.factories import BlogPostPageFactory

    BlogPostPageFactory(
        parent=blog_index, title="Titel\x0bmit Tab", intro="Vor\x1bspann", authors=[author], categories=[category]
    )
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 200
    entry = feedparser.parse(response.content).entries[0]
    assert entry.title == "Titelmit Tab"
    assert entry.summary == "Vorspann"
