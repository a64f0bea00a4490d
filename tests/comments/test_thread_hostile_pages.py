"""Attacks on the pages of a post's threads (comments/threads.py): hostile page numbers and landings, a
reader's own held comments, the recommended order, a form sent from another page, and what a stream of
page numbers does to the compiled queries (core/compiled.py). Written by the attack on the partial
loading of long columns (bench/PROFILE.md, third round), which was left out; these hold for main."""

import pytest

from django.core import signing
from django.db import DEFAULT_DB_ALIAS, connections

from comments.factories import PostCommentFactory
from comments.models import PostComment, Status
from comments.threads import ORDERS, _public_comments_query
from comments.utils import PREVIEW_COOKIE, PREVIEW_SALT
from core import compiled

# The same page size, client and reading of the thread as the property test of the pages.
from .test_thread_pages_property import PER_PAGE, reader_client, shown, two_threads_per_page  # noqa: F401, E402


def kept_entries():
    return connections[DEFAULT_DB_ALIAS].__dict__.get("_core_compiled", (None, {}))[1]


@pytest.mark.django_db
def test_page_numbers_that_do_not_exist_do_not_fill_the_compiled_query_cache(post):
    """A `?seite=N` must not compile and keep a shape of its own (as an offset in the SQL would) before the
    page is found missing: MAX_ENTRIES requests for pages that do not exist would fill the connection's
    cache for good, and every shape needed afterwards (any hot query) would be compiled on every run."""
    for n in range(5):
        PostCommentFactory(post=post, status=Status.APPROVED, comment=f"Faden {n}")
    client = reader_client()
    assert client.get(post.url).status_code == 200
    for number in range(4, 4 + compiled.MAX_ENTRIES):
        assert client.get(f"{post.url}?seite={number}").status_code == 404
    for order in ORDERS:
        for number in (1, 2, 3):
            query = "&".join(part for part in (f"kommentare={order}" if order else "", f"seite={number}") if part)
            assert client.get(f"{post.url}?{query}").status_code == 200
    thread_shapes = [key for key in kept_entries() if key[0] is _public_comments_query]
    assert len(thread_shapes) <= len(ORDERS)
    assert len(kept_entries()) < compiled.MAX_ENTRIES


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "seite=999999",
        "seite=1000000",
        "seite=3&seite=2",
        "seite=2&seite=3",
        "kommentare=neueste&kommentare=empfohlen&seite=3",
        "kommentar=999999999999999999999999",
        "kommentar=-1",
        "antwort=99999999999999999999",
        "kommentar=%d&seite=2",
    ],
)
def test_hostile_page_and_landing_parameters_give_a_page_or_a_404_never_a_500(post, query):
    roots = [PostCommentFactory(post=post, status=Status.APPROVED, comment=f"Faden {n}") for n in range(5)]
    if "%d" in query:
        query = query % roots[4].pk
    response = reader_client().get(f"{post.url}?{query}")
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        texts = [text for _, text in shown(response)]
        assert texts and all(text.startswith("Faden ") for text in texts)
        assert len(set(texts)) == len(texts)


@pytest.mark.django_db
def test_a_form_sent_from_another_page_shows_page_one_with_its_own_texts(post):
    """The page check loads the texts of `?seite=3`; the form sent again shows page 1 (`CommentSection`),
    whose rows then lack their texts: they must come, each under its own comment."""
    roots = [PostCommentFactory(post=post, status=Status.APPROVED, comment=f"Faden {n}") for n in range(5)]
    client = reader_client()
    response = client.post(f"{post.url}?seite=3", {"comment": "", "name": "", "email": "", "reply_to": "0"})
    assert response.status_code == 200
    assert shown(response) == [(roots[0].pk, "Faden 0"), (roots[1].pk, "Faden 1")]


@pytest.mark.django_db
def test_recommended_order_with_a_recommended_reply_and_a_hidden_parent(post):
    """A recommended reply lifts its thread; a public reply under a held comment is never shown; the texts
    on the second page of "empfohlen" are their own."""
    roots = [PostCommentFactory(post=post, status=Status.APPROVED, comment=f"Faden {n}") for n in range(4)]
    reply = PostCommentFactory(post=post, parent=roots[3], status=Status.APPROVED, comment="Empfohlene Antwort")
    PostComment.objects.filter(pk=reply.pk).update(is_recommended=True)
    held = PostCommentFactory(post=post, parent=roots[1], status=Status.PENDING, comment="Gehalten")
    orphan = PostCommentFactory(post=post, parent=held, status=Status.APPROVED, comment="Waise")
    PostComment.objects.filter(pk=orphan.pk).update(is_public=True)
    first = reader_client().get(f"{post.url}?kommentare=empfohlen")
    second = reader_client().get(f"{post.url}?kommentare=empfohlen&seite=2")
    assert shown(first) == [(roots[3].pk, "Faden 3"), (reply.pk, "Empfohlene Antwort"), (roots[0].pk, "Faden 0")]
    assert shown(second) == [(roots[1].pk, "Faden 1"), (roots[2].pk, "Faden 2")]
    for response in (first, second):
        assert b"Gehalten" not in response.content and b"Waise" not in response.content


@pytest.mark.django_db
def test_a_reader_with_a_held_reply_lands_on_its_page_with_every_text_its_own(post):
    """The signed preview cookie makes the thread of instances (every text loaded); the landing on page 3
    shows the held reply to its writer only, and every other reader the same page without it."""
    roots = [PostCommentFactory(post=post, status=Status.APPROVED, comment=f"Faden {n}") for n in range(5)]
    held = PostCommentFactory(post=post, parent=roots[4], status=Status.PENDING, comment="Meine wartende Antwort")
    writer = reader_client()
    writer.cookies[PREVIEW_COOKIE] = signing.dumps([held.pk], salt=PREVIEW_SALT)
    mine = writer.get(f"{post.url}?kommentar={held.pk}")
    assert shown(mine) == [(roots[4].pk, "Faden 4"), (held.pk, "Meine wartende Antwort")]
    other = reader_client().get(f"{post.url}?kommentar={held.pk}")
    assert shown(other) == [(roots[0].pk, "Faden 0"), (roots[1].pk, "Faden 1")]
    landed = reader_client().get(f"{post.url}?kommentar={roots[4].pk}")
    assert shown(landed) == [(roots[4].pk, "Faden 4")]
    assert b"Meine wartende Antwort" not in other.content + landed.content
