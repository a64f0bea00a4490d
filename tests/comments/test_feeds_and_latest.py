"""Where the conversation is: comment feeds (RSS, Atom) and the "Neueste Kommentare" box."""

import pytest
from defusedxml import ElementTree as ET

from django.test import override_settings

from blog.factories import BlogPostPageFactory
from comments.factories import PostCommentFactory
from comments.models import Status

from .conftest import approve

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def conversation(post, blog_index, author, category, committed):
    other = BlogPostPageFactory(parent=blog_index, title="Zweiter Beitrag", slug="zweiter", authors=[author])
    with committed():
        first = approve(
            PostCommentFactory(post=post, user_name="Anna", comment="Erster!", user_email="anna@example.org")
        )
        approve(PostCommentFactory(post=other, user_name="Bernd", comment="Anderswo.", user_email="bernd@example.org"))
        PostCommentFactory(post=post, user_name="Held", comment="Wartet noch.", user_email="held@example.org")
        PostCommentFactory(post=post, status=Status.SPAM, comment="Spam!")
        hidden_parent = PostCommentFactory(post=post, status=Status.WITHDRAWN, comment="Zurückgezogen.")
        PostCommentFactory(parent=hidden_parent, status=Status.APPROVED, comment="Antwort auf Verborgenes.")
    return {"post": post, "other": other, "first": first}


def rss_items(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    return [(item.findtext("title"), item.findtext("description"), item.findtext("link")) for item in root.iter("item")]


def test_site_feed_lists_only_public_comments_without_addresses(client, conversation):
    response = client.get("/kommentare/feed/")
    items = rss_items(response)
    texts = [description for _title, description, _link in items]
    assert sorted(texts) == ["Anderswo.", "Erster!"]
    assert "Anna zu „Ein Beitrag aus der Eifel“" in [title for title, _d, _l in items]
    body = response.content.decode()
    for secret in ("@example.org", "Wartet noch", "Spam!", "Zurückgezogen", "Verborgenes"):
        assert secret not in body
    first = conversation["first"]
    # The link is the comment's permalink (it finds the page of threads that shows it).
    assert f"http://testserver/kommentare/{first.pk}/" in [link for _t, _d, link in items]


def test_post_feeds_rss_and_atom_list_that_post_only(client, conversation):
    post = conversation["post"]
    assert [d for _t, d, _l in rss_items(client.get(f"/kommentare/beitrag/{post.pk}/feed/"))] == ["Erster!"]
    atom = client.get(f"/kommentare/beitrag/{post.pk}/feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    entries = ET.fromstring(atom.content).findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}author/{ATOM}name") for entry in entries] == ["Anna"]
    assert entries[0].find(f"{ATOM}author/{ATOM}email") is None
    assert client.get("/kommentare/feed/atom/").status_code == 200


def test_feeds_of_unpublished_or_unknown_posts_are_404(client, conversation):
    other = conversation["other"]
    other.unpublish()
    assert client.get(f"/kommentare/beitrag/{other.pk}/feed/").status_code == 404
    assert client.get("/kommentare/beitrag/999999/feed/atom/").status_code == 404
    assert [d for _t, d, _l in rss_items(client.get("/kommentare/feed/"))] == ["Erster!"]


@override_settings(FRAGMENT_CACHE_SECONDS=600)
def test_cached_feed_and_box_show_a_new_approval_at_once(client, conversation, committed, blog_index):
    post = conversation["post"]
    assert len(rss_items(client.get("/kommentare/feed/"))) == 2
    assert len(rss_items(client.get(f"/kommentare/beitrag/{post.pk}/feed/"))) == 1
    assert "Anna" in client.get(blog_index.url).content.decode()
    with committed():
        approve(PostCommentFactory(post=post, user_name="Clara", comment="Neu!"))
    assert len(rss_items(client.get("/kommentare/feed/"))) == 3
    assert len(rss_items(client.get(f"/kommentare/beitrag/{post.pk}/feed/"))) == 2
    assert "Clara" in client.get(blog_index.url).content.decode()


def test_post_page_links_its_and_the_sites_comment_feeds(client, conversation):
    post = conversation["post"]
    html = client.get(post.url).content.decode()
    assert (
        f'<link rel="alternate" type="application/rss+xml" title="Kommentare zu „Ein Beitrag aus der Eifel“ – RSS-Feed" href="/kommentare/beitrag/{post.pk}/feed/">'
        in html
    )
    assert f'href="/kommentare/beitrag/{post.pk}/feed/atom/"' in html
    assert 'href="/kommentare/feed/"' in html


def test_latest_comments_box_shows_public_comments_with_links(client, conversation, blog_index):
    html = client.get(blog_index.url).content.decode()
    assert "Neueste Kommentare" in html
    first = conversation["first"]
    assert f'Anna zu <a href="/kommentare/{first.pk}/">Ein Beitrag aus der Eifel</a>' in html
    assert "Held" not in html.split("Neueste Kommentare")[1]
    assert "@example.org" not in html


@override_settings(FRAGMENT_CACHE_SECONDS=600)
def test_every_listing_teaser_shows_its_comment_count(client, conversation, committed, blog_index):
    post, other = conversation["post"], conversation["other"]
    link = f'<a href="{other.url}#kommentare">Ein Kommentar</a>'
    assert link in client.get(blog_index.url).content.decode()
    assert link in client.get("/").content.decode()
    # "Weitere Beiträge" under a post shows no count: an approval on one post would otherwise change
    # (and re-render) every article that links to it.
    assert f"{other.url}#kommentare" not in client.get(post.url).content.decode()
    with committed():
        approve(PostCommentFactory(post=other, comment="Noch einer."))
    assert f'<a href="{other.url}#kommentare">2 Kommentare</a>' in client.get(blog_index.url).content.decode()


@pytest.mark.parametrize("character", ["\x0b", "\x1b", "\x08", "\x0c"])
def test_a_control_character_a_reader_typed_does_not_break_the_feeds(post, client, committed, character):
    """The comment form takes a vertical tab or an escape character; XML 1.0 cannot carry them and Django's
    feed writer raised on them, so one approved comment broke the site's feed for everyone (a 500)."""
    from django.test import Client

    with committed():
        approve(
            PostCommentFactory(
                post=post, user_name=f"An{character}na", comment=f"Mit{character}Zeichen", user_email="a@example.org"
            )
        )
    client = Client(raise_request_exception=False)
    for url in ("/kommentare/feed/", f"/kommentare/beitrag/{post.pk}/feed/"):
        items = rss_items(client.get(url))
        assert items[0][:2] == ("Anna zu „Ein Beitrag aus der Eifel“", "MitZeichen")
    for url in ("/kommentare/feed/atom/", f"/kommentare/beitrag/{post.pk}/feed/atom/"):
        response = client.get(url)
        assert response.status_code == 200
        entry = ET.fromstring(response.content).find(f"{ATOM}entry")
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Anna"
