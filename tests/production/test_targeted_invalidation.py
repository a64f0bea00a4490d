"""Targeted invalidation (core/cache.py): a change re-renders what shows it, and nothing else.

21 posts in one category, every page and fragment cached. Approving a comment on one post (A) must
re-render A and the listings that show A's comment count, and leave the other 20 posts' pages and
fragments as hits; publishing a new post must re-render the listings, not the articles.
"""

import datetime

import pytest

from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from blog.factories import BlogPostPageFactory
from comments.factories import PostCommentFactory, make_staff
from core import cache as caching

from .conftest import rendered_client

pytestmark = pytest.mark.usefixtures("shared_caches")


@pytest.fixture
def site(blog_index, author, category, committed):
    today = datetime.date.today()
    with committed():
        others = [
            BlogPostPageFactory(
                parent=blog_index,
                title=f"Anderer Beitrag {number}",
                slug=f"anderer-{number}",
                date=today - datetime.timedelta(days=number + 1),
                authors=[author],
                categories=[category],
            )
            for number in range(20)
        ]
        post_a = BlogPostPageFactory(
            parent=blog_index, title="Beitrag A", slug="beitrag-a", date=today, authors=[author], categories=[category]
        )
    return {"a": post_a, "others": others, "index": blog_index, "category": category}


def warm(urls):
    for url in urls:
        Client().get(url)
        assert Client().get(url)["X-Cache"] == "HIT", url
        rendered_client().get(url)


def fragment_stores(monkeypatch):
    """The keys of the fragments stored from now on (a stored fragment is one that was rendered)."""
    stored = []
    real_store = caching.store

    def recording_store(key, value, rec, timeout):
        if key.startswith("fragment:"):
            stored.append(key)
        return real_store(key, value, rec, timeout)

    monkeypatch.setattr(caching, "store", recording_store)
    return stored


def test_approving_a_comment_re_renders_its_post_and_the_listings_that_show_it_and_nothing_else(
    site, client, committed, monkeypatch
):
    post_a, others, index = site["a"], site["others"], site["index"]
    category_url = index.url + f"kategorie/{site['category'].slug}/"
    listings_with_a = ["/", index.url, category_url]
    listing_without_a = index.url + "?seite=2"
    warm([post_a.url, *(post.url for post in others), *listings_with_a, listing_without_a])
    held = PostCommentFactory(post=post_a, comment="Jetzt freigegeben")
    client.force_login(make_staff("moderatorin", groups=["Moderatoren"]))

    with committed():
        client.post(reverse("comment_moderation:moderate", args=[held.pk, "approve"]))

    stored = fragment_stores(monkeypatch)
    for post in others:
        assert Client().get(post.url)["X-Cache"] == "HIT", post.url
        rendered_client().get(post.url)
    assert stored == [], "the other posts' fragments must all be hits"
    # A listing page without A changes too, but only through its sidebar's "Neueste Kommentare" box.
    later_page = Client().get(listing_without_a)
    assert later_page["X-Cache"] == "MISS"
    assert f"{held.user_name} zu" in later_page.content.decode().split("Neueste Kommentare")[1]

    response = Client().get(post_a.url)
    assert response["X-Cache"] == "MISS"
    assert "Jetzt freigegeben" in response.content.decode()
    for url in listings_with_a:
        response = Client().get(url)
        assert response["X-Cache"] == "MISS", url
        assert "Ein Kommentar" in response.content.decode(), url


def test_a_new_post_re_renders_the_listings_not_the_articles(site, committed):
    post_a, others, index = site["a"], site["others"], site["index"]
    warm([post_a.url, *(post.url for post in others), "/", index.url])

    with committed():
        BlogPostPageFactory(parent=index, title="Ganz neu", slug="ganz-neu", categories=[site["category"]])

    for post in [post_a, *others]:
        assert Client().get(post.url)["X-Cache"] == "HIT", post.url
    for url in ("/", index.url):
        response = Client().get(url)
        assert response["X-Cache"] == "MISS", url
        assert "Ganz neu" in response.content.decode()


def test_the_entries_carry_the_tags_of_what_they_show(site):
    post_a = site["a"]
    Client().get(post_a.url)
    entry = cache.get(
        next(key.removeprefix(":1:") for key in cache._cache if key.startswith(":1:page:") and ":fragment" not in key)
    )
    tags = set(entry["tags"])
    assert {f"page:{post_a.pk}", f"comments:{post_a.pk}", f"category:{site['category'].pk}", "site", "menu"} <= tags
    assert "listings" not in tags
