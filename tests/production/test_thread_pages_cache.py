"""A post's pages and orders of comment threads in the full-page cache (comments/threads.py,
core/middleware.py `register_cacheable_parameter`): one entry per canonical spelling, none for
anything else, and all of them dropped when the post's comments change."""

import pytest

from django.core.cache import cache
from django.test import Client

from comments import lifecycle
from comments.factories import PostCommentFactory
from comments.models import Status

VARIANTS = ("", "?seite=2", "?kommentare=neueste", "?kommentare=empfohlen&seite=2")


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.COMMENTS_THREADS_PER_PAGE = 2
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def threads(post):
    return [PostCommentFactory(post=post, status=Status.APPROVED, comment=f"Faden {n}") for n in range(4)]


def test_each_canonical_order_and_page_is_cached_once(post, threads):
    for query in VARIANTS:
        assert Client().get(post.url + query)["X-Cache"] == "MISS", query
        assert Client().get(post.url + query)["X-Cache"] == "HIT", query


@pytest.mark.parametrize(
    "query",
    [
        "?seite=1",
        "?seite=2&kommentare=neueste",  # another order of the same parameters
        "?kommentare=neueste&kommentare=neueste",
        "?kommentare=%6Eeueste",
        "?kommentare=neueste&utm_source=x",
        "?kommentare=neueste&",
        "?kommentar=1",
    ],
)
def test_other_spellings_are_rendered_but_never_stored(post, threads, query):
    for _ in range(2):
        response = Client().get(post.url + query)
        assert response.status_code == 200
        assert response["X-Cache"] == "BYPASS"


@pytest.mark.parametrize("query", ["?seite=3", "?seite=99999", "?kommentare=x", "?kommentare=neueste&seite=0"])
def test_pages_that_do_not_exist_are_never_stored(post, threads, query):
    for _ in range(2):
        response = Client().get(post.url + query)
        assert response.status_code == 404
        assert response["X-Cache"] == "BYPASS"


def test_a_change_of_the_posts_comments_drops_every_cached_order_and_page(post, threads, committed):
    for query in VARIANTS:
        Client().get(post.url + query)
        assert Client().get(post.url + query)["X-Cache"] == "HIT"
    newest = PostCommentFactory(post=post, comment="Ganz neuer Faden")
    with committed():
        lifecycle.apply(newest, "approve")
    for query in VARIANTS:
        assert Client().get(post.url + query)["X-Cache"] == "MISS", query
    assert "Ganz neuer Faden" in Client().get(post.url + "?kommentare=neueste").content.decode()

    # A recommendation changes what "Empfohlen" shows: that too drops the variants.
    with committed():
        lifecycle.recommend(threads[3], True)
    response = Client().get(post.url + "?kommentare=empfohlen")
    assert response["X-Cache"] == "MISS"
    assert "Empfehlung der Redaktion" in response.content.decode()
