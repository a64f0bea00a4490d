"""A comment's HTML is rendered once and stored (comments/rendering.py); the thread under a post is one
query and one loop, and a page view right after a moderator's decision renders and writes nothing."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments import lifecycle, rendering
from comments.factories import PostCommentFactory
from comments.models import PostComment, Status

from .conftest import approve


def stored(comment):
    return PostComment.objects.values_list("html", "html_key").get(pk=comment.pk)


def updates(queries):
    return [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith("UPDATE")]


@pytest.mark.django_db
def test_approval_stores_the_html_and_the_next_page_view_writes_nothing(client, post):
    comment = PostCommentFactory(post=post, comment="Die Maare sind tief. https://eifel.example/maar")
    assert stored(comment) == ("", "")  # held: nobody but its author sees it, nothing stored

    approve(comment)

    html, key = stored(comment)
    comment.refresh_from_db()
    assert key == rendering.html_key(comment)
    assert "Die Maare sind tief." in html
    assert 'href="https://eifel.example/maar"' in html and 'rel="nofollow ugc noopener"' in html
    assert comment.user_email not in html
    with CaptureQueriesContext(connection) as queries:
        response = client.get(post.url)
    assert response.status_code == 200
    assert html in response.content.decode()
    assert updates(queries) == []


@pytest.mark.django_db
def test_edit_and_anonymisation_store_the_new_html(post):
    comment = approve(PostCommentFactory(post=post, user_name="Hanna Berg", comment="Alter Text"))

    lifecycle.edit(comment, "Neuer Text")
    assert "Neuer Text" in stored(comment)[0] and "Alter Text" not in stored(comment)[0]

    lifecycle.anonymise([comment])
    html = stored(comment)[0]
    assert "Anonym" in html and "Hanna Berg" not in html and ">HB<" not in html


@pytest.mark.django_db
def test_a_row_changed_behind_the_lifecycles_back_is_rendered_again(client, post):
    """The key covers every shown field: an UPDATE from anywhere (the WordPress import writes rows) is
    seen at the next page view, which shows the new text and stores it."""
    comment = approve(PostCommentFactory(post=post, comment="Erster Stand"))
    PostComment.norel_objects.filter(pk=comment.pk).update(comment="Zweiter Stand", user_name="Neuer Name")

    with CaptureQueriesContext(connection) as queries:
        content = client.get(post.url).content.decode()

    assert "Zweiter Stand" in content and "Neuer Name" in content and "Erster Stand" not in content
    assert len(updates(queries)) == 1
    assert "Zweiter Stand" in stored(comment)[0]


@pytest.mark.django_db
def test_a_new_markup_version_renders_every_comment_again_once(client, post, monkeypatch):
    comments = [approve(PostCommentFactory(post=post)) for _ in range(3)]
    old_keys = {stored(comment)[1] for comment in comments}

    monkeypatch.setattr(rendering, "MARKUP_VERSION", rendering.MARKUP_VERSION + "-next")
    rendering.markup_version.cache_clear()
    try:
        with CaptureQueriesContext(connection) as first:
            client.get(post.url)
        with CaptureQueriesContext(connection) as second:
            client.get(post.url)
    finally:
        monkeypatch.undo()
        rendering.markup_version.cache_clear()

    assert len(updates(first)) == 1  # all three in one UPDATE
    assert updates(second) == []
    assert not old_keys & {stored(comment)[1] for comment in comments}


@pytest.mark.django_db
def test_held_comment_is_never_stored_and_shown_only_with_its_notice_to_its_author(client, post, post_comment):
    response = post_comment(post, name="Gerda", comment="Mein wartender Kommentar")
    comment = PostComment.objects.get(comment="Mein wartender Kommentar")
    assert comment.status == Status.PENDING

    own_view = client.get(post.url).content.decode()  # the preview cookie from sending it
    client.cookies.clear()
    other_view = client.get(post.url).content.decode()

    assert response.status_code == 303
    assert "Mein wartender Kommentar" in own_view and "wartet auf Freischaltung" in own_view
    assert 'class="comment comment--held"' in own_view
    assert "Mein wartender Kommentar" not in other_view
    assert stored(comment) == ("", "")


@pytest.mark.django_db
def test_thread_keeps_nesting_staff_mark_permalinks_and_reply_links(client, post, moderator):
    parent = approve(PostCommentFactory(post=post, user_name="Anna", comment="Oben"))
    reply = approve(PostCommentFactory(parent=parent, user_name="Bernd", comment="Darunter"))
    staff = lifecycle.reply_as_staff(reply, "Antwort der Redaktion hier", moderator)
    second = approve(PostCommentFactory(post=post, comment="Zweiter Faden"))

    from bs4 import BeautifulSoup

    html = BeautifulSoup(client.get(post.url).content, "html.parser")
    top = html.select("ol.comment-list > li.comment")
    assert [item["id"] for item in top] == [f"c{parent.pk}", f"c{second.pk}"]
    nested = html.select_one(f"#c{parent.pk} > ol.comment__children > li#c{reply.pk} > ol.comment__children > li")
    assert nested["id"] == f"c{staff.pk}" and "comment--staff" in nested["class"]
    assert nested.select_one(".comment__badge").get_text() == "Redaktion"
    assert html.select_one(f"#c{reply.pk} .comment__permalink")["href"] == f"/kommentare/{reply.pk}/"
    link = html.select_one(f"#kommentar-{parent.pk} > .comment__actions .comment__reply")
    assert link["href"] == f"?antwort={parent.pk}#kommentieren" and link["data-reply-name"] == "Anna"


def test_reply_names_are_escaped_as_html_escape_does():
    import html

    for name in ('<script>alert("x")</script>', "O'Brien & Söhne", "&amp; schon escaped", "", "Ä > B < C"):
        assert name.translate(rendering._HTML_ESCAPES) == html.escape(name)
